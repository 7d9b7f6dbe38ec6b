'use strict';
// Faults: by magic cents (91-97) on pay and refund, and armed on any endpoint. 91-95 apply the state first and then
// spoil the delivery; 96-97 apply nothing.
const h = require('./support/helpers');
const { assert, core, send, post, dataOf, rejected, barOrder, scanOrder, query, refundInput, barInput, KEY, IDS } = h;

const SLOW = 300;

/** Sends without waiting longer than `ms` for the answer; resolves to { error: 'TimeoutError' } when it gives up. */
async function sendWithin(sb, endpoint, input, ms) {
  const fields = core.validateRequest(endpoint, input);
  const { body } = core.encodeRequest(IDS, fields, KEY, 'v1', Date.now());
  try {
    const res = await h.request(`${sb.url}${core.ENDPOINTS[endpoint].paths['manual-1.0']}`, {
      method: 'POST',
      body,
      signal: AbortSignal.timeout(ms),
    });
    return { status: res.statusCode, text: await res.body.text() };
  } catch (err) {
    return { error: err.name };
  }
}

describe('sandbox: faults by magic cents', function () {
  let sb;
  before(async () => (sb = await h.startSandbox({ port: 0, slowMs: SLOW })));
  after(() => sb.close());

  it('91 slow: the order is made at once, the answer comes only after slowMs (a short client timeout gives up)', async () => {
    const input = barInput('5.91');
    const res = await sendWithin(sb, 'barCode', input, 100);
    assert.equal(res.error, 'TimeoutError');
    assert.equal(sb.order(input.paymentNo).tradeStatus, 'pay_success', 'state applied before the answer');
    assert.equal(sb.requests({ paymentNo: input.paymentNo })[0].response.fault, 'slow');
  });

  it('91 slow: a patient client gets the correct signed answer', async () => {
    const input = barInput('5.91');
    const started = Date.now();
    const data = dataOf(await send(sb, 'barCode', input));
    assert.ok(Date.now() - started >= SLOW - 50, 'answered after slowMs');
    assert.equal(data.tradeStatus, 'pay_success');
  });

  it('92 reset: the connection is dropped without an answer; the order exists', async () => {
    const input = barInput('5.92');
    await assert.rejects(send(sb, 'barCode', input), (err) => ['UND_ERR_SOCKET', 'ECONNRESET'].includes(err.code));
    assert.equal(sb.order(input.paymentNo).tradeStatus, 'pay_success');
    assert.equal(sb.requests({ paymentNo: input.paymentNo })[0].response.fault, 'reset');
    // State recorded before the fault: resending the same paymentNo is a duplicate, and the query finds it paid.
    rejected(await send(sb, 'barCode', input), '订单号重复');
    assert.equal(dataOf(await query(sb, input.paymentNo, 'barcode_pay')).tradeStatus, 'pay_success');
  });

  it('93 http500: HTTP 500 with a text body; the scan-code order exists (wait_pay)', async () => {
    const input = h.scanInput('5.93');
    const res = await send(sb, 'scanCode', input);
    assert.equal(res.status, 500);
    assert.match(res.headers['content-type'], /^text\/plain/);
    assert.equal(res.tree, undefined);
    assert.equal(sb.order(input.paymentNo).tradeStatus, 'wait_pay');
  });

  it('94 malformed: HTTP 200 with broken JSON; the order exists', async () => {
    const input = barInput('5.94');
    const res = await send(sb, 'barCode', input);
    assert.equal(res.status, 200);
    assert.throws(() => core.parseLossless(res.text));
    assert.ok(res.text.startsWith('{"result":true'), res.text);
    assert.equal(sb.order(input.paymentNo).tradeStatus, 'pay_success');
  });

  it('95 bad_sign: the correct answer with a signature that does not verify (any variant)', async () => {
    const input = barInput('5.95');
    const res = await send(sb, 'barCode', input);
    assert.equal(res.tree.result, true);
    assert.equal(res.tree.data.tradeStatus, 'pay_success');
    assert.match(res.tree.sign, /^[0-9a-f]{32}$/);
    assert.deepEqual(core.verifyTree(res.tree, KEY, 'v1', 'auto'), { verified: false, problem: 'bad_signature' });
    assert.equal(sb.order(input.paymentNo).tradeStatus, 'pay_success');
  });

  it('96 unsigned_error: {"result":false,"kind":"1","msg":"系统繁忙"} without sign; nothing created', async () => {
    const input = barInput('5.96');
    const res = await send(sb, 'barCode', input);
    assert.equal(res.status, 200);
    assert.equal(res.text, '{"result":false,"kind":"1","msg":"系统繁忙"}');
    assert.deepEqual(core.verifyTree(res.tree, KEY, 'v1', 'auto'), { verified: false, problem: 'unsigned' });
    assert.equal(sb.order(input.paymentNo), undefined);
  });

  it('97 rejected: signed result:false 业务拒绝; nothing created', async () => {
    const input = h.scanInput('5.97');
    rejected(await send(sb, 'scanCode', input), '业务拒绝');
    assert.equal(sb.order(input.paymentNo), undefined);
    assert.equal(sb.requests({ paymentNo: input.paymentNo })[0].response.fault, 'rejected');
  });

  it('refund 92 reset: the refund is made; resending its requestNo answers the same refund, normally', async () => {
    const { paymentNo } = await barOrder(sb, '10.00');
    const input = refundInput(paymentNo, '3.92');
    await assert.rejects(send(sb, 'refund', input));
    const made = sb.refund(input.requestNo);
    assert.equal(made.tradeStatus, 'refund_success');
    const again = dataOf(await send(sb, 'refund', input));
    assert.equal(again.outRefundNo, made.outRefundNo);
    assert.equal(sb.refunds().filter((r) => r.paymentNo === paymentNo).length, 1);
  });

  it('refund 91 slow: the refund is made before the late answer', async () => {
    const { paymentNo } = await barOrder(sb, '10.00');
    const input = refundInput(paymentNo, '3.91');
    const res = await sendWithin(sb, 'refund', input, 100);
    assert.equal(res.error, 'TimeoutError');
    assert.equal(sb.refund(input.requestNo).tradeStatus, 'refund_success');
  });

  it('refund 93/94/95 apply the refund; 96/97 do not', async () => {
    const { paymentNo } = await barOrder(sb, '50.00');
    const made = [];
    for (const fee of ['1.93', '1.94', '1.95', '1.96', '1.97']) {
      const input = refundInput(paymentNo, fee);
      await send(sb, 'refund', input);
      made.push(sb.refund(input.requestNo) !== undefined);
    }
    assert.deepEqual(made, [true, true, true, false, false]);
    assert.equal(sb.order(paymentNo).refundedFee, '5.82');
  });
});

describe('sandbox: armed faults', function () {
  let sb;
  before(async () => (sb = await h.startSandbox({ port: 0, slowMs: SLOW })));
  after(() => sb.close());
  afterEach(() => sb.reset());

  it('reset on query: the next query only; the query is still counted (state applied)', async () => {
    const { paymentNo } = await scanOrder(sb, '1.22');
    sb.armFault('reset', { endpoint: 'query' });
    await assert.rejects(query(sb, paymentNo));
    assert.equal(sb.order(paymentNo).queries, 1);
    assert.equal(dataOf(await query(sb, paymentNo)).tradeStatus, 'pay_success', 'the 2nd query');
  });

  it('http500 on close, twice: the order is closed by the first, the third close is answered', async () => {
    const { paymentNo } = await scanOrder(sb, '1.00');
    sb.armFault('http500', { endpoint: 'close', times: 2 });
    assert.equal((await send(sb, 'close', { bizType: 'scan_pay', paymentNo })).status, 500);
    assert.equal(sb.order(paymentNo).tradeStatus, 'closed');
    assert.equal((await send(sb, 'close', { bizType: 'scan_pay', paymentNo })).status, 500);
    assert.equal(dataOf(await send(sb, 'close', { bizType: 'scan_pay', paymentNo })).isCloseOrder, 'Y');
  });

  it('unsigned_error on close applies nothing: the order stays wait_pay', async () => {
    const { paymentNo } = await scanOrder(sb, '1.00');
    sb.armFault('unsigned_error', { endpoint: 'close' });
    const res = await send(sb, 'close', { bizType: 'scan_pay', paymentNo });
    assert.equal(res.text, '{"result":false,"kind":"1","msg":"系统繁忙"}');
    assert.equal(sb.order(paymentNo).tradeStatus, 'wait_pay');
  });

  it('malformed on network; bad_sign on network', async () => {
    sb.armFault('malformed', { endpoint: 'network' });
    sb.armFault('bad_sign', { endpoint: 'network' });
    const broken = await send(sb, 'network', {});
    assert.equal(broken.status, 200);
    assert.equal(broken.tree, undefined);
    const badSign = await send(sb, 'network', {});
    assert.equal(badSign.tree.data.field, '杭州恒生芸泰网络科技有限公司');
    assert.equal(core.verifyTree(badSign.tree, KEY, 'v1', 'auto').verified, false);
    h.verified(await send(sb, 'network', {}));
  });

  it('slow on refundQuery for one requestNo only', async () => {
    const { paymentNo } = await barOrder(sb, '9.00');
    const a = refundInput(paymentNo, '1.00');
    const b = refundInput(paymentNo, '1.00');
    dataOf(await send(sb, 'refund', a));
    dataOf(await send(sb, 'refund', b));
    sb.armFault('slow', { endpoint: 'refundQuery', requestNo: b.requestNo });
    assert.equal(dataOf(await send(sb, 'refundQuery', { requestNo: a.requestNo })).tradeStatus, 'refund_success');
    assert.equal((await sendWithin(sb, 'refundQuery', { requestNo: b.requestNo }, 100)).error, 'TimeoutError');
  });

  it('rejected on scanCode for one paymentNo: nothing created for it, other orders unaffected', async () => {
    const target = h.scanInput('1.01');
    sb.armFault('rejected', { paymentNo: target.paymentNo });
    const other = await scanOrder(sb, '1.01');
    assert.equal(other.data.tradeStatus, 'pay_success');
    rejected(await send(sb, 'scanCode', target), '业务拒绝');
    assert.equal(sb.order(target.paymentNo), undefined);
    assert.equal(dataOf(await send(sb, 'scanCode', target)).tradeStatus, 'pay_success', 'used up after one');
  });

  it('an armed fault wins over the magic cents', async () => {
    sb.armFault('http500', { endpoint: 'barCode' });
    const input = barInput('1.97');
    assert.equal((await send(sb, 'barCode', input)).status, 500);
    assert.equal(sb.order(input.paymentNo).tradeStatus, 'pay_success', 'http500 applies the state');
  });

  it('refuses unknown faults, endpoints and times', () => {
    assert.throws(() => sb.armFault('explode', {}), /Unknown fault/);
    assert.throws(() => sb.armFault('slow', { endpoint: 'pay' }), /Unknown endpoint/);
    assert.throws(() => sb.armFault('slow', { times: 0 }), /times/);
  });

  it('reset() forgets armed faults', async () => {
    sb.armFault('http500', {});
    sb.reset();
    h.verified(await send(sb, 'network', {}));
  });

  it('a raw POST that is not JSON still meets an armed fault', async () => {
    sb.armFault('http500', { endpoint: 'query' });
    assert.equal((await post(`${sb.url}/access/query`, 'not json')).status, 500);
  });
});
