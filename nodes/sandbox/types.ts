// Shared shapes of the sandbox: what its programmatic API and its control API hand out. Views are plain copies
// (amounts as exact text, times as UTC+8 text) so callers can never change the sandbox's state by accident.
import type { EndpointName } from '../core/schema';
import type { HisDesk } from './his';

export type FaultName =
  | 'slow'
  | 'reset'
  | 'http500'
  | 'malformed'
  | 'bad_sign'
  | 'unsigned_error'
  | 'rejected'
  | 'mismatch_paymentNo'
  | 'mismatch_amount'
  | 'mismatch_requestNo'
  | 'insert_field';

export const FAULT_NAMES: readonly FaultName[] = [
  'slow',
  'reset',
  'http500',
  'malformed',
  'bad_sign',
  'unsigned_error',
  'rejected',
  'mismatch_paymentNo',
  'mismatch_amount',
  'mismatch_requestNo',
  'insert_field',
];

/** Faults that let the request do its work first (the client cannot tell whether it did). */
export const FAULTS_APPLYING_STATE: ReadonlySet<FaultName> = new Set([
  'slow',
  'reset',
  'http500',
  'malformed',
  'bad_sign',
  'mismatch_paymentNo',
  'mismatch_amount',
  'mismatch_requestNo',
  'insert_field',
]);

/** A value `insert_field` can put into an answer (written as JSON; a number as its literal text). */
export type InsertValue = string | number | boolean | null;

/** `closed` is deliberately not in the documented enum: clients must treat unknown statuses as not final. */
export type PayStatus = 'wait_pay' | 'pay_success' | 'pay_failed' | 'closed';
export type RefundStatus = 'refund_apply_success' | 'refund_success' | 'refund_failed' | 'refund_exception';

export interface OrderView {
  paymentNo: string;
  bizType: 'scan_pay' | 'barcode_pay' | 'face_pay';
  endpoint: 'scanCode' | 'barCode' | 'faceCode';
  tradeStatus: PayStatus;
  tradeFee: string;
  /** Sum of refunds that are not refund_failed. */
  refundedFee: string;
  subject: string;
  body?: string;
  bizData?: string;
  channelType: string;
  channelProduct: string;
  outPaymentNo: string;
  inPaymentNo?: string;
  expireTime: string;
  /** Scan-code orders only: the cashier URL returned as data.sign. */
  payUrl?: string;
  paymentTime?: string;
  createdAt: number;
  queries: number;
  /** What the magic cents of tradeFee made of this order, in words. */
  behaviour: string;
  refunds: string[];
}

export interface RefundView {
  requestNo: string;
  refundNo: string;
  paymentNo: string;
  refundFee: string;
  tradeStatus: RefundStatus;
  outRefundNo: string;
  failedReason?: string;
  refundTime?: string;
  bizData?: string;
  createdAt: number;
  queries: number;
  behaviour: string;
}

export interface RecordedResponse {
  /** HTTP status sent (absent when the socket was reset or the answer is still pending). */
  httpStatus?: number;
  fault?: FaultName;
  result?: boolean;
  msg?: string;
  tradeStatus?: string;
}

export interface RecordedRequest {
  seq: number;
  time: number;
  method: string;
  endpoint: EndpointName | null;
  path: string;
  /** The parsed request; numbers appear as their literal text ("100.00"); `{}` when the body was not a JSON object. */
  body: Record<string, unknown>;
  /** The exact request text. */
  raw: string;
  signatureValid: boolean;
  response: RecordedResponse;
}

export interface RequestFilter {
  endpoint?: string;
  paymentNo?: string;
  requestNo?: string;
}

export interface FaultOptions {
  endpoint?: EndpointName;
  times?: number;
  paymentNo?: string;
  requestNo?: string;
  /** `insert_field` only: the field inserted into the answer's data after signing, e.g. 'tradeStatus'. */
  field?: string;
  /** `insert_field` only: its value, e.g. '' or 'pay_success'. */
  value?: InsertValue;
}

/** An armed fault as it applies to one request: its name and, for `insert_field`, what to insert. */
export interface FaultTaken {
  fault: FaultName;
  field?: string;
  value?: InsertValue;
}

export interface Sandbox {
  /** Base URL clients use, prefix included, e.g. http://127.0.0.1:41234/hs-access-facepay */
  url: string;
  /** http://127.0.0.1:41234 (the control API and the cashier live here, whatever the prefix). */
  origin: string;
  port: number;
  requests(filter?: RequestFilter): RecordedRequest[];
  clearRequests(): void;
  order(paymentNo: string): OrderView | undefined;
  orders(): OrderView[];
  refund(requestNo: string): RefundView | undefined;
  refunds(): RefundView[];
  /** Like the patient paying at the cashier page. Throws unless the order is wait_pay. */
  pay(paymentNo: string): void;
  /** The order becomes pay_failed. Throws unless the order is wait_pay. */
  decline(paymentNo: string): void;
  /** The order becomes closed (expired). Throws unless the order is wait_pay. */
  expire(paymentNo: string): void;
  /** Arms a fault for the next `times` (default 1) requests matching endpoint / paymentNo / requestNo. */
  armFault(fault: FaultName, opts?: FaultOptions): void;
  /**
   * Settles trades on a day (yyyy-MM-dd, "today" or "yesterday" in China time) as paid orders and refunds of the
   * ledger, and returns their platform bill rows (docs/sandbox.md, "Bills: seeding and discrepancies").
   */
  seedTrades(date: string, trades: SeedTrade[]): BillRowView[];
  /** Injects a discrepancy into the bills of a day; a TypeError names a bad field. */
  injectDiscrepancy(spec: DiscrepancySpec): DiscrepancyView;
  discrepancies(): DiscrepancyView[];
  clearDiscrepancies(): void;
  /** The rows a bill download answers for a date range, as plain JSON (amounts as exact text). */
  bill(source: BillSource, startDate: string, endDate?: string): BillRowView[];
  /** The platform's HIS side: late and second payments, the HIS view URLs, decisions, reconciliation (his.ts). */
  his: HisDesk;
  /** The settings (edition, paths, profile, sign variant, ids; never the key) and the armed faults, as GET /_sandbox. */
  info(): Record<string, unknown>;
  /** Forgets orders, refunds, armed faults and recorded requests. */
  reset(): void;
  /** Stops listening, destroys open sockets and clears timers (slow answers do not keep it open). */
  close(): Promise<void>;
}

/** The two bills (spec 4.9 platform, 4.10 channel). */
export type BillSource = 'platform' | 'channel';
/** The discrepancies the sandbox can put into a day's bills (nodes/sandbox/bill-book.ts). */
export type DiscrepancyKind = 'his_never_recorded' | 'channel_only_refund' | 'amount_mismatch' | 'missing_day';

/** A bill row as plain JSON: every value as its exact text ("12.30", "20000"). */
export type BillRowView = Record<string, string>;

/** A settled trade to seed (docs/sandbox.md). tradeNo is the HIS serial: the paymentNo of a pay, the refundNo of a refund. */
export interface SeedTrade {
  tradeType?: 'pay' | 'refund';
  tradeNo: string;
  tradeFee: string | number;
  /** HH:mm:ss or yyyy-MM-dd HH:mm:ss on the day; default 10:00:00 plus one second per trade. */
  tradeTime?: string;
  /** Pay: e.g. ali_scan_code (default), ten_bar_code, uni_face_code. */
  channelProduct?: string;
  /** The platform serial (generated when absent). */
  outTradeNo?: string;
  /** Pay: the channel serial (generated when absent). */
  inTradeNo?: string;
  /** Refund: the paymentNo it refunds (seeded earlier, or in the same list before it). */
  paymentNo?: string;
  /** Refund: its requestNo (default tradeNo). */
  requestNo?: string;
}

export interface DiscrepancySpec {
  date: string;
  kind: DiscrepancyKind;
  /** Which bills it applies to (amount_mismatch, missing_day): default both. */
  bills?: BillSource | BillSource[];
  tradeNo?: string;
  outTradeNo?: string;
  tradeFee?: string | number;
  tradeTime?: string;
  paymentNo?: string;
  channelProduct?: string;
  inTradeNo?: string;
}

export interface DiscrepancyView {
  id: string;
  kind: DiscrepancyKind;
  date: string;
  bills: BillSource[];
  outTradeNo?: string;
  tradeNo?: string;
  tradeFee?: string;
  /** The row it added (his_never_recorded: on both bills; channel_only_refund: on the channel bill). */
  row?: BillRowView;
}
