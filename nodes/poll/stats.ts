// What an engine reports about itself: counters and schedule lag (bench/poll-scale.js, the load test) and the open
// jobs a sidebar lists. Read-only shapes; the engine fills them.
import type { LagStats } from './scheduler';

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

/** One open job as the sidebar lists it (read-only copy). */
export interface OpenJob {
  key: string;
  mode: 'payment' | 'refund';
  paymentNo?: string;
  requestNo?: string;
  /** Queries made so far, and the cap (absent: until expireTime). */
  attempts: number;
  maxAttempts?: number;
  phase: 'poll' | 'giveup';
  /** When the next query (or the give-up) is due, epoch ms; absent while it runs. */
  nextAt?: number;
  /** The order's expireTime, epoch ms, when known. */
  expireAt?: number;
  startedAt: number;
  ageMs: number;
  /** Messages of this engine waiting on the job. */
  messages: number;
  /** True when another engine (poll node) on the same config node runs the job and this one joined it. */
  joined: boolean;
}

/** A lag histogram as numbers (ms). */
export function lagSummary(lag: LagStats): LagSummary {
  return { count: lag.count, p50: lag.percentile(0.5), p99: lag.percentile(0.99), max: lag.max, mean: lag.count ? lag.sum / lag.count : 0 };
}
