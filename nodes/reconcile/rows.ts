// Reading one bill row: its trade type, serials, amount and day, checked; nothing guessed. A row that cannot be read
// is reported as invalid rather than matched or left out silently.
import { Decimal } from '../core/codec/money';
import { formatChinaTime } from '../core/codec/time';
import type { HisFlag, RawRow, TradeType } from './types';

export interface ReadRow {
  tradeType: TradeType;
  tradeNo?: string;
  outTradeNo?: string;
  amount: Decimal;
  /** yyyy-MM-dd (China time), or undefined when the row carries no date. */
  day?: string;
  flag?: HisFlag;
  /** For an HIS refund row: the HIS serial of the payment it refunds, when the HIS gives it. */
  paymentNo?: string;
  raw: RawRow;
}

export type RowProblem = { field: string; problem: string };

const AMOUNT = /^-?\d+(\.\d+)?$/;
const DATE_PREFIX = /^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?)?$/;

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return String(value);
  return undefined;
}

/** An amount from a bill or a database: "12.30", 12.3, a Decimal. Floats by their shortest text (12.3, not 12.29999). */
export function amountOf(value: unknown): Decimal | undefined {
  if (Decimal.isDecimal(value)) return new Decimal(String(value));
  const t = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : undefined) : text(value);
  if (t === undefined || !AMOUNT.test(t)) return undefined;
  return new Decimal(t);
}

/** The China-time day of a row: billsDate, else the date of tradeTime (text or a Date from a database node). */
export function dayOf(row: RawRow): string | undefined | null {
  for (const field of ['billsDate', 'tradeTime']) {
    const value = row[field];
    if (value === undefined || value === null || value === '') continue;
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : formatChinaTime(value).slice(0, 10);
    const m = typeof value === 'string' ? DATE_PREFIX.exec(value.trim()) : null;
    return m ? m[1] : null;
  }
  return undefined;
}

function flagOf(value: unknown): HisFlag | undefined | null {
  if (value === undefined || value === null || value === '' || value === false || value === 0) return undefined;
  if (value === true || value === 1) return 'assumed';
  const t = String(value).trim().toLowerCase();
  if (t === 'assumed' || t === 'true') return 'assumed';
  if (t === 'undetermined') return 'undetermined';
  return null;
}

/** Reads a row, or says which field makes it unreadable. */
export function readRow(raw: RawRow): ReadRow | RowProblem {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { field: 'row', problem: 'not an object' };
  const type = text(raw.tradeType);
  if (type !== 'pay' && type !== 'refund') return { field: 'tradeType', problem: 'must be pay or refund' };
  const amount = amountOf(raw.tradeFee);
  if (!amount) return { field: 'tradeFee', problem: 'must be an amount such as 12.30' };
  const tradeNo = text(raw.tradeNo);
  const outTradeNo = text(raw.outTradeNo);
  if (tradeNo === undefined && outTradeNo === undefined) return { field: 'outTradeNo', problem: 'a row needs outTradeNo or tradeNo' };
  const day = dayOf(raw);
  if (day === null) return { field: 'tradeTime', problem: 'must be yyyy-MM-dd HH:mm:ss' };
  const flag = flagOf(raw.flag);
  if (flag === null) return { field: 'flag', problem: 'must be assumed or undetermined' };
  return { tradeType: type, tradeNo, outTradeNo, amount, day, flag, paymentNo: text(raw.paymentNo), raw };
}

export const isProblem = (read: ReadRow | RowProblem): read is RowProblem => 'problem' in read;
