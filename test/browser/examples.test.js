'use strict';
// Every example imported through the real menu (Import > Examples), deployed, and run against the sandbox; the
// scan-code example end to end in the browser (demo page -> cashier page -> "pay" -> the flow reports paid).
const assert = require('node:assert/strict');
const h = require('./helpers');
const { queryHisDatabase } = require('../../scripts/demo/his-db');
const { loadExamples } = require('../../scripts/demo/lib');

const MODULE = '@hisflow/node-red-upp';

async function waitFor(fn, what, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Menu > Import > Examples > @hisflow/node-red-upp > <title>, into a new flow. */
async function importExample(page, title, expectConflict) {
  await page.click('#red-ui-header-button-sidemenu');
  await page.click('#menu-item-import');
  await page.click('#red-ui-tab-red-ui-clipboard-dialog-import-tab-examples a.red-ui-tab-label');
  const tab = page.locator('#red-ui-clipboard-dialog-import-tab-examples');
  const entry = tab.locator('.red-ui-treeList-label').filter({ hasText: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) });
  const moduleLabel = tab.locator('.red-ui-treeList-label', { hasText: MODULE }).first();
  await moduleLabel.waitFor({ state: 'visible' });
  if (!(await entry.isVisible())) await moduleLabel.click();
  await entry.waitFor({ state: 'visible' });
  await entry.click();
  await page.click('#red-ui-clipboard-dialog-import-opt-new');
  await page.click('#red-ui-clipboard-dialog-ok');
  if (expectConflict) {
    // The shared UPP config node is already there: Node-RED asks; "Import copy" reuses the existing config node.
    // (The shared HIS database config node alone raises no question: example 07 imports straight away.)
    const note = page
      .locator('.red-ui-notification:visible')
      .filter({ has: page.locator('button') })
      .last();
    await note.waitFor();
    await note.locator('button', { hasText: /Import copy/ }).click();
  }
  await page.locator('.red-ui-notification:has-text("Imported")').last().waitFor();
}

describe('browser: every example via Import > Examples, deployed and run', function () {
  this.timeout(240000);
  h.requireChromium(this);
  let stack;
  let browser;
  let page;
  let logFrom;
  const examples = loadExamples();

  before(async () => {
    stack = await h.startStack({ deploy: false });
    browser = await h.launchBrowser();
    page = await h.openEditor(browser, stack.url, 'en-US');
  });
  after(async () => {
    if (browser) await browser.close();
    if (stack) await stack.stop();
  });

  it('lists the package examples under Import > Examples and imports each into its own flow', async () => {
    await page.click('#red-ui-header-button-sidemenu');
    await page.click('#menu-item-import');
    await page.click('#red-ui-tab-red-ui-clipboard-dialog-import-tab-examples a.red-ui-tab-label');
    const tab = page.locator('#red-ui-clipboard-dialog-import-tab-examples');
    await tab.locator('.red-ui-treeList-label', { hasText: MODULE }).first().click();
    // The tree expands asynchronously: wait until the last example's entry is shown before reading the list.
    const lastTitle = examples[examples.length - 1].file.replace(/\.json$/, '');
    await tab.locator('.red-ui-treeList-label').filter({ hasText: lastTitle }).first().waitFor({ state: 'visible' });
    const listed = await tab.locator('.red-ui-treeList-label').allInnerTexts();
    for (const { file } of examples)
      assert.ok(listed.includes(file.replace(/\.json$/, '')), `${file} is listed: ${JSON.stringify(listed)}`);
    await page.screenshot({ path: h.artifact('import-examples-en-US.png') });
    await page.click('#red-ui-clipboard-dialog-cancel');

    const countTabs = () =>
      page.evaluate(() => {
        let n = 0;
        RED.nodes.eachWorkspace(() => n++);
        return n;
      });
    const before = await countTabs();
    for (const [i, { file, flow }] of examples.entries())
      await importExample(page, file.replace(/\.json$/, ''), i > 0 && flow.some((n) => n.type === 'upp-config'));
    assert.equal(await countTabs(), before + examples.length, 'one new flow per example');
    const state = await page.evaluate(() => {
      let configCount = 0;
      RED.nodes.eachConfig((n) => {
        if (n.type === 'upp-config') configCount++;
      });
      const invalid = [];
      RED.nodes.eachNode((n) => {
        if (n.valid === false) invalid.push(`${n.type} ${n.name || n.id}: ${JSON.stringify(n.validationErrors)}`);
      });
      RED.nodes.eachConfig((n) => {
        if (n.valid === false) invalid.push(`${n.type} ${n.name || n.id}`);
      });
      const types = new Set();
      RED.nodes.eachNode((n) => types.add(n.type));
      return { configCount, invalid, types: [...types] };
    });
    assert.equal(state.configCount, 1, 'the examples share one config node');
    assert.deepEqual(state.invalid, [], 'every imported node is valid');
    for (const type of h.PALETTE_TYPES) assert.ok(state.types.includes(type), `${type} is in the imported examples`);
  });

  it('deploys without errors or warnings once the config node points at the sandbox', async () => {
    // Point the shared config node at this test's sandbox, through the configuration-nodes sidebar.
    await page.click('#red-ui-header-button-sidemenu');
    await page.click('#menu-item-config-nodes');
    await page.locator(`#red-ui-sidebar-content .red-ui-palette-node:has-text("UPP sandbox")`).first().dblclick();
    await page.locator('#node-config-input-baseUrl').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#node-config-input-baseUrl').inputValue(), 'http://127.0.0.1:7000');
    await page.fill('#node-config-input-baseUrl', stack.sandbox.url);
    await page.click('#node-config-dialog-ok');
    await page.locator('#node-config-dialog-ok').waitFor({ state: 'detached' });

    await page.click('#red-ui-tab-debug-link-button');
    logFrom = stack.nodeRed.log.length;
    await h.deploy(page);
    // The network-test example runs on deploy.
    const ok = await waitFor(async () => (await h.debugMessages(page)).find((m) => m.name === 'front-end OK'), 'the network test result');
    assert.match(ok.text, /杭州恒生芸泰网络科技有限公司/);
  });

  it('runs the scan-code example end to end: demo page -> cashier page -> pay -> paid', async () => {
    const demo = await page.context().newPage();
    await demo.goto(`${stack.url}demo`);
    await demo.fill('#amount', '0.10');
    await demo.click('#create');
    const link = demo.locator('#payUrl[href]');
    await link.waitFor();
    const paymentNo = await demo.locator('#paymentNo').innerText();
    assert.match(await link.getAttribute('href'), /\/_sandbox\/cashier\?order=.+&t=/);
    assert.equal(await demo.locator('#status').getAttribute('data-status'), 'pending');
    const [cashier] = await Promise.all([demo.context().waitForEvent('page'), link.click()]);
    await cashier.waitForLoadState();
    await cashier.locator('#pay').click();
    await cashier.locator('#status[data-status="pay_success"]').waitFor();
    await demo.locator('#status[data-status="paid"]').waitFor({ timeout: 20000 });
    assert.equal(stack.sandbox.order(paymentNo).tradeStatus, 'pay_success');
    await cashier.close();

    // The same order through the other HTTP examples: refund (+ refund query), payment query, close.
    // The demo page carries the caller secret the POST endpoints require (X-UPP-Secret).
    const call = (method, url, body) =>
      demo.evaluate(
        async ({ method, url, body }) => {
          const secret = document.querySelector('meta[name=upp-secret]').content;
          const r = await fetch(url, {
            method,
            headers: { 'Content-Type': 'application/json', 'X-UPP-Secret': secret },
            body: body && JSON.stringify(body),
          });
          return { status: r.status, body: await r.json() };
        },
        { method, url, body },
      );
    const query = await call('GET', `pay/query?paymentNo=${paymentNo}&bizType=scan_pay`);
    assert.equal(query.body.outcome, 'success');
    assert.equal(query.body.tradeStatus, 'pay_success');
    const refund = await call('POST', 'pay/refund', { paymentNo, refundNo: `RF-${paymentNo}`, refundFee: '0.02' });
    assert.equal(refund.status, 200, JSON.stringify(refund.body));
    assert.equal(refund.body.outcome, 'success');
    const refundQuery = await call('GET', `pay/refund-status?requestNo=${refund.body.requestNo}`);
    assert.equal(refundQuery.body.outcome, 'success');
    assert.equal(refundQuery.body.data.refundFee, '0.02');
    const unpaid = await call('POST', 'pay/scan', { tradeFee: '0.40' });
    assert.equal(unpaid.body.outcome, 'pending');
    const close = await call('POST', 'pay/close', { paymentNo: unpaid.body.paymentNo, bizType: 'scan_pay' });
    assert.equal(close.body.outcome, 'success');
    assert.equal(close.body.data.isCloseOrder, 'Y');

    // The late-payment story (example 07): the patient pays the closed order anyway (the channel did not enforce
    // the close); the platform asks the HIS order view, which has the order closed, and refunds automatically.
    const closed = stack.sandbox.order(unpaid.body.paymentNo);
    await waitFor(
      async () => (await call('GET', `pay/status?paymentNo=${unpaid.body.paymentNo}`)).body.status === 'closed',
      'the HIS row closed',
    );
    const late = await demo.context().newPage();
    await late.goto(closed.payUrl);
    assert.equal(await late.locator('#status').getAttribute('data-status'), 'closed');
    await late.locator('#late-pay').click();
    await late.locator('#late li[data-state="refunded"]').waitFor();
    assert.match(await late.locator('#message').innerText(), /after_close/);
    const [decision] = stack.sandbox.his.decisions().filter((d) => d.paymentNo === unpaid.body.paymentNo);
    assert.equal(decision.answer, 'rows');
    assert.equal(decision.action, 'refund');
    await late.screenshot({ path: h.artifact('late-payment-refunded.png') });
    // The order the HIS has paid: a second payment through another channel is a duplicate, refunded; the first kept.
    const again = await late.context().newPage();
    await again.goto(stack.sandbox.order(paymentNo).payUrl);
    await again.locator('#late-pay').click();
    await again.locator('#late li[data-state="refunded"]').waitFor();
    assert.equal(stack.sandbox.order(paymentNo).tradeStatus, 'pay_success');
    await again.close();
    await late.close();
    await demo.close();
  });

  it('runs the barcode example from its inject buttons, through the poll node', async () => {
    const injects = await page.evaluate(() =>
      RED.nodes
        .filterNodes({ type: 'inject' })
        .filter((n) => /^pay /.test(n.name))
        .map((n) => ({ id: n.id, z: n.z, name: n.name })),
    );
    assert.equal(injects.length, 2);
    await page.evaluate((z) => RED.workspaces.show(z), injects[0].z);
    for (const inject of injects) await page.locator(`[id="${inject.id}"] .red-ui-flow-node-button`).click();
    // 12.00 is paid at once; 0.22 only at the 2nd query (the poll node asks every 5 s). Each is an HIS row.
    const windowRows = () =>
      queryHisDatabase(
        stack.hisDb,
        "SELECT amount, status FROM his_payment WHERE biz_type = 'barcode_pay' AND payment_no LIKE 'WIN%' ORDER BY amount",
      );
    await waitFor(
      async () => (await windowRows()).filter((r) => r.status === 'paid').length >= 2,
      'two barcode payments marked paid',
      30000,
    );
    assert.deepEqual(await windowRows(), [
      { amount: '0.22', status: 'paid' },
      { amount: '12.00', status: 'paid' },
    ]);
  });

  it('logged no errors or warnings and no error debug messages', async () => {
    const messages = await h.debugMessages(page);
    const errors = messages.filter((m) => /errors|failed/.test(m.name));
    assert.deepEqual(errors, [], 'no message reached an error debug node');
    assert.deepEqual(stack.problems(logFrom), [], 'Node-RED logged no warnings or errors after the deploy');
    await page.screenshot({ path: h.artifact('examples-deployed-en-US.png') });
    assert.deepEqual(page.uppErrors, []);
  });

  it('answers a bad amount with 400 from the Catch node, sending nothing', async () => {
    const before = stack.sandbox.requests().length;
    const bad = await page.evaluate(async (secret) => {
      const r = await fetch('pay/scan', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-UPP-Secret': secret },
        body: JSON.stringify({ tradeFee: '12.345' }),
      });
      return { status: r.status, body: await r.json() };
    }, stack.secret);
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /tradeFee/);
    assert.equal(bad.body.field, 'tradeFee');
    assert.equal(stack.sandbox.requests().length, before, 'nothing reached the sandbox');
    await waitFor(
      async () => (await h.debugMessages(page)).find((m) => m.name === 'errors' && /tradeFee/.test(m.text)),
      'the error in the debug sidebar',
    );
  });
});
