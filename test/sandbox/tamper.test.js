'use strict';
// Faults that change what an answer says (issue 10): mismatch_* sign an answer about another order, amount or refund
// request; insert_field adds a field after signing, like a keyless man-in-the-middle. The wire is checked directly,
// and the core client shows what a correct client makes of it (never success or failed: pending, reason mismatch).
const h = require('./support/helpers');
const { assert, core, send, verified, plain, barOrder, scanOrder, query, refundInput, barInput, KEY } = h;

describe('sandbox: mismatch and insert_field faults', function () {
  let sb;
  let client;
  before(async () => {
    sb = await h.startSandbox({ port: 0 });
    client = new core.UppClient({ baseUrl: sb.url, isvId: 20000, partnerId: 12345, key: KEY, proxy: 'none', retry: { attempts: 1 } });
  });
  after(async () => {
    await client.destroy();
    await sb.close();
  });
  afterEach(() => sb.reset());

  it('mismatch_paymentNo: a correctly signed pay answer about another paymentNo; the order itself is made', async () => {
    const input = barInput('8.00');
    sb.armFault('mismatch_paymentNo', { endpoint: 'barCode' });
    const data = plain(verified(await send(sb, 'barCode', input)).data);
    assert.notEqual(data.paymentNo, input.paymentNo);
    assert.equal(data.tradeFee, '8.00');
    assert.equal(data.tradeStatus, 'pay_success');
    assert.equal(sb.order(input.paymentNo).tradeStatus, 'pay_success', 'state applied, only the answer lies');
    assert.equal(sb.requests({ paymentNo: input.paymentNo })[0].response.fault, 'mismatch_paymentNo');
  });

  it('mismatch_amount: the pay answer carries 0.01 for a 1000.00 order (and 0.02 for a 0.01 one), signed', async () => {
    sb.armFault('mismatch_amount', { times: 2 });
    const big = plain(verified(await send(sb, 'barCode', barInput('1000.00'))).data);
    assert.equal(big.tradeFee, '0.01');
    const small = plain(verified(await send(sb, 'barCode', barInput('0.01'))).data);
    assert.equal(small.tradeFee, '0.02');
  });

  it('mismatch_amount and mismatch_requestNo on refunds: refundFee / requestNo of another refund', async () => {
    const { paymentNo } = await barOrder(sb, '9.00');
    const first = refundInput(paymentNo, '1.00');
    sb.armFault('mismatch_amount', { endpoint: 'refund' });
    const a = plain(verified(await send(sb, 'refund', first)).data);
    assert.equal(a.refundFee, '0.01');
    assert.equal(a.requestNo, first.requestNo);
    sb.armFault('mismatch_requestNo', { endpoint: 'refundQuery' });
    const b = plain(verified(await send(sb, 'refundQuery', { requestNo: first.requestNo })).data);
    assert.notEqual(b.requestNo, first.requestNo);
    assert.equal(b.refundFee, '1.00');
    assert.equal(sb.refund(first.requestNo).tradeStatus, 'refund_success');
  });

  it('a mismatch fault leaves answers without that field unchanged (and still correctly signed)', async () => {
    const { paymentNo } = await scanOrder(sb, '5.00');
    sb.armFault('mismatch_requestNo', { endpoint: 'query' });
    const data = plain(verified(await query(sb, paymentNo)).data);
    assert.equal(data.paymentNo, paymentNo);
    assert.equal(data.tradeFee, '5.00');
  });

  it('the core client reads each mismatch as pending / mismatch, never success or failed', async () => {
    const expireTime = Date.now() + 10 * 60_000;
    const bar = (tradeFee) => ({ paymentNo: h.uid(), authCode: '283456789012345678', expireTime, tradeFee, subject: '门诊缴费' });
    sb.armFault('mismatch_paymentNo');
    const r1 = await client.barCode(bar('8.00'));
    assert.equal(r1.outcome, 'pending');
    assert.equal(r1.reason, 'mismatch');
    assert.ok(r1.mismatch.paymentNo, JSON.stringify(r1.mismatch));
    sb.armFault('mismatch_amount');
    const r2 = await client.barCode(bar('1000.00'));
    assert.deepEqual([r2.outcome, r2.reason, r2.mismatch.tradeFee], ['pending', 'mismatch', { expected: '1000.00', received: '0.01' }]);
    const paid = bar('9.00');
    await client.barCode(paid);
    const refund = { paymentNo: paid.paymentNo, refundFee: '1.00', bizType: 'barcode_pay', requestNo: h.uid('R'), refundNo: h.uid('N') };
    sb.armFault('mismatch_requestNo');
    const r3 = await client.refund(refund);
    assert.deepEqual([r3.outcome, r3.reason], ['pending', 'mismatch']);
    assert.ok(r3.mismatch.requestNo);
  });

  it('insert_field "tradeStatus":"" into a close answer with isCloseOrder N: the signature still verifies', async () => {
    const { paymentNo } = await barOrder(sb, '7.00');
    sb.armFault('insert_field', { endpoint: 'close', field: 'tradeStatus', value: '' });
    const res = await send(sb, 'close', { bizType: 'barcode_pay', paymentNo });
    assert.match(res.text, /"tradeStatus":""/);
    const data = plain(verified(res).data);
    assert.equal(data.isCloseOrder, 'N');
    assert.equal(data.tradeStatus, '');
    assert.equal(sb.order(paymentNo).tradeStatus, 'pay_success');
    const r = await client.close({ bizType: 'barcode_pay', paymentNo });
    assert.notEqual(r.outcome, 'success', 'isCloseOrder N is never closed');
  });

  it('insert_field "tradeStatus":"pay_success" after signing breaks the signature (the key is needed for that)', async () => {
    const { paymentNo } = await scanOrder(sb, '6.00');
    sb.armFault('insert_field', { endpoint: 'query', paymentNo, field: 'tradeStatus', value: 'pay_success' });
    const res = await send(sb, 'query', { bizType: 'scan_pay', paymentNo });
    assert.equal(res.tree.data.tradeStatus, 'pay_success', 'replaced in place');
    assert.deepEqual(core.verifyTree(res.tree, KEY, 'v1', 'auto'), { verified: false, problem: 'bad_signature' });
    assert.equal(sb.order(paymentNo).tradeStatus, 'wait_pay');
  });

  it('insert_field adds a new field at the end of data; numbers keep their text; without data it goes into the envelope', async () => {
    sb.armFault('insert_field', { endpoint: 'network', field: 'extra', value: 12.5 });
    const res = await send(sb, 'network', {});
    assert.match(res.text, /"data":\{"field":"[^"]+","extra":12\.5\}/);
    sb.armFault('insert_field', { endpoint: 'query', field: 'tradeStatus', value: '' });
    const missing = await query(sb, 'NO-SUCH-ORDER');
    assert.equal(missing.tree.result, false);
    assert.equal(missing.tree.tradeStatus, '');
    verified(missing); // an empty value is not in the canonical string
  });

  it('arming checks field and value: insert_field needs both, other faults take neither', () => {
    assert.throws(() => sb.armFault('insert_field', { value: '' }), /insert_field needs field/);
    assert.throws(() => sb.armFault('insert_field', { field: 'tradeStatus' }), /insert_field needs value/);
    assert.throws(() => sb.armFault('insert_field', { field: 'tradeStatus', value: { a: 1 } }), /insert_field needs value/);
    assert.throws(() => sb.armFault('mismatch_amount', { field: 'tradeStatus', value: '' }), /insert_field only/);
    assert.deepEqual(sb.requests(), []);
  });

  it('the control API arms them too, and GET /_sandbox lists field and value', async () => {
    const post = (body) =>
      h.request(`${sb.origin}/_sandbox/faults`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
    const ok = await post({ fault: 'insert_field', endpoint: 'close', field: 'tradeStatus', value: '' });
    assert.equal(ok.statusCode, 200, await ok.body.text());
    const bad = await post({ fault: 'insert_field', endpoint: 'close' });
    assert.equal(bad.statusCode, 400);
    assert.match((await bad.body.json()).error, /field/);
    const info = await (await h.request(`${sb.origin}/_sandbox`)).body.json();
    assert.deepEqual(info.faults, [{ fault: 'insert_field', endpoint: 'close', field: 'tradeStatus', value: '', times: 1 }]);
  });
});
