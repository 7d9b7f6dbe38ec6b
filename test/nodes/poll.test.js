'use strict';
// upp-poll through Node-RED (node-red-node-test-helper) against the sandbox over real HTTP: every output path of
// both modes, the close race, assumed closes and refunds, the expireTime cut-off, timeouts and unreachable
// front-ends counted as attempts, and input errors naming the field. Short intervals; no real 5 s waits.
const assert = require('node:assert/strict');
const helper = require('node-red-node-test-helper');
const { startSandbox } = require('../../dist/nodes/sandbox');
const core = require('../../dist/nodes/core');
const { describeResult } = require('../../dist/nodes/lib/message');
const configNode = require('../../dist/nodes/upp-config.js');
const pollNode = require('../../dist/nodes/upp-poll.js');

helper.init(require.resolve('node-red'));

const KEY = 'sandbox-key-0001';
// Longer than a short client timeout: undici checks timeouts about once a second, so 100 ms fires after ~1 s.
const SLOW_MS = 1500;
let counter = 0;
const uid = (prefix) => `${prefix}${process.pid % 10000}${Date.now().toString(36)}${++counter}`;
const { sleep, waitFor: until } = require('./wait');

describe('upp-poll node (sandbox over HTTP)', function () {
  this.timeout(20000);
  let sb;
  let client;
  const rejections = [];
  const onRejection = (reason) => rejections.push(reason);

  before(async () => {
    sb = await startSandbox({ port: 0, slowMs: SLOW_MS });
    client = new core.UppClient({
      baseUrl: sb.url,
      isvId: '20000',
      partnerId: '12345',
      key: KEY,
      retry: { baseDelayMs: 10, maxDelayMs: 20 },
    });
    process.on('unhandledRejection', onRejection);
  });
  after(async () => {
    process.off('unhandledRejection', onRejection);
    await client.destroy();
    await sb.close();
  });
  afterEach(async () => {
    await helper.unload();
    assert.deepEqual(
      rejections.map((r) => (r && r.stack) || String(r)),
      [],
      'no unhandled rejections',
    );
  });

  /** Loads config + poll + three (or four) helper nodes; returns the nodes and a list of [port, msg] outputs. */
  async function load(pollProps = {}, configProps = {}) {
    const flow = [
      { id: 'cfg', type: 'upp-config', baseUrl: sb.url, isvId: '20000', partnerId: '12345', readTimeout: '4000', ...configProps },
      { id: 'poll', type: 'upp-poll', server: 'cfg', interval: 0.05, attempts: 3, wires: [['s'], ['f'], ['u'], ['p']], ...pollProps },
      { id: 's', type: 'helper' },
      { id: 'f', type: 'helper' },
      { id: 'u', type: 'helper' },
      { id: 'p', type: 'helper' },
    ];
    await helper.load([configNode, pollNode], flow, { cfg: { key: KEY } });
    const outputs = [];
    const progress = [];
    ['s', 'f', 'u'].forEach((id, port) =>
      helper.getNode(id).on('input', (msg) => outputs.push({ port: ['success', 'failed', 'undetermined'][port], msg })),
    );
    helper.getNode('p').on('input', (msg) => progress.push(msg));
    const poll = helper.getNode('poll');
    const errors = [];
    const statuses = [];
    poll.on('call:error', (call) => errors.push(call.args));
    poll.on('call:status', (call) => statuses.push(call.args[0]));
    return { poll, outputs, progress, errors, statuses };
  }

  const expireIn = (ms) => core.formatChinaTime(Date.now() + ms);

  /** Creates a scan-code order and returns the pending message the scan-code node would send. */
  async function scanOrder(tradeFee, extra = {}) {
    const paymentNo = uid('P');
    const result = await client.scanCode({
      paymentNo,
      channelProduct: 'ali_scan_code',
      expireTime: extra.expireTime ?? expireIn(10 * 60000),
      tradeFee,
      subject: 'poll test',
    });
    const { payload, upp } = describeResult(result);
    return { paymentNo, msg: { payload, upp, topic: 'his-order', his: { patient: 'Z' } } };
  }

  /** A paid order and a refund request on it; returns the message the refund node would send. */
  async function refundRequest(refundFee) {
    const paid = await scanOrder('100.01');
    const requestNo = uid('R');
    const result = await client.refund({ paymentNo: paid.paymentNo, bizType: 'scan_pay', requestNo, refundNo: requestNo, refundFee });
    const { payload, upp } = describeResult(result);
    return { requestNo, paymentNo: paid.paymentNo, msg: { payload, upp, topic: 'his-refund' } };
  }

  const queries = (paymentNo) => sb.requests({ endpoint: 'query', paymentNo });
  const closes = (paymentNo) => sb.requests({ endpoint: 'close', paymentNo });
  const refundQueries = (requestNo) => sb.requests({ endpoint: 'refundQuery', requestNo });

  describe('payment mode', () => {
    it('success: pay_success on the 2nd query (first query one interval after the message), other properties kept', async () => {
      const { poll, outputs } = await load({ interval: 0.2, attempts: 5 });
      const order = await scanOrder('1.22');
      const sentAt = Date.now();
      poll.receive(order.msg);
      await until(() => outputs.length, 'an output');
      assert.equal(outputs.length, 1);
      const { port, msg } = outputs[0];
      assert.equal(port, 'success');
      assert.equal(msg.payload.tradeStatus, 'pay_success');
      assert.equal(msg.payload.tradeFee, '1.22');
      assert.equal(msg.topic, 'his-order');
      assert.deepEqual(msg.his, { patient: 'Z' });
      assert.equal(msg.upp.endpoint, 'query');
      assert.equal(msg.upp.outcome, 'success');
      assert.equal(msg.upp.tradeStatus, 'pay_success');
      assert.equal(msg.upp.paymentNo, order.paymentNo);
      assert.equal(msg.upp.bizType, 'scan_pay');
      assert.equal(msg.upp.poll.mode, 'payment');
      assert.equal(msg.upp.poll.reason, 'final');
      assert.equal(msg.upp.poll.attempts, 2);
      assert.equal(msg.upp.poll.gaveUp, false);
      assert.equal(msg.upp.poll.joined, false);
      assert.ok(msg.upp.poll.finishedAt >= msg.upp.poll.startedAt);
      const q = queries(order.paymentNo);
      assert.equal(q.length, 2);
      assert.ok(q[0].time - sentAt >= 190, `first query ${q[0].time - sentAt} ms after the message`);
      assert.equal(closes(order.paymentNo).length, 0);
    });

    it('failed: a verified pay_failed on the 2nd query', async () => {
      const { poll, outputs } = await load();
      const order = await scanOrder('1.32');
      poll.receive(order.msg);
      await until(() => outputs.length, 'an output');
      assert.equal(outputs[0].port, 'failed');
      assert.equal(outputs[0].msg.upp.tradeStatus, 'pay_failed');
      assert.equal(outputs[0].msg.upp.poll.reason, 'final');
      assert.equal(outputs[0].msg.upp.closed, undefined);
      assert.equal(closes(order.paymentNo).length, 0);
    });

    it('barcode order (bizType barcode_pay from msg.upp.endpoint barCode) polled until paid', async () => {
      const { poll, outputs } = await load();
      const paymentNo = uid('B');
      const result = await client.barCode({
        paymentNo,
        authCode: '281234567890123456',
        expireTime: expireIn(600000),
        tradeFee: '2.22',
        subject: 'bar',
      });
      const { payload, upp } = describeResult(result);
      delete upp.bizType;
      poll.receive({ payload, upp });
      await until(() => outputs.length, 'an output');
      assert.equal(outputs[0].port, 'success');
      assert.equal(queries(paymentNo)[0].body.bizType, 'barcode_pay');
    });

    it('gives up: closes the order (Y), queries once more, not paid -> failed with upp.closed', async () => {
      const { poll, outputs } = await load();
      const order = await scanOrder('1.00');
      poll.receive(order.msg);
      await until(() => outputs.length, 'an output');
      const { port, msg } = outputs[0];
      assert.equal(port, 'failed');
      assert.equal(msg.upp.closed, true);
      assert.equal(msg.upp.assumed, false);
      assert.equal(msg.upp.poll.assumed, undefined);
      assert.equal(msg.upp.poll.reason, 'closed');
      assert.equal(msg.upp.poll.gaveUp, true);
      assert.equal(msg.upp.poll.attempts, 4, '3 queries + the one after the close');
      assert.equal(msg.upp.poll.close.outcome, 'closed');
      assert.equal(msg.upp.poll.close.isCloseOrder, 'Y');
      assert.equal(msg.upp.poll.close.assumed, false);
      assert.equal(msg.upp.tradeStatus, 'closed', 'the undocumented status of a closed order is passed through');
      const all = sb.requests({ paymentNo: order.paymentNo }).map((r) => r.endpoint);
      assert.deepEqual(all, ['scanCode', 'query', 'query', 'query', 'close', 'query']);
      assert.equal(sb.order(order.paymentNo).tradeStatus, 'closed');
    });

    it('close race: paid between the last query and the close -> close N, the query after it finds pay_success -> success', async () => {
      const { poll, outputs } = await load({ attempts: 1 });
      const order = await scanOrder('1.00');
      // The only (so the last) query is answered slowly; the patient pays while it is on its way back.
      sb.armFault('slow', { endpoint: 'query', paymentNo: order.paymentNo, times: 1 });
      poll.receive(order.msg);
      await until(() => queries(order.paymentNo).length === 1, 'the last query');
      sb.pay(order.paymentNo);
      await until(() => outputs.length, 'an output');
      const { port, msg } = outputs[0];
      assert.equal(port, 'success');
      assert.equal(msg.upp.tradeStatus, 'pay_success');
      assert.equal(msg.upp.poll.reason, 'close_race');
      assert.equal(msg.upp.poll.close.outcome, 'not_closed');
      assert.equal(msg.upp.poll.close.isCloseOrder, 'N');
      assert.equal(msg.upp.closed, false);
      assert.deepEqual(
        sb.requests({ paymentNo: order.paymentNo }).map((r) => r.endpoint),
        ['scanCode', 'query', 'close', 'query'],
      );
    });

    it('close race with a close that only counts as closed (rejected): paid after all -> success', async () => {
      const { poll, outputs } = await load({ attempts: 2 });
      // cents 23: pay_success from the 3rd query on, i.e. the query after the close.
      const order = await scanOrder('1.23');
      sb.armFault('rejected', { endpoint: 'close', paymentNo: order.paymentNo });
      poll.receive(order.msg);
      await until(() => outputs.length, 'an output');
      assert.equal(outputs[0].port, 'success');
      assert.equal(outputs[0].msg.upp.poll.reason, 'close_race');
      assert.equal(outputs[0].msg.upp.poll.close.outcome, 'closed');
      assert.equal(outputs[0].msg.upp.poll.close.assumed, true);
    });

    it('a close that is only assumed (result=false) and an unpaid order -> failed, upp.closed and upp.assumed', async () => {
      const { poll, outputs } = await load({ attempts: 2 });
      const order = await scanOrder('1.00');
      sb.armFault('rejected', { endpoint: 'close', paymentNo: order.paymentNo });
      poll.receive(order.msg);
      await until(() => outputs.length, 'an output');
      const { port, msg } = outputs[0];
      assert.equal(port, 'failed');
      assert.equal(msg.upp.closed, true);
      assert.equal(msg.upp.assumed, true);
      assert.equal(msg.upp.poll.assumed, true);
      assert.equal(msg.upp.poll.close.reason, 'rejected');
      assert.equal(msg.upp.tradeStatus, 'wait_pay');
    });

    it('close answered N and the query after it not final -> undetermined (not_closed)', async () => {
      const { poll, outputs } = await load({ attempts: 1 });
      const order = await scanOrder('1.00');
      sb.armFault('slow', { endpoint: 'query', paymentNo: order.paymentNo, times: 1 });
      // The query after the close fails on every try of the client (it retries reads 3 times).
      sb.armFault('http500', { endpoint: 'query', paymentNo: order.paymentNo, times: 3 });
      poll.receive(order.msg);
      await until(() => queries(order.paymentNo).length === 1, 'the last query');
      sb.pay(order.paymentNo);
      await until(() => outputs.length, 'an output');
      const { port, msg } = outputs[0];
      assert.equal(port, 'undetermined');
      assert.equal(msg.upp.poll.reason, 'not_closed');
      assert.equal(msg.upp.poll.close.isCloseOrder, 'N');
      assert.equal(msg.upp.reason, 'http_status');
      assert.equal(msg.upp.closed, false);
    });

    it('closeOnGiveUp off: attempts run out -> undetermined, no close', async () => {
      const { poll, outputs, statuses } = await load({ closeOnGiveUp: false });
      const order = await scanOrder('1.00');
      poll.receive(order.msg);
      await until(() => outputs.length, 'an output');
      assert.equal(outputs[0].port, 'undetermined');
      assert.equal(outputs[0].msg.upp.poll.reason, 'gave_up');
      assert.equal(outputs[0].msg.upp.poll.attempts, 3);
      assert.equal(outputs[0].msg.upp.tradeStatus, 'wait_pay');
      assert.equal(closes(order.paymentNo).length, 0);
      await sleep(300);
      assert.ok(
        statuses.some((s) => s.fill === 'blue' && /polling/.test(s.text)),
        'a polling status was shown',
      );
      assert.equal(statuses.at(-1).fill, 'yellow');
    });

    it('expireTime cut-off: no query scheduled after it; gives up at that moment (close -> failed, expired)', async () => {
      const { poll, outputs } = await load({ interval: 0.25, attempts: 50 });
      const expireTime = expireIn(1600);
      const expireAt = core.parseChinaTime(expireTime);
      const order = await scanOrder('1.00', { expireTime });
      poll.receive(order.msg);
      await until(() => outputs.length, 'an output', 5000);
      const { port, msg } = outputs[0];
      assert.equal(port, 'failed');
      assert.equal(msg.upp.poll.expired, true);
      assert.equal(msg.upp.poll.gaveUp, true);
      assert.equal(msg.upp.expireTime, expireTime);
      const q = queries(order.paymentNo);
      const c = closes(order.paymentNo);
      assert.equal(c.length, 1);
      assert.ok(c[0].time >= expireAt - 5 && c[0].time < expireAt + 200, `close ${c[0].time - expireAt} ms from expireAt`);
      // Every polling query came before expireAt; only the query after the close may follow it, at once.
      const before = q.filter((r) => r.seq < c[0].seq);
      assert.ok(before.length >= 2 && before.length < 50);
      for (const r of before) assert.ok(r.time <= expireAt, `query ${r.time - expireAt} ms after expireAt`);
      assert.equal(q.length, before.length + 1);
    });

    it('expireTime cut-off without close: one last query at expireTime, then undetermined', async () => {
      const { poll, outputs } = await load({ interval: 0.25, attempts: 50, closeOnGiveUp: false });
      const expireTime = expireIn(1600);
      const expireAt = core.parseChinaTime(expireTime);
      const order = await scanOrder('1.00', { expireTime });
      poll.receive(order.msg);
      await until(() => outputs.length, 'an output', 5000);
      assert.equal(outputs[0].port, 'undetermined');
      assert.equal(outputs[0].msg.upp.poll.expired, true);
      const q = queries(order.paymentNo);
      assert.ok(q.at(-1).time >= expireAt - 5 && q.at(-1).time < expireAt + 200);
      for (const r of q.slice(0, -1)) assert.ok(r.time < expireAt);
    });

    it('an expireTime already past on arrival: gives up at once (close + one query), no polling', async () => {
      const { poll, outputs } = await load({ interval: 5, attempts: 8 });
      const order = await scanOrder('1.00');
      order.msg.upp.expireTime = core.formatChinaTime(Date.now() - 1000);
      const t0 = Date.now();
      poll.receive(order.msg);
      await until(() => outputs.length, 'an output');
      assert.ok(Date.now() - t0 < 2000);
      assert.equal(outputs[0].port, 'failed');
      assert.equal(outputs[0].msg.upp.poll.expired, true);
      assert.deepEqual(
        sb.requests({ paymentNo: order.paymentNo }).map((r) => r.endpoint),
        ['scanCode', 'close', 'query'],
      );
    });

    it('query timeouts count as attempts, never as a failure', async () => {
      const { poll, outputs, progress } = await load(
        { attempts: 2, closeOnGiveUp: false, progress: true, outputs: 4 },
        { readTimeout: '100' },
      );
      const order = await scanOrder('1.00');
      // The first attempt times out on each of the client's 3 tries; the second is answered (wait_pay).
      sb.armFault('slow', { endpoint: 'query', paymentNo: order.paymentNo, times: 3 });
      poll.receive(order.msg);
      await until(() => outputs.length, 'an output', 15000);
      assert.equal(progress[0].upp.reason, 'timeout');
      assert.equal(progress[0].upp.poll.attempt, 1);
      const { port, msg } = outputs[0];
      assert.equal(port, 'undetermined');
      assert.equal(msg.upp.poll.attempts, 2);
      assert.equal(msg.upp.tradeStatus, 'wait_pay');
    });

    it('an unreachable front-end (not sent) counts as attempts -> undetermined, never failed', async () => {
      const { poll, outputs } = await load({}, { baseUrl: 'http://127.0.0.1:9', connectTimeout: '200' });
      poll.receive({ payload: { paymentNo: 'NOPE1', bizType: 'scan_pay' } });
      await until(() => outputs.length, 'an output', 15000);
      const { port, msg } = outputs[0];
      assert.equal(port, 'undetermined');
      assert.equal(msg.upp.poll.reason, 'not_closed');
      assert.equal(msg.upp.poll.close.outcome, 'not_sent');
      assert.equal(msg.upp.poll.lastError.code, 'ERR_UPP_NOT_SENT');
      assert.equal(msg.upp.poll.attempts, 4);
    });

    it('progress output: one message per attempt that is not final; the input still leaves once', async () => {
      const { poll, outputs, progress } = await load({ progress: true, outputs: 4 });
      const order = await scanOrder('1.23');
      order.msg.res = { fake: 'http response' };
      poll.receive(order.msg);
      await until(() => outputs.length, 'an output');
      await sleep(50);
      assert.equal(outputs.length, 1);
      assert.equal(outputs[0].port, 'success');
      assert.equal(progress.length, 2);
      assert.deepEqual(
        progress.map((m) => m.upp.poll.attempt),
        [1, 2],
      );
      assert.equal(progress[0].upp.outcome, 'pending');
      assert.equal(progress[0].upp.poll.msgid, outputs[0].msg._msgid);
      assert.equal(progress[0].res, undefined);
      assert.equal(outputs[0].msg.res.fake, 'http response', 'msg.res survives on the final output');
    });
  });

  describe('refund mode', () => {
    it('success: refund_success from the 2nd refund query (mode from msg.upp.endpoint refund)', async () => {
      const { poll, outputs } = await load();
      const r = await refundRequest('0.12');
      poll.receive(r.msg);
      await until(() => outputs.length, 'an output');
      const { port, msg } = outputs[0];
      assert.equal(port, 'success');
      assert.equal(msg.upp.endpoint, 'refundQuery');
      assert.equal(msg.upp.tradeStatus, 'refund_success');
      assert.equal(msg.upp.requestNo, r.requestNo);
      assert.equal(msg.upp.poll.mode, 'refund');
      assert.equal(msg.upp.poll.attempts, 2);
      assert.equal(msg.upp.assumed, false);
      assert.equal(msg.payload.refundFee, '0.12');
    });

    it('success on refund_apply_success / refund_success (cents 02)', async () => {
      const { poll, outputs } = await load();
      const r = await refundRequest('0.02');
      poll.receive({ payload: { requestNo: r.requestNo } });
      await until(() => outputs.length, 'an output');
      assert.equal(outputs[0].port, 'success');
      assert.equal(outputs[0].msg.upp.poll.attempts, 1);
    });

    it('failed: a verified refund_failed', async () => {
      const { poll, outputs } = await load({ mode: 'refund' });
      const r = await refundRequest('0.03');
      poll.receive(r.msg);
      await until(() => outputs.length, 'an output');
      assert.equal(outputs[0].port, 'failed');
      assert.equal(outputs[0].msg.upp.tradeStatus, 'refund_failed');
    });

    it('assumed refund: refund_exception until the attempts run out -> success, upp.assumed, yellow status', async () => {
      const { poll, outputs, statuses } = await load();
      const r = await refundRequest('0.10');
      poll.receive(r.msg);
      await until(() => outputs.length, 'an output');
      const { port, msg } = outputs[0];
      assert.equal(port, 'success');
      assert.equal(msg.upp.assumed, true);
      assert.equal(msg.upp.poll.assumed, true);
      assert.equal(msg.upp.poll.reason, 'assumed_refunded');
      assert.equal(msg.upp.poll.gaveUp, true);
      assert.equal(msg.upp.tradeStatus, 'refund_exception', 'the platform never said refunded');
      assert.equal(msg.upp.poll.attempts, 3);
      assert.equal(refundQueries(r.requestNo).length, 3);
      await sleep(300);
      const last = statuses.at(-1);
      assert.equal(last.fill, 'yellow');
      assert.match(last.text, /assumedRefunded|assumed/);
    });

    it('assumed refund when every refund query times out', async () => {
      const { poll, outputs } = await load({ attempts: 1 }, { readTimeout: '100' });
      const r = await refundRequest('0.10');
      sb.armFault('slow', { endpoint: 'refundQuery', requestNo: r.requestNo, times: 3 });
      poll.receive(r.msg);
      await until(() => outputs.length, 'an output', 10000);
      assert.equal(outputs[0].port, 'success');
      assert.equal(outputs[0].msg.upp.assumed, true);
      assert.equal(outputs[0].msg.upp.reason, 'timeout');
      assert.deepEqual(outputs[0].msg.payload, {});
    });

    it('a refund the platform does not know (every query rejected, verified) is not assumed: undetermined, refund_not_found', async () => {
      const { poll, outputs } = await load();
      const requestNo = `NF${Date.now()}`;
      poll.receive({ payload: { requestNo }, upp: { endpoint: 'refund', requestNo } });
      await until(() => outputs.length, 'an output');
      const { port, msg } = outputs[0];
      assert.equal(port, 'undetermined');
      assert.equal(msg.upp.assumed, false);
      assert.equal(msg.upp.poll.reason, 'refund_not_found');
      assert.equal(msg.upp.reason, 'rejected');
      assert.equal(refundQueries(requestNo).length, 3);
    });

    it('assumeRefunded off -> undetermined', async () => {
      const { poll, outputs } = await load({ assumeRefunded: false });
      const r = await refundRequest('0.10');
      poll.receive(r.msg);
      await until(() => outputs.length, 'an output');
      assert.equal(outputs[0].port, 'undetermined');
      assert.equal(outputs[0].msg.upp.assumed, false);
      assert.equal(outputs[0].msg.upp.poll.reason, 'gave_up');
    });
  });

  describe('input', () => {
    async function errorFor(msg, props = {}) {
      const { poll, outputs, errors } = await load(props);
      poll.receive(msg);
      await until(() => errors.length, 'an error');
      await sleep(50);
      assert.equal(outputs.length, 0, 'no output');
      return errors[0];
    }

    it('missing paymentNo: an error naming the field (English and Chinese), nothing sent', async () => {
      const before = sb.requests().length;
      const [err, msg] = await errorFor({ payload: { bizType: 'scan_pay' } }, { mode: 'payment' });
      assert.match(err.message, /paymentNo/);
      assert.equal(err.code, 'ERR_UPP_INPUT');
      assert.equal(err.field, 'paymentNo');
      assert.match(err.messageZh, /缺少 paymentNo/);
      assert.match(err.messageEn, /paymentNo is missing/);
      assert.equal(msg.upp.error.field, 'paymentNo');
      assert.equal(sb.requests().length, before);
    });

    it('missing bizType', async () => {
      const [err] = await errorFor({ payload: { paymentNo: 'P1' } });
      assert.equal(err.field, 'bizType');
    });

    it('missing requestNo in refund mode', async () => {
      const [err] = await errorFor({ payload: { paymentNo: 'P1' } }, { mode: 'refund' });
      assert.equal(err.field, 'requestNo');
    });

    it('no way to tell the mode', async () => {
      const [err] = await errorFor({ payload: 'hello' });
      assert.equal(err.field, 'mode');
      assert.match(err.messageZh, /无法判断/);
    });

    it('a malformed expireTime', async () => {
      const [err] = await errorFor({ payload: { paymentNo: 'P1', bizType: 'scan_pay', expireTime: '2026/01/01' } });
      assert.equal(err.field, 'expireTime');
    });

    it('a paymentNo longer than 32 characters (the core rule)', async () => {
      const [err] = await errorFor({ payload: { paymentNo: 'X'.repeat(33), bizType: 'scan_pay' } });
      assert.equal(err.field, 'paymentNo');
      assert.equal(err.rule, 'max_length');
    });

    it('a bad setting is reported on every message', async () => {
      const [err] = await errorFor({ payload: { paymentNo: 'P1', bizType: 'scan_pay' } }, { interval: '0' });
      assert.equal(err.field, 'interval');
    });
  });
});
