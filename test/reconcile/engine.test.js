'use strict';
// The reconciliation rules row by row (docs/design.md §11): matching by serial, amounts as decimals, the kinds of
// discrepancy with their handling, rows of another day, empty sides, and what the bill says about flagged HIS rows.
const assert = require('node:assert/strict');
const { reconcile } = require('../../dist/nodes/reconcile');

const DAY = '2026-11-25';
const pay = (n, fee, extra = {}) => ({
  tradeType: 'pay',
  tradeFee: fee,
  tradeTime: `${DAY} 09:00:0${n % 10}`,
  outTradeNo: `YT${n}`,
  tradeNo: `HIS${n}`,
  ...extra,
});
const refund = (n, fee, extra = {}) => ({
  tradeType: 'refund',
  tradeFee: fee,
  tradeTime: `${DAY} 10:00:0${n % 10}`,
  outTradeNo: `YTR${n}`,
  tradeNo: `HISR${n}`,
  ...extra,
});
const bill = (row) => ({ ...row, billsDate: DAY, partnerId: 12345, isvId: 20000 });
const kinds = (report) => report.discrepancies.map((d) => `${d.kind}:${d.tradeType}:${d.outTradeNo ?? d.tradeNo}`).sort();

describe('reconcile: one day of bill rows against the HIS bill', () => {
  it('a day where both sides agree is balanced, with totals per trade type on both sides', () => {
    const report = reconcile({
      date: DAY,
      platform: [bill(pay(1, '12.30')), bill(pay(2, '100.00')), bill(refund(1, '2.30'))],
      his: [pay(1, '12.30'), pay(2, '100.00'), refund(1, '2.30')],
    });
    assert.equal(report.status, 'balanced');
    assert.deepEqual(report.discrepancies, []);
    assert.deepEqual(report.totals.platform, { pay: { count: 2, amount: '112.30' }, refund: { count: 1, amount: '2.30' } });
    assert.deepEqual(report.totals.his, report.totals.platform);
    assert.deepEqual(report.matched, report.totals.his);
  });

  it('amounts compare as decimals: 12.3 (a database float) matches 12.30 (the bill text)', () => {
    const report = reconcile({ date: DAY, platform: [bill(pay(1, '12.30'))], his: [pay(1, 12.3)] });
    assert.equal(report.status, 'balanced');
    assert.equal(report.matched.pay.amount, '12.30');
  });

  it('names each side-only row and amount mismatch, with the handling the platform recommends in both languages', () => {
    const report = reconcile({
      date: DAY,
      platform: [bill(pay(1, '10.00')), bill(pay(2, '20.00')), bill(refund(3, '1.00')), bill(pay(4, '5.00'))],
      his: [pay(1, '10.00'), pay(2, '20.01'), refund(5, '3.00'), pay(6, '7.00')],
    });
    assert.equal(report.status, 'discrepancies');
    assert.deepEqual(kinds(report), [
      'amount_mismatch:pay:YT2',
      'his_only:pay:YT6',
      'his_only:refund:YTR5',
      'platform_only:pay:YT4',
      'platform_only:refund:YTR3',
    ]);
    const mismatch = report.discrepancies.find((d) => d.kind === 'amount_mismatch');
    assert.equal(mismatch.difference, '-0.01');
    assert.equal(mismatch.his.tradeFee, '20.01');
    assert.equal(mismatch.platform.tradeFee, '20.00');
    const hisOnlyPay = report.discrepancies.find((d) => d.kind === 'his_only' && d.tradeType === 'pay');
    assert.match(hisOnlyPay.handling.en, /never paid/);
    assert.match(hisOnlyPay.handling.zh, /补差或平账/);
    const platformOnlyPay = report.discrepancies.find((d) => d.kind === 'platform_only' && d.tradeType === 'pay');
    assert.match(platformOnlyPay.handling.en, /Refund the patient/);
    assert.deepEqual(report.byKind, { his_only: 2, platform_only: 2, amount_mismatch: 1, duplicate: 0, refund_exceeds_payment: 0 });
    assert.deepEqual(report.matched.pay, { count: 1, amount: '10.00' });
  });

  it('matches on the HIS serial when a bill row has no platform serial match (channel bills often lack tradeNo)', () => {
    const report = reconcile({ date: DAY, platform: [bill({ ...pay(1, '8.00'), outTradeNo: 'OTHER' })], his: [pay(1, '8.00')] });
    assert.equal(report.status, 'balanced');
    const channel = reconcile({
      date: DAY,
      source: 'channel',
      platform: [{ ...pay(2, '8.00'), tradeNo: undefined }],
      his: [pay(2, '8.00')],
    });
    assert.equal(channel.status, 'balanced');
  });

  it('a pay and a refund with the same serial are different rows', () => {
    const report = reconcile({
      date: DAY,
      platform: [bill(pay(1, '5.00'))],
      his: [{ ...pay(1, '5.00'), tradeType: 'refund' }, pay(9, '1.00')],
    });
    assert.deepEqual(kinds(report), ['his_only:pay:YT9', 'his_only:refund:YT1', 'platform_only:pay:YT1']);
  });

  it('a serial listed twice on one side is a duplicate, and only one of the two is matched', () => {
    const report = reconcile({
      date: DAY,
      platform: [bill(pay(1, '5.00')), bill(pay(1, '5.00')), bill(pay(2, '1.00'))],
      his: [pay(1, '5.00'), pay(2, '1.00'), pay(2, '1.00')],
    });
    const dups = report.discrepancies
      .filter((d) => d.kind === 'duplicate')
      .map((d) => `${d.side}:${d.outTradeNo}`)
      .sort();
    assert.deepEqual(dups, ['his:YT2', 'platform:YT1']);
    assert.deepEqual(report.matched.pay, { count: 2, amount: '6.00' });
    assert.equal(report.discrepancies.length, 2, 'a duplicate is not also reported as side-only');
    assert.match(report.discrepancies[0].handling.en, /more than once/);
  });

  it('refunds that add up to more than their payment are flagged when the HIS names the payment', () => {
    const report = reconcile({
      date: DAY,
      platform: [bill(pay(1, '10.00')), bill(refund(1, '6.00')), bill(refund(2, '6.00'))],
      his: [pay(1, '10.00'), refund(1, '6.00', { paymentNo: 'HIS1' }), refund(2, '6.00', { paymentNo: 'HIS1' })],
    });
    assert.deepEqual(kinds(report), ['refund_exceeds_payment:refund:YTR2']);
    assert.equal(report.discrepancies[0].difference, '2.00');
  });

  it('rows of another day (across midnight) are left out of the comparison and listed', () => {
    const late = { ...pay(7, '3.00'), tradeTime: '2026-11-26 00:00:01' };
    const report = reconcile({
      date: DAY,
      platform: [bill(pay(1, '1.00')), { ...late, billsDate: '2026-11-26' }],
      his: [pay(1, '1.00'), { ...pay(8, '2.00'), tradeTime: '2026-11-24 23:59:59' }],
    });
    assert.equal(report.status, 'balanced');
    assert.deepEqual(report.otherDay.map((o) => `${o.side}:${o.row.outTradeNo}`).sort(), ['his:YT8', 'platform:YT7']);
  });

  it('an empty side is reported as such, never as "everything is only on the other side"', () => {
    const noBill = reconcile({ date: DAY, platform: [], his: [pay(1, '1.00'), pay(2, '2.00')] });
    assert.equal(noBill.status, 'empty_side');
    assert.equal(noBill.emptySide, 'platform');
    assert.deepEqual(noBill.discrepancies, []);
    assert.equal(noBill.totals.his.pay.count, 2);
    const noHis = reconcile({ date: DAY, platform: [bill(pay(1, '1.00'))], his: [] });
    assert.equal(noHis.status, 'empty_side');
    assert.equal(noHis.emptySide, 'his');
    assert.deepEqual(noHis.discrepancies, []);
    const neither = reconcile({ date: DAY, platform: [], his: [] });
    assert.equal(neither.status, 'both_empty');
  });

  it('refuses inputs that are not row lists and lists rows it cannot read instead of guessing', () => {
    assert.throws(() => reconcile({ date: DAY, platform: undefined, his: [] }), /platform rows must be an array/);
    assert.throws(() => reconcile({ date: '25/11/2026', platform: [], his: [] }), /date must be yyyy-MM-dd/);
    const report = reconcile({
      date: DAY,
      platform: [bill(pay(1, '1.00')), bill({ ...pay(2, '1.00'), tradeType: 'reversal' })],
      his: [pay(1, '1.00'), { ...pay(3, 'abc') }, { ...pay(4, '1.00'), outTradeNo: '', tradeNo: '' }],
    });
    assert.equal(report.status, 'discrepancies');
    assert.deepEqual(
      report.invalid.map((i) => `${i.side}:${i.index}:${i.field}`),
      ['platform:1:tradeType', 'his:1:tradeFee', 'his:2:outTradeNo'],
    );
  });

  describe('HIS rows the package flagged', () => {
    it('an assumed refund the bill confirms; one it does not show (the patient was not refunded)', () => {
      const report = reconcile({
        date: DAY,
        platform: [bill(pay(1, '10.00')), bill(refund(1, '4.00'))],
        his: [pay(1, '10.00'), refund(1, '4.00', { flag: 'assumed' }), refund(2, '3.00', { flag: true })],
      });
      const verdicts = report.flagged.map((f) => `${f.tradeNo}:${f.flag}:${f.verdict}`);
      assert.deepEqual(verdicts, ['HISR1:assumed:confirmed', 'HISR2:assumed:not_in_bill']);
      assert.match(report.flagged[1].handling.en, /same requestNo/);
      // The HIS counts an assumed refund as refunded, so a missing one is also an HIS-only refund.
      assert.deepEqual(kinds(report), ['his_only:refund:YTR2']);
    });

    it('an undetermined payment that the bill shows paid is listed, not called "platform only"', () => {
      const report = reconcile({
        date: DAY,
        platform: [bill(pay(1, '10.00')), bill(pay(2, '25.00'))],
        his: [pay(1, '10.00'), { ...pay(2, '25.00'), outTradeNo: undefined, flag: 'undetermined' }],
      });
      assert.deepEqual(report.discrepancies, []);
      assert.deepEqual(
        report.flagged.map((f) => f.verdict),
        ['in_bill'],
      );
      assert.match(report.flagged[0].handling.en, /mark the order paid/);
      assert.equal(report.totals.his.pay.count, 1, 'an undetermined payment is not counted as HIS money');
      assert.equal(report.status, 'discrepancies', 'a flagged row that needs a person keeps the day open');
    });

    it('an order counted closed (assumed) that the bill shows paid; one the bill does not show', () => {
      const report = reconcile({
        date: DAY,
        platform: [bill(pay(1, '1.00')), bill(pay(5, '9.00'))],
        his: [pay(1, '1.00'), pay(5, '9.00', { flag: 'assumed' }), pay(6, '2.00', { flag: 'assumed' })],
      });
      assert.deepEqual(
        report.flagged.map((f) => `${f.tradeNo}:${f.verdict}`),
        ['HIS5:paid_after_close', 'HIS6:confirmed'],
      );
      assert.deepEqual(report.discrepancies, []);
    });

    it('an undetermined refund with another amount on the bill', () => {
      const report = reconcile({
        date: DAY,
        platform: [bill(pay(1, '1.00')), bill(refund(1, '0.50'))],
        his: [pay(1, '1.00'), refund(1, '0.40', { flag: 'undetermined' })],
      });
      assert.deepEqual(
        report.flagged.map((f) => f.verdict),
        ['amount_differs'],
      );
    });
  });

  it('20 000 rows a side: every row matched once (the 100 000-row timing is in bench/)', () => {
    const n = 20000;
    const platform = [];
    const his = [];
    for (let i = 0; i < n; i++) {
      platform.push(bill(pay(i, `${(i % 500) + 1}.${String(i % 100).padStart(2, '0')}`)));
      his.push(pay(i, Number(`${(i % 500) + 1}.${String(i % 100).padStart(2, '0')}`)));
    }
    const report = reconcile({ date: DAY, platform, his });
    assert.equal(report.status, 'balanced');
    assert.equal(report.matched.pay.count, n);
  });
});
