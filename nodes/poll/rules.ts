// The poll's decisions as pure functions (tested like core/outcome.ts, in test/poll/rules.test.js): how many
// queries a job may make, what giving up does, and what a close plus the query after it mean. The manual's rules
// are in ../shared/spec/UPP-API.md section 6 and docs/poll.md; the engine only carries them out.
import type { Outcome, ReasonCode } from '../core/outcome';
import type { UppResult } from '../core/operations';
import type { CloseInfo, PollMode, PollReason, PollRoute, PollSettings, PollTarget } from './types';

/** Queries made when neither a cap nor the order's expireTime is known: the manual's advice (8 queries, 5 s apart). */
export const DEFAULT_ATTEMPTS = 8;

/** Core reasons of a verified answer that is not about this request: they never decide anything. */
const UNBOUND: ReadonlySet<string> = new Set<ReasonCode>(['mismatch', 'missing_field']);

export function isUnbound(result: Pick<UppResult, 'reason'> | undefined): boolean {
  return result !== undefined && UNBOUND.has(result.reason);
}

/**
 * The most queries a job makes before giving up: the node's cap when set; else, for a payment whose expireTime is
 * known, no cap (the expiry ends it); else DEFAULT_ATTEMPTS. Infinity means "until expireTime".
 */
export function attemptCap(settings: Pick<PollSettings, 'attempts'>, target: Pick<PollTarget, 'mode' | 'expireAt'>): number {
  if (settings.attempts !== undefined) return settings.attempts;
  return target.mode === 'payment' && target.expireAt !== undefined ? Infinity : DEFAULT_ATTEMPTS;
}

/**
 * When a cap ends a payment poll before the order's expireTime: the wall-clock time the last capped query is due
 * (epoch ms), else undefined. A poll that gives up early closes an order the patient may still pay.
 */
export function capEndsBeforeExpiry(
  settings: Pick<PollSettings, 'attempts' | 'intervalMs'>,
  target: Pick<PollTarget, 'mode' | 'expireAt'>,
  startedAt: number,
  attemptsSpent = 0,
): number | undefined {
  if (target.mode !== 'payment' || target.expireAt === undefined || settings.attempts === undefined) return undefined;
  const endsAt = startedAt + Math.max(0, settings.attempts - attemptsSpent) * settings.intervalMs;
  return endsAt < target.expireAt ? endsAt : undefined;
}

/** What a job knows when it gives up. */
export interface GiveUpFacts {
  mode: PollMode;
  /** Polling was cut short by the order's expireTime. */
  expired: boolean;
  /** Something (an answer or an error) was learnt since this process started the job. */
  learnt: boolean;
  /** A verified answer was about another order / refund / amount (or lacked a required field). */
  mismatched: boolean;
  /** A verified answer carried a trade status in this run (the refund exists at the platform). */
  sawStatus: boolean;
  /** The last query threw (not sent) instead of answering. */
  lastFailed: boolean;
  last?: Pick<UppResult, 'verified' | 'reason'>;
}

export type GiveUpStep = 'close' | 'ask' | 'decide';

/**
 * The first step of a give-up: close the order (payments with closeOnGiveUp, never after a mismatch), ask once
 * more (nothing learnt in this run, or the expireTime cut-off, whose query is the last one allowed), or decide.
 */
export function giveUpStep(facts: GiveUpFacts, settings: Pick<PollSettings, 'closeOnGiveUp'>): GiveUpStep {
  if (facts.mode === 'payment' && settings.closeOnGiveUp && !facts.mismatched) return 'close';
  if (!facts.learnt || (facts.mode === 'payment' && facts.expired)) return 'ask';
  return 'decide';
}

export interface Decision {
  route: PollRoute;
  reason: PollReason;
  assumed?: boolean;
}

/** A final status in the last query decides by itself (pay_success / pay_failed / refund_success / ...). */
export function finalDecision(outcome: Outcome | undefined): Decision | undefined {
  if (outcome === 'success') return { route: 'success', reason: 'final' };
  if (outcome === 'failed') return { route: 'failed', reason: 'final' };
  return undefined;
}

/** The give-up without a close: what the job ends as when no final status came. */
export function giveUpDecision(facts: GiveUpFacts, settings: Pick<PollSettings, 'assumeRefunded'>): Decision {
  // An answer about another order or amount proves nothing either way: a person has to look (issue 10 item 1).
  if (facts.mismatched) return { route: 'undetermined', reason: 'mismatch' };
  // The manual's "mark it refunded" is for a refund whose outcome cannot be determined. A platform that answered,
  // verified, that it rejects the query and never showed a refund status has most likely no such refund: assuming
  // it refunded would lose the patient's money, so it stays undetermined (resending with the same requestNo is safe).
  if (facts.mode === 'refund' && !facts.sawStatus && !facts.lastFailed && facts.last?.verified && facts.last.reason === 'rejected') {
    return { route: 'undetermined', reason: 'refund_not_found' };
  }
  if (facts.mode === 'refund' && settings.assumeRefunded) return { route: 'success', reason: 'assumed_refunded', assumed: true };
  return { route: 'undetermined', reason: 'gave_up' };
}

/**
 * What a close answered, by the manual: only isCloseOrder = N is "not closed", every other answer, a timeout
 * included, counts as closed (flagged assumed unless a verified Y). A close answer about another order (core
 * outcome pending, reason mismatch / missing_field) is not closed either.
 */
export function closeInfo(result: UppResult): CloseInfo {
  const closed = result.outcome === 'success';
  return {
    outcome: closed ? 'closed' : 'not_closed',
    isCloseOrder: result.status,
    assumed: closed ? result.assumed : false,
    reason: result.reason,
    msg: result.envelope?.msg || undefined,
    detail: result.detail,
    data: result.data,
  };
}

/** After a close and the query after it. */
export function afterCloseDecision(
  close: Pick<CloseInfo, 'outcome' | 'assumed'>,
  outcome: Outcome | undefined,
): Decision & { closed: boolean } {
  // Paid between the last query and the close: the patient paid, whatever the close said.
  if (outcome === 'success') return { route: 'success', reason: 'close_race', closed: false };
  if (close.outcome === 'closed') return { route: 'failed', reason: 'closed', closed: true, assumed: close.assumed || undefined };
  if (outcome === 'failed') return { route: 'failed', reason: 'final', closed: false };
  return { route: 'undetermined', reason: 'not_closed', closed: false };
}

/**
 * One waiter's share of the job's decision. A message that joined with another amount than the one the job checks
 * (the same paymentNo sent as 5.00 and as 500.00) cannot take a success or an assumption as its own: it is
 * undetermined with reason mismatch (a failure or a close stays true for every message of the order).
 */
export function waiterDecision(
  job: { target: Pick<PollTarget, 'expectedAmount'> },
  w: { expectedAmount?: string },
  decision: Decision,
): Decision & { amountMismatch?: { expected: string; received: string } } {
  const jobAmount = job.target.expectedAmount;
  if (w.expectedAmount === undefined || jobAmount === undefined || w.expectedAmount === jobAmount) return decision;
  if (decision.route !== 'success' && !decision.assumed) return decision;
  return { route: 'undetermined', reason: 'mismatch', amountMismatch: { expected: w.expectedAmount, received: jobAmount } };
}
