'use strict';
// The client against the sandbox over real HTTP: transport classification, retries, outcomes, single flight.
const assert = require('node:assert/strict');
const { core } = require('../helpers');
const { startSandbox } = require('../../dist/nodes/sandbox');

const KEY = 'sandbox-key-0001';
const inMinutes = (m) => Date.now() + m * 60 * 1000;

describe('UppClient against the sandbox', function () {
  let sb;
  let client;
  let seq = 0;
  const pno = () => `CT${Date.now()}${++seq}`;
  const makeClient = (over = {}) =>
    new core.UppClient({
      baseUrl: sb.url,
      isvId: 20000,
      partnerId: 12345,
      key: KEY,
      timeouts: { readMs: 400, payMs: 400, connectMs: 500 },
      retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 20 },
      proxy: 'none',
      ...over,
    });
  const order = (cents, over = {}) => ({
    paymentNo: pno(),
    channelProduct: 'ali_scan_code',
    expireTime: inMinutes(15),
    tradeFee: `12.${cents}`,
    subject: '门诊缴费',
    ...over,
  });
  const barcode = (cents, over = {}) => ({ ...order(cents), channelProduct: undefined, authCode: '284567890123456789', ...over });

  before(async () => {
    sb = await startSandbox({ port: 0, slowMs: 1500 });
    client = makeClient();
  });
  after(async () => {
    await client.destroy();
    await sb.close();
  });
  afterEach(() => sb.reset());

  describe('network test and diagnosis', () => {
    it('ok: our signature accepted, the answer verified, the UTF-8 text intact', async () => {
      const r = await client.network();
      assert.equal(r.outcome, 'success');
      assert.equal(r.verified, 'v1');
      assert.equal(r.data.field, core.NETWORK_FIELD_TEXT);
      assert.equal(r.diagnosis.code, 'ok');
    });
    it('wrong key: the answer does not verify', async () => {
      const bad = makeClient({ key: 'wrong-key' });
      const r = await bad.network();
      await bad.destroy();
      assert.equal(r.outcome, 'failed');
      assert.equal(r.diagnosis.code, 'bad_signature');
    });
    it('wrong profile: told apart from a wrong key', async () => {
      const v2 = await startSandbox({ port: 0, profile: 'v2' });
      const c = new core.UppClient({ baseUrl: v2.url, isvId: 20000, partnerId: 12345, key: KEY, profile: 'v1', proxy: 'none' });
      const r = await c.network();
      await c.destroy();
      await v2.close();
      assert.equal(r.diagnosis.code, 'profile_mismatch');
      assert.match(r.diagnosis.en, /v2/);
    });
    it('wrong URL prefix: HTTP 404 is reported as a wrong URL', async () => {
      const c = makeClient({ baseUrl: `${sb.origin}/no-such-prefix` });
      const r = await c.network();
      await c.destroy();
      assert.equal(r.diagnosis.code, 'wrong_url');
      assert.equal(r.httpStatus, 404);
    });
    it('connection refused: thrown as not sent, after the bounded retries', async () => {
      const c = makeClient({ baseUrl: 'http://127.0.0.1:1' });
      await assert.rejects(c.network(), (err) => {
        assert.equal(err.code, 'ERR_UPP_NOT_SENT');
        assert.equal(err.attempts, 3);
        assert.equal(err.diagnosis.code, 'connection');
        return true;
      });
      await c.destroy();
    });
  });

  describe('outcomes', () => {
    it('scan-code order: pending with the pay URL and the amount as an exact string', async () => {
      const r = await client.scanCode(order('30'));
      assert.equal(r.outcome, 'pending');
      assert.equal(r.status, 'wait_pay');
      assert.equal(r.data.tradeFee, '12.30');
      assert.match(r.data.sign, /^http:\/\/127\.0\.0\.1:\d+\/_sandbox\/cashier\?/);
      assert.equal(r.request.tradeFee, '12.30');
      assert.equal(r.request.sign, undefined);
    });
    it('barcode paid at once -> success; query -> success', async () => {
      const o = barcode('01');
      const r = await client.barCode(o);
      assert.equal(r.outcome, 'success');
      assert.equal(r.status, 'pay_success');
      const q = await client.query({ bizType: 'barcode_pay', paymentNo: o.paymentNo });
      assert.equal(q.outcome, 'success');
    });
    it('pay_failed in the order answer is pending; the query makes it failed', async () => {
      const o = barcode('41');
      assert.equal((await client.barCode(o)).outcome, 'pending');
      assert.equal((await client.query({ bizType: 'barcode_pay', paymentNo: o.paymentNo })).outcome, 'failed');
    });
    it('refund: success, apply success, failed, exception pending; refund query follows', async () => {
      const o = barcode('00', { tradeFee: '100.00' });
      assert.equal((await client.barCode(o)).outcome, 'success');
      const refund = (cents) => {
        const requestNo = pno();
        return client.refund({ refundFee: `1.${cents}`, paymentNo: o.paymentNo, bizType: 'barcode_pay', requestNo, refundNo: requestNo });
      };
      const ok = await refund('01');
      assert.equal(ok.outcome, 'success');
      assert.equal(ok.data.refundFee, '1.01');
      assert.equal((await refund('02')).outcome, 'success');
      assert.equal((await refund('03')).outcome, 'failed');
      const ex = await refund('10');
      assert.equal(ex.outcome, 'pending');
      assert.equal(ex.status, 'refund_exception');
      assert.equal((await client.refundQuery({ requestNo: ex.request.requestNo })).outcome, 'pending');
    });
    it('close: Y for an unpaid order, N for a paid one', async () => {
      const unpaid = order('40');
      await client.scanCode(unpaid);
      const y = await client.close({ bizType: 'scan_pay', paymentNo: unpaid.paymentNo });
      assert.equal(y.outcome, 'success');
      assert.equal(y.assumed, false);
      const paid = barcode('01');
      await client.barCode(paid);
      const n = await client.close({ bizType: 'barcode_pay', paymentNo: paid.paymentNo });
      assert.equal(n.outcome, 'failed');
      assert.equal(n.status, 'N');
    });
  });

  describe('ambiguous failures of pay and refund: pending, sent exactly once', () => {
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
      it(`barcode with fault ${cents} -> pending (${reason}), one request`, async () => {
        const o = barcode(cents);
        const r = await client.barCode(o);
        assert.equal(r.outcome, 'pending');
        assert.equal(r.reason, reason);
        assert.equal(r.attempts, 1);
        assert.equal(sb.requests({ paymentNo: o.paymentNo }).length, 1);
      });
    }
    it('a refund that times out is pending and never resent', async () => {
      const o = barcode('00');
      await client.barCode(o);
      const r = await client.refund({
        refundFee: '1.91',
        paymentNo: o.paymentNo,
        bizType: 'barcode_pay',
        requestNo: 'RQ-T1',
        refundNo: 'RF-T1',
      });
      assert.equal(r.outcome, 'pending');
      assert.equal(r.reason, 'timeout');
      assert.equal(sb.requests({ endpoint: 'refund' }).length, 1);
    });
    it('a close that times out counts as closed, flagged assumed', async () => {
      const o = order('40');
      await client.scanCode(o);
      sb.armFault('slow', { endpoint: 'close' });
      const r = await client.close({ bizType: 'scan_pay', paymentNo: o.paymentNo });
      assert.equal(r.outcome, 'success');
      assert.equal(r.assumed, true);
      assert.equal(r.reason, 'timeout');
    });
  });

  describe('reads retry with backoff, pay does not', () => {
    it('a query answered HTTP 500 once is retried and succeeds', async () => {
      const o = barcode('01');
      await client.barCode(o);
      sb.armFault('http500', { endpoint: 'query', times: 1 });
      const r = await client.query({ bizType: 'barcode_pay', paymentNo: o.paymentNo });
      assert.equal(r.outcome, 'success');
      assert.equal(r.attempts, 2);
    });
    it('a query that keeps failing stops after the configured attempts, pending', async () => {
      const o = barcode('01');
      await client.barCode(o);
      sb.armFault('malformed', { endpoint: 'query', times: 5 });
      const r = await client.query({ bizType: 'barcode_pay', paymentNo: o.paymentNo });
      assert.equal(r.outcome, 'pending');
      assert.equal(r.reason, 'unparsable');
      assert.equal(r.attempts, 3);
    });
    it('a scan-code order answered HTTP 500 is not resent', async () => {
      sb.armFault('http500', { endpoint: 'scanCode', times: 3 });
      const o = order('00');
      const r = await client.scanCode(o);
      assert.equal(r.outcome, 'pending');
      assert.equal(sb.requests({ endpoint: 'scanCode' }).length, 1);
    });
  });

  describe('single flight', () => {
    it('a second pay call for a paymentNo in flight is refused and never sent', async () => {
      const o = barcode('91');
      const first = client.barCode(o);
      await new Promise((r) => setTimeout(r, 50));
      await assert.rejects(client.barCode(o), (err) => err.code === 'ERR_UPP_IN_FLIGHT' && err.field === 'paymentNo');
      await first;
      assert.equal(sb.requests({ paymentNo: o.paymentNo }).length, 1);
    });
  });

  describe('path styles, prefix and profiles', () => {
    for (const profile of ['v1', 'v2']) {
      for (const pathStyle of ['manual-1.0', 'v2']) {
        it(`${profile} / ${pathStyle} / prefix: barcode + query verified strictly`, async () => {
          const s = await startSandbox({ port: 0, profile, prefix: '/hs-access-facepay', edition: pathStyle === 'v2' ? '2.0' : '1.0' });
          const c = new core.UppClient({
            baseUrl: s.url,
            isvId: 20000,
            partnerId: 12345,
            key: KEY,
            profile,
            verify: 'strict',
            pathStyle,
            proxy: 'none',
          });
          const o = barcode('01');
          const r = await c.barCode(o);
          const q = await c.query({ bizType: 'barcode_pay', paymentNo: o.paymentNo });
          await c.destroy();
          const paths = s.requests().map((x) => x.path);
          await s.close();
          assert.equal(r.outcome, 'success');
          assert.equal(r.verified, profile);
          assert.equal(q.outcome, 'success');
          assert.ok(paths[0].startsWith('/hs-access-facepay/access/'));
          assert.equal(paths[0].endsWith(pathStyle === 'v2' ? '/barCode' : '/barcode'), true);
          assert.equal(paths[1].endsWith(pathStyle === 'v2' ? '/paymentQuery' : '/query'), true);
        });
      }
    }
  });

  describe('shutdown', () => {
    it('destroy() with a pay call in flight: the call comes back pending, nothing thrown unhandled', async () => {
      const c = makeClient({ timeouts: { payMs: 5000 } });
      const o = barcode('91');
      const call = c.barCode(o);
      await new Promise((r) => setTimeout(r, 100));
      await c.destroy(0);
      const r = await call;
      assert.equal(r.outcome, 'pending');
      await assert.rejects(c.barCode(barcode('01')), (err) => err.code === 'ERR_UPP_CLIENT_CLOSED');
    });
  });
});
