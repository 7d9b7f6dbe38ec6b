'use strict';
// The one-command demo (what `npm start` runs after building): scripts/demo.js on free ports, its demo page used
// in the browser end to end, the editor showing the deployed examples, and Ctrl-C (SIGINT) stopping both servers.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const h = require('./helpers');
const { freePort, loadExamples } = require('../../scripts/demo/lib');

function refused(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });
}

describe('browser: the npm start demo', function () {
  this.timeout(120000);
  h.requireChromium(this);
  let demo;
  let output = '';
  let exited;
  let browser;
  let ports;
  let tmp;

  before(async () => {
    const pkg = require(path.join(h.ROOT, 'package.json'));
    assert.equal(pkg.scripts.start, 'exec node scripts/demo.js');
    ports = { demo: await freePort(), sandbox: await freePort() };
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'upp-demo-test-'));
    const env = {
      ...process.env,
      DEMO_SKIP_BUILD: '1',
      DEMO_PORT: String(ports.demo),
      SANDBOX_PORT: String(ports.sandbox),
      DEMO_DIR: path.join(tmp, 'demo'),
    };
    delete env.UPP_KEY; // the demo supplies the sandbox's key itself
    demo = spawn(process.execPath, [path.join(h.ROOT, 'scripts', 'demo.js')], { cwd: h.ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    exited = new Promise((resolve) => demo.on('exit', (code, signal) => resolve({ code, signal })));
    demo.stdout.on('data', (d) => (output += d));
    demo.stderr.on('data', (d) => (output += d));
    const end = Date.now() + 60000;
    while (!/Press Ctrl-C to stop both/.test(output)) {
      if (Date.now() > end || demo.exitCode !== null) throw new Error(`the demo did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    browser = await h.launchBrowser();
  });
  after(async () => {
    if (browser) await browser.close();
    if (demo && demo.exitCode === null && demo.signalCode === null) {
      demo.kill('SIGTERM');
      await exited;
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('prints the editor and demo-page URLs', () => {
    assert.ok(output.includes(`http://127.0.0.1:${ports.demo}/ `) || output.includes(`http://127.0.0.1:${ports.demo}/\n`), output);
    assert.ok(output.includes(`http://127.0.0.1:${ports.demo}/demo`), output);
    assert.ok(!output.includes('sandbox-key-0001'), 'the key is not printed');
  });

  it('pays a scan-code order from the demo page through the sandbox cashier page', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 900, height: 800 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${ports.demo}/demo`);
    await page.fill('#amount', '0.10');
    await page.click('#create');
    const link = page.locator('#payUrl[href]');
    await link.waitFor();
    await page.screenshot({ path: h.artifact('demo-page-pending.png'), fullPage: true });
    const [cashier] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await cashier.waitForLoadState();
    await cashier.screenshot({ path: h.artifact('sandbox-cashier.png'), fullPage: true });
    await cashier.locator('#pay').click();
    await cashier.locator('#status[data-status="pay_success"]').waitFor();
    await page.bringToFront();
    await page.locator('#status[data-status="paid"]').waitFor({ timeout: 20000 });
    await page.screenshot({ path: h.artifact('demo-page-paid.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('shows the pay URL as a QR code: decoded from a screenshot of the page, it is the pay URL', async () => {
    const { PNG } = require('pngjs');
    const jsQR = require('jsqr');
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 900, height: 1000 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${ports.demo}/demo`);
    await page.fill('#amount', '0.10');
    await page.click('#create');
    await page.locator('#payUrl[href]').waitFor();
    await page.locator('#qr[src]').waitFor({ state: 'visible' });
    await page.waitForFunction(() => document.getElementById('qr').complete && document.getElementById('qr').naturalWidth > 0);
    const payUrl = await page.locator('#payUrl').getAttribute('href');
    const shot = await page.screenshot({ path: h.artifact('demo-page-qr.png') });
    const png = PNG.sync.read(shot);
    const code = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
    assert.ok(code, 'a QR code is found in the screenshot');
    assert.equal(code.data, payUrl);
    assert.match(payUrl, /^http:\/\/127\.0\.0\.1:\d+\//, 'the sandbox cashier page');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("reconciled yesterday's seeded trades at start (example 08): the page shows a few of each kind on both bills", async () => {
    const m = /Daily reconciliation of (\d{4}-\d{2}-\d{2}) \(example 08\) (\S+)/.exec(output);
    assert.ok(m, output);
    assert.equal(m[2], `http://127.0.0.1:${ports.demo}/upp/reconcile`);
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // The demo starts the run right after Node-RED is up: wait for both bills' reports.
    const end = Date.now() + 30000;
    for (;;) {
      await page.goto(`${m[2]}?day=${m[1]}`);
      if ((await page.locator('section[data-status="discrepancies"]').count()) === 2) break;
      if (Date.now() > end) throw new Error(`no reconciliation of ${m[1]} on the page:\n${await page.content()}`);
      await page.waitForTimeout(200);
    }
    for (const source of ['platform', 'channel']) {
      for (const kind of ['his_only', 'platform_only', 'amount_mismatch']) {
        for (const type of ['支付', '退款']) {
          const rows = page.locator(
            `section[data-source="${source}"] table.list tr[data-kind="${kind}"]:has(td:nth-child(2):text-is("${type}"))`,
          );
          assert.ok((await rows.count()) >= 1, `${source} ${kind} ${type}`);
        }
      }
      assert.ok((await page.locator(`section[data-source="${source}"] table.flagged tbody tr`).count()) >= 2, `${source} flagged rows`);
    }
    await page.screenshot({ path: h.artifact('demo-reconcile-zh-CN.png'), fullPage: true });
    await context.close();
  });

  it('shows the deployed examples in the editor, one tab each, with one config node', async () => {
    const page = await h.openEditor(browser, `http://127.0.0.1:${ports.demo}/`, 'en-US');
    const state = await page.evaluate(() => {
      const tabs = [];
      RED.nodes.eachWorkspace((w) => tabs.push(w.label));
      let configs = 0;
      RED.nodes.eachConfig((n) => {
        if (n.type === 'upp-config') configs++;
      });
      return { tabs, configs };
    });
    assert.deepEqual(
      state.tabs,
      loadExamples().map((e) => e.title),
    );
    assert.equal(state.configs, 1);
    await page.screenshot({ path: h.artifact('demo-editor-en-US.png') });
    assert.deepEqual(page.uppErrors, []);
    await page.context().close();
  });

  it('logged no warnings or errors', () => {
    const problems = output.split('\n').filter((l) => /\[(warn|error)\]/.test(l) && !/Projects disabled/.test(l));
    assert.deepEqual(problems, []);
  });

  it('stops Node-RED and the sandbox on Ctrl-C (SIGINT)', async () => {
    demo.kill('SIGINT');
    const result = await exited;
    assert.equal(result.code, 0, output.slice(-2000));
    assert.match(output, /UPP demo: stopped\./);
    assert.equal(await refused(ports.demo), true, 'Node-RED is gone');
    assert.equal(await refused(ports.sandbox), true, 'the sandbox is gone');
  });
});
