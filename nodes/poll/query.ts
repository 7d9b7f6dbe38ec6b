// One query (or the close after giving up) of a job's order or refund, and what an answer teaches the job. The
// engine (engine.ts) decides when to ask and whether an answer still counts (it may have stopped meanwhile); the
// rules (rules.ts) decide what the answers mean.
import type { CallerInfo } from '../core/events';
import type { UppResult } from '../core/operations';
import { describeError } from '../lib/message';
import type { Job } from './job';
import { isUnbound } from './rules';
import type { CloseInfo, PollClient, PollTarget } from './types';

/** Thrown errors that prove nothing happened and may go away: they count as an attempt. */
const RETRYABLE_CODES = new Set(['ERR_UPP_NOT_SENT', 'ERR_UPP_IN_FLIGHT', 'ERR_UPP_CLIENT_CLOSED']);

export function isRetryableError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

/** What one call gave: an answer, or the error it threw. */
export type Answer = { ok: true; result: UppResult } | { ok: false; error: unknown };

export interface QueryCall {
  signal: AbortSignal;
  caller?: CallerInfo;
}

/** Queries the order (payment) or the refund, checked against the amount the caller knows. Never throws. */
export async function queryTarget(target: PollTarget, client: PollClient, call: QueryCall): Promise<Answer> {
  // A literal, not `{ ...call, expectedAmount }`: on Node 20 (V8 11.3) a spread followed by another property makes a
  // hidden class of its own for every object (~0.5 µs and ~300 B each; BENCHMARKS.md, issue 17).
  const options = { signal: call.signal, caller: call.caller, expectedAmount: target.expectedAmount };
  try {
    const result =
      target.mode === 'payment'
        ? await client.query({ paymentNo: target.paymentNo, bizType: target.bizType }, options)
        : await client.refundQuery({ requestNo: target.requestNo }, options);
    return { ok: true, result };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Closes the order (payment mode, after giving up). Never throws, also when `client()` does. */
export async function closeTarget(target: PollTarget, client: () => PollClient, call: QueryCall): Promise<Answer> {
  try {
    const result = await client().close({ paymentNo: target.paymentNo, bizType: target.bizType }, call);
    return { ok: true, result };
  } catch (error) {
    return { ok: false, error };
  }
}

/** A close that never reached the platform (a retryable error): the order is not counted as closed. */
export function notSentClose(error: unknown): CloseInfo {
  const info = describeError(error);
  return { outcome: 'not_sent', assumed: false, reason: info.code ?? 'not_sent', detail: info.message };
}

/** Counts one attempt and keeps what it taught: the answer (or the error), whether it was bound to this job. */
export function recordAttempt(job: Job<unknown>, answer: Answer): void {
  job.attempts += 1;
  job.learnt = true;
  if (answer.ok) {
    const result = answer.result;
    job.last = result;
    job.lastError = undefined;
    if (result.verified && result.status && !isUnbound(result)) job.sawStatus = true;
    if (isUnbound(result)) job.mismatched = true;
    if (result.envelope?.msg) job.lastMsg = result.envelope.msg;
  } else {
    job.lastError = describeError(answer.error);
  }
}

/** The last query's outcome (undefined when it threw). */
export function lastOutcome(job: Job<unknown>) {
  return job.lastError ? undefined : job.last?.outcome;
}
