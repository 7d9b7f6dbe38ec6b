// One day's reconciliation of a platform (or channel) bill with the HIS bill (docs/design.md §11), in linear time: each side is
// indexed once by serial, each row looked up once. Rows meet by tradeType and platform serial (outTradeNo), else
// by HIS serial (tradeNo); amounts are compared as decimals (12.3 equals 12.30).
import { Decimal } from '../core/codec/money';
import { handlingOf, verdictHandling } from './handling';
import { isProblem, readRow, type ReadRow } from './rows';
import type {
  BillSource,
  Discrepancy,
  DiscrepancyKind,
  FlaggedRow,
  FlagVerdict,
  InvalidRow,
  RawRow,
  ReconcileReport,
  Side,
  Totals,
  TradeType,
} from './types';

export interface ReconcileInput {
  /** yyyy-MM-dd: the trading day (China time). */
  date: string;
  source?: BillSource;
  platform: readonly RawRow[];
  his: readonly RawRow[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

class Sum {
  count = 0;
  amount = new Decimal(0);
  add(value: Decimal): void {
    this.count += 1;
    this.amount = this.amount.plus(value);
  }
}

type Sums = Record<TradeType, Sum>;

function totalsOf(sums: Sums): Totals {
  return {
    pay: { count: sums.pay.count, amount: sums.pay.amount.toFixed(2) },
    refund: { count: sums.refund.count, amount: sums.refund.amount.toFixed(2) },
  };
}

const newSums = (): Sums => ({ pay: new Sum(), refund: new Sum() });
const key = (type: TradeType, serial: string) => `${type}\u0000${serial}`;

/** Reads one side: valid rows of the day, rows of other days, unreadable rows. */
function readSide(side: Side, rows: readonly RawRow[], date: string, report: ReconcileReport): ReadRow[] {
  const kept: ReadRow[] = [];
  rows.forEach((raw, index) => {
    const read = readRow(raw);
    if (isProblem(read)) report.invalid.push({ side, index, field: read.field, problem: read.problem, row: raw } satisfies InvalidRow);
    else if (read.day !== undefined && read.day !== date) report.otherDay.push({ side, row: raw });
    else kept.push(read);
  });
  return kept;
}

/** Whether an HIS row counts as money the HIS recorded (an undetermined one, or an order counted closed, does not). */
const recordedByHis = (row: ReadRow) => row.flag === undefined || (row.flag === 'assumed' && row.tradeType === 'refund');

type AddDiscrepancy = (d: Omit<Discrepancy, 'handling'>) => void;

export function reconcile(input: ReconcileInput): ReconcileReport {
  checkInput(input);
  const source = input.source ?? 'platform';
  const report = emptyReport(input.date, source);
  const platform = readSide('platform', input.platform, input.date, report);
  const hisAll = readSide('his', input.his, input.date, report);
  const his = hisAll.filter(recordedByHis);

  const sums = { platform: newSums(), his: newSums(), matched: newSums() };
  for (const row of platform) sums.platform[row.tradeType].add(row.amount);
  for (const row of his) sums.his[row.tradeType].add(row.amount);
  report.totals = { platform: totalsOf(sums.platform), his: totalsOf(sums.his) };

  const add: AddDiscrepancy = (d) => {
    // Object.assign, not `{ ...d, handling }`: on Node 20 that spread gives each of up to 100 000 discrepancies a
    // hidden class of its own (~300 B each; BENCHMARKS.md).
    report.discrepancies.push(Object.assign({}, d, { handling: handlingOf(d.kind, d.tradeType, d.side, source) }));
    report.byKind[d.kind] += 1;
  };

  const { byOut, byHis } = indexPlatform(platform, add);
  // An empty side is reported as such: a day is never reconciled against nothing by accident.
  if (platform.length === 0 || his.length === 0) {
    report.status = platform.length === 0 && hisAll.length === 0 ? 'both_empty' : 'empty_side';
    if (report.status === 'empty_side') report.emptySide = platform.length === 0 ? 'platform' : 'his';
    flagRows(hisAll, byHis, byOut, report);
    return report;
  }

  const { matchedPlatform, unmatchedHis } = matchHisRows(his, byOut, byHis, sums.matched, add);
  for (const row of unmatchedHis)
    add({ kind: 'his_only', tradeType: row.tradeType, tradeNo: row.tradeNo, outTradeNo: row.outTradeNo, his: row.raw });

  const explained = flagRows(hisAll, byHis, byOut, report);
  for (const row of new Set([...byOut.values(), ...byHis.values()])) {
    if (matchedPlatform.has(row) || explained.has(row)) continue;
    add({ kind: 'platform_only', tradeType: row.tradeType, tradeNo: row.tradeNo, outTradeNo: row.outTradeNo, platform: row.raw });
  }
  checkRefundsWithinPayments(his, add);

  report.matched = totalsOf(sums.matched);
  const problems = report.discrepancies.length + report.invalid.length + report.flagged.filter((f) => f.verdict !== 'confirmed').length;
  report.status = problems > 0 ? 'discrepancies' : 'balanced';
  return report;
}

function checkInput(input: ReconcileInput): void {
  if (!DAY.test(input.date)) throw new TypeError(`date must be yyyy-MM-dd (got ${JSON.stringify(input.date)})`);
  for (const side of ['platform', 'his'] as const) {
    if (!Array.isArray(input[side])) throw new TypeError(`${side} rows must be an array (got ${typeof input[side]})`);
  }
}

/** The report before any row is read: balanced, nothing counted. */
function emptyReport(date: string, source: BillSource): ReconcileReport {
  return {
    date,
    source,
    status: 'balanced',
    totals: { platform: totalsOf(newSums()), his: totalsOf(newSums()) },
    matched: totalsOf(newSums()),
    discrepancies: [],
    flagged: [],
    otherDay: [],
    invalid: [],
    byKind: { his_only: 0, platform_only: 0, amount_mismatch: 0, duplicate: 0, refund_exceeds_payment: 0 },
  };
}

/**
 * Looks each HIS row up once in the platform's indexes: a repeated HIS serial is a duplicate, a pair with equal
 * amounts is matched (added to `matched`), with different amounts an amount mismatch. Returns the platform rows
 * matched and the HIS rows without a platform row.
 */
function matchHisRows(
  his: readonly ReadRow[],
  byOut: Map<string, ReadRow>,
  byHis: Map<string, ReadRow>,
  matched: Sums,
  add: AddDiscrepancy,
): { matchedPlatform: Set<ReadRow>; unmatchedHis: ReadRow[] } {
  const hisByOut = new Map<string, ReadRow>();
  const hisByTradeNo = new Map<string, ReadRow>();
  const matchedPlatform = new Set<ReadRow>();
  const unmatchedHis: ReadRow[] = [];
  for (const row of his) {
    const outKey = row.outTradeNo !== undefined ? key(row.tradeType, row.outTradeNo) : undefined;
    const noKey = row.tradeNo !== undefined ? key(row.tradeType, row.tradeNo) : undefined;
    const twin = (outKey && hisByOut.get(outKey)) || (noKey && hisByTradeNo.get(noKey));
    if (twin) {
      add({ kind: 'duplicate', side: 'his', tradeType: row.tradeType, tradeNo: row.tradeNo, outTradeNo: row.outTradeNo, his: row.raw });
      continue;
    }
    if (outKey) hisByOut.set(outKey, row);
    if (noKey) hisByTradeNo.set(noKey, row);
    const other = (outKey && byOut.get(outKey)) || (noKey && byHis.get(noKey)) || undefined;
    if (!other || matchedPlatform.has(other)) {
      unmatchedHis.push(row);
      continue;
    }
    matchedPlatform.add(other);
    if (other.amount.equals(row.amount)) {
      matched[row.tradeType].add(row.amount);
    } else {
      const serials = { tradeNo: row.tradeNo ?? other.tradeNo, outTradeNo: row.outTradeNo ?? other.outTradeNo };
      add({
        kind: 'amount_mismatch',
        tradeType: row.tradeType,
        ...serials,
        his: row.raw,
        platform: other.raw,
        difference: other.amount.minus(row.amount).toFixed(2),
      });
    }
  }
  return { matchedPlatform, unmatchedHis };
}

/** Indexes the platform rows by platform serial and by HIS serial; a repeated serial is a duplicate. */
function indexPlatform(rows: readonly ReadRow[], add: AddDiscrepancy) {
  const byOut = new Map<string, ReadRow>();
  const byHis = new Map<string, ReadRow>();
  for (const row of rows) {
    const outKey = row.outTradeNo !== undefined ? key(row.tradeType, row.outTradeNo) : undefined;
    const noKey = row.tradeNo !== undefined ? key(row.tradeType, row.tradeNo) : undefined;
    if ((outKey && byOut.has(outKey)) || (noKey && byHis.has(noKey))) {
      add({
        kind: 'duplicate',
        side: 'platform',
        tradeType: row.tradeType,
        tradeNo: row.tradeNo,
        outTradeNo: row.outTradeNo,
        platform: row.raw,
      });
      continue;
    }
    if (outKey) byOut.set(outKey, row);
    if (noKey) byHis.set(noKey, row);
  }
  return { byOut, byHis };
}

/** What the bill says about each flagged HIS row; returns the platform rows these explain. */
function flagRows(
  hisRows: readonly ReadRow[],
  byHis: Map<string, ReadRow>,
  byOut: Map<string, ReadRow>,
  report: ReconcileReport,
): Set<ReadRow> {
  const explained = new Set<ReadRow>();
  for (const row of hisRows) {
    if (!row.flag) continue;
    const found =
      (row.outTradeNo !== undefined && byOut.get(key(row.tradeType, row.outTradeNo))) ||
      (row.tradeNo !== undefined && byHis.get(key(row.tradeType, row.tradeNo))) ||
      undefined;
    let verdict: FlagVerdict;
    const closedOrder = row.flag === 'assumed' && row.tradeType === 'pay';
    if (!found) verdict = closedOrder ? 'confirmed' : 'not_in_bill';
    else if (closedOrder) verdict = 'paid_after_close';
    else if (!found.amount.equals(row.amount)) verdict = 'amount_differs';
    else verdict = row.flag === 'assumed' ? 'confirmed' : 'in_bill';
    // Rows the HIS does not count as its own money are explained by the flag, not "platform only".
    if (found && !recordedByHis(row)) explained.add(found);
    report.flagged.push({
      flag: row.flag,
      tradeType: row.tradeType,
      tradeNo: row.tradeNo,
      verdict,
      his: row.raw,
      platform: found?.raw,
      handling: verdictHandling(verdict, row.tradeType),
    } satisfies FlaggedRow);
  }
  return explained;
}

/** Refund rows that name their payment (paymentNo) must not add up to more than it. */
function checkRefundsWithinPayments(his: readonly ReadRow[], add: AddDiscrepancy): void {
  const payments = new Map<string, ReadRow>();
  for (const row of his) if (row.tradeType === 'pay' && row.tradeNo !== undefined) payments.set(row.tradeNo, row);
  const refunded = new Map<string, { sum: Decimal; last: ReadRow }>();
  for (const row of his) {
    if (row.tradeType !== 'refund' || row.paymentNo === undefined) continue;
    const entry = refunded.get(row.paymentNo) ?? { sum: new Decimal(0), last: row };
    refunded.set(row.paymentNo, { sum: entry.sum.plus(row.amount), last: row });
  }
  for (const [paymentNo, { sum, last }] of refunded) {
    const payment = payments.get(paymentNo);
    if (payment && sum.greaterThan(payment.amount)) {
      add({
        kind: 'refund_exceeds_payment',
        tradeType: 'refund',
        tradeNo: last.tradeNo,
        outTradeNo: last.outTradeNo,
        his: last.raw,
        difference: sum.minus(payment.amount).toFixed(2),
      });
    }
  }
}

export const DISCREPANCY_KINDS: readonly DiscrepancyKind[] = [
  'his_only',
  'platform_only',
  'amount_mismatch',
  'duplicate',
  'refund_exceeds_payment',
];
