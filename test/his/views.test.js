'use strict';
// upp-his-in / upp-his-out (nodes/his) served by Node-RED and called over HTTP by the sandbox playing the platform
// (nodes/sandbox/his.ts): the platform refunds a late payment only when the HIS answers result:true without a paid
// record of it; every other path is result:false and the payment is held. The rule "no [] without a database
// result" is checked with a fault in every position of the chain.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const helper = require('node-red-node-test-helper');
const { createHisDatabase, execHisDatabase } = require('../../scripts/demo/his-db');
const { startSandbox } = require('../../dist/nodes/sandbox');
const { scanOrder, send, dataOf, KEY } = require('../sandbox/support/helpers');

helper.init(require.resolve('node-red'));
const DIST = path.resolve(__dirname, '..', '..', 'dist', 'nodes');
const hisInNode = require(path.join(DIST, 'upp-his-in.js'));
const hisOutNode = require(path.join(DIST, 'upp-his-out.js'));
const sqliteNode = require('node-red-node-sqlite/sqlite.js');
const functionNode = require('@node-red/nodes/core/function/10-function.js');
const catchNode = require('@node-red/nodes/core/common/25-catch.js');

// The order view of the demo schema (scripts/demo/his-schema.sql): only paid and refunded rows, columns aliased.
const ORDER_SQL = `SELECT 'pay' AS tradeType, amount AS tradeFee, paid_at AS tradeTime, out_payment_no AS outTradeNo,
       in_payment_no AS inTradeNo, payment_no AS tradeNo
  FROM his_payment WHERE payment_no = $paymentNo AND status = 'paid'
UNION ALL
SELECT 'refund', amount, refunded_at, out_refund_no, NULL, refund_no
  FROM his_refund WHERE payment_no = $paymentNo AND status = 'refunded'`;
const BILL_SQL = `SELECT 'pay' AS tradeType, amount AS tradeFee, paid_at AS tradeTime, out_payment_no AS outTradeNo,
       in_payment_no AS inTradeNo, payment_no AS tradeNo, channel_type AS channelType, biz_type AS bizType
  FROM his_payment WHERE status = 'paid' AND paid_at BETWEEN $startTime AND $endTime
UNION ALL
SELECT 'refund', amount, refunded_at, out_refund_no, NULL, refund_no, NULL, NULL
  FROM his_refund WHERE status = 'refunded' AND refunded_at BETWEEN $startTime AND $endTime`;

describe('HIS views: upp-his-in -> database -> upp-his-out, called by the sandbox platform', function () {
  this.timeout(30000);
  let nodeApp;
  let server;
  let base;
  let sb;
  let dir;
  let dbFile;

  // The helper gives the nodes an Express app for HTTP In routes but serves it nowhere: serve it here.
  const hisIn = (RED) => {
    nodeApp = RED.httpNode;
    return hisInNode(RED);
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upp-his-'));
    dbFile = await createHisDatabase(path.join(dir, 'his.sqlite'));
    server = http.createServer((req, res) => (nodeApp ? nodeApp(req, res) : ((res.statusCode = 503), res.end())));
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${server.address().port}`;
    sb = await startSandbox({
      port: 0,
      key: KEY,
      hisOrderUrl: `${base}/his/order`,
      hisBillUrl: `${base}/his/bill`,
      hisTimeoutMs: 10000,
      hisRetryMs: 3600000,
    });
  });
  after(async () => {
    await helper.unload();
    await sb.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await helper.unload();
    nodeApp = undefined;
  });

  /**
   * in -> [before] -> sqlite -> [between] -> out, and Catch -> out. `before` / `between` are function bodies
   * (faults); `sql` null leaves the database node out (the function `between` is then the database).
   */
  function flow({
    kind = 'order',
    url = `/his/${kind}`,
    timeout = 1,
    allow = '',
    sql = kind === 'order' ? ORDER_SQL : BILL_SQL,
    before,
    between,
    db = dbFile,
  } = {}) {
    const nodes = [{ id: 'cfg', type: 'sqlitedb', db, mode: 'RW' }];
    const chain = [{ id: 'in', z: 'f', type: 'upp-his-in', kind, url, timeout, allow }];
    if (before) chain.push({ id: 'before', z: 'f', type: 'function', func: before, outputs: 1 });
    if (sql !== null) chain.push({ id: 'db', z: 'f', type: 'sqlite', mydb: 'cfg', sqlquery: 'prepared', sql });
    if (between) chain.push({ id: 'between', z: 'f', type: 'function', func: between, outputs: 1 });
    chain.push({ id: 'out', z: 'f', type: 'upp-his-out', wires: [] });
    for (let i = 0; i < chain.length - 1; i++) chain[i].wires = [[chain[i + 1].id]];
    nodes.push(...chain, { id: 'catcher', z: 'f', type: 'catch', scope: null, uncaught: false, wires: [['out']] });
    return nodes;
  }

  const load = (f) => helper.load([hisIn, hisOutNode, sqliteNode, functionNode, catchNode], f);

  async function post(url, body, headers = {}) {
    const res = await fetch(`${base}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, json: JSON.parse(await res.text()) };
  }

  /** A scan-code order at the platform, closed there, and its HIS row as given (status, paid or not). */
  async function closedOrder(tradeFee, hisRow = {}) {
    const { paymentNo, data } = await placed(tradeFee);
    dataOf(await send(sb, 'close', { paymentNo, bizType: 'scan_pay' }));
    await hisPayment(paymentNo, tradeFee, { out: data.outPaymentNo, ...hisRow });
    return { paymentNo, outPaymentNo: data.outPaymentNo };
  }

  async function placed(tradeFee) {
    return scanOrder(sb, tradeFee);
  }

  async function hisPayment(paymentNo, amount, { status = 'closed', out = null, paidAt = null } = {}) {
    const q = (v) => (v === null ? 'NULL' : `'${String(v).replace(/'/g, "''")}'`);
    await execHisDatabase(
      dbFile,
      `INSERT INTO his_payment (payment_no, amount, subject, biz_type, status, out_payment_no, paid_at, created_at, updated_at)
      VALUES (${q(paymentNo)}, ${q(amount)}, 'test', 'scan_pay', ${q(status)}, ${q(out)}, ${q(paidAt)}, '2026-11-28 10:00:00', '2026-11-28 10:00:00')`,
    );
  }

  async function latePay(paymentNo, channelType) {
    const late = sb.his.latePay(paymentNo, channelType);
    await sb.his.settled();
    return sb.his.latePayment(late.id);
  }

  it('order found paid in the HIS: the late payment is kept, never refunded', async () => {
    await load(flow());
    const { paymentNo, outPaymentNo } = await closedOrder('12.30');
    await execHisDatabase(
      dbFile,
      `UPDATE his_payment SET status = 'paid', paid_at = '2026-11-28 10:01:00' WHERE payment_no = '${paymentNo}'`,
    );
    const late = await latePay(paymentNo);
    assert.equal(late.state, 'kept');
    const [decision] = late.decisions;
    assert.equal(decision.answer, 'rows');
    assert.equal(decision.action, 'hold');
    assert.deepEqual(decision.rows, [
      { tradeType: 'pay', tradeFee: '12.30', tradeTime: '2026-11-28 10:01:00', outTradeNo: outPaymentNo, tradeNo: paymentNo },
    ]);
  });

  it('order not found paid (closed in the HIS): result:true, data [] and the platform refunds', async () => {
    await load(flow());
    const { paymentNo, outPaymentNo } = await closedOrder('3.00');
    assert.deepEqual((await post('/his/order', { paymentNo, outPaymentNo })).json, { result: true, msg: '', data: [] });
    const late = await latePay(paymentNo);
    assert.equal(late.kind, 'after_close');
    assert.equal(late.state, 'refunded');
    assert.equal(late.decisions.length, 1);
    assert.match(late.decisions[0].why, /no paid record/);
    assert.ok(late.refundNo && late.outRefundNo);
  });

  it('order refunded in the HIS: the platform refunds the late payment', async () => {
    await load(flow());
    const { paymentNo, outPaymentNo } = await closedOrder('5.00');
    await execHisDatabase(
      dbFile,
      `UPDATE his_payment SET status = 'paid', paid_at = '2026-11-28 10:01:00' WHERE payment_no = '${paymentNo}';
      INSERT INTO his_refund (refund_no, payment_no, amount, status, out_refund_no, refunded_at, created_at, updated_at)
      VALUES ('RF-${paymentNo}', '${paymentNo}', '5.00', 'refunded', 'YTR-${paymentNo}', '2026-11-28 10:05:00', '2026-11-28 10:04:00', '2026-11-28 10:05:00')`,
    );
    const late = await latePay(paymentNo);
    assert.equal(late.state, 'refunded');
    assert.equal(late.decisions[0].rows.length, 2);
    assert.match(late.decisions[0].why, /refunded/);
    assert.equal(late.outPaymentNo, outPaymentNo);
  });

  it('a second payment through another channel of an order the HIS has paid: a duplicate, refunded', async () => {
    await load(flow());
    const { paymentNo, data } = await placed('8.00');
    sb.pay(paymentNo);
    await hisPayment(paymentNo, '8.00', { status: 'paid', out: data.outPaymentNo, paidAt: '2026-11-28 10:02:00' });
    const late = await latePay(paymentNo, 'ten');
    assert.equal(late.kind, 'second_channel');
    assert.notEqual(late.outPaymentNo, data.outPaymentNo);
    assert.equal(late.state, 'refunded');
    assert.match(late.decisions[0].why, /duplicate/);
  });

  it('the database node failing (Catch -> upp-his-out): result:false, the payment is held, then refunded once the HIS answers', async () => {
    await load(flow({ db: path.join(dir, 'missing-dir', 'none.sqlite') }));
    const { paymentNo, outPaymentNo } = await closedOrder('4.00');
    const direct = await post('/his/order', { paymentNo, outPaymentNo });
    assert.equal(direct.json.result, false);
    assert.equal(direct.json.data, undefined);
    let late = await latePay(paymentNo);
    assert.equal(late.state, 'held');
    assert.equal(late.decisions[0].answer, 'result_false'); // the HIS view answered, with result:false
    assert.equal(late.decisions[0].action, 'hold');
    await helper.unload();
    await load(flow());
    await sb.his.recheck();
    late = sb.his.latePayment(late.id);
    assert.equal(late.state, 'refunded');
    assert.deepEqual(
      late.decisions.map((d) => d.action),
      ['hold', 'refund'],
    );
  });

  it('a database slower than the timeout: result:false (timeout), and its late [] is dropped with a warning', async () => {
    await load(flow({ timeout: 0.2, sql: null, between: 'setTimeout(() => { msg.payload = []; node.send(msg); }, 1500); return null;' }));
    const { paymentNo, outPaymentNo } = await closedOrder('6.00');
    const res = await post('/his/order', { paymentNo, outPaymentNo });
    assert.equal(res.json.result, false);
    assert.match(res.json.msg, /超时/);
    assert.match(res.json.msg, /timed out/);
    const out = helper.getNode('out');
    // The warning spy is shared by the helper's nodes: wait for the one about the late database answer.
    const lateWarning = () => out.warn.args.some(([text]) => /already answered|warn\.late/.test(String(text)));
    await waitUntil(lateWarning, 8000).catch(() => assert.fail(`no warning for the late answer: ${JSON.stringify(out.warn.args)}`));
    const late = await latePay(paymentNo);
    assert.equal(late.state, 'held');
    assert.equal(late.decisions[0].answer, 'result_false');
  });

  it('invalid rows fail the whole answer (result:false naming the row and field), and the platform holds', async () => {
    const cases = [
      [{ tradeType: 'paid', tradeFee: '1.00', tradeTime: '2026-11-28 10:00:00', outTradeNo: 'O', tradeNo: 'PNO' }, /tradeType/],
      [
        { tradeType: 'pay', tradeFee: 0.1 + 0.2, tradeTime: '2026-11-28 10:00:00', outTradeNo: 'O', tradeNo: 'PNO' },
        /tradeFee has more than two decimals/,
      ],
      [{ tradeType: 'pay', tradeFee: '1.00', tradeTime: '28/11/2026', outTradeNo: 'O', tradeNo: 'PNO' }, /tradeTime/],
      [{ tradeType: 'pay', tradeFee: '1.00', tradeTime: '2026-11-28 10:00:00', tradeNo: 'PNO' }, /outTradeNo is required/],
      [
        { tradeType: 'pay', tradeFee: '1.00', tradeTime: '2026-11-28 10:00:00', outTradeNo: 'O', tradeNo: 'ANOTHER' },
        /not the order asked about/,
      ],
      [null, /row 1: row must be an object/],
    ];
    await load(
      flow({
        sql: null,
        between:
          'msg.payload = flow.get("rows").map((r) => r && Object.assign({}, r, r.tradeNo === "PNO" ? { tradeNo: msg.payload.paymentNo } : {})); return msg;',
      }),
    );
    const fn = helper.getNode('between');
    for (const [row, why] of cases) {
      fn.context().flow.set('rows', [row]);
      const res = await post('/his/order', { paymentNo: 'P-INVALID', outPaymentNo: 'O' });
      assert.equal(res.json.result, false, JSON.stringify(row));
      assert.match(res.json.msg, why);
      assert.equal(res.json.data, undefined);
    }
    fn.context().flow.set('rows', [cases[0][0]]);
    const { paymentNo } = await closedOrder('7.00');
    const late = await latePay(paymentNo);
    assert.equal(late.state, 'held');
  });

  it('normalizes rows: numbers and Decimals to two decimals, Dates and ISO text to China time, numeric ids to text; other columns left out', async () => {
    await load(
      flow({
        sql: null,
        between: `msg.payload = [
        { tradeType: 'pay', tradeFee: 12.3, tradeTime: new Date(Date.UTC(2026, 10, 28, 2, 3, 4)), outTradeNo: 'YT1', tradeNo: msg.payload.paymentNo, patientName: '张三' },
        { tradeType: 'refund', tradeFee: '2', tradeTime: '2026-11-28T02:30:00Z', outTradeNo: 'YTR1', tradeNo: 900001, inTradeNo: null }
      ]; return msg;`,
      }),
    );
    const res = await post('/his/order', { paymentNo: 'P-NORM', outPaymentNo: 'YT1' });
    assert.deepEqual(res.json, {
      result: true,
      msg: '',
      data: [
        { tradeType: 'pay', tradeFee: '12.30', tradeTime: '2026-11-28 10:03:04', outTradeNo: 'YT1', tradeNo: 'P-NORM' },
        { tradeType: 'refund', tradeFee: '2.00', tradeTime: '2026-11-28 10:30:00', outTradeNo: 'YTR1', tradeNo: '900001' },
      ],
    });
  });

  it('a bad request is answered result:false naming the field, and never reaches the database', async () => {
    await load(flow({ sql: null, between: 'flow.set("reached", (flow.get("reached") || 0) + 1); msg.payload = []; return msg;' }));
    const cases = [
      [{ outPaymentNo: 'O' }, /paymentNo/],
      [{ paymentNo: 'P' }, /outPaymentNo/],
      [{ paymentNo: 12345, outPaymentNo: 'O' }, /field paymentNo: must be a string/],
      [{ paymentNo: 'P'.repeat(33), outPaymentNo: 'O' }, /longer than 32/],
      ['not json', /not JSON/],
      [[], /JSON object/],
    ];
    for (const [body, why] of cases) {
      const res = await post('/his/order', body);
      assert.equal(res.json.result, false);
      assert.match(res.json.msg, why);
      assert.match(res.json.msg, /请求无效/);
    }
    assert.equal(helper.getNode('between').context().flow.get('reached'), undefined);
    await helper.unload();
    await load(flow({ kind: 'bill', sql: null, between: 'msg.payload = []; return msg;' }));
    for (const [body, why] of [
      [{ startTime: '2026-11-28', endTime: '2026-11-28 23:59:59' }, /field startTime: must be a time/],
      [{ startTime: '2026-11-28 00:00:00', endTime: '2026-11-27 23:59:59' }, /field endTime: is before startTime/],
      [{ startTime: '2026-02-30 00:00:00', endTime: '2026-03-01 00:00:00' }, /startTime/],
    ]) {
      const res = await post('/his/bill', body);
      assert.equal(res.json.result, false);
      assert.match(res.json.msg, why);
    }
  });

  it('an address not allowed gets 403 result:false and nothing is sent on; the platform holds', async () => {
    await load(flow({ allow: '10.9.9.9', sql: null, between: 'flow.set("reached", true); msg.payload = []; return msg;' }));
    const res = await post('/his/order', { paymentNo: 'P', outPaymentNo: 'O' });
    assert.equal(res.status, 403);
    assert.equal(res.json.result, false);
    assert.match(res.json.msg, /not allowed/);
    assert.equal(helper.getNode('between').context().flow.get('reached'), undefined);
    const { paymentNo } = await closedOrder('9.00');
    const late = await latePay(paymentNo);
    assert.equal(late.state, 'held');
    assert.equal(late.decisions[0].answer, 'error');
    await helper.unload();
    await load(flow({ allow: '10.9.9.9, 127.0.0.1', sql: null, between: 'msg.payload = []; return msg;' }));
    assert.equal((await post('/his/order', { paymentNo: 'P', outPaymentNo: 'O' })).json.result, true);
  });

  describe('no [] without a database result: a fault in every position', () => {
    const FAULTS = [
      ['the message is lost before the database (a switch drops it)', { timeout: 0.3, before: 'return null;' }],
      ['the database node fails (Catch)', { db: '/nonexistent-dir/none.sqlite' }],
      ['the SQL fails (Catch)', { sql: 'SELECT * FROM no_such_table WHERE x = $paymentNo' }],
      ['the database result is lost after the database (payload deleted)', { between: 'delete msg.payload; return msg;' }],
      ['the result is null', { between: 'msg.payload = null; return msg;' }],
      ['the result is an object, not rows', { between: 'msg.payload = { rows: [] }; return msg;' }],
      ['the result is a count', { between: 'msg.payload = 0; return msg;' }],
      ['msg.error arrives with an empty list', { between: 'msg.payload = []; msg.error = { message: "connection reset" }; return msg;' }],
      ['the database never answers (timeout)', { timeout: 0.3, between: 'return null;' }],
      ['msg.upp is dropped on the way (no pairing: timeout)', { timeout: 0.3, between: 'delete msg.upp; msg.payload = []; return msg;' }],
      ['a node throws after the database (Catch)', { between: 'throw new Error("boom");' }],
    ];
    for (const [what, opts] of FAULTS) {
      it(what, async () => {
        await load(flow(opts));
        const res = await post('/his/order', { paymentNo: 'P-NO-SUCH', outPaymentNo: 'O-NO-SUCH' });
        assert.equal(res.status, 200);
        assert.equal(res.json.result, false, JSON.stringify(res.json));
        assert.ok(!('data' in res.json), 'no data list at all');
        assert.match(res.json.msg, /[\u4e00-\u9fff]/, 'a reason in Chinese');
        assert.match(res.json.msg, / \/ [a-zA-Z]/, 'and in English');
      });
    }

    it('the same chain without a fault answers result:true, data [] (the control)', async () => {
      await load(flow());
      assert.deepEqual((await post('/his/order', { paymentNo: 'P-NO-SUCH', outPaymentNo: 'O-NO-SUCH' })).json, {
        result: true,
        msg: '',
        data: [],
      });
    });

    it('a redeploy while the database works answers the waiting request result:false', async () => {
      await load(flow({ sql: null, timeout: 60, between: 'flow.set("got", true); return null;' }));
      const pending = post('/his/order', { paymentNo: 'P', outPaymentNo: 'O' });
      const fn = helper.getNode('between');
      await waitUntil(() => fn.context().flow.get('got'));
      await helper.unload();
      const res = await pending;
      assert.equal(res.json.result, false);
      assert.match(res.json.msg, /restarting/);
    });
  });

  it('POST /_sandbox/reconcile pulls the HIS bill of the day and reports what only one side has', async () => {
    await load(flow({ kind: 'bill' })); // the order view is not served: the late payment below is held
    sb.reset();
    await execHisDatabase(dbFile, 'DELETE FROM his_refund; DELETE FROM his_payment;');
    const { paymentNo, data } = await placed('10.00');
    sb.pay(paymentNo);
    const paidAt = sb.order(paymentNo).paymentTime;
    const day = paidAt.slice(0, 10);
    await hisPayment(paymentNo, '10.00', { status: 'paid', out: data.outPaymentNo, paidAt });
    // The HIS marked paid an order the platform never had paid (HIS-only), and the platform has a late payment
    // the HIS does not know (platform-only).
    await hisPayment('P-HIS-ONLY', '1.00', { status: 'paid', out: 'YT-GHOST', paidAt });
    const closed = await closedOrder('2.00');
    await latePay(closed.paymentNo);
    const res = await fetch(`${sb.origin}/_sandbox/reconcile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ date: day }),
    });
    assert.equal(res.status, 200);
    const report = await res.json();
    assert.equal(report.date, day);
    const kinds = report.discrepancies.map((d) => `${d.kind}:${d.tradeType}:${d.tradeNo ?? d.outTradeNo}`).sort();
    assert.ok(kinds.includes(`his_only:pay:P-HIS-ONLY`), kinds.join(', '));
    assert.ok(
      kinds.some((k) => k.startsWith(`platform_only:pay:${closed.paymentNo}`)),
      kinds.join(', '),
    );
    assert.ok(!kinds.some((k) => k.includes(paymentNo)), 'the order both sides have paid matches');
  });

  it('POST /_sandbox/reconcile reports a failing HIS bill as such (502), never as every platform row unmatched', async () => {
    await load(flow({ kind: 'bill', between: 'msg.payload = undefined; return msg;' }));
    const res = await fetch(`${sb.origin}/_sandbox/reconcile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ date: '2026-11-28' }),
    });
    assert.equal(res.status, 502);
    const body = await res.json();
    assert.equal(body.answer, 'result_false');
  });
});

async function waitUntil(check, ms = 5000) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
