// The demo's trading day for example 08 (Daily reconciliation): yesterday's trades settled in the sandbox (through its
// bill API, docs/sandbox.md "Bills: seeding and discrepancies") and the same day as the HIS recorded it in the demo
// database, with a few of each discrepancy, so the first reconciliation has something to show. Used by npm start
// (scripts/demo.js) and the tests of example 08.
'use strict';
const { execHisDatabase } = require('./his-db');

/** SQL text literal (the values here are the demo's own, quoted anyway). */
const q = (v) => (v === null || v === undefined ? 'NULL' : `'${String(v).replace(/'/g, "''")}'`);

/**
 * Seeds `date` (default the sandbox's yesterday, China calendar) into the sandbox `sb` (a SandboxServer: seedTrades,
 * injectDiscrepancy) and the HIS database file `hisDb`. Resolves with { date, expected }: what a reconciliation of
 * the platform bill and of the channel bill must find (kinds by trade type, flagged verdicts).
 */
async function seedReconciliationDay(sb, hisDb, { date = 'yesterday', prefix = 'D' } = {}) {
  const n = (s) => `${prefix}${s}`;
  // Both sides agree on these (one HIS amount written "12.3": the same money as the bill's "12.30").
  const agreed = [
    { tradeNo: n('P01'), tradeFee: '12.30', tradeTime: '08:15:02', his: '12.3' },
    { tradeNo: n('P02'), tradeFee: '25.00', tradeTime: '08:40:31', channelProduct: 'ten_bar_code' },
    { tradeNo: n('P03'), tradeFee: '8.80', tradeTime: '09:05:12' },
    { tradeNo: n('P04'), tradeFee: '100.00', tradeTime: '10:22:45', channelProduct: 'ten_bar_code' },
    { tradeNo: n('P05'), tradeFee: '3.50', tradeTime: '11:30:00' },
    { tradeNo: n('P06'), tradeFee: '56.00', tradeTime: '14:02:19' },
    { tradeNo: n('P07'), tradeFee: '18.60', tradeTime: '15:47:08' },
  ];
  const refunds = [
    // Refunded and recorded by both.
    { tradeType: 'refund', tradeNo: n('R04'), paymentNo: n('P04'), tradeFee: '20.00', tradeTime: '16:00:00' },
    // Refunded; the HIS recorded it as assumed (the poll never saw it settle): the bill confirms it.
    { tradeType: 'refund', tradeNo: n('R06'), paymentNo: n('P06'), tradeFee: '10.00', tradeTime: '16:10:00', assumed: true },
    // Refunded at the platform; the HIS has no record of it: platform only.
    { tradeType: 'refund', tradeNo: n('R02'), paymentNo: n('P02'), tradeFee: '5.00', tradeTime: '16:20:00', hisMissing: true },
    // Refunded with another amount than the HIS recorded: amount mismatch on a refund.
    { tradeType: 'refund', tradeNo: n('R07'), paymentNo: n('P07'), tradeFee: '8.60', tradeTime: '16:30:00', his: '6.80' },
  ];
  const trades = [...agreed.map((t) => ({ ...t, tradeType: 'pay' })), ...refunds];
  const strip = ({ his, assumed, hisMissing, ...t }) => t;
  const rows = sb.seedTrades(date, trades.map(strip));
  const day = rows[0].billsDate;
  const bySerial = new Map(rows.map((r) => [`${r.tradeType}/${r.tradeNo}`, r]));

  // Paid at the platform and the channel, never recorded by the HIS: platform only (twice).
  const neverRecorded = [
    sb.injectDiscrepancy({ date: day, kind: 'his_never_recorded', tradeNo: n('P08'), tradeFee: '15.00', tradeTime: '12:01:40' }),
    sb.injectDiscrepancy({ date: day, kind: 'his_never_recorded', tradeNo: n('P09'), tradeFee: '0.50', tradeTime: '13:14:15' }),
  ];
  // The bill shows another amount for P03 than the HIS (and the ledger) has.
  sb.injectDiscrepancy({ date: day, kind: 'amount_mismatch', tradeNo: n('P03'), tradeFee: '8.08' });
  // A refund the channel moved that the platform's bill does not show: platform only on the channel bill alone.
  sb.injectDiscrepancy({ date: day, kind: 'channel_only_refund', paymentNo: n('P05'), tradeNo: n('R05C'), tradeFee: '3.50' });

  const time = (t) => `${day} ${t}`;
  const sql = [];
  for (const t of agreed) {
    const r = bySerial.get(`pay/${t.tradeNo}`);
    sql.push(paymentRow(t.tradeNo, t.his ?? t.tradeFee, r, time(t.tradeTime)));
  }
  // The HIS marked paid an order the platform never saw paid: HIS only (a payment).
  sql.push(paymentRow(n('H10'), '30.00', { bizType: 'scan_pay', channelProduct: 'ali_scan_code' }, time('17:05:00')));
  for (const t of refunds) {
    if (t.hisMissing) continue;
    const r = bySerial.get(`refund/${t.tradeNo}`);
    // An assumed refund never got the platform's answer: the HIS has no platform serial for it.
    sql.push(refundRow(t.tradeNo, t.paymentNo, t.his ?? t.tradeFee, t.assumed ? null : r.outTradeNo, time(t.tradeTime), t.assumed));
  }
  // An assumed refund the bill does not show: the patient was not refunded (HIS only, and flagged not_in_bill).
  sql.push(refundRow(n('R01'), n('P01'), '2.30', null, time('17:30:00'), true));
  await execHisDatabase(hisDb, `BEGIN;\n${sql.join('\n')}\nCOMMIT;`);

  const expected = {
    his_only: { pay: [n('H10')], refund: [n('R01')] },
    platform_only: { pay: neverRecorded.map((d) => d.row.tradeNo), refund: [n('R02')] },
    amount_mismatch: { pay: [n('P03')], refund: [n('R07')] },
    flagged: { [n('R06')]: 'confirmed', [n('R01')]: 'not_in_bill' },
  };
  return { date: day, expected, channelOnlyRefund: n('R05C') };
}

function paymentRow(paymentNo, amount, row, at) {
  return `INSERT INTO his_payment (payment_no, amount, subject, biz_type, channel_product, status, out_payment_no,
    in_payment_no, channel_type, paid_at, created_at, updated_at) VALUES (${q(paymentNo)}, ${q(amount)}, '门诊缴费 outpatient',
    ${q(row.bizType ?? 'scan_pay')}, ${q(row.channelProduct)}, 'paid', ${q(row.outTradeNo)}, ${q(row.inTradeNo)},
    ${q(row.channelType)}, ${q(at)}, ${q(at)}, ${q(at)});`;
}

function refundRow(refundNo, paymentNo, amount, outRefundNo, at, assumed) {
  return `INSERT INTO his_refund (refund_no, payment_no, amount, status, assumed, out_refund_no, refunded_at, created_at,
    updated_at) VALUES (${q(refundNo)}, ${q(paymentNo)}, ${q(amount)}, 'refunded', ${assumed ? 1 : 0}, ${q(outRefundNo)},
    ${q(at)}, ${q(at)}, ${q(at)});`;
}

module.exports = { seedReconciliationDay };
