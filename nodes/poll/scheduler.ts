// One timer for any number of jobs: a min-heap of due times, a single setTimeout armed for the earliest one, and a
// cap on how many jobs run at once (so 10 000 polls never open 10 000 sockets). Jobs that are due while every slot
// is busy simply stay at the top of the heap and start, in due order, as slots free up.
import { MinHeap, type HeapItem } from './heap';

/** setTimeout overflows above 2^31-1 ms; long waits are re-armed in steps. */
const MAX_TIMER_MS = 60 * 60 * 1000;
/** Timers may fire a millisecond early by the wall clock; treat that as due. */
const EARLY_MS = 1;

/**
 * Histogram of how late jobs started compared with their due time: 1 ms buckets up to 1 s, 10 ms up to 10 s,
 * 100 ms up to 100 s (11 KB, whatever the number of samples).
 */
export class LagStats {
  private readonly buckets = new Uint32Array(2801);
  count = 0;
  max = 0;
  sum = 0;

  private static index(ms: number): number {
    if (ms < 1000) return ms;
    if (ms < 10_000) return 1000 + Math.floor((ms - 1000) / 10);
    if (ms < 100_000) return 1900 + Math.floor((ms - 10_000) / 100);
    return 2800;
  }

  private static value(index: number): number {
    if (index < 1000) return index;
    if (index < 1900) return 1000 + (index - 1000) * 10;
    if (index < 2800) return 10_000 + (index - 1900) * 100;
    return 100_000;
  }

  record(ms: number): void {
    const value = ms < 0 ? 0 : Math.round(ms);
    this.buckets[LagStats.index(value)] += 1;
    this.count += 1;
    this.sum += value;
    if (value > this.max) this.max = value;
  }

  /** The q-quantile (0..1) in ms (lower edge of its bucket, never above max), 0 when nothing was recorded. */
  percentile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i];
      if (seen >= rank) return Math.min(LagStats.value(i), this.max);
    }
    return this.max;
  }

  reset(): void {
    this.buckets.fill(0);
    this.count = 0;
    this.max = 0;
    this.sum = 0;
  }
}

export interface SchedulerOptions<T> {
  /** Most jobs running at once (default 50). */
  concurrency?: number;
  now?: () => number;
  /** Runs one due job. Should not reject; a rejection goes to onError. */
  run: (item: T) => Promise<void>;
  onError: (item: T, error: unknown) => void;
}

export class Scheduler<T extends HeapItem> {
  /** How late every job started (due -> start), whatever the cause. */
  readonly lag = new LagStats();
  /** Jobs started by the timer: the timer's own error (event-loop delay included). */
  readonly timerLag = new LagStats();
  /** Jobs started when a slot freed up: they were due while every slot was busy (throughput, not timing). */
  readonly queuedLag = new LagStats();
  private readonly heap = new MinHeap<T>();
  private readonly concurrency: number;
  private readonly now: () => number;
  private readonly run: (item: T) => Promise<void>;
  private readonly onError: (item: T, error: unknown) => void;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private running = 0;
  private stopped = false;

  constructor(options: SchedulerOptions<T>) {
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 50));
    this.now = options.now ?? Date.now;
    this.run = options.run;
    this.onError = options.onError;
    this.onTimer = this.onTimer.bind(this);
    this.release = this.release.bind(this);
  }

  /** Jobs waiting for their time (or for a free slot). */
  get waiting(): number {
    return this.heap.size;
  }

  /** Jobs running now. */
  get inFlight(): number {
    return this.running;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Schedules (or reschedules) a job at an epoch-ms time. */
  schedule(item: T, due: number): void {
    if (this.stopped) return;
    this.heap.push(item, due);
    this.arm();
  }

  cancel(item: T): void {
    this.heap.remove(item);
  }

  /** Clears the timer and forgets every waiting job; jobs already running finish on their own. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    this.heap.clear();
  }

  /** True while the single timer is armed (for tests: no timer is left behind after stop()). */
  get armed(): boolean {
    return this.timer !== undefined;
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    this.pump(true);
  }

  private pump(byTimer = false): void {
    if (this.stopped) return;
    const now = this.now();
    while (this.running < this.concurrency) {
      const top = this.heap.peek();
      if (!top || top.due > now + EARLY_MS) break;
      this.heap.pop();
      this.start(top, now, byTimer);
    }
    this.arm();
  }

  private start(item: T, now: number, byTimer: boolean): void {
    this.running += 1;
    this.lag.record(now - item.due);
    (byTimer ? this.timerLag : this.queuedLag).record(now - item.due);
    let promise: Promise<void>;
    try {
      promise = this.run(item);
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(this.release, (error: unknown) => {
      try {
        this.onError(item, error);
      } finally {
        this.release();
      }
    });
  }

  private release(): void {
    this.running -= 1;
    this.pump(false);
  }

  private arm(): void {
    if (this.stopped) return;
    const top = this.heap.peek();
    // Nothing to wait for, or every slot busy: a finishing job pumps again.
    if (!top || this.running >= this.concurrency) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
      return;
    }
    if (this.timer && this.timerAt <= top.due) return;
    if (this.timer) clearTimeout(this.timer);
    const delay = Math.min(Math.max(0, top.due - this.now()), MAX_TIMER_MS);
    this.timerAt = delay === MAX_TIMER_MS ? this.now() + delay : top.due;
    this.timer = setTimeout(this.onTimer, delay);
  }
}
