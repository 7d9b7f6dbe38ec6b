// What the messages waiting on a job receive: the progress after an attempt that was not final, and the final
// answer (msg.upp.poll's shape, types.ts PollInfo), each message with its own share of the job's decision.
import type { UppResult } from '../core/operations';
import type { Job, Waiter } from './job';
import { waiterDecision, type Decision } from './rules';
import type { CloseInfo, PollFinal, PollInfo, PollProgress } from './types';

/** The progress after an attempt; `nextAt` on the wall clock (undefined while giving up). */
export function progressOf(job: Job<unknown>, nextAt: number | undefined): PollProgress {
  return {
    key: job.key,
    mode: job.target.mode,
    attempt: job.attempts,
    maxAttempts: job.maxAttempts,
    result: job.lastError ? undefined : job.last,
    error: job.lastError,
    nextAt: job.phase === 'giveup' ? undefined : nextAt,
    startedAt: job.startedAt,
  };
}

/** The job's end as every waiter shares it (before detaching: `gaveUp` reads the job's phase). */
export function jobInfo(
  job: Job<unknown>,
  decision: Decision,
  extra: { close?: CloseInfo; closed?: boolean },
  intervalMs: number,
  finishedAt: number,
): Omit<PollInfo, 'joined' | 'resumed'> {
  return {
    key: job.key,
    mode: job.target.mode,
    outcome: decision.route,
    reason: decision.reason,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    intervalMs,
    startedAt: job.startedAt,
    finishedAt,
    gaveUp: decision.reason !== 'final' || job.phase === 'giveup',
    expired: job.expired,
    expireAt: job.target.expireAt,
    closed: extra.closed,
    assumed: decision.assumed,
    close: extra.close,
    lastError: job.lastError,
    lastMsg: job.lastMsg,
  };
}

/** One waiter's final answer: the job's decision as far as this message's amount allows (rules.ts waiterDecision). */
export function finalFor<Sink>(
  job: Job<Sink>,
  w: Waiter<Sink>,
  decision: Decision,
  base: Omit<PollInfo, 'joined' | 'resumed'>,
  result: UppResult | undefined,
  closeResult: UppResult | undefined,
): PollFinal {
  const own = waiterDecision(job, w, decision);
  // Object.assign, not `{ ...base, outcome, ... }`: that spread makes a hidden class per object on Node 20 (query.ts).
  const info: PollInfo = Object.assign({}, base, {
    outcome: own.route,
    reason: own.reason,
    assumed: own.assumed,
    joined: w.joined,
    resumed: w.resumed,
  });
  return { route: own.route, reason: own.reason, result, closeResult, info, amountMismatch: own.amountMismatch };
}
