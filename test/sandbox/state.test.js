'use strict';
// The state machine's rules: unique paymentNo, bizType, close Y/N, refunds bounded by the paid amount, requestNo
// idempotency.
const h = require('./support/helpers');
const { assert, send, dataOf, rejected, scanOrder, barOrder, query, refundInput, scanInput } = h;

describe('sandbox: orders', function () {
  let sb;
  before(async () => (sb = await h.startSandbox({ port: 0 })));
  after(() => sb.close());

  it('a second order with an existing paymentNo is refused with 订单号重复 (either endpoint), the first is unchanged', async () => {
    const input = scanInput('8.00');
    const first = dataOf(await send(sb, 'scanCode', input));
    rejected(await send(sb, 'scanCode', input), '订单号重复');
    rejected(await send(sb, 'barCode', h.barInput('8.01', { paymentNo: input.paymentNo })), '订单号重复');
    const order = sb.order(input.paymentNo);
    assert.equal(order.outPaymentNo, first.outPaymentNo);
    assert.equal(order.tradeStatus, 'wait_pay');
    assert.equal(sb.orders().filter((o) => o.paymentNo === input.paymentNo).length, 1);
  });

  it('query: unknown paymentNo -> 订单不存在; bizType must match how the order was created', async () => {
    rejected(await query(sb, 'no-such-order'), '订单不存在');
    const scan = await scanOrder(sb, '1.00');
    const bar = await barOrder(sb, '1.00');
    rejected(await query(sb, scan.paymentNo, 'barcode_pay'), '业务类型不匹配');
    rejected(await query(sb, bar.paymentNo, 'scan_pay'), '业务类型不匹配');
    rejected(await query(sb, bar.paymentNo, 'register'), '业务类型不匹配');
    assert.equal(dataOf(await query(sb, bar.paymentNo, 'barcode_pay')).tradeStatus, 'pay_success');
    assert.equal(sb.order(scan.paymentNo).queries, 0, 'a refused query is not counted');
  });

  it('close: wait_pay -> Y and closed (queries answer "closed"); closing again -> Y', async () => {
    const { paymentNo, data } = await scanOrder(sb, '1.00');
    const closed = dataOf(await send(sb, 'close', { bizType: 'scan_pay', paymentNo }));
    assert.deepEqual(closed, { outPaymentNo: data.outPaymentNo, paymentNo, isCloseOrder: 'Y' });
    assert.equal(dataOf(await query(sb, paymentNo)).tradeStatus, 'closed');
    assert.equal(dataOf(await send(sb, 'close', { bizType: 'scan_pay', paymentNo })).isCloseOrder, 'Y');
    assert.throws(() => sb.pay(paymentNo), /closed/);
  });

  it('close: a scripted order (21) closed before its query stays closed', async () => {
    const { paymentNo } = await scanOrder(sb, '1.21');
    assert.equal(dataOf(await send(sb, 'close', { bizType: 'scan_pay', paymentNo })).isCloseOrder, 'Y');
    assert.equal(dataOf(await query(sb, paymentNo)).tradeStatus, 'closed');
  });

  it('close: pay_failed -> Y; pay_success -> N with inPaymentNo; unknown -> 订单不存在; bizType checked', async () => {
    const failed = await barOrder(sb, '1.41');
    assert.equal(dataOf(await send(sb, 'close', { bizType: 'barcode_pay', paymentNo: failed.paymentNo })).isCloseOrder, 'Y');
    assert.equal(sb.order(failed.paymentNo).tradeStatus, 'pay_failed');
    const paid = await barOrder(sb, '1.00');
    const n = dataOf(await send(sb, 'close', { bizType: 'barcode_pay', paymentNo: paid.paymentNo }));
    assert.equal(n.isCloseOrder, 'N');
    assert.equal(n.inPaymentNo, paid.data.inPaymentNo);
    assert.equal(sb.order(paid.paymentNo).tradeStatus, 'pay_success');
    rejected(await send(sb, 'close', { bizType: 'scan_pay', paymentNo: 'no-such-order' }), '订单不存在');
    rejected(await send(sb, 'close', { bizType: 'scan_pay', paymentNo: paid.paymentNo }), '业务类型不匹配');
  });

  it('pay(), decline() and expire() move only wait_pay orders and say why otherwise', async () => {
    const a = await scanOrder(sb, '1.00');
    const b = await scanOrder(sb, '1.00');
    const c = await scanOrder(sb, '1.00');
    sb.pay(a.paymentNo);
    sb.decline(b.paymentNo);
    sb.expire(c.paymentNo);
    assert.deepEqual(
      [a, b, c].map((o) => sb.order(o.paymentNo).tradeStatus),
      ['pay_success', 'pay_failed', 'closed'],
    );
    assert.throws(() => sb.pay(a.paymentNo), /pay_success/);
    assert.throws(() => sb.decline(c.paymentNo), /closed/);
    assert.throws(() => sb.pay('no-such-order'), /No order/);
    assert.equal(sb.order('no-such-order'), undefined);
  });

  it('order views are copies: changing one does not change the sandbox', async () => {
    const { paymentNo } = await scanOrder(sb, '1.00');
    const view = sb.order(paymentNo);
    view.tradeStatus = 'pay_success';
    view.refunds.push('x');
    assert.equal(sb.order(paymentNo).tradeStatus, 'wait_pay');
    assert.deepEqual(sb.order(paymentNo).refunds, []);
  });
});

describe('sandbox: refunds', function () {
  let sb;
  before(async () => (sb = await h.startSandbox({ port: 0 })));
  after(() => sb.close());

  it('only a paid order can be refunded; unknown order and bizType mismatch are refused', async () => {
    const unpaid = await scanOrder(sb, '10.00');
    rejected(await send(sb, 'refund', refundInput(unpaid.paymentNo, '1.00', { bizType: 'scan_pay' })), '订单未支付，不能退款');
    rejected(await send(sb, 'refund', refundInput('no-such-order', '1.00')), '订单不存在');
    const paid = await barOrder(sb, '10.00');
    rejected(await send(sb, 'refund', refundInput(paid.paymentNo, '1.00', { bizType: 'scan_pay' })), '业务类型不匹配');
    assert.equal(sb.refunds().length, 0);
  });

  it('the refunds of an order never add up to more than was paid', async () => {
    const { paymentNo } = await barOrder(sb, '10.00');
    assert.equal(dataOf(await send(sb, 'refund', refundInput(paymentNo, '6.00'))).tradeStatus, 'refund_success');
    rejected(await send(sb, 'refund', refundInput(paymentNo, '4.01')), '退款金额超出可退金额');
    assert.equal(dataOf(await send(sb, 'refund', refundInput(paymentNo, '4.00'))).tradeStatus, 'refund_success');
    rejected(await send(sb, 'refund', refundInput(paymentNo, '0.01')), '退款金额超出可退金额');
    const order = sb.order(paymentNo);
    assert.equal(order.refundedFee, '10.00');
    assert.equal(order.refunds.length, 2);
    assert.equal(sb.refunds().filter((r) => r.paymentNo === paymentNo).length, 2);
  });

  it('the same requestNo with the same values returns the same refund (current status) and never a second one', async () => {
    const { paymentNo } = await barOrder(sb, '10.00');
    const input = refundInput(paymentNo, '10.02');
    rejected(await send(sb, 'refund', input), '退款金额超出可退金额'); // 10.02 > 10.00: nothing made
    const ok = refundInput(paymentNo, '9.02');
    const first = dataOf(await send(sb, 'refund', ok));
    assert.equal(first.tradeStatus, 'refund_apply_success');
    assert.equal(dataOf(await send(sb, 'refundQuery', { requestNo: ok.requestNo })).tradeStatus, 'refund_success');
    const again = dataOf(await send(sb, 'refund', ok));
    assert.equal(again.outRefundNo, first.outRefundNo);
    assert.equal(again.tradeStatus, 'refund_success', 'the current status, not a new refund');
    const third = dataOf(await send(sb, 'refund', ok));
    assert.equal(third.outRefundNo, first.outRefundNo);
    assert.equal(sb.refunds().filter((r) => r.paymentNo === paymentNo).length, 1);
    assert.equal(sb.order(paymentNo).refundedFee, '9.02');
    assert.equal(sb.requests({ endpoint: 'refund', requestNo: ok.requestNo }).length, 3);
  });

  it('a whole-amount refund resent with its requestNo is answered, not refused as over the amount', async () => {
    const { paymentNo } = await barOrder(sb, '10.00');
    const input = refundInput(paymentNo, '10.00');
    const first = dataOf(await send(sb, 'refund', input));
    const again = dataOf(await send(sb, 'refund', input));
    assert.equal(again.outRefundNo, first.outRefundNo);
    assert.equal(again.tradeStatus, 'refund_success');
  });

  it('the same requestNo with other values is refused with 退款请求号重复 and creates nothing', async () => {
    const { paymentNo } = await barOrder(sb, '10.00');
    const other = await barOrder(sb, '10.00');
    const input = refundInput(paymentNo, '2.00');
    dataOf(await send(sb, 'refund', input));
    for (const change of [{ refundFee: '3.00' }, { refundNo: 'another' }, { paymentNo: other.paymentNo }]) {
      rejected(await send(sb, 'refund', { ...input, ...change }), '退款请求号重复');
    }
    assert.equal(sb.refunds().filter((r) => r.requestNo === input.requestNo).length, 1);
    assert.equal(sb.order(other.paymentNo).refundedFee, '0.00');
    assert.equal(sb.refund(input.requestNo).refundFee, '2.00');
  });

  it('refund query: by requestNo; unknown -> 退款记录不存在', async () => {
    rejected(await send(sb, 'refundQuery', { requestNo: 'no-such-refund' }), '退款记录不存在');
  });
});
