'use strict';
// The race the load test once met as "failed but paid", made deterministic: a barcode pay request times out at the
// client while it is still on its way to the front-end machine; the poll's queries and its give-up close reach the
// platform first and are answered 订单不存在 (order does not exist); then the pay arrives and the patient is charged.
// By spec §6 every close answer but isCloseOrder = N counts as closed, so the package reports the order closed
// (failed, assumed) and the HIS row is closed; the platform refunds a payment that completes after the close
// once the HIS real-time order (spec §10.2) shows no paid record. Checked here through the shipped examples 03
// (barcode at the window, SQLite HIS) and 07 (the HIS views), with a proxy that holds the pay request until the
// close has been answered (no timing decides the order of events: each step waits for the one before).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const h = require('./support/harness');
const { createHisDatabase, queryHisDatabase } = require('../../scripts/demo/his-db');
const { decide } = require('../../dist/nodes/sandbox/his');

const { helper, KEY } = h;
const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');
const CONFIG_ID = 'c0f1a0000000a0c1';
const HIS_DB_ID = 'd0b1a0000000d0b1';

/** A front-end machine on the hospital network as seen through a slow link: holds the requests `hold` picks. */
async function holdingProxy(target, hold) {
  const held = [];
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const forward = async () => {
      const answer = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        body,
      });
      const text = Buffer.from(await answer.arrayBuffer());
      // The client may have given up long ago: the answer then goes nowhere, as on a real network.
      if (res.destroyed || res.writableEnded) return { delivered: false, text: text.toString() };
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
      res.end(text);
      return { delivered: true, text: text.toString() };
    };
    if (hold(req, body)) held.push({ path: req.url, body: body.toString(), forward, clientGone: () => res.destroyed });
    else forward().catch(() => res.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    held,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Example nodes as a test flow: sqlite config on `dbFile`, the UPP config on `baseUrl`, debug nodes as helper sinks. */
function exampleNodes(file, { baseUrl, dbFile }) {
  return JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')).map((node) => {
    const copy = { ...node };
    delete copy.credentials;
    if (copy.type === 'upp-config') Object.assign(copy, h.configNode(CONFIG_ID, baseUrl, { payTimeout: '300', readTimeout: '2000' }));
    if (copy.type === 'sqlitedb') copy.db = dbFile;
    if (copy.type === 'debug') Object.assign(copy, { type: 'helper', wires: [] });
    return copy;
  });
}

async function until(check, what, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await h.sleep(20);
  }
}

describe('reliability: a barcode payment that completes after the give-up close (pay-after-close race)', function () {
  this.timeout(60000);
  let sb;
  let proxy;
  let dir;
  let dbFile;
  let nodeApp;
  let httpServer;
  let hisBase;

  /** Loaded beside the package's nodes: keeps the helper's HTTP In app (the HIS views' routes) for the server below. */
  const keepHttpNode = (RED) => {
    nodeApp = RED.httpNode;
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upp-race-'));
    dbFile = await createHisDatabase(path.join(dir, 'his.sqlite'));
    // The helper gives HTTP In routes an Express app but serves it nowhere: serve it here (the HIS views).
    httpServer = http.createServer((req, res) => (nodeApp ? nodeApp(req, res) : ((res.statusCode = 503), res.end())));
    await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    hisBase = `http://127.0.0.1:${httpServer.address().port}`;
    sb = await h.startSandbox({ port: 0, hisOrderUrl: `${hisBase}/his/order`, hisRetryMs: 3600000 });
    proxy = await holdingProxy(sb.url, (req) => req.url.endsWith('/access/barcode'));
  });

  after(async () => {
    await helper.unload();
    await proxy?.close();
    await sb?.close();
    httpServer.closeAllConnections();
    await new Promise((resolve) => httpServer.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ends closed (assumed) in the package and the HIS, and the HIS order view shows no paid record, so the platform refunds', async () => {
    const flow = [
      ...exampleNodes('03 - Barcode pay at the window.json', { baseUrl: proxy.url, dbFile }),
      ...exampleNodes('07 - HIS views for the platform.json', { baseUrl: proxy.url, dbFile }).filter(
        (n) => n.id !== CONFIG_ID && n.id !== HIS_DB_ID,
      ),
      { id: 'failedTap', type: 'helper', z: 'e030000000000000', wires: [] },
    ];
    const poll = flow.find((n) => n.type === 'upp-poll');
    // Give up after two queries, 50 ms apart (the example polls until the order expires: minutes).
    Object.assign(poll, { interval: '0.05', attempts: '2' });
    poll.wires[1].push('failedTap');
    // The test helper registers its Catch node once per catch node in the flow (the examples have three): once is enough.
    const registerCatch = helper._nodeModules.catch;
    const registered = new WeakSet();
    helper._nodeModules.catch = (red) => {
      if (registered.has(red)) return undefined;
      registered.add(red);
      return registerCatch(red);
    };
    await helper
      .load(
        [
          keepHttpNode,
          ...h.NODES,
          require('node-red-node-sqlite/sqlite.js'),
          require('@node-red/nodes/core/function/10-function.js'),
          require('@node-red/nodes/core/common/20-inject.js'),
          require('@node-red/nodes/core/common/90-comment.js'),
        ],
        flow,
        { [CONFIG_ID]: { key: KEY } },
      )
      .finally(() => (helper._nodeModules.catch = registerCatch));
    const failed = new Promise((resolve) => helper.getNode('failedTap').on('input', resolve));
    const paymentNo = h.uid('RACE');
    helper
      .getNode('e030000000000004')
      .receive({ payload: { paymentNo, tradeFee: '12.00', subject: '门诊缴费', authCode: '284712345678901234' } });

    // 1. The pay request is on its way (held), the client gives up on it: pending, then the poll.
    await until(() => proxy.held.length === 1, 'the pay request at the proxy');
    assert.equal(JSON.parse(proxy.held[0].body).paymentNo, paymentNo);
    // 2. The poll's queries and its close reach the platform before the pay: 订单不存在 to each.
    const msg = await failed;
    const close = sb.requests({ endpoint: 'close', paymentNo });
    assert.equal(close.length, 1, 'one close sent');
    assert.equal(close[0].response.result, false);
    assert.equal(close[0].response.msg, '订单不存在');
    assert.equal(sb.order(paymentNo), undefined, 'the platform has no order yet');
    assert.equal(msg.upp.outcome, 'failed');
    assert.equal(msg.upp.closed, true, 'closed: every close answer but isCloseOrder N counts as closed (spec 6)');
    assert.equal(msg.upp.assumed, true, 'the close was not confirmed: assumed, visible');
    assert.equal(msg.upp.poll.reason, 'closed');
    const { outcome, assumed, reason, msg: closeMsg } = msg.upp.poll.close;
    assert.deepEqual(
      { outcome, assumed, reason, msg: closeMsg },
      { outcome: 'closed', assumed: true, reason: 'rejected', msg: '订单不存在' },
    );
    await until(
      async () =>
        (await queryHisDatabase(dbFile, 'SELECT status FROM his_payment WHERE payment_no = ?', [paymentNo]))[0]?.status === 'closed',
      'the HIS row closed',
    );

    // 3. The pay arrives after all: the channel takes the money; its answer goes nowhere (the client gave up).
    assert.equal(proxy.held[0].clientGone(), true, 'the client gave up on the pay request');
    const late = await proxy.held[0].forward();
    assert.equal(late.delivered, false);
    assert.equal(sb.order(paymentNo)?.tradeStatus, 'pay_success', 'the race reproduced: paid after the close');
    await h.sleep(100); // anything the flow would still do with this order shows now
    const [row] = await queryHisDatabase(dbFile, 'SELECT status, out_payment_no AS outPaymentNo FROM his_payment WHERE payment_no = ?', [
      paymentNo,
    ]);
    assert.deepEqual(row, { status: 'closed', outPaymentNo: null }, 'the HIS row stays closed, never paid');

    // 4. The platform asks the HIS real-time order before refunding (spec 10.2): result true, no paid record.
    const outPaymentNo = sb.order(paymentNo).outPaymentNo;
    const res = await fetch(`${hisBase}/his/order`, {
      method: 'POST',
      headers: { 'content-type': 'application/json;charset=utf-8' },
      body: JSON.stringify({ paymentNo, outPaymentNo }),
    });
    const view = JSON.parse(await res.text());
    assert.equal(res.status, 200);
    assert.equal(view.result, true);
    assert.deepEqual(view.data, []);
    assert.equal(decide({ outPaymentNo }, view.data).action, 'refund', "the platform's rule refunds it");
  });
});
