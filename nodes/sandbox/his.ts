// The platform's side of the HIS views (spec 6 and 10): payments that arrive after the order was closed, after its
// expireTime, or a second time through another channel, as real channels deliver them. Before refunding one
// automatically the platform asks the HIS real-time order view, and refunds only when the HIS answers result:true
// with no paid record of that payment (or with it refunded). A result:false, an error, a timeout or an answer it
// cannot read holds the payment and asks again later. Every decision is recorded. Kept apart from the ledger
// (nodes/sandbox/ledger.ts): these payments never change the order the HIS polls.
import Decimal from 'decimal.js';
import { formatChinaTime } from '../core/codec/time';
import { describeErrorText } from '../core/messages';
import { readAnswer } from '../his/answer';
import type { HisRow } from '../his/types';
import { reconcile, type ReconcileReport, type RawRow } from '../reconcile';
import { SandboxStateError, type Ledger, type Order } from './ledger';

export type LateKind = 'after_close' | 'after_expire' | 'second_channel';
/** held: the HIS could not answer (asked again later); kept: the HIS has it paid (a person decides); refunded. */
export type LateState = 'checking' | 'held' | 'kept' | 'refunded';

/** What one question to the HIS came to. */
export interface HisDecision {
  seq: number;
  time: string;
  latePayment: string;
  paymentNo: string;
  outPaymentNo: string;
  /** What the HIS answered: rows (result:true), result_false, error (HTTP/network), timeout, unreadable, no_url. */
  answer: 'rows' | 'result_false' | 'error' | 'timeout' | 'unreadable' | 'no_url';
  rows?: HisRow[];
  action: 'refund' | 'hold';
  why: string;
}

export interface LatePayment {
  id: string;
  kind: LateKind;
  paymentNo: string;
  /** The platform serial of this payment (a second channel's payment has its own). */
  outPaymentNo: string;
  inPaymentNo: string;
  channelType: string;
  tradeFee: string;
  paymentTime: string;
  state: LateState;
  checks: number;
  refundNo?: string;
  outRefundNo?: string;
  refundTime?: string;
  decisions: HisDecision[];
}

export interface HisSettings {
  orderUrl?: string;
  billUrl?: string;
  /** How long the platform waits for a HIS view (default 5000 ms). */
  timeoutMs: number;
  /** When a held payment is asked about again (default 30000 ms). */
  retryMs: number;
}

const CHANNELS = ['ali', 'ten', 'uni'];

export class HisDesk {
  readonly #late = new Map<string, LatePayment>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #inFlight = new Set<Promise<unknown>>();
  #seq = 0;
  #closed = false;

  constructor(
    private readonly ledger: Ledger,
    readonly settings: HisSettings,
    private readonly clock: () => number,
    private readonly log: (line: string) => void,
    /** The platform bill of a day (the server's, nodes/sandbox/bills.ts), for reconcile(). */
    private readonly bill: (date: string) => RawRow[],
  ) {}

  configure(urls: { orderUrl?: string | null; billUrl?: string | null }): HisSettings {
    for (const key of ['orderUrl', 'billUrl'] as const) {
      const value = urls[key];
      if (value === undefined) continue;
      if (value === null || value === '') delete this.settings[key];
      else this.settings[key] = checkUrl(key, value);
    }
    return { ...this.settings };
  }

  /**
   * A payment the channel took although the order could not be paid any more: after the close, after expireTime,
   * or again through another channel (the order is already paid). Then asks the HIS.
   */
  latePay(paymentNo: string, channelType?: string): LatePayment {
    const order = this.ledger.order(paymentNo);
    const quoted = JSON.stringify(paymentNo);
    if (!order) throw new SandboxStateError(describeErrorText('sandbox_no_order', { paymentNo: quoted }), 404);
    if (order.kind !== 'scan') {
      throw new SandboxStateError(
        {
          en: `Order ${quoted} is a barcode order: only a scan-code order can be paid late`,
          zh: `订单 ${quoted} 是条码付订单：只有扫码付订单可以晚到支付`,
        },
        409,
      );
    }
    let kind: LateKind;
    if (order.status === 'closed') kind = this.clock() >= order.expireAt ? 'after_expire' : 'after_close';
    else if (order.status === 'pay_success') kind = 'second_channel';
    else {
      throw new SandboxStateError(
        {
          en: `Order ${quoted} is ${order.status}: a late payment needs a closed or expired order, a second one a paid order`,
          zh: `订单 ${quoted} 状态为 ${order.status}：晚到支付需要已关闭或已过期的订单，重复支付需要已支付的订单`,
        },
        409,
      );
    }
    const channel = this.channelFor(order, kind, channelType);
    const now = this.clock();
    const id = `LATE${String(this.#late.size + 1).padStart(4, '0')}`;
    const late: LatePayment = {
      id,
      kind,
      paymentNo,
      // A late payment of the closed order settles its own serial; a second channel's payment gets a new one.
      outPaymentNo: kind === 'second_channel' ? `${order.outPaymentNo}D${this.#late.size + 1}` : order.outPaymentNo,
      inPaymentNo: `${channel.toUpperCase()}${formatChinaTime(now).replace(/\D/g, '')}${String(this.#late.size + 1).padStart(4, '0')}`,
      channelType: channel,
      tradeFee: order.tradeFee,
      paymentTime: formatChinaTime(now),
      state: 'checking',
      checks: 0,
      decisions: [],
    };
    this.#late.set(id, late);
    this.log(
      `${new Date(now).toISOString()} late payment ${id} ${kind} ${paymentNo} ${late.outPaymentNo} ${late.tradeFee} via ${channel}: asking the HIS`,
    );
    this.#track(this.check(late));
    return copy(late);
  }

  latePayments(): LatePayment[] {
    return [...this.#late.values()].map(copy);
  }

  latePayment(id: string): LatePayment | undefined {
    const late = this.#late.get(id);
    return late && copy(late);
  }

  decisions(): HisDecision[] {
    return [...this.#late.values()].flatMap((late) => late.decisions.map((d) => ({ ...d }))).sort((a, b) => a.seq - b.seq);
  }

  /** Asks the HIS now about every payment still checking or held; resolves once all are decided. */
  async recheck(): Promise<LatePayment[]> {
    await Promise.all([...this.#inFlight]);
    const open = [...this.#late.values()].filter((late) => late.state !== 'refunded');
    await Promise.all(open.map((late) => this.check(late)));
    return open.map(copy);
  }

  /** Resolves once no question to the HIS is in flight (tests and the control API wait on it). */
  async settled(): Promise<void> {
    while (this.#inFlight.size) await Promise.all([...this.#inFlight]);
  }

  /** One question to the HIS about one payment, and what the platform does with the answer. */
  async check(late: LatePayment): Promise<HisDecision | undefined> {
    if (late.state === 'refunded' || this.#closed) return undefined;
    late.checks += 1;
    const asked = await this.askOrder(late);
    const decision: HisDecision = {
      seq: ++this.#seq,
      time: formatChinaTime(this.clock()),
      latePayment: late.id,
      paymentNo: late.paymentNo,
      outPaymentNo: late.outPaymentNo,
      ...asked,
      ...(asked.rows ? decide(late, asked.rows) : { action: 'hold' as const, why: `${asked.why}: held, the HIS is asked again later` }),
    };
    if ((late.state as LateState) === 'refunded') return undefined; // a parallel check decided first
    late.decisions.push(decision);
    if (decision.action === 'refund') this.refund(late);
    else if (asked.rows) late.state = 'kept';
    else {
      late.state = 'held';
      this.#later(late);
    }
    this.log(
      `${new Date(this.clock()).toISOString()} HIS decision ${late.id} ${late.paymentNo} ${late.outPaymentNo}: ${decision.answer} -> ${decision.action} (${decision.why})`,
    );
    return { ...decision };
  }

  private async askOrder(late: LatePayment): Promise<Pick<HisDecision, 'answer' | 'rows'> & { why: string }> {
    const url = this.settings.orderUrl;
    if (!url) return { answer: 'no_url', why: 'no HIS order view configured (--his-order-url)' };
    const request = { paymentNo: late.paymentNo, outPaymentNo: late.outPaymentNo, inPaymentNo: late.inPaymentNo };
    const got = await this.post(url, request);
    if (got.answer !== 'text') return got;
    const read = readAnswer('order', request, got.text);
    if (read.ok) return { answer: 'rows', rows: read.rows, why: '' };
    return { answer: /^result is/.test(read.why) ? 'result_false' : 'unreadable', why: read.why };
  }

  /** Pulls the HIS bill of `date` (yyyy-MM-dd) and reconciles it with the platform's own bill of that day. */
  async reconcile(date: string): Promise<{ ok: true; report: ReconcileReport } | { ok: false; answer: string; why: string }> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new TypeError(`date must be yyyy-MM-dd (got ${JSON.stringify(date)})`);
    const url = this.settings.billUrl;
    if (!url) return { ok: false, answer: 'no_url', why: 'no HIS bill view configured (--his-bill-url)' };
    const request = { startTime: `${date} 00:00:00`, endTime: `${date} 23:59:59` };
    const got = await this.post(url, request);
    if (got.answer !== 'text') return { ok: false, answer: got.answer, why: got.why };
    const read = readAnswer('bill', request, got.text);
    if (!read.ok) return { ok: false, answer: /^result is/.test(read.why) ? 'result_false' : 'unreadable', why: read.why };
    const report = reconcile({ date, source: 'platform', platform: this.platformBill(date), his: read.rows as unknown as RawRow[] });
    this.log(`${new Date(this.clock()).toISOString()} reconcile ${date}: ${report.status}, ${report.discrepancies.length} discrepancies`);
    return { ok: true, report };
  }

  /** The platform's bill of a day, as the bill download serves it (nodes/sandbox/bills.ts: one source for both). */
  platformBill(date: string): RawRow[] {
    return this.bill(date);
  }

  reset(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#late.clear();
  }

  close(): void {
    this.#closed = true;
    this.reset();
  }

  private async post(url: string, body: object): Promise<{ answer: 'text'; text: string } | { answer: 'error' | 'timeout'; why: string }> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json;charset=utf-8' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      const text = await res.text();
      if (res.status !== 200) return { answer: 'error', why: `HTTP ${res.status}` };
      return { answer: 'text', text };
    } catch (err) {
      const name = (err as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError')
        return { answer: 'timeout', why: `no answer within ${this.settings.timeoutMs} ms` };
      return { answer: 'error', why: String((err as Error)?.message ?? err) };
    }
  }

  private refund(late: LatePayment): void {
    const now = this.clock();
    late.state = 'refunded';
    late.refundNo = `AUTO${late.id}`;
    late.outRefundNo = `YTR${formatChinaTime(now).replace(/\D/g, '')}${late.id}`;
    late.refundTime = formatChinaTime(now);
  }

  private channelFor(order: Order, kind: LateKind, wanted?: string): string {
    if (wanted !== undefined && !CHANNELS.includes(wanted))
      throw new TypeError(`channelType must be one of ${CHANNELS.join(', ')} (got ${JSON.stringify(wanted)})`);
    if (kind !== 'second_channel') return wanted ?? order.channelType;
    if (wanted === order.channelType) throw new TypeError(`a second payment comes through another channel than ${order.channelType}`);
    return wanted ?? CHANNELS.find((c) => c !== order.channelType) ?? 'ten';
  }

  #later(late: LatePayment): void {
    if (this.#closed) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#track(this.check(late));
    }, this.settings.retryMs);
    timer.unref();
    this.#timers.add(timer);
  }

  #track(work: Promise<unknown>): void {
    const p = work
      .catch((err: unknown) => this.log(`HIS check failed: ${(err as Error)?.message}`))
      .finally(() => this.#inFlight.delete(p));
    this.#inFlight.add(p);
  }
}

/**
 * The platform's rule (spec 6): refund only if the HIS has no paid record of this payment, or has it refunded.
 * A pay row with this payment's platform serial is the HIS keeping it; refunds of the order that cover every paid
 * row mean the HIS marked it refunded.
 */
export function decide(late: Pick<LatePayment, 'outPaymentNo'>, rows: readonly HisRow[]): Pick<HisDecision, 'action' | 'why'> {
  const paid = rows.filter((row) => row.tradeType === 'pay');
  const kept = paid.filter((row) => row.outTradeNo === late.outPaymentNo);
  if (kept.length === 0) {
    return {
      action: 'refund',
      why: paid.length
        ? `the HIS has paid records of this order, none of this payment (${late.outPaymentNo}): a duplicate, refunded`
        : 'the HIS has no paid record of this order: refunded',
    };
  }
  const sum = (list: readonly HisRow[]) => list.reduce((total, row) => total.plus(row.tradeFee), new Decimal(0));
  const refunded = sum(rows.filter((row) => row.tradeType === 'refund'));
  if (refunded.greaterThanOrEqualTo(sum(paid)))
    return { action: 'refund', why: `the HIS has this payment marked refunded (${refunded.toFixed(2)}): refunded` };
  return { action: 'hold', why: 'the HIS has this payment as paid: kept, not refunded (the HIS took the money)' };
}

function checkUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${name} must be an http(s) URL (got ${JSON.stringify(value)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError(`${name} must be an http(s) URL (got ${JSON.stringify(value)})`);
  return url.toString();
}

function copy(late: LatePayment): LatePayment {
  return { ...late, decisions: late.decisions.map((d) => ({ ...d, rows: d.rows?.map((r) => ({ ...r })) })) };
}
