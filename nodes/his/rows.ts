// Rows from a HIS database, as the platform must read them (spec 10): each checked and normalized, nothing guessed.
// A row that cannot be read fails the whole answer (the front-end does the same), so a broken query is loud.
import { Decimal } from '../core/codec/money';
import { formatChinaTime, parseChinaTime } from '../core/codec/time';
import { UppError } from '../core/errors';
import { isBag } from '../core/objects';
import type { HisKind, HisRequest, HisRow, OrderViewRequest, BillViewRequest, Problem } from './types';

export type RowsReading = { ok: true; rows: HisRow[] } | { ok: false; problem: Problem & { index?: number } };

/** Serial columns: required ones, then the optional channel serial. Limits from spec 10.1 / 10.2. */
const SERIALS: ReadonlyArray<{ field: 'outTradeNo' | 'tradeNo' | 'inTradeNo'; required: boolean; max: number }> = [
  { field: 'outTradeNo', required: true, max: 32 },
  { field: 'tradeNo', required: true, max: 32 },
  { field: 'inTradeNo', required: false, max: 64 },
];

/** Optional bill columns passed through (spec 10.1); anything else a `SELECT *` brings is left out of the answer. */
const BILL_EXTRAS: ReadonlyArray<{ field: string; max: number; values?: readonly string[] }> = [
  { field: 'channelType', max: 32 },
  { field: 'bizType', max: 32 },
  { field: 'districtId', max: 64 },
  { field: 'sourceType', max: 32 },
  { field: 'payType', max: 32, values: ['self', 'medical'] },
  { field: 'statType', max: 32 },
  { field: 'deviceNo', max: 32 },
  { field: 'empno', max: 32 },
];

const PLAIN_AMOUNT = /^\d+(\.\d+)?$/;
const TIME_WITH_FRACTION = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\.\d{1,9}$/;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** A row that cannot be read (bad input from the database): caught in readRows and turned into result:false. */
class RowError extends UppError {
  constructor(
    readonly field: string,
    readonly en: string,
    readonly zh: string,
  ) {
    super('ERR_UPP_INPUT', en, zh);
  }
}

const blank = (value: unknown) => value === undefined || value === null || value === '';

/** A text column: strings as they are, safe integers (a numeric id column) as their digits, nothing else. */
function textOf(field: string, value: unknown, max: number): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) text = String(value);
  else if (typeof value === 'bigint' && value >= 0n) text = String(value);
  else throw new RowError(field, 'must be text', '必须是文本');
  if (text.length > max) throw new RowError(field, `is longer than ${max} characters`, `长度超过 ${max}`);
  return text;
}

/** tradeFee: an exact amount with at most two decimals, from a number, a string or a Decimal; written as "12.30". */
export function feeOf(value: unknown): string {
  let amount: Decimal | undefined;
  if (Decimal.isDecimal(value)) amount = new Decimal(String(value));
  else if (typeof value === 'number' && Number.isFinite(value) && !String(value).includes('e')) amount = new Decimal(String(value));
  else if (typeof value === 'string' && PLAIN_AMOUNT.test(value.trim())) amount = new Decimal(value.trim());
  if (!amount || !amount.isFinite() || amount.isNegative()) {
    throw new RowError('tradeFee', 'must be an amount in yuan such as 12.30', '必须是金额（元），例如 12.30');
  }
  // 0.1 + 0.2 stored as a float reads 0.30000000000000004: refused, never rounded into a different amount.
  if (amount.decimalPlaces() > 2) throw new RowError('tradeFee', 'has more than two decimals', '小数位超过两位');
  if (amount.greaterThanOrEqualTo(1e8)) throw new RowError('tradeFee', 'is too large', '金额过大');
  return amount.toFixed(2);
}

/** tradeTime: a Date (instant), "yyyy-MM-dd HH:mm:ss[.fff]" (China time) or ISO text with a zone; written in China time. */
export function timeOf(value: unknown): string {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return formatChinaTime(value);
  if (typeof value === 'string') {
    const text = value.trim();
    const plain = TIME_WITH_FRACTION.exec(text)?.[1] ?? text;
    if (parseChinaTime(plain) !== undefined) return plain;
    if (ISO_WITH_ZONE.test(text) && !Number.isNaN(Date.parse(text))) return formatChinaTime(Date.parse(text));
  }
  throw new RowError(
    'tradeTime',
    'must be a time yyyy-MM-dd HH:mm:ss (China time) or a Date',
    '必须是 yyyy-MM-dd HH:mm:ss（北京时间）或日期对象',
  );
}

function readRow(kind: HisKind, raw: unknown): HisRow {
  if (!isBag(raw)) throw new RowError('row', 'must be an object', '必须是对象');
  const tradeType = raw.tradeType;
  if (tradeType !== 'pay' && tradeType !== 'refund') {
    throw new RowError(
      'tradeType',
      'must be pay or refund (only paid and refunded records)',
      '必须是 pay 或 refund（只返回已支付和已退款的记录）',
    );
  }
  if (blank(raw.tradeFee)) throw new RowError('tradeFee', 'is required', '不能为空');
  if (blank(raw.tradeTime)) throw new RowError('tradeTime', 'is required', '不能为空');
  const row: HisRow = { tradeType, tradeFee: feeOf(raw.tradeFee), tradeTime: timeOf(raw.tradeTime), outTradeNo: '', tradeNo: '' };
  for (const { field, required, max } of SERIALS) {
    if (blank(raw[field])) {
      if (required) throw new RowError(field, 'is required', '不能为空');
      delete row[field];
      continue;
    }
    row[field] = textOf(field, raw[field], max);
  }
  if (kind === 'bill') {
    for (const { field, max, values } of BILL_EXTRAS) {
      if (blank(raw[field])) continue;
      const text = textOf(field, raw[field], max);
      if (values && !values.includes(text))
        throw new RowError(field, `must be one of ${values.join(', ')}`, `必须是 ${values.join('、')} 之一`);
      row[field] = text;
    }
  }
  return row;
}

/** Checks that a row is about what was asked: the order's own payment, a time inside the bill's window. */
function checkAbout(kind: HisKind, row: HisRow, request: HisRequest): void {
  if (kind === 'order') {
    const { paymentNo } = request as OrderViewRequest;
    // A pay row's tradeNo is the HIS serial of that payment, i.e. the order asked about; another one means the SQL
    // returned another order's rows (a missing WHERE), which must not decide this order's refund.
    if (row.tradeType === 'pay' && row.tradeNo !== paymentNo) {
      throw new RowError(
        'tradeNo',
        `is ${row.tradeNo}, not the order asked about (${paymentNo})`,
        `为 ${row.tradeNo}，不是所查询的订单 ${paymentNo}`,
      );
    }
    return;
  }
  const { startTime, endTime } = request as BillViewRequest;
  if (row.tradeTime < startTime || row.tradeTime > endTime) {
    throw new RowError(
      'tradeTime',
      `${row.tradeTime} is outside ${startTime} – ${endTime}`,
      `${row.tradeTime} 不在 ${startTime} 至 ${endTime} 之间`,
    );
  }
}

/**
 * Reads a database result for a view. Only an array is a result: anything else (undefined, an object, a count) is
 * refused, because answering it as "no rows" would make the platform refund a payment the hospital kept.
 */
export function readRows(kind: HisKind, payload: unknown, request: HisRequest): RowsReading {
  if (!Array.isArray(payload)) {
    const got = payload === undefined ? 'nothing' : payload === null ? 'null' : typeof payload;
    return {
      ok: false,
      problem: {
        field: 'payload',
        en: `the database result is not a list of rows (got ${got})`,
        zh: `数据库结果不是记录列表（收到 ${got}）`,
      },
    };
  }
  const rows: HisRow[] = [];
  const seen = new Set<string>();
  for (let index = 0; index < payload.length; index++) {
    try {
      const row = readRow(kind, payload[index]);
      checkAbout(kind, row, request);
      const key = `${row.tradeType}\u0000${row.outTradeNo}`;
      if (seen.has(key))
        throw new RowError(
          'outTradeNo',
          `${row.outTradeNo} appears twice (a join repeats rows?)`,
          `${row.outTradeNo} 重复出现（关联查询重复了记录？）`,
        );
      seen.add(key);
      rows.push(row);
    } catch (err) {
      if (!(err instanceof RowError)) throw err;
      return {
        ok: false,
        problem: {
          index,
          field: err.field,
          en: `row ${index + 1}: ${err.field} ${err.en}`,
          zh: `第 ${index + 1} 行：${err.field} ${err.zh}`,
        },
      };
    }
  }
  return { ok: true, rows };
}
