'use strict';
// The reconciliation rules issue 15 names, row by row, beside test/reconcile/engine.test.js: duplicates of one serial,
// a refund larger than its payment, rows of another day (text and Date, across midnight China time), amounts 12.3
// against 12.30 in every form a database or a bill gives them, both sources (platform and channel), and the ways a
// side can be empty without it being taken for "everything is on the other side".
const assert = require('node:assert/strict');
const { reconcile, KIND_LABELS } = require('../../dist/nodes/reconcile');
const { readSources } = require('../../dist/nodes/reconcile');

const DAY = '2026-11-25';
const pay = (n, fee, extra = {}) => ({
  tradeType: 'pay',
  tradeFee: fee,
  tradeTime: `${DAY} 09:00:00`,
  outTradeNo: `YT${n}`,
  tradeNo: `P${n}`,
  ...extra,
});
const refund = (n, fee, extra = {}) => ({
  tradeType: 'refund',
  tradeFee: fee,
  tradeTime: `${DAY} 10:00:00`,
  outTradeNo: `YTR${n}`,
  tradeNo: `R${n}`,
  ...extra,
});
/** A platform bill row (billsDate, derateFee) or a channel bill row (no derateFee; often no HIS serial). */
const platformRow = (row) => ({ ...row, billsDate: DAY, derateFee: '0.00', tradeFee: String(row.tradeFee) });
const channelRow = (row) => ({ ...row, billsDate: DAY, tradeNo: undefined, tradeFee: String(row.tradeFee) });
const kinds = (report) => report.discrepancies.map((d) => `${d.kind}:${d.tradeType}:${d.tradeNo ?? d.outTradeNo}`).sort();

describe('reconcile rules, row by row (issue 15)', () => {
  describe('amounts: 12.3 is 12.30', () => {
    for (const [his, bill] of [
      ['12.3', '12.30'],
      [12.3, '12.30'],
      ['12.30', '12.3'],
      ['12.300', '12.30'],
      [' 12.30 ', '12.30'],
    ]) {
      it(`HIS ${JSON.stringify(his)} against the bill's ${JSON.stringify(bill)}: matched, summed exactly`, () => {
        const report = reconcile({ date: DAY, platform: [platformRow(pay(1, bill))], his: [pay(1, his)] });
        assert.equal(report.status, 'balanced');
        assert.deepEqual(report.matched.pay, { count: 1, amount: '12.30' });
      });
    }

    it('one cent apart is a mismatch (never rounded away), the difference exact', () => {
      const report = reconcile({ date: DAY, platform: [platformRow(pay(1, '12.31'))], his: [pay(1, '12.3')] });
      assert.deepEqual(kinds(report), ['amount_mismatch:pay:P1']);
      assert.equal(report.discrepancies[0].difference, '0.01');
    });

    it('0.1 + 0.2 adds up to 0.30 in the totals (decimals, not floats)', () => {
      const report = reconcile({
        date: DAY,
        platform: [platformRow(pay(1, '0.10')), platformRow(pay(2, '0.20'))],
        his: [pay(1, 0.1), pay(2, 0.2)],
      });
      assert.equal(report.totals.his.pay.amount, '0.30');
      assert.equal(report.matched.pay.amount, '0.30');
    });
  });

  describe('duplicates of one serial', () => {
    it('a payment listed twice on the bill with different amounts: one duplicate, the other row compared', () => {
      const report = reconcile({ date: DAY, platform: [platformRow(pay(1, '5.00')), platformRow(pay(1, '50.00'))], his: [pay(1, '5.00')] });
      assert.deepEqual(kinds(report), ['duplicate:pay:P1']);
      assert.equal(report.discrepancies[0].side, 'platform');
      assert.equal(report.discrepancies[0].platform.tradeFee, '50.00', 'the repeated row is the one listed');
      assert.deepEqual(report.matched.pay, { count: 1, amount: '5.00' });
    });

    it('a refund the HIS recorded twice: a duplicate on the HIS side, counted once as matched', () => {
      const report = reconcile({
        date: DAY,
        platform: [platformRow(pay(1, '9.00')), platformRow(refund(1, '3.00'))],
        his: [pay(1, '9.00'), refund(1, '3.00'), refund(1, '3.00')],
      });
      assert.deepEqual(kinds(report), ['duplicate:refund:R1']);
      assert.equal(report.discrepancies[0].side, 'his');
      assert.deepEqual(report.matched.refund, { count: 1, amount: '3.00' });
    });

    it('the same serial twice with only the HIS serial (a channel bill row) is a duplicate as well', () => {
      const row = { ...pay(1, '2.00'), outTradeNo: undefined };
      const report = reconcile({ date: DAY, platform: [platformRow(pay(1, '2.00'))], his: [row, { ...row }] });
      assert.deepEqual(kinds(report), ['duplicate:pay:P1']);
    });
  });

  describe('a refund larger than its payment', () => {
    it('one refund of 10.01 against a payment of 10.00: refund_exceeds_payment with the excess', () => {
      const report = reconcile({
        date: DAY,
        platform: [platformRow(pay(1, '10.00')), platformRow(refund(1, '10.01'))],
        his: [pay(1, '10.00'), refund(1, '10.01', { paymentNo: 'P1' })],
      });
      assert.deepEqual(kinds(report), ['refund_exceeds_payment:refund:R1']);
      assert.equal(report.discrepancies[0].difference, '0.01');
      assert.match(report.discrepancies[0].handling.en, /stop further refunds/);
      assert.match(report.discrepancies[0].handling.zh, /停止继续退款/);
    });

    it('refunds adding up to exactly the payment are fine', () => {
      const report = reconcile({
        date: DAY,
        platform: [platformRow(pay(1, '10.00')), platformRow(refund(1, '4.00')), platformRow(refund(2, '6.00'))],
        his: [pay(1, '10.00'), refund(1, '4.00', { paymentNo: 'P1' }), refund(2, '6.00', { paymentNo: 'P1' })],
      });
      assert.equal(report.status, 'balanced');
    });
  });

  describe('rows of another day', () => {
    it('a Date from a database node is read in China time: 16:00:01 UTC is already the next day', () => {
      const report = reconcile({
        date: DAY,
        platform: [platformRow(pay(1, '1.00'))],
        his: [
          pay(1, '1.00', { tradeTime: new Date('2026-11-25T01:00:00Z') }),
          pay(2, '2.00', { tradeTime: new Date('2026-11-25T16:00:01Z') }),
        ],
      });
      assert.equal(report.status, 'balanced');
      assert.deepEqual(
        report.otherDay.map((o) => o.row.tradeNo),
        ['P2'],
      );
    });

    it('the bill row keeps its billsDate over its trade time (a 23:59:59 payment booked the next day)', () => {
      const late = platformRow(pay(3, '3.00', { tradeTime: `${DAY} 23:59:59` }));
      const report = reconcile({
        date: DAY,
        platform: [platformRow(pay(1, '1.00')), { ...late, billsDate: '2026-11-26' }],
        his: [pay(1, '1.00')],
      });
      assert.equal(report.status, 'balanced');
      assert.deepEqual(
        report.otherDay.map((o) => `${o.side}:${o.row.tradeNo}`),
        ['platform:P3'],
      );
    });

    it('a day whose rows are all of other days is an empty side, not a list of side-only rows', () => {
      const report = reconcile({
        date: DAY,
        platform: [platformRow(pay(1, '1.00'))],
        his: [pay(1, '1.00', { tradeTime: '2026-11-24 12:00:00' })],
      });
      assert.equal(report.status, 'empty_side');
      assert.equal(report.emptySide, 'his');
      assert.deepEqual(report.discrepancies, []);
      assert.equal(report.otherDay.length, 1);
    });
  });

  describe('both sources', () => {
    const his = [pay(1, '10.00'), pay(2, '20.00'), refund(1, '1.00')];
    const moved = [pay(1, '10.00'), pay(3, '30.00'), refund(1, '1.00'), refund(9, '5.00')];

    it('platform: the platform bill row meets the HIS row by either serial; its own rows are platform-only', () => {
      const report = reconcile({ date: DAY, source: 'platform', platform: moved.map(platformRow), his });
      assert.equal(report.source, 'platform');
      assert.deepEqual(kinds(report), ['his_only:pay:P2', 'platform_only:pay:P3', 'platform_only:refund:R9']);
      assert.match(report.discrepancies.find((d) => d.kind === 'platform_only' && d.tradeType === 'refund').handling.en, /Make up/);
    });

    it('channel: rows without the HIS serial meet by the platform serial; the same kinds come out', () => {
      const report = reconcile({ date: DAY, source: 'channel', platform: moved.map(channelRow), his });
      assert.equal(report.source, 'channel');
      assert.deepEqual(report.discrepancies.map((d) => `${d.kind}:${d.tradeType}:${d.outTradeNo}`).sort(), [
        'his_only:pay:YT2',
        'platform_only:pay:YT3',
        'platform_only:refund:YTR9',
      ]);
      assert.deepEqual(report.matched, { pay: { count: 1, amount: '10.00' }, refund: { count: 1, amount: '1.00' } });
    });

    it('channel: a duplicate names the channel side in both languages', () => {
      const report = reconcile({
        date: DAY,
        source: 'channel',
        platform: [channelRow(pay(1, '1.00')), channelRow(pay(1, '1.00'))],
        his: [pay(1, '1.00')],
      });
      assert.match(report.discrepancies[0].handling.en, /The channel side lists this serial more than once/);
      assert.match(report.discrepancies[0].handling.zh, /支付渠道一侧/);
    });

    it('the node takes the source from the bill download (channelBills) unless set', () => {
      const base = { bill: [], his: [], date: DAY, source: '', now: Date.now() };
      assert.equal(readSources({ ...base, upp: { endpoint: 'channelBills' } }).source, 'channel');
      assert.equal(readSources({ ...base, upp: { endpoint: 'yuntaiBills' } }).source, 'platform');
      assert.equal(readSources({ ...base, upp: { endpoint: 'channelBills' }, source: 'platform' }).source, 'platform');
    });

    it('the kinds have their platform names in both languages', () => {
      assert.deepEqual(KIND_LABELS.his_only, { en: 'HIS only', zh: '商户单边' });
      assert.deepEqual(KIND_LABELS.amount_mismatch, { en: 'Amount mismatch', zh: '金额不匹配' });
    });
  });

  describe('an empty side is never taken for the other side having everything', () => {
    it('the HIS query returned nothing: empty_side his, the bill totals kept, nothing called platform-only', () => {
      const report = reconcile({ date: DAY, platform: [platformRow(pay(1, '1.00')), platformRow(refund(1, '1.00'))], his: [] });
      assert.deepEqual([report.status, report.emptySide, report.discrepancies.length], ['empty_side', 'his', 0]);
      assert.deepEqual(report.totals.platform.pay, { count: 1, amount: '1.00' });
      assert.deepEqual(report.matched.pay, { count: 0, amount: '0.00' });
    });

    it('the bill has no rows: empty_side platform, nothing called HIS-only', () => {
      const report = reconcile({ date: DAY, platform: [], his: [pay(1, '1.00')] });
      assert.deepEqual([report.status, report.emptySide, report.discrepancies.length], ['empty_side', 'platform', 0]);
    });

    it('only unreadable rows on one side: empty_side with the rows listed as invalid', () => {
      const report = reconcile({
        date: DAY,
        platform: [platformRow(pay(1, '1.00'))],
        his: [{ tradeType: 'pay', tradeFee: 'n/a', tradeNo: 'P1' }],
      });
      assert.equal(report.status, 'empty_side');
      assert.equal(report.invalid.length, 1);
      assert.deepEqual(report.discrepancies, []);
    });

    it('the HIS rows are only flagged ones (undetermined): no recorded money on the HIS side, still each flagged row gets its verdict', () => {
      const report = reconcile({
        date: DAY,
        platform: [platformRow(pay(1, '1.00')), platformRow(pay(2, '2.00'))],
        his: [pay(1, '1.00', { flag: 'undetermined' })],
      });
      assert.deepEqual([report.status, report.emptySide], ['empty_side', 'his']);
      assert.deepEqual(
        report.flagged.map((f) => `${f.tradeNo}:${f.verdict}`),
        ['P1:in_bill'],
      );
      assert.deepEqual(report.discrepancies, []);
    });

    it('a missing list (null, an error object from a database node) is refused naming the field, never read as []', () => {
      const base = { date: DAY, upp: undefined, source: '', now: Date.now() };
      assert.throws(
        () => readSources({ ...base, bill: undefined, his: [] }),
        (e) => e.code === 'ERR_UPP_INPUT' && e.field === 'bill',
      );
      assert.throws(
        () => readSources({ ...base, bill: [], his: null }),
        (e) => e.field === 'his' && e.rule === 'rows',
      );
      assert.throws(
        () => readSources({ ...base, bill: [], his: { error: 'SQLITE_BUSY' } }),
        (e) => e.field === 'his',
      );
    });
  });
});
