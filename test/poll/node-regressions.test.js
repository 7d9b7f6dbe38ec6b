'use strict';
// Regression tests of the upp-poll node for issue 10 (items 1 and 8), each named after the defect it reproduces,
// through Node-RED (node-red-node-test-helper) against the sandbox over real HTTP on 127.0.0.1.
const assert = require('node:assert/strict');
const helper = require('node-red-node-test-helper');
const { startSandbox } = require('../../dist/nodes/sandbox');
const core = require('../../dist/nodes/core');
const { describeResult } = require('../../dist/nodes/lib/message');
const configNode = require('../../dist/nodes/upp-config.js');
const pollNode = require('../../dist/nodes/upp-poll.js');
const { sleep, waitFor: until } = require('../nodes/wait');

helper.init(require.resolve('node-red'));

const KEY = 'sandbox-key-0002';
let counter = 0;
const uid = (prefix) => `${prefix}${process.pid % 10000}${Date.now().toString(36)}${++counter}`;

describe('upp-poll regressions (issue 10, sandbox over HTTP)', function () {
  this.timeout(20000);
  let sb;
  let client;

  before(async () => {
    sb = await startSandbox({ port: 0, key: KEY });
    client = new core.UppClient({
      baseUrl: sb.url,
      isvId: '20000',
      partnerId: '12345',
      key: KEY,
      retry: { baseDelayMs: 10, maxDelayMs: 20 },
    });
  });
  after(async () => {
    await client.destroy();
    await sb.close();
  });
  afterEach(() => helper.unload());

  async function load(pollProps = {}) {
    const flow = [
      { id: 'cfg', type: 'upp-config', baseUrl: sb.url, isvId: '20000', partnerId: '12345', readTimeout: '4000' },
      { id: 'poll', type: 'upp-poll', server: 'cfg', interval: 0.05, wires: [['s'], ['f'], ['u']], ...pollProps },
      { id: 's', type: 'helper' },
      { id: 'f', type: 'helper' },
      { id: 'u', type: 'helper' },
    ];
    await helper.load([configNode, pollNode], flow, { cfg: { key: KEY } });
    const outputs = [];
    ['s', 'f', 'u'].forEach((id, port) =>
      helper.getNode(id).on('input', (msg) => outputs.push({ port: ['success', 'failed', 'undetermined'][port], msg })),
    );
    const poll = helper.getNode('poll');
    const statuses = [];
    poll.on('call:status', (call) => statuses.push(call.args[0]));
    return { poll, outputs, statuses };
  }

  const order = (paymentNo, tradeFee, expireMs = 10 * 60_000) =>
    client.scanCode({
      paymentNo,
      channelProduct: 'ali_scan_code',
      expireTime: core.formatChinaTime(Date.now() + expireMs),
      tradeFee,
      subject: 'poll regression',
    });
  const closes = (paymentNo) => sb.requests({ endpoint: 'close', paymentNo });
  const queries = (paymentNo) => sb.requests({ endpoint: 'query', paymentNo });
  const warnings = () =>
    helper
      .log()
      .args.map(([e]) => e)
      .filter((e) => e && e.type === 'upp-poll' && e.level === helper.log().WARN);

  it('item 1: the same paymentNo sent as 5.22 and as 522.00: the refused second order is not reported paid (mismatch, no close)', async () => {
    const { poll, outputs } = await load({ attempts: 3 });
    const paymentNo = uid('P');
    assert.equal((await order(paymentNo, '5.22')).outcome, 'pending');
    const second = await order(paymentNo, '522.00');
    assert.equal(second.reason, 'rejected', '订单号重复');
    const { payload, upp } = describeResult(second);
    poll.receive({ payload, upp, topic: 'the 522.00 order' });
    await until(() => outputs.length, 'an output');
    const { port, msg } = outputs[0];
    assert.equal(port, 'undetermined');
    assert.equal(msg.upp.poll.reason, 'mismatch', JSON.stringify(msg.upp));
    assert.deepEqual(msg.upp.mismatch.tradeFee, { expected: '522.00', received: '5.22' });
    assert.equal(closes(paymentNo).length, 0, 'no close sent');
    assert.equal(msg.upp.poll.attempts, 3);
  });

  it('item 1: a 1000.00 order whose every query answer carries another amount (sandbox fault mismatch_amount) is neither paid nor closed', async () => {
    const { poll, outputs } = await load({ attempts: 3 });
    const paymentNo = uid('P');
    const { payload, upp } = describeResult(await order(paymentNo, '1000.00'));
    sb.armFault('mismatch_amount', { endpoint: 'query', paymentNo, times: 10 });
    poll.receive({ payload, upp });
    await until(() => outputs.length, 'an output');
    const { port, msg } = outputs[0];
    assert.equal(port, 'undetermined');
    assert.equal(msg.upp.poll.reason, 'mismatch');
    assert.equal(msg.upp.mismatch.tradeFee.expected, '1000.00');
    assert.equal(closes(paymentNo).length, 0, 'no close after answers about another amount');
  });

  it('item 8: at the default settings a pending scan-code order is polled until its expireTime, not closed after 8 queries', async () => {
    const { poll, outputs } = await load({ attempts: '' });
    const paymentNo = uid('P');
    const result = await order(paymentNo, '1.00', 2500);
    const { payload, upp } = describeResult(result);
    poll.receive({ payload, upp });
    await until(() => outputs.length, 'the give-up at expiry');
    const { port, msg } = outputs[0];
    assert.equal(port, 'failed');
    assert.equal(msg.upp.poll.reason, 'closed');
    assert.equal(msg.upp.poll.expired, true, 'ended by the expiry, not by a count');
    assert.equal(msg.upp.poll.maxAttempts, undefined);
    assert.ok(queries(paymentNo).length > 9, `${queries(paymentNo).length} queries`);
    const closeAt = closes(paymentNo)[0].time;
    assert.ok(closeAt >= core.parseChinaTime(result.request.expireTime) - 5, 'closed at the expiry, not before');
  });

  it("item 8: a cap that ends before the order's expireTime is warned about at runtime", async () => {
    const { poll, outputs } = await load({ attempts: 2 });
    const paymentNo = uid('P');
    const { payload, upp } = describeResult(await order(paymentNo, '1.00'));
    poll.receive({ payload, upp });
    await until(() => outputs.length, 'an output');
    assert.ok(
      warnings().some((e) => e.msg === 'upp-poll.warnings.capBeforeExpiry'),
      'the cap warning',
    );
  });

  it('item 8: with the default memory context store the node warns at deploy (log and status)', async () => {
    const { statuses } = await load();
    assert.ok(
      warnings().some((e) => e.msg === 'upp-poll.warnings.memoryStore'),
      'the deploy warning',
    );
    await sleep(50);
    assert.ok(
      statuses.some((s) => s.fill === 'yellow' && s.text === 'upp-poll.status.memoryStore'),
      JSON.stringify(statuses),
    );
  });

  it('item 8: when Node-RED stops with the memory store, every dropped paymentNo / requestNo is logged', async () => {
    const { poll } = await load({ interval: 60 });
    const paymentNo = uid('P');
    const { payload, upp } = describeResult(await order(paymentNo, '1.00'));
    poll.receive({ payload, upp });
    poll.receive({ upp: { endpoint: 'refund', requestNo: 'R-dropped-1' } });
    await until(() => poll.pollEngine.openJobs().length === 2, 'two open jobs');
    await helper._redNodes.stopFlows();
    const dropped = warnings().find((e) => typeof e.msg === 'string' && e.msg.startsWith('upp-poll.warnings.droppedOnStop'));
    assert.ok(dropped, 'the dropped-polls warning');
    assert.match(dropped.msg, new RegExp(`paymentNo ${paymentNo}`));
    assert.match(dropped.msg, /requestNo R-dropped-1/);
  });

  it('item 8: a persistent (file) context store gives no memory-store warning', async () => {
    helper.settings({ contextStorage: { default: { module: 'localfilesystem' } } });
    try {
      await load();
      assert.ok(!warnings().some((e) => e.msg === 'upp-poll.warnings.memoryStore'));
    } finally {
      helper.settings({});
    }
  });
});
