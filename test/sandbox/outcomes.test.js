'use strict';
// The magic values: every row of the table in docs/sandbox.md, for pay (tradeFee cents) and refund (refundFee cents).
const h = require('./support/helpers');
const { assert, send, dataOf, scanOrder, barOrder, query, refundInput, inMinutes } = h;

const statusOf = async (sb, paymentNo, bizType) => dataOf(await query(sb, paymentNo, bizType)).tradeStatus;

describe('sandbox: pay outcomes by the cents of tradeFee', function () {
  let sb;
  before(async () => (sb = await h.startSandbox({ port: 0 })));
  after(() => sb.close());

  it('00 scan-code: wait_pay with the pay URL; queries stay wait_pay until the cashier decides', async () => {
    const { paymentNo, data } = await scanOrder(sb, '15.00');
    assert.equal(data.tradeStatus, 'wait_pay');
    assert.equal(data.paymentNo, paymentNo);
    assert.equal(data.tradeFee, '15.00');
    assert.equal(data.channelType, 'ali');
    assert.equal(data.channelProduct, 'ali_scan_code');
    assert.match(data.outPaymentNo, /^YT\d{20}$/);
    assert.equal(data.inPaymentNo, undefined);
    assert.equal(data.paymentTime, undefined);
    for (let i = 0; i < 3; i++) assert.equal(await statusOf(sb, paymentNo, 'scan_pay'), 'wait_pay');
    sb.pay(paymentNo);
    const paid = dataOf(await query(sb, paymentNo, 'scan_pay'));
    assert.equal(paid.tradeStatus, 'pay_success');
    assert.match(paid.paymentTime, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.ok(paid.inPaymentNo);
    assert.equal(paid.outPaymentNo, data.outPaymentNo);
  });

  it('00 barcode: pay_success at once, with paymentTime and inPaymentNo', async () => {
    const { paymentNo, data } = await barOrder(sb, '15.00');
    assert.equal(data.tradeStatus, 'pay_success');
    assert.ok(data.inPaymentNo);
    assert.ok(data.paymentTime);
    assert.equal(data.sign, undefined);
    assert.equal(await statusOf(sb, paymentNo, 'barcode_pay'), 'pay_success');
  });

  it('barcode: the channel follows the pay code prefix (28 ali, 13 ten, 62 uni, others ali)', async () => {
    for (const [authCode, product] of [
      ['284567890123456789', 'ali_bar_code'],
      ['134567890123456789', 'ten_bar_code'],
      ['6234567890123456789', 'uni_bar_code'],
      ['994567890123456789', 'ali_bar_code'],
    ]) {
      const { data } = await barOrder(sb, '1.00', { authCode });
      assert.equal(data.channelProduct, product);
      assert.equal(data.channelType, product.split('_')[0]);
    }
  });

  it('scan-code echoes channelProduct and bizData, in the order answer and in queries', async () => {
    const bizData = '{"visit":"V1","items":[1,2]}';
    const { paymentNo, data } = await scanOrder(sb, '2.00', { channelProduct: 'ten_scan_code', bizData });
    assert.equal(data.channelProduct, 'ten_scan_code');
    assert.equal(data.channelType, 'ten');
    assert.equal(data.bizData, bizData);
    assert.equal(dataOf(await query(sb, paymentNo)).bizData, bizData);
  });

  for (const [kind, order, bizType] of [
    ['scan-code', scanOrder, 'scan_pay'],
    ['barcode', barOrder, 'barcode_pay'],
  ]) {
    it(`01 ${kind}: pay_success in the order answer`, async () => {
      const { paymentNo, data } = await order(sb, '3.01');
      assert.equal(data.tradeStatus, 'pay_success');
      assert.ok(data.paymentTime);
      assert.equal(await statusOf(sb, paymentNo, bizType), 'pay_success');
    });

    it(`23 ${kind}: wait_pay; queries 1-2 wait_pay, pay_success from the 3rd query on`, async () => {
      const { paymentNo, data } = await order(sb, '3.23');
      assert.equal(data.tradeStatus, 'wait_pay');
      assert.deepEqual(
        [
          await statusOf(sb, paymentNo, bizType),
          await statusOf(sb, paymentNo, bizType),
          await statusOf(sb, paymentNo, bizType),
          await statusOf(sb, paymentNo, bizType),
        ],
        ['wait_pay', 'wait_pay', 'pay_success', 'pay_success'],
      );
    });

    it(`32 ${kind}: wait_pay; pay_failed from the 2nd query on`, async () => {
      const { paymentNo, data } = await order(sb, '3.32');
      assert.equal(data.tradeStatus, 'wait_pay');
      assert.deepEqual(
        [await statusOf(sb, paymentNo, bizType), await statusOf(sb, paymentNo, bizType), await statusOf(sb, paymentNo, bizType)],
        ['wait_pay', 'pay_failed', 'pay_failed'],
      );
    });

    it(`41 ${kind}: pay_failed in the order answer`, async () => {
      const { paymentNo, data } = await order(sb, '3.41');
      assert.equal(data.tradeStatus, 'pay_failed');
      assert.equal(data.paymentTime, undefined);
      assert.equal(await statusOf(sb, paymentNo, bizType), 'pay_failed');
    });
  }

  it('20 and 30: N=0 behaves as 1 (the first query decides)', async () => {
    const a = await scanOrder(sb, '1.20');
    assert.equal(await statusOf(sb, a.paymentNo, 'scan_pay'), 'pay_success');
    const b = await barOrder(sb, '1.30');
    assert.equal(b.data.tradeStatus, 'wait_pay');
    assert.equal(await statusOf(sb, b.paymentNo, 'barcode_pay'), 'pay_failed');
  });

  it('other cents (e.g. 57) behave as 00', async () => {
    assert.equal((await scanOrder(sb, '1.57')).data.tradeStatus, 'wait_pay');
    assert.equal((await barOrder(sb, '1.57')).data.tradeStatus, 'pay_success');
  });
});

describe('sandbox: cents 40 and expiry (injected clock)', function () {
  let sb;
  let clock;
  const at = () => ({ now: clock });
  before(async () => {
    clock = Date.UTC(2026, 0, 1, 4, 0, 0); // 2026-01-01 12:00:00 UTC+8
    sb = await h.startSandbox({ port: 0, now: () => clock });
  });
  after(() => sb.close());

  it('40: wait_pay (scan-code and barcode), never pays by itself, closed after expireTime', async () => {
    const expireTime = inMinutes(5, clock);
    assert.equal(expireTime, '2026-01-01 12:05:00');
    const scan = await scanOrder(sb, '9.40', { expireTime }, at());
    const bar = await barOrder(sb, '9.40', { expireTime }, at());
    assert.equal(scan.data.tradeStatus, 'wait_pay');
    assert.equal(bar.data.tradeStatus, 'wait_pay');
    for (let i = 0; i < 5; i++) assert.equal(dataOf(await query(sb, bar.paymentNo, 'barcode_pay', at())).tradeStatus, 'wait_pay');
    clock += 4 * 60_000 + 59_000; // 12:04:59, still open
    assert.equal(dataOf(await query(sb, scan.paymentNo, 'scan_pay', at())).tradeStatus, 'wait_pay');
    clock += 1000; // 12:05:00: expired
    assert.equal(dataOf(await query(sb, scan.paymentNo, 'scan_pay', at())).tradeStatus, 'closed');
    assert.equal(dataOf(await query(sb, bar.paymentNo, 'barcode_pay', at())).tradeStatus, 'closed');
    assert.equal(sb.order(scan.paymentNo).tradeStatus, 'closed');
  });

  it('a scripted order (22) past its expireTime is closed, not paid, on its 2nd query', async () => {
    const { paymentNo } = await scanOrder(sb, '9.22', { expireTime: inMinutes(1, clock) }, at());
    assert.equal(dataOf(await query(sb, paymentNo, 'scan_pay', at())).tradeStatus, 'wait_pay');
    clock += 61_000;
    assert.equal(dataOf(await query(sb, paymentNo, 'scan_pay', at())).tradeStatus, 'closed');
  });

  it('an expired order cannot be paid: pay() throws, the order stays closed', async () => {
    const { paymentNo } = await scanOrder(sb, '9.00', { expireTime: inMinutes(1, clock) }, at());
    clock += 60_000;
    assert.throws(() => sb.pay(paymentNo), /closed/);
    assert.equal(sb.order(paymentNo).tradeStatus, 'closed');
  });

  it('expireTime is checked against the injected clock, not the host clock', async () => {
    assert.ok(clock + 3_600_000 < Date.now(), 'the injected clock lies in the past');
    assert.equal((await scanOrder(sb, '1.00', { expireTime: inMinutes(1, clock) }, at())).data.tradeStatus, 'wait_pay');
    const input = h.scanInput('1.00', { expireTime: inMinutes(-1, clock) });
    h.rejected(
      await send(sb, 'scanCode', null, { wire: h.core.validateRequest('scanCode', input, clock - 3_600_000), now: clock }),
      '字段 expireTime 非法',
    );
  });
});

describe('sandbox: refund outcomes by the cents of refundFee', function () {
  let sb;
  before(async () => (sb = await h.startSandbox({ port: 0 })));
  after(() => sb.close());

  async function paid(fee = '100.00') {
    return (await barOrder(sb, fee)).paymentNo;
  }
  const refundQuery = async (requestNo) => dataOf(await send(sb, 'refundQuery', { requestNo }));

  for (const fee of ['5.00', '5.01']) {
    it(`${fee.slice(-2)}: refund_success with refundTime and every data field of vendor API §4.5 (the schema)`, async () => {
      const paymentNo = await paid();
      const input = refundInput(paymentNo, fee, { refundNo: 'HIS-R-1', bizData: '{"op":"x"}' });
      const data = dataOf(await send(sb, 'refund', input));
      const order = sb.order(paymentNo);
      assert.equal(data.tradeStatus, 'refund_success');
      assert.equal(data.refundFee, fee);
      assert.match(data.outRefundNo, /^YTR\d{20}$/);
      assert.equal(data.requestNo, input.requestNo);
      assert.equal(data.refundNo, 'HIS-R-1');
      assert.equal(data.channelType, 'ali');
      assert.equal(data.channelProduct, 'ali_bar_code');
      assert.equal(data.outPaymentNo, order.outPaymentNo);
      assert.equal(data.inPaymentNo, order.inPaymentNo);
      assert.equal(data.paymentNo, paymentNo);
      assert.match(data.refundTime, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      assert.equal(data.bizData, '{"op":"x"}');
      assert.equal(data.failedReason, undefined);
      assert.equal((await refundQuery(input.requestNo)).tradeStatus, 'refund_success');
      assert.equal(sb.order(paymentNo).refundedFee, fee);
    });
  }

  it('02: refund_apply_success, then refund query answers refund_success', async () => {
    const input = refundInput(await paid(), '5.02');
    const data = dataOf(await send(sb, 'refund', input));
    assert.equal(data.tradeStatus, 'refund_apply_success');
    assert.equal(data.refundTime, undefined);
    const after = await refundQuery(input.requestNo);
    assert.equal(after.tradeStatus, 'refund_success');
    assert.ok(after.refundTime);
  });

  it('03: refund_failed with failedReason; nothing refunded, the full amount stays refundable', async () => {
    const paymentNo = await paid('20.00');
    const input = refundInput(paymentNo, '5.03');
    const data = dataOf(await send(sb, 'refund', input));
    assert.equal(data.tradeStatus, 'refund_failed');
    assert.ok(data.failedReason && data.failedReason.length <= 64);
    assert.equal(data.refundTime, undefined);
    assert.equal((await refundQuery(input.requestNo)).tradeStatus, 'refund_failed');
    assert.equal(sb.order(paymentNo).refundedFee, '0.00');
    assert.equal(dataOf(await send(sb, 'refund', refundInput(paymentNo, '20.00'))).tradeStatus, 'refund_success');
  });

  it('10: refund_exception, and refund queries keep answering refund_exception', async () => {
    const input = refundInput(await paid(), '5.10');
    assert.equal(dataOf(await send(sb, 'refund', input)).tradeStatus, 'refund_exception');
    for (let i = 0; i < 4; i++) assert.equal((await refundQuery(input.requestNo)).tradeStatus, 'refund_exception');
  });

  it('13: refund_exception; refund_success from the 3rd refund query on', async () => {
    const input = refundInput(await paid(), '5.13');
    assert.equal(dataOf(await send(sb, 'refund', input)).tradeStatus, 'refund_exception');
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push((await refundQuery(input.requestNo)).tradeStatus);
    assert.deepEqual(seen, ['refund_exception', 'refund_exception', 'refund_success', 'refund_success']);
    assert.equal(sb.refund(input.requestNo).queries, 4);
  });

  it('refund_exception counts against the refundable amount (it may still succeed)', async () => {
    const paymentNo = await paid('10.00');
    assert.equal(dataOf(await send(sb, 'refund', refundInput(paymentNo, '9.10'))).tradeStatus, 'refund_exception');
    h.rejected(await send(sb, 'refund', refundInput(paymentNo, '1.00')), '退款金额超出可退金额');
  });
});
