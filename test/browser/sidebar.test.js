'use strict';
// The UPP sidebar tab in Chromium, with the demo's flows deployed plus a tab that leaves one payment being polled
// and one poll undetermined: both appear, in English and in Chinese; "query now" shows the answer on the item and
// "dismiss" removes it. With adminAuth: no token -> 401; a read-only user sees the sidebar but cannot act.
const assert = require('node:assert/strict');
const path = require('node:path');
const h = require('./helpers');

const ROOT = h.ROOT;
const bcrypt = require(require.resolve('bcryptjs', { paths: [path.dirname(require.resolve('node-red/package.json', { paths: [ROOT] }))] }));
const stamp = Date.now().toString(36);
const WAITING = `OPSW${stamp}`;
const UNDETERMINED = `OPSU${stamp}`;
const UNTIL_EXPIRY = `OPSE${stamp}`;
const USERS = { admin: 'admin-pw-Browser1', viewer: 'viewer-pw-Browser2' };

/** One more tab: inject on deploy -> scan-code -> poll, for a payment still being polled and one that gives up. */
function withOpsTab(flows) {
  const z = 'ops-test-tab';
  const extra = [{ id: z, type: 'tab', label: 'ops test', disabled: false, info: '' }];
  [
    { no: WAITING, interval: '600', attempts: '3' },
    { no: UNDETERMINED, interval: '0.05', attempts: '1' },
    { no: UNTIL_EXPIRY, interval: '600', attempts: '' }, // the default: until the order's expireTime
  ].forEach((p, i) => {
    const payload = JSON.stringify({ paymentNo: p.no, channelProduct: 'ali_scan_code', tradeFee: '10.00', subject: '挂号费' });
    extra.push(
      {
        id: `ops-inj${i}`,
        type: 'inject',
        z,
        name: '',
        props: [{ p: 'payload' }],
        repeat: '',
        crontab: '',
        once: true,
        onceDelay: 0.1,
        topic: '',
        payload,
        payloadType: 'json',
        x: 120,
        y: 60 + 80 * i,
        wires: [[`ops-scan${i}`]],
      },
      {
        id: `ops-scan${i}`,
        type: 'upp-scancode',
        z,
        name: `scan ${i}`,
        server: h.CONFIG_ID,
        x: 300,
        y: 60 + 80 * i,
        wires: [[], [`ops-poll${i}`]],
      },
      {
        id: `ops-poll${i}`,
        type: 'upp-poll',
        z,
        name: `poll ${i}`,
        server: h.CONFIG_ID,
        mode: 'payment',
        interval: p.interval,
        attempts: p.attempts,
        closeOnGiveUp: false,
        assumeRefunded: false,
        x: 480,
        y: 60 + 80 * i,
        wires: [[], [], []],
      },
    );
  });
  return [...flows, ...extra];
}

async function openUppTab(page) {
  await page.evaluate(() => RED.sidebar.show('upp-ops'));
  await page.locator('.upp-ops-body').waitFor({ state: 'visible' });
}

const RAW = /@hisflow\/node-red-upp\/upp-ops:|\b(?:label|kind|reason|reachable|outcome|time)\.[a-z][A-Za-z_]+\b/;

describe('browser: the UPP sidebar', function () {
  this.timeout(120000);
  h.requireChromium(this);
  let stack;
  let browser;
  before(async () => {
    stack = await h.startStack({ deploy: true, edit: withOpsTab });
    browser = await h.launchBrowser();
  });
  after(async () => {
    if (browser) await browser.close();
    if (stack) await stack.stop();
  });

  const TEXTS = {
    'en-US': [
      'Needs a person (2)',
      'Mismatched answer: the answer was about another order, refund or amount',
      'Undetermined: the poll ended without a final answer',
      'Being polled',
      'front-end answering',
      'attempts ran out without a final status (gave_up)',
      'Calls in the last hour',
    ],
    'zh-CN': [
      '需要人工处理 (2)',
      '应答不符：应答涉及其他订单、退款或金额',
      '结果未定：轮询结束仍无最终结果',
      '正在轮询',
      '前置机有应答',
      '次数用完仍无最终状态 (gave_up)',
      '最近一小时的调用',
    ],
  };

  it('a mismatched answer reaches the list (query now on a payment whose answer is about another order)', async () => {
    // The inject creates the order once the flows run: under load that can come after this test starts.
    for (let i = 0; i < 300 && !stack.sandbox.order(WAITING); i++) await new Promise((r) => setTimeout(r, 100));
    stack.sandbox.armFault('mismatch_paymentNo', { endpoint: 'query', paymentNo: WAITING, times: 1 });
    const res = await fetch(`${stack.url}upp/ops/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ config: h.CONFIG_ID, paymentNo: WAITING, bizType: 'scan_pay' }),
    });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).reason, 'mismatch');
  });

  for (const locale of ['en-US', 'zh-CN']) {
    it(`${locale}: a payment being polled and an undetermined one, with time, node, ids and reason`, async () => {
      const page = await h.openEditor(browser, stack.url, locale);
      await openUppTab(page);
      const item = page.locator(`.upp-ops-item[data-kind="undetermined"]:has-text("${UNDETERMINED}")`);
      await item.waitFor({ timeout: 30000 });
      const poll = page.locator(`.upp-ops-poll:has-text("${WAITING}")`);
      await poll.waitFor({ timeout: 30000 });
      const mismatch = page.locator(`.upp-ops-item[data-kind="mismatch"]:has-text("${WAITING}")`);
      await mismatch.waitFor({ timeout: 30000 });
      assert.match(
        await mismatch.innerText(),
        new RegExp(
          locale === 'en-US' ? `paymentNo: expected ${WAITING}, answer said X${WAITING}` : `paymentNo：应为 ${WAITING}，应答为 X${WAITING}`,
        ),
      );
      const text = await page.locator('.upp-ops').innerText();
      for (const expected of TEXTS[locale]) assert.ok(text.includes(expected), `${locale}: "${expected}" in\n${text}`);
      assert.doesNotMatch(text, RAW, 'no untranslated catalog key');
      const itemText = await item.innerText();
      assert.match(itemText, new RegExp(`paymentNo ${UNDETERMINED}`));
      assert.match(itemText, /poll 1 \(ops-poll1\)/, 'the node, by name and id');
      assert.match(itemText, /\d{1,2}:\d{2}:\d{2}/, 'the time');
      assert.match(
        await poll.innerText(),
        locale === 'en-US' ? /attempt 0 of 3 · next query \d+ min · started \d+ s ago/ : /第 0 \/ 3 次 · 下次查询 \d+ 分钟/,
      );
      // A poll without a cap runs until the order expires: the sidebar says so, with the expiry time as this browser shows times.
      const untilExpiry = page.locator(`.upp-ops-poll:has-text("${UNTIL_EXPIRY}")`);
      await untilExpiry.waitFor({ timeout: 30000 });
      const expireAt = Date.parse(`${stack.sandbox.order(UNTIL_EXPIRY).expireTime.replace(' ', 'T')}+08:00`);
      const shown = await page.evaluate((ms) => {
        const d = new Date(ms);
        return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString() : d.toLocaleString();
      }, expireAt);
      assert.ok(
        (await untilExpiry.innerText()).includes(
          locale === 'en-US' ? `attempt 0, until expiry at ${shown} · next query` : `第 0 次，直到过期（${shown}） · 下次查询`,
        ),
        await untilExpiry.innerText(),
      );
      assert.ok((await page.locator('.upp-ops-config[data-config] .upp-ops-calls tr[data-endpoint="scanCode"]').count()) === 1);
      if (locale === 'en-US') assert.doesNotMatch(text, h.CJK, 'no Chinese in the English sidebar (ids are ASCII)');
      if (locale === 'zh-CN') assert.match(text, h.CJK);
      await page.locator('#red-ui-sidebar').screenshot({ path: h.artifact(`upp-sidebar-${locale}.png`) });
      assert.ok(!text.includes(h.TEST_KEY));
      assert.deepEqual(page.uppErrors, []);
      await page.context().close();
    });
  }

  it('query now shows the answer on the item; dismiss removes it', async () => {
    const page = await h.openEditor(browser, stack.url, 'en-US');
    await openUppTab(page);
    const item = page.locator(`.upp-ops-item[data-kind="undetermined"]:has-text("${UNDETERMINED}")`);
    await item.waitFor({ timeout: 30000 });
    stack.sandbox.pay(UNDETERMINED);
    await item.locator('button.upp-ops-query').click();
    await page.locator(`.upp-ops-item:has-text("${UNDETERMINED}") .upp-ops-lastquery:has-text("pay_success")`).waitFor({ timeout: 15000 });
    await page.locator(`.upp-ops-item:has-text("${UNDETERMINED}") button.upp-ops-dismiss`).click();
    await page.locator(`.upp-ops-item:has-text("${UNDETERMINED}")`).waitFor({ state: 'detached', timeout: 15000 });
    assert.deepEqual(page.uppErrors, []);
    await page.context().close();
  });
});

describe('browser: the UPP sidebar with adminAuth', function () {
  this.timeout(120000);
  h.requireChromium(this);
  let stack;
  let browser;
  before(async () => {
    const users = [
      { username: 'admin', password: bcrypt.hashSync(USERS.admin, 8), permissions: '*' },
      { username: 'viewer', password: bcrypt.hashSync(USERS.viewer, 8), permissions: 'read' },
    ];
    stack = await h.startStack({ deploy: true, edit: withOpsTab, extraSettings: { adminAuth: { type: 'credentials', users } } });
    browser = await h.launchBrowser();
  });
  after(async () => {
    if (browser) await browser.close();
    if (stack) await stack.stop();
  });

  it('without a token the endpoints answer 401', async () => {
    assert.equal((await fetch(`${stack.url}upp/ops`)).status, 401);
    const post = await fetch(`${stack.url}upp/ops/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ config: h.CONFIG_ID, paymentNo: WAITING, bizType: 'scan_pay' }),
    });
    assert.equal(post.status, 401);
    assert.equal((await fetch(`${stack.url}upp/ops/attention/1/dismiss`, { method: 'POST' })).status, 401);
  });

  it('a read-only user sees the sidebar but cannot act (buttons disabled, the endpoints refuse)', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(stack.url);
    await page.locator('#node-dialog-login-username').fill('viewer');
    await page.locator('#node-dialog-login-password').fill(USERS.viewer);
    await page.locator('#node-dialog-login-submit').click();
    await page.locator('.red-ui-palette-node[data-palette-type="upp-poll"]').waitFor({ timeout: 30000 });
    await page.waitForFunction(() => window.RED && RED.workspaces && RED.workspaces.active());
    await openUppTab(page);
    const item = page.locator(`.upp-ops-item[data-kind="undetermined"]:has-text("${UNDETERMINED}")`);
    await item.waitFor({ timeout: 30000 });
    await page.locator(`.upp-ops-poll:has-text("${WAITING}")`).waitFor({ timeout: 30000 });
    assert.equal(await item.locator('button.upp-ops-query').isDisabled(), true);
    assert.equal(await item.locator('button.upp-ops-dismiss').isDisabled(), true);
    assert.equal(await item.locator('button.upp-ops-query').getAttribute('title'), 'You may look but not act (needs upp.write)');
    // The editor's own requests carry the viewer's token: reading works, acting is refused by the runtime.
    const statuses = await page.evaluate(
      async (id) => {
        const ask = (type, url, data) =>
          new Promise((resolve) =>
            $.ajax({ url, type, contentType: 'application/json', data: data && JSON.stringify(data) }).always((a, b, c) =>
              resolve((c && c.status) || a.status),
            ),
          );
        return {
          read: await ask('GET', 'upp/ops'),
          query: await ask('POST', 'upp/ops/query', { item: id }),
          dismiss: await ask('POST', `upp/ops/attention/${id}/dismiss`, {}),
        };
      },
      await item.getAttribute('data-id'),
    );
    assert.deepEqual(statuses, { read: 200, query: 401, dismiss: 401 });
    await page.screenshot({ path: h.artifact('upp-sidebar-read-only.png') });
    assert.deepEqual(errors, []);
    await context.close();
  });
});
