// Shapes shared by the poll engine and the upp-poll node. Plain data: no Node-RED types here.
import type { CallOptions, UppResult } from '../core/operations';
import type { RequestInput } from '../core/validate';
import type { ErrorInfo } from '../lib/message';

export type PollMode = 'payment' | 'refund';

/** The three outputs of upp-poll, in order. */
export type PollRoute = 'success' | 'failed' | 'undetermined';

/**
 * Why a poll ended where it did.
 * - `final`: a verified final status (pay_success / pay_failed / refund_success / refund_apply_success / refund_failed)
 * - `close_race`: the attempts ran out, the order was closed, and the query after the close found it paid after all
 * - `closed`: the attempts ran out and the order was closed (verified Y, or counted as closed by the manual's rule)
 * - `not_closed`: the close answered N (or could not be sent) and the query after it was still not final
 * - `refund_not_found`: every refund query was rejected (verified result:false) and none showed a refund status:
 *   the refund most likely does not exist, so it is not assumed; resend it with the same requestNo
 * - `assumed_refunded`: refund attempts ran out; counted as refunded so that nobody refunds twice (manual rule)
 * - `mismatch`: the poll gave up after at least one verified answer that was not about this order / refund / amount
 *   (core reason `mismatch` or `missing_field`): no close is sent and no refund is assumed, a person has to look
 * - `gave_up`: attempts (or time until expireTime) ran out without a final status and no rule decided
 */
export type PollReason =
  'final' | 'close_race' | 'closed' | 'not_closed' | 'assumed_refunded' | 'refund_not_found' | 'mismatch' | 'gave_up';

/** What to poll. */
export interface PollTarget {
  mode: PollMode;
  /** Payment mode: the HIS payment serial. */
  paymentNo?: string;
  /** Payment mode: scan_pay / barcode_pay (as the order was created). */
  bizType?: string;
  /** Refund mode: the refund request id. */
  requestNo?: string;
  /** Payment mode, optional: the order's expireTime as epoch ms. No query is scheduled after it. */
  expireAt?: number;
  /**
   * Optional: the amount the caller knows (payment: the order's tradeFee; refund: the refundFee), as a canonical
   * decimal text. Passed to the core as CallOptions.expectedAmount: an answer with another amount is a mismatch.
   */
  expectedAmount?: string;
}

export interface PollSettings {
  /** Pause between queries, ms (> 0). */
  intervalMs: number;
  /**
   * Most queries before giving up (integer >= 1), or undefined: a payment whose expireTime is known is polled until
   * then; without a known expireTime DEFAULT_ATTEMPTS (rules.ts) applies.
   */
  attempts?: number;
  /** Payment mode: close the order when giving up, then query once more. */
  closeOnGiveUp: boolean;
  /** Refund mode: when the attempts run out, count the refund as succeeded (flagged assumed). */
  assumeRefunded: boolean;
  /** Most queries (or closes) in flight at once for this engine (default 50). */
  concurrency?: number;
}

/** The part of the core UppClient the engine uses. */
export interface PollClient {
  query(fields: RequestInput, call?: CallOptions): Promise<UppResult>;
  refundQuery(fields: RequestInput, call?: CallOptions): Promise<UppResult>;
  close(fields: RequestInput, call?: CallOptions): Promise<UppResult>;
}

/** A thrown error, reduced to what a message can carry (msg.upp.error's shape). */
export type { ErrorInfo } from '../lib/message';

/** What the close after giving up did. */
export interface CloseInfo {
  /** `closed`: counted as closed (verified Y, or by the rule); `not_closed`: answered N; `not_sent`: never reached the platform. */
  outcome: 'closed' | 'not_closed' | 'not_sent';
  /** data.isCloseOrder of a verified answer. */
  isCloseOrder?: string;
  /** True when the order only counts as closed by the manual's rule (timeout, rejection, unverified answer). */
  assumed: boolean;
  /** Core reason code of the close call (final, not_final, rejected, timeout, …) or the error code. */
  reason: string;
  /** The platform's msg, if any. */
  msg?: string;
  detail?: string;
  data?: Record<string, unknown>;
}

/** Poll bookkeeping attached to every output as msg.upp.poll. */
export interface PollInfo {
  /** Single-flight key: `payment:<paymentNo>` or `refund:<requestNo>`. */
  key: string;
  mode: PollMode;
  /** Which output the message left by. */
  outcome: PollRoute;
  reason: PollReason;
  /** Queries made, the final query after a close included, those made before a restart included. */
  attempts: number;
  /** The cap on queries for this job; absent when it polls until the order's expireTime. */
  maxAttempts?: number;
  intervalMs: number;
  /** Epoch ms. */
  startedAt: number;
  finishedAt: number;
  /** True when the attempts (or the time before expireTime) ran out without a final status during polling. */
  gaveUp: boolean;
  /** True when polling was cut short by the order's expireTime. */
  expired: boolean;
  /** The order's expireTime as epoch ms, when known. */
  expireAt?: number;
  /** Payment mode after giving up with closeOnGiveUp: the order counts as closed and did not get paid. */
  closed?: boolean;
  /** True when a rule, not the platform, decided (assumed refund; close counted as closed without a verified Y). */
  assumed?: boolean;
  /** The close made when giving up. */
  close?: CloseInfo;
  /** The last query threw (e.g. not sent) rather than answered. */
  lastError?: ErrorInfo;
  /** The last non-empty message (envelope msg) the platform gave during this poll. */
  lastMsg?: string;
  /** This message joined a poll that was already running for the same key. */
  joined: boolean;
  /** This message was restored from the context store after a restart or redeploy. */
  resumed: boolean;
}

export interface PollFinal {
  route: PollRoute;
  reason: PollReason;
  /** The last query's result (undefined when every query threw). */
  result?: UppResult;
  /** The close's raw result, when a close was made. */
  closeResult?: UppResult;
  /** This message knew another amount than the one the job checked (expected: this message's; received: the job's). */
  amountMismatch?: { expected: string; received: string };
  info: PollInfo;
}

export interface PollProgress {
  key: string;
  mode: PollMode;
  /** Queries made so far. */
  attempt: number;
  /** Absent when the job polls until the order's expireTime. */
  maxAttempts?: number;
  result?: UppResult;
  error?: ErrorInfo;
  /** When the next step (query or give-up) is due, epoch ms; undefined when the job is giving up now. */
  nextAt?: number;
  startedAt: number;
}

/** JSON-safe state of one job, as saved in the node's context (`jobs`). */
export interface PollRecord {
  v: 1;
  key: string;
  mode: PollMode;
  paymentNo?: string;
  bizType?: string;
  requestNo?: string;
  expireAt?: number;
  /** The amount the answers are checked against (PollTarget.expectedAmount). */
  expectedAmount?: string;
  /** A verified answer was not about this order / refund / amount: the give-up sends no close, assumes nothing. */
  mismatched?: boolean;
  attempts: number;
  startedAt: number;
  /** When the next step is due (epoch ms). */
  nextAt: number;
  phase: 'poll' | 'giveup';
  expired: boolean;
  /** JSON copies of the waiting messages (req/res and other non-JSON parts left out). */
  msgs: string[];
}
