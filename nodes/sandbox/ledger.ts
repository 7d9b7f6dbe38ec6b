// The front-end machine's memory: orders and refunds and every move between their states. Pure state with an
// injected clock (no HTTP here), so the rules can be read in one place: expiry is applied whenever an order is
// touched, scripted outcomes advance on queries, and refunds can never exceed what was paid.
import { randomBytes } from 'node:crypto';
import Decimal from 'decimal.js';
import { formatChinaTime, parseChinaTime } from '../core/codec/time';
import { UppError } from '../core/errors';
import { ORDER_BIZ_TYPE } from '../core/schema';
import { dropUndefined } from '../core/objects';
import { describeErrorText } from '../core/messages';
import { payPlan, refundPlan, type Later, type PayPlan, type RefundPlan } from './magic';
import type { OrderView, PayStatus, RefundStatus, RefundView } from './types';

export interface Order {
  paymentNo: string;
  kind: OrderKind;
  tradeFee: string;
  subject: string;
  body?: string;
  bizData?: string;
  channelType: string;
  channelProduct: string;
  outPaymentNo: string;
  inPaymentNo?: string;
  expireTime: string;
  expireAt: number;
  token: string;
  payUrl?: string;
  status: PayStatus;
  paidAt?: number;
  createdAt: number;
  queries: number;
  plan: PayPlan;
  refunds: string[];
}

export interface Refund {
  requestNo: string;
  refundNo: string;
  paymentNo: string;
  refundFee: string;
  bizData?: string;
  outRefundNo: string;
  status: RefundStatus;
  failedReason?: string;
  refundedAt?: number;
  createdAt: number;
  queries: number;
  plan: RefundPlan;
}

/** What a scan-code or barcode request brings; the ledger fills in the rest of the Order. */
export type NewOrder = Pick<Order, 'paymentNo' | 'kind' | 'tradeFee' | 'subject' | 'body' | 'bizData' | 'expireTime' | 'channelProduct'>;

/** What a refund request brings; the ledger fills in the rest of the Refund. */
export type NewRefund = Pick<Refund, 'requestNo' | 'refundNo' | 'paymentNo' | 'refundFee' | 'bizData'>;

/** A payment settled outside the API (Ledger.seedPayment). */
export interface SeedPayment {
  paymentNo: string;
  kind: OrderKind;
  tradeFee: string;
  subject: string;
  channelProduct: string;
  paidAt: number;
  outPaymentNo?: string;
  inPaymentNo?: string;
}

/** A refund settled outside the API (Ledger.seedRefund). */
export interface SeedRefund {
  requestNo: string;
  refundNo: string;
  paymentNo: string;
  refundFee: string;
  refundedAt: number;
  outRefundNo?: string;
}

/** Thrown by the manual controls (pay/decline/expire) when the order cannot make that move (ERR_UPP_SANDBOX_STATE). */
export class SandboxStateError extends UppError {
  /** The control API's HTTP status: 404 no such order, 409 the order cannot make that move. */
  readonly status: 404 | 409;

  constructor(text: { en: string; zh: string }, status: 404 | 409) {
    super('ERR_UPP_SANDBOX_STATE', text.en, text.zh);
    this.status = status;
  }
}

/** scan-code, barcode or face payment (the endpoint that created the order). */
export type OrderKind = 'scan' | 'barcode' | 'face';

const ENDPOINT = { scan: 'scanCode', barcode: 'barCode', face: 'faceCode' } as const;

/** The bizType a query, close or refund of this order must name: core's ORDER_BIZ_TYPE of the endpoint that made it. */
export const bizTypeOf = (order: Order): OrderView['bizType'] => ORDER_BIZ_TYPE[ENDPOINT[order.kind]] as OrderView['bizType'];

/** The channel a pay code belongs to, by its prefix (WeChat 10-15, UnionPay 62, Alipay 25-30 and by default). */
export function barcodeProduct(authCode: string): string {
  if (/^1[0-5]/.test(authCode)) return 'ten_bar_code';
  if (/^62/.test(authCode)) return 'uni_bar_code';
  return 'ali_bar_code';
}

export class Ledger {
  private readonly orders = new Map<string, Order>();
  private readonly byOutPaymentNo = new Map<string, Order>();
  private readonly refundsByRequestNo = new Map<string, Refund>();
  private seq = 0;

  constructor(
    private readonly clock: () => number,
    private readonly cashierUrl: (order: Order) => string,
  ) {}

  reset(): void {
    this.orders.clear();
    this.byOutPaymentNo.clear();
    this.refundsByRequestNo.clear();
  }

  // ---- orders ----

  /** The order, with its expiry applied (a wait_pay order past expireTime is closed when next touched). */
  order(paymentNo: string): Order | undefined {
    const order = this.orders.get(paymentNo);
    if (order) this.applyExpiry(order);
    return order;
  }

  orderByOutPaymentNo(outPaymentNo: string): Order | undefined {
    const order = this.byOutPaymentNo.get(outPaymentNo);
    if (order) this.applyExpiry(order);
    return order;
  }

  allOrders(): Order[] {
    return [...this.orders.values()].map((order) => (this.applyExpiry(order), order));
  }

  /** Creates an order (the caller has checked that paymentNo is new). */
  createOrder(input: NewOrder): Order {
    const now = this.clock();
    const plan = payPlan(input.kind, input.tradeFee);
    const order: Order = {
      ...input,
      channelType: input.channelProduct.split('_')[0],
      outPaymentNo: this.serial('YT', now),
      expireAt: parseChinaTime(input.expireTime) as number,
      token: randomBytes(8).toString('hex'),
      status: 'wait_pay',
      createdAt: now,
      queries: 0,
      plan,
      refunds: [],
    };
    if (order.kind === 'scan') order.payUrl = this.cashierUrl(order);
    this.orders.set(order.paymentNo, order);
    this.byOutPaymentNo.set(order.outPaymentNo, order);
    this.settle(order, plan.initial);
    return order;
  }

  /** A payment query: counts it, then lets a scripted outcome (cents 2N/3N) arrive. */
  query(order: Order): Order {
    this.applyExpiry(order);
    order.queries += 1;
    advance(order.plan.later, order.queries, order.status === 'wait_pay', (status) => this.settle(order, status));
    return order;
  }

  /** Close: only an unpaid order closes; 'N' for a paid one, 'Y' for everything else. */
  close(order: Order): 'Y' | 'N' {
    this.applyExpiry(order);
    if (order.status === 'pay_success') return 'N';
    if (order.status === 'wait_pay') order.status = 'closed';
    return 'Y';
  }

  /** The patient pays at the cashier page (or a test calls pay()). */
  pay(paymentNo: string): Order {
    return this.manual(paymentNo, 'pay_success');
  }

  decline(paymentNo: string): Order {
    return this.manual(paymentNo, 'pay_failed');
  }

  expire(paymentNo: string): Order {
    return this.manual(paymentNo, 'closed');
  }

  private manual(paymentNo: string, status: PayStatus): Order {
    const order = this.order(paymentNo);
    const quoted = JSON.stringify(paymentNo);
    if (!order) throw new SandboxStateError(describeErrorText('sandbox_no_order', { paymentNo: quoted }), 404);
    if (order.status !== 'wait_pay') {
      throw new SandboxStateError(describeErrorText('sandbox_bad_move', { paymentNo: quoted, status: order.status, target: status }), 409);
    }
    this.settle(order, status);
    return order;
  }

  private settle(order: Order, status: PayStatus): void {
    order.status = status;
    if (status === 'pay_success') {
      order.paidAt = this.clock();
      order.inPaymentNo = this.serial(order.channelType.toUpperCase(), order.paidAt);
    }
  }

  private applyExpiry(order: Order): void {
    if (order.status === 'wait_pay' && this.clock() >= order.expireAt) order.status = 'closed';
  }

  /**
   * A payment settled at `paidAt` without going through the API (a demo's "yesterday", a test's day): an order that
   * is pay_success from the start, so queries and refunds of it work as for any paid order. The caller has checked the
   * fields (nodes/sandbox/bill-book.ts) and that paymentNo is new.
   */
  seedPayment(input: SeedPayment): Order {
    const serial = input.outPaymentNo ?? this.serial('YT', input.paidAt);
    if (this.byOutPaymentNo.has(serial)) {
      throw new SandboxStateError({ en: `outTradeNo ${serial} is taken`, zh: `芸泰流水 ${serial} 已存在` }, 409);
    }
    const channelType = input.channelProduct.split('_')[0];
    const order: Order = {
      paymentNo: input.paymentNo,
      kind: input.kind,
      tradeFee: input.tradeFee,
      subject: input.subject,
      channelType,
      channelProduct: input.channelProduct,
      outPaymentNo: serial,
      inPaymentNo: input.inPaymentNo ?? this.serial(channelType.toUpperCase(), input.paidAt),
      expireTime: formatChinaTime(input.paidAt + 15 * 60_000),
      expireAt: input.paidAt + 15 * 60_000,
      token: randomBytes(8).toString('hex'),
      status: 'pay_success',
      paidAt: input.paidAt,
      createdAt: input.paidAt,
      queries: 0,
      plan: { initial: 'pay_success', behaviour: `seeded: paid at ${formatChinaTime(input.paidAt)}` },
      refunds: [],
    };
    this.orders.set(order.paymentNo, order);
    this.byOutPaymentNo.set(order.outPaymentNo, order);
    return order;
  }

  /** A refund settled at `refundedAt` (refund_success) of a paid order; never more than is left to refund. */
  seedRefund(input: SeedRefund): Refund {
    const order = this.order(input.paymentNo);
    const quoted = JSON.stringify(input.paymentNo);
    if (!order) throw new SandboxStateError(describeErrorText('sandbox_no_order', { paymentNo: quoted }), 404);
    if (order.status !== 'pay_success') {
      throw new SandboxStateError(
        {
          en: `Order ${quoted} is ${order.status}: only a paid order is refunded`,
          zh: `订单 ${quoted} 状态为 ${order.status}：只有已支付订单可以退款`,
        },
        409,
      );
    }
    if (this.refundsByRequestNo.has(input.requestNo)) {
      throw new SandboxStateError({ en: `requestNo ${input.requestNo} is taken`, zh: `退款请求号 ${input.requestNo} 已存在` }, 409);
    }
    if (this.refundable(order).lessThan(input.refundFee)) {
      throw new SandboxStateError(
        {
          en: `Refund ${input.refundFee} exceeds what is left of order ${quoted}`,
          zh: `退款金额 ${input.refundFee} 超出订单 ${quoted} 可退金额`,
        },
        409,
      );
    }
    const refund: Refund = {
      requestNo: input.requestNo,
      refundNo: input.refundNo,
      paymentNo: input.paymentNo,
      refundFee: input.refundFee,
      outRefundNo: input.outRefundNo ?? this.serial('YTR', input.refundedAt),
      status: 'refund_success',
      refundedAt: input.refundedAt,
      createdAt: input.refundedAt,
      queries: 0,
      plan: { initial: 'refund_success', behaviour: `seeded: refunded at ${formatChinaTime(input.refundedAt)}` },
    };
    this.refundsByRequestNo.set(refund.requestNo, refund);
    order.refunds.push(refund.requestNo);
    return refund;
  }

  // ---- refunds ----

  refund(requestNo: string): Refund | undefined {
    return this.refundsByRequestNo.get(requestNo);
  }

  allRefunds(): Refund[] {
    return [...this.refundsByRequestNo.values()];
  }

  /** What may still be refunded: the paid amount minus every refund that has not definitely failed. */
  refundable(order: Order): Decimal {
    let left = new Decimal(order.tradeFee);
    for (const requestNo of order.refunds) {
      const refund = this.refundsByRequestNo.get(requestNo);
      if (refund && refund.status !== 'refund_failed') left = left.minus(refund.refundFee);
    }
    return left;
  }

  createRefund(input: NewRefund, plan: RefundPlan = refundPlan(input.refundFee)): Refund {
    const now = this.clock();
    const refund: Refund = { ...input, outRefundNo: this.serial('YTR', now), status: plan.initial, createdAt: now, queries: 0, plan };
    if (plan.initial === 'refund_failed') refund.failedReason = `沙箱模拟退款失败（金额分位 03） / sandbox: refund failed`;
    if (plan.initial === 'refund_success') refund.refundedAt = now;
    this.refundsByRequestNo.set(refund.requestNo, refund);
    this.orders.get(input.paymentNo)?.refunds.push(refund.requestNo);
    return refund;
  }

  queryRefund(refund: Refund): Refund {
    refund.queries += 1;
    advance(
      refund.plan.later,
      refund.queries,
      refund.status === 'refund_apply_success' || refund.status === 'refund_exception',
      (status) => {
        refund.status = status;
        if (status === 'refund_success') refund.refundedAt = this.clock();
      },
    );
    return refund;
  }

  // ---- views ----

  orderView(order: Order): OrderView {
    this.applyExpiry(order);
    return dropUndefined({
      paymentNo: order.paymentNo,
      bizType: bizTypeOf(order),
      endpoint: ENDPOINT[order.kind],
      tradeStatus: order.status,
      tradeFee: order.tradeFee,
      refundedFee: new Decimal(order.tradeFee).minus(this.refundable(order)).toFixed(2),
      subject: order.subject,
      body: order.body,
      bizData: order.bizData,
      channelType: order.channelType,
      channelProduct: order.channelProduct,
      outPaymentNo: order.outPaymentNo,
      inPaymentNo: order.inPaymentNo,
      expireTime: order.expireTime,
      payUrl: order.payUrl,
      paymentTime: order.paidAt === undefined ? undefined : formatChinaTime(order.paidAt),
      createdAt: order.createdAt,
      queries: order.queries,
      behaviour: order.plan.behaviour,
      refunds: [...order.refunds],
    });
  }

  refundView(refund: Refund): RefundView {
    return dropUndefined({
      requestNo: refund.requestNo,
      refundNo: refund.refundNo,
      paymentNo: refund.paymentNo,
      refundFee: refund.refundFee,
      tradeStatus: refund.status,
      outRefundNo: refund.outRefundNo,
      failedReason: refund.failedReason,
      refundTime: refund.refundedAt === undefined ? undefined : formatChinaTime(refund.refundedAt),
      bizData: refund.bizData,
      createdAt: refund.createdAt,
      queries: refund.queries,
      behaviour: refund.plan.behaviour,
    });
  }

  /** Platform-style serials: a prefix, the UTC+8 time to the second, and a running number (at most 32 chars). */
  private serial(prefix: string, now: number): string {
    this.seq += 1;
    return `${prefix}${formatChinaTime(now).replace(/\D/g, '')}${String(this.seq).padStart(6, '0')}`;
  }
}

/** Moves to the scripted status once the N-th query has arrived, while the current status still allows it. */
function advance<S>(later: Later<S> | undefined, queries: number, movable: boolean, move: (status: S) => void): void {
  if (later && movable && queries >= later.fromQuery) move(later.status);
}
