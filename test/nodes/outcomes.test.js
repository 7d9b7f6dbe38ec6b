'use strict';
// Every output of every node (each row of the outcome table), against the sandbox over real HTTP, with its
// deterministic magic values. Also the msg contract: msg.payload = data, msg.upp fields, other msg props kept.
const s = require('./support');
const { assert, KEY, IDS, OUTPUTS, load, configNode, configCredentials, actionFlow, sendAndWait, uid } = s;
const core = require('../../dist/nodes/core');
/** Query, close and refund have no default bizType (issue 10 item 8): the orders here are scan-code orders. */
const SCAN = { bizType: 'scan_pay', bizTypeType: 'enum' };

describe('nodes: every output of every node (sandbox over HTTP)', function () {
  let sb;
  let client; // a plain core client to prepare orders and refunds
  before(async () => {
    sb = await s.startSandbox();
    client = new core.UppClient({ baseUrl: sb.url, ...IDS, key: KEY, proxy: 'none' });
  });
  after(async () => {
    await client.destroy();
    await sb.close();
  });
  s.standardHooks();

  /** Loads one node of `type` with `props` and sends `msg`: resolves with { port, msg } or { error }. */
  async function run(type, props, msg, cfgExtra = {}) {
    await load(actionFlow(type, props, configNode(sb, cfgExtra)), configCredentials());
    return sendAndWait(msg, OUTPUTS[type].length);
  }
  const portName = (type, r) => (r.error ? `error: ${r.error.error.message}` : OUTPUTS[type][r.port]);
  async function paidOrder(fee = '10.01') {
    const paymentNo = uid('PAID');
    const r = await client.scanCode({
      paymentNo,
      channelProduct: 'ali_scan_code',
      expireTime: Date.now() + 600000,
      tradeFee: fee,
      subject: 'x',
    });
    assert.equal(r.status, 'pay_success');
    return paymentNo;
  }
  async function waitingOrder(fee = '10.00') {
    const paymentNo = uid('WAIT');
    const r = await client.scanCode({
      paymentNo,
      channelProduct: 'ali_scan_code',
      expireTime: Date.now() + 600000,
      tradeFee: fee,
      subject: 'x',
    });
    assert.equal(r.status, 'wait_pay');
    return paymentNo;
  }
  const scanPayload = (tradeFee, extra = {}) => ({
    paymentNo: uid('S'),
    channelProduct: 'ten_scan_code',
    tradeFee,
    subject: '挂号费',
    ...extra,
  });
  const barPayload = (tradeFee, extra = {}) => ({
    paymentNo: uid('B'),
    tradeFee,
    subject: '门诊缴费',
    authCode: '134567890123456789',
    ...extra,
  });

  describe('upp-network [ok]', () => {
    it('ok: payload is the data, msg.upp.diagnosis says what was proven', async () => {
      const r = await run('upp-network', {}, { payload: 'go', topic: 't' });
      assert.equal(portName('upp-network', r), 'ok');
      assert.equal(r.msg.payload.field, core.NETWORK_FIELD_TEXT);
      assert.equal(r.msg.upp.diagnosis.code, 'ok');
      assert.equal(r.msg.upp.outcome, 'success');
      assert.equal(r.msg.upp.verified, 'v1');
      assert.equal(r.msg.topic, 't');
      const node = s.helper.getNode('n1');
      assert.deepEqual(node.statuses.at(-1), { fill: 'green', shape: 'dot', text: 'upp-network.status.ok' });
    });
    it('a wrong key, a wrong profile and a wrong URL are told apart (ERR_UPP_NETWORK to Catch, no output)', async () => {
      const wrongKey = await run('upp-network', {}, { payload: 1 }, {});
      assert.equal(portName('upp-network', wrongKey), 'ok'); // sanity: right key works
      await s.unload();
      await load(actionFlow('upp-network', {}, configNode(sb)), configCredentials('not-the-key'));
      const bad = await sendAndWait({ payload: 1 }, 1);
      assert.equal(bad.error.error.code, 'ERR_UPP_NETWORK');
      assert.equal(bad.error.upp.error.diagnosis.code, 'bad_signature');
      assert.equal(bad.error.upp.error.code, 'ERR_UPP_NETWORK');
      assert.match(bad.error.error.message, /key is probably wrong/);
      await s.unload();
      const sb2 = await s.startSandbox({ profile: 'v2' });
      try {
        await load(actionFlow('upp-network', {}, configNode(sb2)), configCredentials());
        const profile = await sendAndWait({ payload: 1 }, 1);
        assert.equal(profile.error.error.code, 'ERR_UPP_NETWORK');
        assert.match(profile.error.error.message, /set the signature profile to v2/);
        assert.equal(profile.error.upp.error.diagnosis.code, 'profile_mismatch');
      } finally {
        await sb2.close();
      }
      await s.unload();
      await load(actionFlow('upp-network', {}, configNode(sb, { baseUrl: `${sb.origin}/no-such-prefix` })), configCredentials());
      const url = await sendAndWait({ payload: 1 }, 1);
      assert.equal(url.error.error.code, 'ERR_UPP_NETWORK');
      assert.match(url.error.error.message, /check the base URL and its path prefix/);
      assert.equal(url.error.upp.error.diagnosis.code, 'wrong_url');
    });
    it('connection refused: ERR_UPP_NETWORK with the connection diagnosis', async () => {
      await load(actionFlow('upp-network', {}, configNode(null)), configCredentials());
      const r = await sendAndWait({ payload: 1 }, 1);
      assert.equal(r.error.error.code, 'ERR_UPP_NETWORK');
      assert.match(r.error.error.message, /Cannot connect/);
      assert.equal(r.error.upp.error.notSent, true);
      assert.equal(r.error.upp.error.diagnosis.code, 'connection');
      assert.equal(s.helper.getNode('n1').statuses.at(-1).fill, 'red');
    });
  });

  describe('upp-scancode [paid, pending]', () => {
    it('pending (the normal answer): wait_pay with msg.upp.payUrl = data.sign', async () => {
      const payload = scanPayload('12.00');
      const r = await run('upp-scancode', {}, { payload, req: { fake: 'req' }, res: { fake: 'res' } });
      assert.equal(portName('upp-scancode', r), 'pending');
      const { upp } = r.msg;
      assert.equal(upp.tradeStatus, 'wait_pay');
      assert.equal(upp.reason, 'not_final');
      assert.equal(upp.payUrl, r.msg.payload.sign);
      assert.match(upp.payUrl, /^http/);
      assert.equal(upp.bizType, 'scan_pay');
      assert.equal(upp.paymentNo, payload.paymentNo);
      assert.match(upp.expireTime, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      assert.equal(r.msg.payload.tradeFee, '12.00', 'amounts are exact strings');
      assert.deepEqual(r.msg.req, { fake: 'req' });
      assert.deepEqual(r.msg.res, { fake: 'res' });
      assert.equal(upp.request.tradeFee, '12.00');
      assert.equal(upp.request.sign, undefined);
      assert.equal(upp.response.result, true);
      assert.equal(upp.attempts, 1);
      assert.equal(typeof upp.elapsedMs, 'number');
      assert.deepEqual(s.helper.getNode('n1').statuses.at(-1), { fill: 'yellow', shape: 'ring', text: 'upp-scancode.status.pending' });
    });
    it('paid: pay_success at once (cents 01)', async () => {
      const r = await run('upp-scancode', {}, { payload: scanPayload('3.01') });
      assert.equal(portName('upp-scancode', r), 'paid');
      assert.equal(r.msg.upp.tradeStatus, 'pay_success');
      assert.equal(r.msg.upp.payUrl, undefined);
      assert.deepEqual(s.helper.getNode('n1').statuses.at(-1), { fill: 'green', shape: 'dot', text: 'pay_success' });
    });
    const faults = [
      ['91', 'timeout'],
      ['92', 'connection_reset'],
      ['93', 'http_status'],
      ['94', 'unparsable'],
      ['95', 'bad_signature'],
      ['96', 'unsigned'],
      ['97', 'rejected'],
    ];
    for (const [cents, reason] of faults) {
      it(`pending, never failed, on cents ${cents}: reason ${reason}`, async () => {
        const r = await run('upp-scancode', {}, { payload: scanPayload(`5.${cents}`) });
        assert.equal(portName('upp-scancode', r), 'pending');
        assert.equal(r.msg.upp.reason, reason);
        assert.equal(r.msg.upp.outcome, 'pending');
        if (reason === 'http_status') assert.equal(r.msg.upp.httpStatus, 500);
        if (reason === 'bad_signature') {
          assert.deepEqual(r.msg.payload, {}, 'unverified data is not the payload');
          assert.equal(r.msg.upp.unverifiedData.tradeStatus, 'wait_pay');
          assert.equal(r.msg.upp.tradeStatus, undefined);
        }
        if (reason === 'rejected') {
          assert.equal(r.msg.upp.result, false);
          assert.equal(typeof r.msg.upp.msg, 'string');
        }
        assert.equal(s.helper.getNode('n1').statuses.at(-1).fill, 'yellow');
      });
    }
  });

  describe('upp-barcode [paid, pending]', () => {
    it('paid: pay_success (cents 00), bizType barcode_pay', async () => {
      const r = await run('upp-barcode', {}, { payload: barPayload('8.00') });
      assert.equal(portName('upp-barcode', r), 'paid');
      assert.equal(r.msg.upp.tradeStatus, 'pay_success');
      assert.equal(r.msg.upp.bizType, 'barcode_pay');
      assert.equal(r.msg.payload.tradeFee, '8.00');
    });
    it('pending: wait_pay (cents 2N)', async () => {
      const r = await run('upp-barcode', {}, { payload: barPayload('8.22') });
      assert.equal(portName('upp-barcode', r), 'pending');
      assert.equal(r.msg.upp.tradeStatus, 'wait_pay');
    });
    it('pending, not failed: pay_failed in the order answer (cents 41) must be queried', async () => {
      const r = await run('upp-barcode', {}, { payload: barPayload('8.41') });
      assert.equal(portName('upp-barcode', r), 'pending');
      assert.equal(r.msg.upp.tradeStatus, 'pay_failed');
    });
  });

  describe('upp-query [paid, pending, failed]', () => {
    it('paid: pay_success', async () => {
      const paymentNo = await paidOrder();
      const r = await run('upp-query', SCAN, { payload: { paymentNo } });
      assert.equal(portName('upp-query', r), 'paid');
      assert.equal(r.msg.upp.bizType, 'scan_pay');
      assert.equal(r.msg.upp.paymentNo, paymentNo);
    });
    it('pending: wait_pay', async () => {
      const paymentNo = await waitingOrder();
      const r = await run('upp-query', SCAN, { payload: { paymentNo } });
      assert.equal(portName('upp-query', r), 'pending');
      assert.equal(r.msg.upp.tradeStatus, 'wait_pay');
    });
    it('pending: a closed order (status not in the manual: not final)', async () => {
      const paymentNo = await waitingOrder();
      sb.expire(paymentNo);
      const r = await run('upp-query', SCAN, { payload: { paymentNo } });
      assert.equal(portName('upp-query', r), 'pending');
      assert.equal(r.msg.upp.tradeStatus, 'closed');
    });
    it('paid after the patient pays at the cashier', async () => {
      const paymentNo = await waitingOrder();
      sb.pay(paymentNo);
      const r = await run('upp-query', SCAN, { payload: { paymentNo } });
      assert.equal(portName('upp-query', r), 'paid');
    });
    it('failed: only pay_failed (cents 31)', async () => {
      const paymentNo = await waitingOrder('10.31');
      const r = await run('upp-query', SCAN, { payload: { paymentNo } });
      assert.equal(portName('upp-query', r), 'failed');
      assert.equal(r.msg.upp.tradeStatus, 'pay_failed');
      assert.deepEqual(s.helper.getNode('n1').statuses.at(-1), { fill: 'red', shape: 'dot', text: 'pay_failed' });
    });
    it('pending on an HTTP 500 after retries (a read may be retried)', async () => {
      const paymentNo = await waitingOrder();
      sb.armFault('http500', { endpoint: 'query', times: 10 });
      const r = await run('upp-query', SCAN, { payload: { paymentNo } });
      sb.reset();
      assert.equal(portName('upp-query', r), 'pending');
      assert.equal(r.msg.upp.reason, 'http_status');
      assert.ok(r.msg.upp.attempts > 1);
    });
  });

  describe('upp-refund [refunded, pending, failed]', () => {
    const refund = (paymentNo, refundFee) => ({ paymentNo, refundFee, requestNo: uid('R'), refundNo: uid('RN') });
    it('refunded: refund_success (cents 01)', async () => {
      const payload = refund(await paidOrder(), '1.01');
      const r = await run('upp-refund', SCAN, { payload });
      assert.equal(portName('upp-refund', r), 'refunded');
      assert.equal(r.msg.upp.tradeStatus, 'refund_success');
      assert.equal(r.msg.upp.requestNo, payload.requestNo);
      assert.equal(r.msg.upp.bizType, 'scan_pay');
      assert.equal(r.msg.payload.refundFee, '1.01');
    });
    it('refunded: refund_apply_success (cents 02)', async () => {
      const r = await run('upp-refund', SCAN, { payload: refund(await paidOrder(), '1.02') });
      assert.equal(portName('upp-refund', r), 'refunded');
      assert.equal(r.msg.upp.tradeStatus, 'refund_apply_success');
    });
    it('failed: only refund_failed (cents 03)', async () => {
      const r = await run('upp-refund', SCAN, { payload: refund(await paidOrder(), '1.03') });
      assert.equal(portName('upp-refund', r), 'failed');
      assert.equal(r.msg.upp.tradeStatus, 'refund_failed');
    });
    it('pending: refund_exception (cents 10)', async () => {
      const r = await run('upp-refund', SCAN, { payload: refund(await paidOrder(), '1.10') });
      assert.equal(portName('upp-refund', r), 'pending');
      assert.equal(r.msg.upp.tradeStatus, 'refund_exception');
    });
    for (const [cents, reason] of [
      ['91', 'timeout'],
      ['93', 'http_status'],
      ['97', 'rejected'],
    ]) {
      it(`pending, never failed, on cents ${cents}: ${reason}; sent once`, async () => {
        const payload = refund(await paidOrder(), `1.${cents}`);
        const r = await run('upp-refund', SCAN, { payload });
        assert.equal(portName('upp-refund', r), 'pending');
        assert.equal(r.msg.upp.reason, reason);
        assert.equal(sb.requests({ endpoint: 'refund', requestNo: payload.requestNo }).length, 1, 'a refund is never resent');
      });
    }
  });

  describe('upp-refund-query [refunded, pending, failed]', () => {
    async function refundOf(fee) {
      const paymentNo = await paidOrder();
      const requestNo = uid('R');
      await client.refund({ paymentNo, bizType: 'scan_pay', refundFee: fee, requestNo, refundNo: uid('RN') });
      return requestNo;
    }
    it('pending, then refunded from the 2nd query (cents 12)', async () => {
      const requestNo = await refundOf('1.12');
      const first = await run('upp-refund-query', {}, { payload: { requestNo } });
      assert.equal(portName('upp-refund-query', first), 'pending');
      assert.equal(first.msg.upp.tradeStatus, 'refund_exception');
      assert.equal(first.msg.upp.requestNo, requestNo);
      const second = await sendAndWait({ payload: { requestNo } }, 3);
      assert.equal(portName('upp-refund-query', second), 'refunded');
      assert.equal(second.msg.upp.tradeStatus, 'refund_success');
      assert.ok(second.msg.upp.paymentNo, 'paymentNo from the verified answer');
    });
    it('failed: refund_failed', async () => {
      const requestNo = await refundOf('1.03');
      const r = await run('upp-refund-query', {}, { payload: { requestNo } });
      assert.equal(portName('upp-refund-query', r), 'failed');
    });
  });

  describe('upp-close [closed, not closed]', () => {
    it('closed: isCloseOrder Y for an unpaid order', async () => {
      const paymentNo = await waitingOrder();
      const r = await run('upp-close', SCAN, { payload: { paymentNo } });
      assert.equal(portName('upp-close', r), 'closed');
      assert.equal(r.msg.upp.isCloseOrder, 'Y');
      assert.equal(r.msg.upp.assumed, false);
      assert.deepEqual(s.helper.getNode('n1').statuses.at(-1), { fill: 'green', shape: 'dot', text: 'upp-close.status.closed' });
    });
    it('not closed: only isCloseOrder N (a paid order)', async () => {
      const paymentNo = await paidOrder();
      const r = await run('upp-close', SCAN, { payload: { paymentNo } });
      assert.equal(portName('upp-close', r), 'notClosed');
      assert.equal(r.msg.upp.isCloseOrder, 'N');
      assert.equal(r.msg.upp.outcome, 'failed');
      assert.deepEqual(s.helper.getNode('n1').statuses.at(-1), { fill: 'red', shape: 'dot', text: 'upp-close.status.notClosed' });
    });
    for (const fault of ['slow', 'http500', 'rejected']) {
      it(`closed, flagged msg.upp.assumed, on ${fault}`, async () => {
        const paymentNo = await waitingOrder();
        sb.armFault(fault, { endpoint: 'close' });
        const r = await run('upp-close', SCAN, { payload: { paymentNo } });
        assert.equal(portName('upp-close', r), 'closed');
        assert.equal(r.msg.upp.assumed, true);
        assert.equal(r.msg.upp.reason, { slow: 'timeout', http500: 'http_status', rejected: 'rejected' }[fault]);
        assert.equal(s.helper.getNode('n1').statuses.at(-1).fill, 'green');
      });
    }
  });

  describe('connection settings', () => {
    it('profile v2, path style v2 and a base URL with a path prefix', async () => {
      const sb2 = await s.startSandbox({ profile: 'v2', prefix: '/hs-access-facepay', edition: '2.0' });
      try {
        assert.match(sb2.url, /\/hs-access-facepay$/);
        const r = await run('upp-scancode', {}, { payload: scanPayload('2.01') }, { baseUrl: sb2.url, profile: 'v2', pathStyle: 'v2' });
        assert.equal(portName('upp-scancode', r), 'paid');
        assert.equal(r.msg.upp.verified, 'v2');
        const seen = sb2.requests({ endpoint: 'scanCode' });
        assert.equal(seen.length, 1);
        assert.equal(seen[0].path, '/hs-access-facepay/access/scanCode');
      } finally {
        await sb2.close();
      }
    });
  });
});
