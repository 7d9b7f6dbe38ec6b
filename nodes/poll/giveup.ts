// The give-up, applied: the attempts (or the time until the order's expireTime) ran out without a final status.
// The rules (rules.ts) name the step (close then query, ask once more, or decide) and the decision; this runs the
// steps through the engine's calls, which report when the engine stopped meanwhile (nothing is decided then).
import type { UppResult } from '../core/operations';
import type { Job } from './job';
import { lastOutcome } from './query';
import { afterCloseDecision, finalDecision, giveUpDecision, giveUpStep, type Decision, type GiveUpFacts } from './rules';
import type { CloseInfo, PollSettings } from './types';

/** What the job knows, as the give-up rules read it. */
export function factsOf(job: Job<unknown>): GiveUpFacts {
  return {
    mode: job.target.mode,
    expired: job.expired,
    learnt: job.learnt,
    mismatched: job.mismatched,
    sawStatus: job.sawStatus,
    lastFailed: job.lastError !== undefined,
    last: job.last,
  };
}

/** The engine's side of a give-up. */
export interface GiveUpCalls {
  /** One more query (an attempt); false when its answer no longer counts (the engine stopped, the job ended). */
  ask(): Promise<boolean>;
  /** The close; undefined when its answer no longer counts. */
  close(): Promise<{ close: CloseInfo; closeResult?: UppResult } | undefined>;
}

/** How a give-up ends: the decision, and the close when one was sent. */
export interface GiveUpEnd {
  decision: Decision;
  close?: CloseInfo;
  closeResult?: UppResult;
  closed?: boolean;
}

/** Runs the give-up's steps; undefined when the engine stopped before it could decide. */
export async function applyGiveUp(
  job: Job<unknown>,
  settings: Pick<PollSettings, 'closeOnGiveUp' | 'assumeRefunded'>,
  calls: GiveUpCalls,
): Promise<GiveUpEnd | undefined> {
  const step = giveUpStep(factsOf(job), settings);
  if (step === 'close') {
    const closed = await calls.close();
    if (!closed || !(await calls.ask())) return undefined;
    // Paid between the last query and the close: the query after the close tells.
    const decision = afterCloseDecision(closed.close, lastOutcome(job));
    return { decision, close: closed.close, closeResult: closed.closeResult, closed: decision.closed };
  }
  if (step === 'ask') {
    if (!(await calls.ask())) return undefined;
    const final = finalDecision(lastOutcome(job));
    if (final) return { decision: final };
  }
  return { decision: giveUpDecision(factsOf(job), settings) };
}
