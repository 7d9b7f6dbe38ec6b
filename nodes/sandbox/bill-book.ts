// What a demo or a test writes into the bills (docs/sandbox.md, "Bills: seeding and discrepancies"): settled trades
// on a chosen day, which become ordinary paid orders and refunds of the ledger, and discrepancies injected for a day
// (a payment the HIS never recorded, a refund only at the channel, an amount that differs, a day missing). The bills
// themselves are built in nodes/sandbox/bills.ts. Bad input is a TypeError naming the field (HTTP 400).
import { normalizeAmount } from '../core/codec/money';
import { addDays, chinaDate, formatChinaTime, parseChinaTime } from '../core/codec/time';
import { isUppError } from '../core/errors';
import { bizTypeOf, type Ledger, type Order, type OrderKind } from './ledger';
import type { BillSource, DiscrepancyKind } from './types';

export type { BillSource, DiscrepancyKind };

export const BILL_SOURCES: readonly BillSource[] = ['platform', 'channel'];

/** One movement of money as the bills show it. */
export interface Trade {
  at: number;
  tradeType: 'pay' | 'refund';
  tradeFee: string;
  outTradeNo: string;
  inTradeNo?: string;
  tradeNo?: string;
  bizType: string;
  channelType: string;
  channelProduct: string;
  /** Which bills show it: both, unless it happened only at the channel. */
  bills: readonly BillSource[];
}

export const DISCREPANCY_KINDS: readonly DiscrepancyKind[] = [
  'his_never_recorded',
  'channel_only_refund',
  'amount_mismatch',
  'missing_day',
];

/** An injected discrepancy as it is listed; `trade` is the row it added (his_never_recorded, channel_only_refund). */
export interface Discrepancy {
  id: string;
  kind: DiscrepancyKind;
  date: string;
  bills: readonly BillSource[];
  /** amount_mismatch: the serial (outTradeNo or tradeNo) whose row shows `tradeFee` instead of the ledger's amount. */
  outTradeNo?: string;
  tradeNo?: string;
  tradeFee?: string;
  trade?: Trade;
}

const SERIAL_MAX = 32;
const CHANNEL_PRODUCT = /^(ali|ten|uni)_(scan|bar|face)_code$/;
const KIND_OF_PRODUCT: Record<string, OrderKind> = { scan: 'scan', bar: 'barcode', face: 'face' };

export class BillBook {
  #items: Discrepancy[] = [];
  #seq = 0;

  constructor(
    private readonly ledger: Ledger,
    private readonly clock: () => number,
  ) {}

  /** A day as `yyyy-MM-dd` (a real day), or `today` / `yesterday` on the sandbox clock in China time. */
  day(value: unknown, field = 'date'): string {
    if (value === 'today') return chinaDate(this.clock());
    if (value === 'yesterday') return addDays(chinaDate(this.clock()), -1) as string;
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || parseChinaTime(`${value} 00:00:00`) === undefined) {
      throw new TypeError(`${field} must be a real day yyyy-MM-dd, "today" or "yesterday" (got ${show(value)})`);
    }
    return value;
  }

  /**
   * Settles trades on a day in the ledger, in order (a refund may name a payment seeded before it in the same list).
   * Everything is checked before anything is written: a bad trade leaves the ledger as it was.
   */
  seed(dateValue: unknown, tradesValue: unknown): Trade[] {
    const date = this.day(dateValue);
    if (!Array.isArray(tradesValue) || tradesValue.length === 0) throw new TypeError('trades must be a non-empty array');
    const specs = tradesValue.map((raw, i) => this.readTrade(raw, date, i, `trades[${i}].`));
    const fresh = new Set<string>();
    for (const [i, spec] of specs.entries()) {
      const key = `${spec.tradeType}:${spec.tradeNo}`;
      const taken = spec.tradeType === 'pay' ? this.ledger.order(spec.tradeNo) : this.ledger.refund(spec.requestNo as string);
      if (taken || fresh.has(key)) throw new TypeError(`trades[${i}].tradeNo ${show(spec.tradeNo)} is already in the ledger`);
      fresh.add(key);
      if (spec.tradeType === 'refund' && !this.ledger.order(spec.paymentNo as string) && !fresh.has(`pay:${spec.paymentNo}`)) {
        throw new TypeError(`trades[${i}].paymentNo ${show(spec.paymentNo)}: no such payment`);
      }
    }
    return specs.map((spec) => this.settle(spec));
  }

  /** Records a discrepancy for a day (his_never_recorded also seeds its payment) and returns it as listed. */
  inject(raw: unknown): Discrepancy {
    const spec = object(raw, 'discrepancy');
    const kind = spec.kind as DiscrepancyKind;
    if (!DISCREPANCY_KINDS.includes(kind))
      throw new TypeError(`kind must be one of ${DISCREPANCY_KINDS.join(', ')} (got ${show(spec.kind)})`);
    const date = this.day(spec.date);
    const id = `D${String(++this.#seq).padStart(4, '0')}`;
    let item: Discrepancy;
    switch (kind) {
      case 'his_never_recorded': {
        const [trade] = this.seed(date, [{ ...spec, tradeType: 'pay', kind: undefined, date: undefined }]);
        item = { id, kind, date, bills: BILL_SOURCES, trade };
        break;
      }
      case 'channel_only_refund':
        item = { id, kind, date, bills: ['channel'], trade: this.channelRefund(spec, date, id) };
        break;
      case 'amount_mismatch': {
        const outTradeNo = optionalSerial(spec, 'outTradeNo');
        const tradeNo = optionalSerial(spec, 'tradeNo');
        if ((outTradeNo === undefined) === (tradeNo === undefined))
          throw new TypeError('amount_mismatch needs one of outTradeNo or tradeNo');
        item = { id, kind, date, bills: readBills(spec.bills), outTradeNo, tradeNo, tradeFee: amount(spec.tradeFee, 'tradeFee') };
        break;
      }
      case 'missing_day':
        item = { id, kind, date, bills: readBills(spec.bills) };
        break;
    }
    this.#items.push(item);
    return item;
  }

  list(): Discrepancy[] {
    return this.#items.map((item) => ({ ...item }));
  }

  clear(): void {
    this.#items = [];
  }

  /** The refunds that happened only at the channel (channel_only_refund). */
  channelOnlyTrades(): Trade[] {
    return this.#items.flatMap((item) => (item.kind === 'channel_only_refund' && item.trade ? [item.trade] : []));
  }

  /** A day whose rows are missing from this bill (missing_day). */
  isMissing(source: BillSource, day: string): boolean {
    return this.#items.some((item) => item.kind === 'missing_day' && item.date === day && item.bills.includes(source));
  }

  /** The amount this bill shows for a trade: the last amount_mismatch for its serial on its day, else its own. */
  amountOf(source: BillSource, trade: Trade): string {
    const day = formatChinaTime(trade.at).slice(0, 10);
    let fee = trade.tradeFee;
    for (const item of this.#items) {
      if (item.kind !== 'amount_mismatch' || item.date !== day || !item.bills.includes(source)) continue;
      if (item.outTradeNo === trade.outTradeNo || (item.tradeNo !== undefined && item.tradeNo === trade.tradeNo))
        fee = item.tradeFee as string;
    }
    return fee;
  }

  // ---- reading and settling trades ----

  private readTrade(raw: unknown, date: string, index: number, at: string): TradeSpec {
    const spec = object(raw, `trades[${index}]`);
    const tradeType = spec.tradeType ?? 'pay';
    if (tradeType !== 'pay' && tradeType !== 'refund')
      throw new TypeError(`${at}tradeType must be "pay" or "refund" (got ${show(tradeType)})`);
    const tradeNo = serial(spec.tradeNo, `${at}tradeNo`);
    const out: TradeSpec = {
      tradeType,
      tradeNo,
      tradeFee: amount(spec.tradeFee, `${at}tradeFee`),
      at: this.time(spec.tradeTime, date, index, `${at}tradeTime`),
      outTradeNo: optionalSerial(spec, 'outTradeNo', at),
    };
    if (tradeType === 'pay') {
      const product = spec.channelProduct ?? 'ali_scan_code';
      if (typeof product !== 'string' || !CHANNEL_PRODUCT.test(product)) {
        throw new TypeError(`${at}channelProduct must be like ali_scan_code, ten_bar_code or uni_face_code (got ${show(product)})`);
      }
      out.channelProduct = product;
      out.inTradeNo = optionalSerial(spec, 'inTradeNo', at, 64);
    } else {
      out.paymentNo = serial(spec.paymentNo, `${at}paymentNo`);
      out.requestNo = optionalSerial(spec, 'requestNo', at) ?? tradeNo;
    }
    if (out.outTradeNo && this.ledger.orderByOutPaymentNo(out.outTradeNo))
      throw new TypeError(`${at}outTradeNo ${show(out.outTradeNo)} is taken`);
    return out;
  }

  /** HH:mm:ss on the day, a full time on the day, or (absent) 10:00:00 plus one second per trade. */
  private time(value: unknown, date: string, index: number, field: string): number {
    if (value === undefined || value === null || value === '') return (parseChinaTime(`${date} 10:00:00`) as number) + index * 1000;
    const text = typeof value === 'string' && /^\d{2}:\d{2}:\d{2}$/.test(value) ? `${date} ${value}` : value;
    const ms = typeof text === 'string' ? parseChinaTime(text) : undefined;
    if (ms === undefined || (text as string).slice(0, 10) !== date) {
      throw new TypeError(`${field} must be HH:mm:ss or yyyy-MM-dd HH:mm:ss on ${date} (got ${show(value)})`);
    }
    return ms;
  }

  private settle(spec: TradeSpec): Trade {
    try {
      if (spec.tradeType === 'pay') {
        const product = (spec.channelProduct as string).split('_')[1];
        const order = this.ledger.seedPayment({
          paymentNo: spec.tradeNo,
          kind: KIND_OF_PRODUCT[product],
          tradeFee: spec.tradeFee,
          subject: 'seeded',
          channelProduct: spec.channelProduct as string,
          paidAt: spec.at,
          outPaymentNo: spec.outTradeNo,
          inPaymentNo: spec.inTradeNo,
        });
        const { outPaymentNo: outTradeNo, inPaymentNo: inTradeNo, paymentNo: tradeNo } = order;
        return { ...channelOf(order), at: spec.at, tradeType: 'pay', tradeFee: spec.tradeFee, outTradeNo, inTradeNo, tradeNo };
      }
      const refund = this.ledger.seedRefund({
        requestNo: spec.requestNo as string,
        refundNo: spec.tradeNo,
        paymentNo: spec.paymentNo as string,
        refundFee: spec.tradeFee,
        refundedAt: spec.at,
        outRefundNo: spec.outTradeNo,
      });
      const order = this.ledger.order(refund.paymentNo) as Order;
      return {
        ...channelOf(order),
        at: spec.at,
        tradeType: 'refund',
        tradeFee: spec.tradeFee,
        outTradeNo: refund.outRefundNo,
        tradeNo: refund.refundNo,
      };
    } catch (err) {
      if (isUppError(err, 'ERR_UPP_SANDBOX_STATE')) throw new TypeError((err as Error).message);
      throw err;
    }
  }

  /** A refund the channel made that the platform has no record of: on the channel bill only. */
  private channelRefund(spec: Record<string, unknown>, date: string, id: string): Trade {
    const paymentNo = optionalSerial(spec, 'paymentNo');
    const order = paymentNo === undefined ? undefined : this.ledger.order(paymentNo);
    if (paymentNo !== undefined && !order) throw new TypeError(`paymentNo ${show(paymentNo)}: no such payment`);
    const at = this.time(spec.tradeTime, date, 0, 'tradeTime');
    const channel = order ? channelOf(order) : { bizType: 'scan_pay', channelType: 'ali', channelProduct: 'ali_scan_code' };
    return {
      ...channel,
      at,
      tradeType: 'refund',
      tradeFee: amount(spec.tradeFee ?? order?.tradeFee, 'tradeFee'),
      outTradeNo: optionalSerial(spec, 'outTradeNo') ?? `YTRC${formatChinaTime(at).replace(/\D/g, '')}${id}`,
      tradeNo: optionalSerial(spec, 'tradeNo'),
      bills: ['channel'],
    };
  }
}

interface TradeSpec {
  tradeType: 'pay' | 'refund';
  tradeNo: string;
  tradeFee: string;
  at: number;
  outTradeNo?: string;
  inTradeNo?: string;
  channelProduct?: string;
  paymentNo?: string;
  requestNo?: string;
}

function channelOf(order: Order): Pick<Trade, 'bizType' | 'channelType' | 'channelProduct' | 'bills'> {
  return { bizType: bizTypeOf(order), channelType: order.channelType, channelProduct: order.channelProduct, bills: BILL_SOURCES };
}

function object(raw: unknown, what: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new TypeError(`${what} must be a JSON object`);
  return raw as Record<string, unknown>;
}

function amount(value: unknown, field: string): string {
  try {
    return normalizeAmount(field, value);
  } catch (err) {
    throw new TypeError(
      `${field} must be an amount > 0 with at most 2 decimals, e.g. "12.30" (got ${show(value)}): ${(err as Error).message}`,
    );
  }
}

function serial(value: unknown, field: string, max = SERIAL_MAX): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new TypeError(`${field} must be a non-empty text of at most ${max} characters (got ${show(value)})`);
  }
  return value;
}

function optionalSerial(spec: Record<string, unknown>, name: string, at = '', max = SERIAL_MAX): string | undefined {
  const value = spec[name];
  return value === undefined || value === null || value === '' ? undefined : serial(value, `${at}${name}`, max);
}

function readBills(value: unknown): readonly BillSource[] {
  if (value === undefined || value === null) return BILL_SOURCES;
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.some((v) => !BILL_SOURCES.includes(v as BillSource))) {
    throw new TypeError(`bills must be "platform", "channel" or a list of them (got ${show(value)})`);
  }
  return BILL_SOURCES.filter((source) => list.includes(source));
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.slice(0, 60);
}
