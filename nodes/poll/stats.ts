// What an engine reports about itself: counters and schedule lag (bench/poll-scale.js, the load test) and the open
// jobs a sidebar lists. Read-only shapes, made from the engine's jobs, scheduler and counters.
import type { Job } from './job';
import type { LagStats } from './scheduler';
import type { PollMode } from './types';

export interface EngineStats {
  /** Jobs this engine waits on (its own and those of other engines it joined). */
  jobs: number;
  /** Jobs this engine runs. */
  owned: number;
  waitingInHeap: number;
  inFlight: number;
  queries: number;
  closes: number;
  finished: number;
  /** How late queries started compared with when they were due (ms): all, started by the timer, queued for a slot. */
  lag: LagSummary;
  timerLag: LagSummary;
  queuedLag: LagSummary;
}

export interface LagSummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** A running job as the operations sidebar lists it (read-only copy; nodes/ops/routes.ts). */
export interface OpenJobView {
  key: string;
  mode: PollMode;
  paymentNo?: string;
  bizType?: string;
  requestNo?: string;
  /** Queries made so far. */
  attempts: number;
  /** The cap on queries; absent when the job polls until the order's expireTime (expireAt). */
  maxAttempts?: number;
  /** The order's expireTime, epoch ms, when known. */
  expireAt?: number;
  startedAt: number;
  ageMs: number;
  /** When the next query (or the give-up) is due, epoch ms; undefined while a query is running. */
  nextAt?: number;
  phase: 'poll' | 'giveup';
  /** Messages waiting on the job. */
  waiting: number;
}

/** The view of one job; `nextAt` on the wall clock, `waiting` the messages counted. */
export function jobView(job: Job<unknown>, nextAt: number | undefined, now: number, waiting: number): OpenJobView {
  const t = job.target;
  return {
    key: job.key,
    mode: t.mode,
    paymentNo: t.paymentNo,
    bizType: t.bizType,
    requestNo: t.requestNo,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    expireAt: t.expireAt,
    startedAt: job.startedAt,
    ageMs: Math.max(0, now - job.startedAt),
    nextAt,
    phase: job.phase === 'giveup' ? 'giveup' : 'poll',
    waiting,
  };
}

/** A lag histogram as numbers (ms). */
export function lagSummary(lag: LagStats): LagSummary {
  return { count: lag.count, p50: lag.percentile(0.5), p99: lag.percentile(0.99), max: lag.max, mean: lag.count ? lag.sum / lag.count : 0 };
}

/** The scheduler's figures read here (scheduler.ts). */
type SchedulerFigures = { readonly waiting: number; readonly inFlight: number; lag: LagStats; timerLag: LagStats; queuedLag: LagStats };

/** What an engine counts as it runs. */
export interface EngineCounters {
  queries: number;
  closes: number;
  finished: number;
}

/** An engine's figures: its jobs, its scheduler's queue and lag, its counters. */
export function engineStats(jobs: { waitedOn: number; owned: number }, scheduler: SchedulerFigures, counters: EngineCounters): EngineStats {
  return {
    jobs: jobs.waitedOn,
    owned: jobs.owned,
    waitingInHeap: scheduler.waiting,
    inFlight: scheduler.inFlight,
    queries: counters.queries,
    closes: counters.closes,
    finished: counters.finished,
    lag: lagSummary(scheduler.lag),
    timerLag: lagSummary(scheduler.timerLag),
    queuedLag: lagSummary(scheduler.queuedLag),
  };
}

/** Starts the lag figures afresh (a benchmark's warm-up is not counted). */
export function resetLag(scheduler: SchedulerFigures): void {
  scheduler.lag.reset();
  scheduler.timerLag.reset();
  scheduler.queuedLag.reset();
}
