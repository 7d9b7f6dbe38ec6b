// The snapshot format: the JSON-safe record of one job as saved in the node's context (`jobs`) and handed over on
// a redeploy, and reading it back. Whatever the store gives back is checked: a record that is not ours is skipped.
import type { CarriedState, Job } from './job';
import type { PollRecord, PollTarget } from './types';

/** The single-flight key: one job per key per config node. */
export function jobKey(target: Pick<PollTarget, 'mode' | 'paymentNo' | 'requestNo'>): string {
  return target.mode === 'payment' ? `payment:${target.paymentNo}` : `refund:${target.requestNo}`;
}

/** A job as a record; `nextAt` is the wall-clock time (epoch ms) its next step is due. */
export function toRecord(job: Job<unknown>, msgs: string[], nextAt: number): PollRecord {
  const t = job.target;
  return {
    v: 1,
    key: job.key,
    mode: t.mode,
    paymentNo: t.paymentNo,
    bizType: t.bizType,
    requestNo: t.requestNo,
    expireAt: t.expireAt,
    expectedAmount: t.expectedAmount,
    mismatched: job.mismatched || undefined,
    attempts: job.attempts,
    startedAt: job.startedAt,
    nextAt,
    phase: job.phase === 'giveup' ? 'giveup' : 'poll',
    expired: job.expired,
    msgs,
  };
}

const count = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback);
const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** A saved record back as a target and the state it carries, or undefined when it is not a job record of ours. */
export function readRecord(record: unknown, now: number): { target: PollTarget; carried: CarriedState; msgs: unknown[] } | undefined {
  if (!record || typeof record !== 'object') return undefined;
  const r = record as Partial<PollRecord>;
  if (r.v !== 1 || !Array.isArray(r.msgs)) return undefined;
  let target: PollTarget;
  if (r.mode === 'payment' && typeof r.paymentNo === 'string' && typeof r.bizType === 'string') {
    target = {
      mode: 'payment',
      paymentNo: r.paymentNo,
      bizType: r.bizType,
      expireAt: typeof r.expireAt === 'number' ? r.expireAt : undefined,
    };
  } else if (r.mode === 'refund' && typeof r.requestNo === 'string') {
    target = { mode: 'refund', requestNo: r.requestNo };
  } else {
    return undefined;
  }
  const expectedAmount = text(r.expectedAmount);
  if (expectedAmount !== undefined) target.expectedAmount = expectedAmount;
  const carried: CarriedState = {
    attempts: Math.floor(count(r.attempts, 0)),
    startedAt: count(r.startedAt, now),
    nextAt: count(r.nextAt, now),
    phase: r.phase === 'giveup' ? 'giveup' : 'poll',
    expired: r.expired === true,
    mismatched: r.mismatched === true,
  };
  return { target, carried, msgs: r.msgs };
}
