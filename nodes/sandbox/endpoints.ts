// One handler per endpoint: a checked request tree in, an Answer out (result, msg, data). The order of checks is the
// platform's: envelope, signature, fields, then business rules. Faults chosen by magic cents come back in the
// Answer; the state they leave behind (or not) is decided here, how they are delivered is the server's job.
import Decimal from 'decimal.js';
import type { Edition, EndpointName } from '../core/schema';
import { LosslessNumber, type JsonObject } from '../core/codec/json';
import { billRows, type BillInputs } from './bills';
import { formatChinaTime } from '../core/codec/time';
import { barcodeProduct, bizTypeOf, type Ledger, type Order, type OrderKind, type Refund } from './ledger';
import { payPlan, refundPlan } from './magic';
import { FAULTS_APPLYING_STATE, type FaultName } from './types';
import { badField, checkEnvelope, checkFields } from './wire-checks';

export interface Answer {
  result: boolean;
  msg: string;
  /** An object, or the rows of a bill download. */
  data?: JsonObject | JsonObject[];
  /** A fault chosen by the request's magic cents (armed faults are added by the server). */
  fault?: FaultName;
}

export interface HandlerContext {
  ledger: Ledger;
  /** What the bill downloads are built from: the ledger, late payments, seeded trades and discrepancies (bills.ts). */
  bills: () => BillInputs;
  now: number;
  isvId: string;
  partnerId: string;
  edition: Edition;
  /** body required on pay orders even before edition 2.2 (the legacy requireBody option). */
  requireBody: boolean;
  /** False when an armed fault takes this request: the magic cents then only choose the outcome, not a fault. */
  magicFaults: boolean;
}

export const MSG = {
  malformed: '请求报文格式错误',
  badSign: '签名错误',
  duplicateOrder: '订单号重复',
  noOrder: '订单不存在',
  bizTypeMismatch: '业务类型不匹配',
  notPaid: '订单未支付，不能退款',
  overRefund: '退款金额超出可退金额',
  duplicateRequestNo: '退款请求号重复',
  noRefund: '退款记录不存在',
  busy: '系统繁忙',
  rejected: '业务拒绝',
} as const;

const NETWORK_TEXT = '杭州恒生芸泰网络科技有限公司';

const fail = (msg: string, fault?: FaultName): Answer => ({ result: false, msg, fault });
const ok = (data: JsonObject | JsonObject[], fault?: FaultName): Answer => ({ result: true, msg: '', data, fault });

/** Answers one parsed request body. `signatureValid` was computed by the caller (it is also recorded). */
export function answerRequest(endpoint: EndpointName, tree: JsonObject, signatureValid: boolean, ctx: HandlerContext): Answer {
  const envelopeProblem = checkEnvelope(tree, ctx);
  if (envelopeProblem) return fail(envelopeProblem);
  if (!signatureValid) return fail(MSG.badSign);
  const fieldProblem = checkFields(endpoint, tree, ctx.now, ctx);
  if (fieldProblem) return fail(fieldProblem);
  return (HANDLERS[endpoint] as Handler)(tree, ctx);
}

// After checkFields every present field has its wire type: strings are strings, amounts LosslessNumbers.
const text = (tree: JsonObject, name: string): string | undefined =>
  typeof tree[name] === 'string' && tree[name] !== '' ? (tree[name] as string) : undefined;
/** An amount as exact text with two decimals (the scale a BigDecimal(8,2) column gives back). */
const amount = (tree: JsonObject, name: string): string => new Decimal((tree[name] as LosslessNumber).value).toFixed(2);

type Handler = (tree: JsonObject, ctx: HandlerContext) => Answer;

/** The endpoints the sandbox answers; the server routes only these (others are 404, as on a front-end without them). */
export const servedEndpoint = (endpoint: EndpointName): boolean => HANDLERS[endpoint] !== undefined;

const HANDLERS: Partial<Record<EndpointName, Handler>> = {
  network: () => ok({ field: NETWORK_TEXT }),
  scanCode: (tree, ctx) => order('scan', tree, ctx),
  barCode: (tree, ctx) => order('barcode', tree, ctx),
  faceCode: (tree, ctx) => order('face', tree, ctx),
  query: (tree, ctx) => {
    const found = orderFor(tree, ctx);
    if ('msg' in found) return found;
    return ok(payData(ctx.ledger.query(found), false));
  },
  close: (tree, ctx) => {
    const found = orderFor(tree, ctx);
    if ('msg' in found) return found;
    const isCloseOrder = ctx.ledger.close(found);
    const data: JsonObject = { outPaymentNo: found.outPaymentNo };
    if (found.inPaymentNo) data.inPaymentNo = found.inPaymentNo;
    data.paymentNo = found.paymentNo;
    data.isCloseOrder = isCloseOrder;
    return ok(data);
  },
  refund: (tree, ctx) => refund(tree, ctx),
  yuntaiBills: (tree, ctx) => bills('platform', tree, ctx),
  channelBills: (tree, ctx) => bills('channel', tree, ctx),
  refundQuery: (tree, ctx) => {
    const found = ctx.ledger.refund(text(tree, 'requestNo') as string);
    if (!found) return fail(MSG.noRefund);
    return ok(refundData(ctx.ledger.queryRefund(found), ctx));
  },
};

function order(kind: OrderKind, tree: JsonObject, ctx: HandlerContext): Answer {
  const paymentNo = text(tree, 'paymentNo') as string;
  if (ctx.ledger.order(paymentNo)) return fail(MSG.duplicateOrder);
  const tradeFee = amount(tree, 'tradeFee');
  const fault = ctx.magicFaults ? payPlan(kind, tradeFee).fault : undefined;
  if (fault && !FAULTS_APPLYING_STATE.has(fault)) return fail('', fault); // 96/97: nothing is created
  const created = ctx.ledger.createOrder({
    paymentNo,
    kind,
    tradeFee,
    subject: text(tree, 'subject') as string,
    body: text(tree, 'body'),
    bizData: text(tree, 'bizData'),
    expireTime: text(tree, 'expireTime') as string,
    // scan-code and face orders name their channel; a barcode's follows from the pay code
    channelProduct: kind === 'barcode' ? barcodeProduct(text(tree, 'authCode') as string) : (text(tree, 'channelProduct') as string),
  });
  return ok(payData(created, kind === 'scan'), fault);
}

/** Finds the order of a query or close: it must exist and have been created the way bizType says. */
function orderFor(tree: JsonObject, ctx: HandlerContext): Order | Answer {
  const found = ctx.ledger.order(text(tree, 'paymentNo') as string);
  if (!found) return fail(MSG.noOrder);
  if (text(tree, 'bizType') !== bizTypeOf(found)) return fail(MSG.bizTypeMismatch);
  return found;
}

function refund(tree: JsonObject, ctx: HandlerContext): Answer {
  const input = {
    requestNo: text(tree, 'requestNo') as string,
    refundNo: text(tree, 'refundNo') as string,
    paymentNo: text(tree, 'paymentNo') as string,
    refundFee: amount(tree, 'refundFee'),
    bizData: text(tree, 'bizData'),
  };
  // requestNo is the idempotency key: a resend answers the refund it already made, and never makes a second one.
  const existing = ctx.ledger.refund(input.requestNo);
  if (existing) {
    const same = existing.paymentNo === input.paymentNo && existing.refundNo === input.refundNo && existing.refundFee === input.refundFee;
    return same ? ok(refundData(existing, ctx)) : fail(MSG.duplicateRequestNo);
  }
  const paid = orderFor(tree, ctx);
  if ('msg' in paid) return paid;
  if (paid.status !== 'pay_success') return fail(MSG.notPaid);
  const plan = refundPlan(input.refundFee);
  const fault = ctx.magicFaults ? plan.fault : undefined;
  if (fault && !FAULTS_APPLYING_STATE.has(fault)) return fail('', fault);
  if (ctx.ledger.refundable(paid).lessThan(input.refundFee)) return fail(MSG.overRefund);
  return ok(refundData(ctx.ledger.createRefund(input, plan), ctx), fault);
}

/** Bill downloads (spec 4.9-4.10): the range's settled trades (nodes/sandbox/bills.ts); the end must not be before the start. */
function bills(source: 'platform' | 'channel', tree: JsonObject, ctx: HandlerContext): Answer {
  const startDate = text(tree, 'startDate') as string;
  const endDate = text(tree, 'endDate') as string;
  if (endDate < startDate) return fail(badField('endDate'));
  return ok(billRows(source, ctx.bills(), startDate, endDate));
}

/** Pay / query data (spec 4.2-4.4); `withUrl` adds data.sign, the cashier URL, on scan-code order answers. */
function payData(order: Order, withUrl: boolean): JsonObject {
  const data: JsonObject = { channelType: order.channelType, channelProduct: order.channelProduct };
  if (withUrl && order.payUrl) data.sign = order.payUrl;
  data.outPaymentNo = order.outPaymentNo;
  if (order.inPaymentNo) data.inPaymentNo = order.inPaymentNo;
  data.paymentNo = order.paymentNo;
  data.tradeFee = new LosslessNumber(order.tradeFee);
  data.tradeStatus = order.status;
  if (order.status === 'pay_success' && order.paidAt !== undefined) data.paymentTime = formatChinaTime(order.paidAt);
  if (order.bizData) data.bizData = order.bizData;
  return data;
}

/** Refund data (spec 4.5): failedReason only when failed, refundTime only when refunded. */
function refundData(refund: Refund, ctx: HandlerContext): JsonObject {
  const order = ctx.ledger.order(refund.paymentNo) as Order;
  const data: JsonObject = { tradeStatus: refund.status, refundFee: new LosslessNumber(refund.refundFee) };
  if (refund.failedReason) data.failedReason = refund.failedReason;
  data.outRefundNo = refund.outRefundNo;
  data.requestNo = refund.requestNo;
  data.channelType = order.channelType;
  data.channelProduct = order.channelProduct;
  data.refundNo = refund.refundNo;
  data.outPaymentNo = order.outPaymentNo;
  if (order.inPaymentNo) data.inPaymentNo = order.inPaymentNo;
  data.paymentNo = order.paymentNo;
  if (refund.status === 'refund_success' && refund.refundedAt !== undefined) data.refundTime = formatChinaTime(refund.refundedAt);
  if (refund.bizData) data.bizData = refund.bizData;
  return data;
}
