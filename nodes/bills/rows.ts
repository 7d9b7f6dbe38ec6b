// Reads the rows of a verified bill before they are handed on (an answer is evidence about one request): each row must
// be of this merchant and ISV, dated inside the requested range, a pay or a refund, with amounts that are plain
// decimals and times that are times. One row that cannot be read holds the whole bill back (never a partial bill).
import Decimal from 'decimal.js';
import { parseChinaTime } from '../core/codec/time';
import type { BillDates } from './dates';

export type BillRow = Record<string, unknown>;

/** Why a row cannot be taken: which row (0-based), which field, which rule, what it said (shortened). */
export interface RowProblem {
  row: number;
  field: string;
  rule: 'trade_type' | 'amount' | 'date' | 'date_range' | 'time' | 'serial' | 'merchant';
  got: string;
}

export interface Money {
  count: number;
  /** Sum in yuan, exact ("1234.50"). */
  amount: string;
}

export interface BillTotals {
  pay: Money;
  refund: Money;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const show = (value: unknown): string => (value === undefined ? 'nothing' : String(JSON.stringify(value)).slice(0, 40));
const idText = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : undefined;

/** The first problem of the rows, or undefined when every row can be read. `ids` are the client's own. */
export function rowProblem(rows: readonly BillRow[], dates: BillDates, ids: { isvId: string; partnerId: string }): RowProblem | undefined {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const bad = (field: string, rule: RowProblem['rule']): RowProblem => ({ row: i, field, rule, got: show(row[field]) });
    if (idText(row.partnerId) !== ids.partnerId) return bad('partnerId', 'merchant');
    if (idText(row.isvId) !== ids.isvId) return bad('isvId', 'merchant');
    if (row.tradeType !== 'pay' && row.tradeType !== 'refund') return bad('tradeType', 'trade_type');
    for (const field of ['tradeFee', 'derateFee']) {
      if (field in row && !(typeof row[field] === 'string' && DECIMAL.test(row[field] as string))) return bad(field, 'amount');
    }
    const day = row.billsDate;
    if (typeof day !== 'string' || !DATE.test(day) || parseChinaTime(`${day} 00:00:00`) === undefined) return bad('billsDate', 'date');
    if (day < dates.startDate || day > dates.endDate) return bad('billsDate', 'date_range');
    const time = row.tradeTime;
    if (time !== undefined && time !== null && time !== '' && (typeof time !== 'string' || parseChinaTime(time) === undefined)) {
      return bad('tradeTime', 'time');
    }
    if (typeof row.outTradeNo !== 'string' || row.outTradeNo === '') return bad('outTradeNo', 'serial');
  }
  return undefined;
}

/** Count and exact sum of the pay rows and of the refund rows (after rowProblem found none). */
export function billTotals(rows: readonly BillRow[]): BillTotals {
  let pay = new Decimal(0);
  let refund = new Decimal(0);
  let pays = 0;
  for (const row of rows) {
    if (row.tradeType === 'pay') {
      pays += 1;
      pay = pay.plus(row.tradeFee as string);
    } else refund = refund.plus(row.tradeFee as string);
  }
  return { pay: { count: pays, amount: pay.toFixed(2) }, refund: { count: rows.length - pays, amount: refund.toFixed(2) } };
}
