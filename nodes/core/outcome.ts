// The manual's business rules (docs/design.md §6), in one place: what a verified answer, a rejection or an ambiguous
// failure means for each endpoint. Only the platform's own verified words can make a payment or refund "failed".
import { ENDPOINTS, FINAL_STATUS, type EndpointName } from './schema';

export type Outcome = 'success' | 'pending' | 'failed';

/** Why the outcome is what it is; stable codes for flows to switch on. */
export type ReasonCode =
  | 'final' // the platform gave a final status in a verified answer
  | 'not_final' // verified answer, status not final (e.g. wait_pay, refund_exception)
  | 'rejected' // verified result:false
  | 'timeout'
  | 'connection_reset'
  | 'aborted'
  | 'too_large'
  | 'http_status'
  | 'unparsable'
  | 'unsigned'
  | 'bad_signature'
  | 'mismatch' // verified, but about another order / refund / amount than the request (result.mismatch)
  | 'missing_field'; // verified and accepted, but a field the manual marks required is absent (result.missing)

/** What came back from the platform, already parsed and verified. */
export interface Answer {
  problem?: Exclude<ReasonCode, 'final' | 'not_final' | 'rejected' | 'mismatch' | 'missing_field'>;
  /** A verified answer that is not bound to its request (binding.ts): never final, whatever it says. */
  unbound?: 'mismatch' | 'missing_field';
  /** The envelope passed verification. */
  verified: boolean;
  result?: unknown;
  kind?: unknown;
  /** tradeStatus; for close, isCloseOrder alone (never tradeStatus). */
  status?: string;
}

export interface Decision {
  outcome: Outcome;
  reason: ReasonCode;
  /** True when a rule, not the platform, decided (a close counted as closed without a verified Y). */
  assumed: boolean;
}

const includes = (list: readonly string[], value: string | undefined) => value !== undefined && list.includes(value);

export function decide(endpoint: EndpointName, answer: Answer): Decision {
  const kind = ENDPOINTS[endpoint].kind;
  if (!answer.verified || answer.problem) {
    const reason = answer.problem ?? 'bad_signature';
    if (endpoint === 'network') return { outcome: 'failed', reason, assumed: false };
    // A close with no trustworthy answer counts as closed (the platform refunds a late payment itself).
    if (kind === 'close') return { outcome: 'success', reason, assumed: true };
    return { outcome: 'pending', reason, assumed: false };
  }
  // An answer about another request decides nothing, not even a close (issue 10 item 1).
  if (answer.unbound && endpoint !== 'network') return { outcome: 'pending', reason: answer.unbound, assumed: false };
  // isCloseOrder N is never closed, whatever result says (a rejected answer carrying N included).
  if (kind === 'close' && answer.status === 'N') {
    return { outcome: 'failed', reason: answer.result === true && answer.kind === '0' ? 'final' : 'rejected', assumed: false };
  }
  if (answer.result !== true || answer.kind !== '0') {
    if (endpoint === 'network') return { outcome: 'failed', reason: 'rejected', assumed: false };
    if (kind === 'close') return { outcome: 'success', reason: 'rejected', assumed: true };
    return { outcome: 'pending', reason: 'rejected', assumed: false };
  }
  const status = answer.status;
  switch (endpoint) {
    case 'network':
    case 'yuntaiBills':
    case 'channelBills':
      // An accepted, verified answer (bills: every row carrying its required fields) is the answer.
      return { outcome: 'success', reason: 'final', assumed: false };
    case 'scanCode':
    case 'barCode':
    case 'faceCode':
      // After an order, only pay_success is final; anything else (pay_failed included) is followed by queries.
      return includes(FINAL_STATUS.paySuccess, status)
        ? { outcome: 'success', reason: 'final', assumed: false }
        : { outcome: 'pending', reason: 'not_final', assumed: false };
    case 'query':
      if (includes(FINAL_STATUS.paySuccess, status)) return { outcome: 'success', reason: 'final', assumed: false };
      if (includes(FINAL_STATUS.payFailed, status)) return { outcome: 'failed', reason: 'final', assumed: false };
      return { outcome: 'pending', reason: 'not_final', assumed: false };
    case 'refund':
    case 'refundQuery':
      if (includes(FINAL_STATUS.refundSuccess, status)) return { outcome: 'success', reason: 'final', assumed: false };
      if (includes(FINAL_STATUS.refundFailed, status)) return { outcome: 'failed', reason: 'final', assumed: false };
      return { outcome: 'pending', reason: 'not_final', assumed: false };
    case 'close':
      if (status === 'N') return { outcome: 'failed', reason: 'final', assumed: false };
      if (status === 'Y') return { outcome: 'success', reason: 'final', assumed: false };
      return { outcome: 'success', reason: 'not_final', assumed: true };
  }
}
