// The poll engine: turns "pending" into a final answer by the manual's rules (docs/design.md §6), for any number of
// jobs at once. Plain TypeScript, no Node-RED: the upp-poll node feeds it messages and routes what comes out.
//
// - One job per key (payment:<paymentNo> / refund:<requestNo>) per scope (the config node): a second message for a
//   key already being polled joins the running job and gets the same final result (single flight). The registry
//   of keys is shared by every engine of the process, so two poll nodes on one config node share a job too.
// - One timer per engine (Scheduler: min-heap + single setTimeout) and a cap on queries in flight.
// - Query trouble (not sent, timeout, reset, rejected, bad signature) counts as an attempt, never as a failure;
//   only a verified pay_failed / refund_failed (or a payment closed after giving up) is "failed".
import { setMaxListeners } from 'node:events';
import type { UppResult } from '../core/operations';
import { describeError } from '../lib/message';
import { Scheduler, type LagStats } from './scheduler';
import type { HeapItem } from './heap';
import type {
  CloseInfo,
  ErrorInfo,
  PollClient,
  PollFinal,
  PollInfo,
  PollMode,
  PollProgress,
  PollReason,
  PollRecord,
  PollRoute,
  PollSettings,
  PollTarget,
} from './types';

/** Thrown errors that prove nothing happened and may go away: they count as an attempt. */
const RETRYABLE_CODES = new Set(['ERR_UPP_NOT_SENT', 'ERR_UPP_IN_FLIGHT', 'ERR_UPP_CLIENT_CLOSED']);

export function isRetryableError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

export function jobKey(target: PollTarget): string {
  return target.mode === 'payment' ? `payment:${target.paymentNo}` : `refund:${target.requestNo}`;
}

interface Waiter {
  sink: PollEngine;
  token: unknown;
  /** JSON copy of the message for the context store: made on the first snapshot (null: cannot be saved). */
  saved?: string | null;
  joined: boolean;
  resumed: boolean;
}

type Phase = 'poll' | 'giveup' | 'done';

const EMPTY = Object.freeze([]) as unknown as Waiter[];

class Job implements HeapItem {
  due = 0;
  heapIndex = -1;
  heapSeq = 0;
  attempts = 0;
  phase: Phase = 'poll';
  expired = false;
  running = false;
  /** The last answer: as an object right after it came, as JSON text while the job waits (half the memory). */
  private fresh: UppResult | undefined = undefined;
  private stored: string | undefined = undefined;
  lastError: ErrorInfo | undefined = undefined;
  lastMsg: string | undefined = undefined;
  /** Something (an answer or an error) was learnt since this process started the job. */
  learnt = false;
  /** A verified answer carried a trade status (the refund or order exists at the platform) in this run. */
  sawStatus = false;
  /** Set to a one-element array when the job is created (an empty array's first push reserves room for 16). */
  waiters: Waiter[] = EMPTY;

  constructor(
    readonly key: string,
    readonly target: PollTarget,
    public owner: PollEngine,
    readonly startedAt: number,
  ) {}

  get last(): UppResult | undefined {
    if (this.fresh) return this.fresh;
    return this.stored === undefined ? undefined : (JSON.parse(this.stored) as UppResult);
  }

  set last(result: UppResult | undefined) {
    this.fresh = result;
    this.stored = undefined;
  }

  /** Called when the job goes back to waiting: keep the last answer as text. */
  compact(): void {
    if (this.fresh) {
      this.stored = JSON.stringify(this.fresh);
      this.fresh = undefined;
    }
  }
}

/** Jobs by scope (config node), then by key. */
export type JobRegistry = Map<string, Map<string, Job>>;

/** What a restored or adopted job carries over. */
interface CarriedState {
  attempts: number;
  startedAt: number;
  nextAt?: number;
  phase: 'poll' | 'giveup';
  expired: boolean;
  last?: UppResult;
  lastError?: ErrorInfo;
}

export interface PollEngineOptions {
  /** Jobs are shared per scope (use the config node's id). */
  scope: string;
  settings: PollSettings;
  /** Returns the client to use (called for every query, so a redeployed config node's client is picked up). */
  client: () => PollClient;
  now?: () => number;
  /** Key registry shared between engines; defaults to one per process. */
  registry?: JobRegistry;
  /** A final answer for one waiting token. */
  onFinish: (token: unknown, final: PollFinal) => void;
  /** The job for this token ended in an error that polling cannot fix (bad input, a bug). */
  onError: (token: unknown, error: unknown) => void;
  /** After each attempt that was not final (only called when given). */
  onProgress?: (token: unknown, progress: PollProgress) => void;
  /** Jobs were added, advanced or finished: refresh the status, save the context. */
  onChange?: () => void;
  /** Turns a token into the JSON text snapshot() saves (undefined: not saved). Called once per token, lazily. */
  persist?: (token: unknown) => string | undefined;
}

const SHARED_REGISTRY: JobRegistry = new Map();

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

function summary(lag: LagStats): LagSummary {
  return { count: lag.count, p50: lag.percentile(0.5), p99: lag.percentile(0.99), max: lag.max, mean: lag.count ? lag.sum / lag.count : 0 };
}

export class PollEngine {
  readonly scope: string;
  readonly settings: Required<PollSettings>;
  private readonly options: PollEngineOptions;
  private readonly now: () => number;
  private readonly registry: JobRegistry;
  private readonly scheduler: Scheduler<Job>;
  private readonly abort = new AbortController();
  /** Jobs this engine runs. */
  private readonly owned = new Set<Job>();
  /** Jobs of other engines that have waiters of this engine. */
  private readonly joined = new Set<Job>();
  private stopped = false;
  private queries = 0;
  private closes = 0;
  private finished = 0;

  constructor(options: PollEngineOptions) {
    const s = options.settings;
    if (!(s.intervalMs > 0) || !Number.isFinite(s.intervalMs))
      throw new RangeError(`intervalMs must be a number > 0 (got ${s.intervalMs})`);
    if (!Number.isInteger(s.attempts) || s.attempts < 1) throw new RangeError(`attempts must be a whole number >= 1 (got ${s.attempts})`);
    this.options = options;
    this.scope = options.scope;
    this.settings = { concurrency: 50, ...s };
    this.now = options.now ?? Date.now;
    this.registry = options.registry ?? SHARED_REGISTRY;
    // One signal for every call of this engine (up to `concurrency` listeners at once, not a leak).
    setMaxListeners(0, this.abort.signal);
    this.scheduler = new Scheduler<Job>({
      concurrency: this.settings.concurrency,
      now: this.now,
      run: (job) => this.run(job),
      onError: (job, error) => this.finishWithError(job, error),
    });
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * Starts polling a target for a token (the node's message), or joins the job already polling that key.
   * `resume` carries the state of a job saved before a restart.
   */
  submit(target: PollTarget, token: unknown, extra: { saved?: string; resume?: Omit<PollRecord, 'msgs' | 'v'> } = {}): { joined: boolean } {
    if (this.stopped) throw new Error('upp-poll engine is stopped');
    const key = jobKey(target);
    const waiter: Waiter = { sink: this, token, saved: extra.saved, joined: false, resumed: extra.resume !== undefined };
    const existing = this.lookup(key);
    if (existing && existing.phase !== 'done' && !existing.owner.stopped) {
      waiter.joined = true;
      existing.waiters.push(waiter);
      if (existing.owner !== this) this.joined.add(existing);
      this.changed();
      return { joined: true };
    }
    const r = extra.resume;
    const job = this.createJob(
      key,
      target,
      r ? { attempts: r.attempts, startedAt: r.startedAt, nextAt: r.nextAt, phase: r.phase, expired: r.expired } : undefined,
    );
    job.waiters = [waiter];
    this.changed();
    return { joined: false };
  }

  /** Restores jobs saved by snapshot(); `revive` turns a saved message back into a token (or undefined to drop it). */
  restore(records: readonly PollRecord[], revive: (saved: string, record: PollRecord) => unknown): number {
    let count = 0;
    const now = this.now();
    const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback);
    for (const record of records) {
      // Whatever the store gave back: skip what is not a job record of ours rather than fail the node.
      if (!record || record.v !== 1 || !Array.isArray(record.msgs)) continue;
      if (
        record.mode === 'payment'
          ? typeof record.paymentNo !== 'string' || typeof record.bizType !== 'string'
          : record.mode !== 'refund' || typeof record.requestNo !== 'string'
      )
        continue;
      const target: PollTarget =
        record.mode === 'payment'
          ? {
              mode: 'payment',
              paymentNo: record.paymentNo,
              bizType: record.bizType,
              expireAt: typeof record.expireAt === 'number' ? record.expireAt : undefined,
            }
          : { mode: 'refund', requestNo: record.requestNo };
      const resume = {
        key: jobKey(target),
        mode: target.mode,
        attempts: Math.floor(num(record.attempts, 0)),
        startedAt: num(record.startedAt, now),
        nextAt: num(record.nextAt, now),
        phase: record.phase === 'giveup' ? ('giveup' as const) : ('poll' as const),
        expired: record.expired === true,
      };
      for (const saved of record.msgs) {
        const token = revive(saved, record);
        if (token === undefined) continue;
        this.submit(target, token, { saved, resume });
        count += 1;
      }
    }
    return count;
  }

  /**
   * JSON-safe records of every job this engine has messages waiting on (for the context store). Each message is
   * serialized (by `persist`) the first time it is saved, so an engine that is never snapshotted keeps no copies.
   */
  snapshot(): PollRecord[] {
    const out: PollRecord[] = [];
    const now = this.now();
    for (const set of [this.owned, this.joined]) {
      for (const job of set) {
        if (job.phase === 'done') continue;
        const msgs: string[] = [];
        for (const w of job.waiters) {
          if (w.sink !== this) continue;
          if (w.saved === undefined) w.saved = this.options.persist?.(w.token) ?? null;
          if (w.saved !== null) msgs.push(w.saved);
        }
        if (msgs.length === 0) continue;
        const t = job.target;
        out.push({
          v: 1,
          key: job.key,
          mode: t.mode,
          paymentNo: t.paymentNo,
          bizType: t.bizType,
          requestNo: t.requestNo,
          expireAt: t.expireAt,
          attempts: job.attempts,
          startedAt: job.startedAt,
          nextAt: job.heapIndex >= 0 ? job.due : now,
          phase: job.phase === 'giveup' ? 'giveup' : 'poll',
          expired: job.expired,
          msgs,
        });
      }
    }
    return out;
  }

  /** Progress of the jobs this engine waits on, for the status line. */
  status(): { jobs: number; attempts?: number; maxAttempts?: number; phase?: 'poll' | 'giveup' } {
    const jobs = this.owned.size + this.joined.size;
    if (jobs !== 1) return { jobs };
    const job = (this.owned.size ? this.owned : this.joined).values().next().value as Job;
    return { jobs, attempts: job.attempts, maxAttempts: job.owner.settings.attempts, phase: job.phase === 'giveup' ? 'giveup' : 'poll' };
  }

  stats(): EngineStats {
    const sch = this.scheduler;
    return {
      jobs: this.owned.size + this.joined.size,
      owned: this.owned.size,
      waitingInHeap: this.scheduler.waiting,
      inFlight: this.scheduler.inFlight,
      queries: this.queries,
      closes: this.closes,
      finished: this.finished,
      lag: summary(sch.lag),
      timerLag: summary(sch.timerLag),
      queuedLag: summary(sch.queuedLag),
    };
  }

  resetLagStats(): void {
    this.scheduler.lag.reset();
    this.scheduler.timerLag.reset();
    this.scheduler.queuedLag.reset();
  }

  /** True while the engine's single timer is armed. */
  get timerArmed(): boolean {
    return this.scheduler.armed;
  }

  /**
   * Stops everything: clears the timer, cancels queries in flight (their answers are ignored) and forgets the jobs
   * without output. Messages of other engines waiting on this engine's jobs are handed to their own engines, which
   * carry on with the attempts already spent. Call snapshot() first to save what should resume later.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.scheduler.stop();
    this.abort.abort();
    for (const job of this.owned) {
      this.unregister(job);
      const others = new Map<PollEngine, Waiter[]>();
      for (const w of job.waiters) {
        if (w.sink === this) continue;
        const list = others.get(w.sink) ?? [];
        list.push(w);
        others.set(w.sink, list);
      }
      for (const [engine, waiters] of others) engine.adopt(job, waiters);
    }
    for (const job of this.joined) {
      job.waiters = job.waiters.filter((w) => w.sink !== this);
    }
    this.owned.clear();
    this.joined.clear();
  }

  // ---- internals ----

  private lookup(key: string): Job | undefined {
    return this.registry.get(this.scope)?.get(key);
  }

  private register(job: Job): void {
    let jobs = this.registry.get(this.scope);
    if (!jobs) this.registry.set(this.scope, (jobs = new Map()));
    jobs.set(job.key, job);
  }

  private unregister(job: Job): void {
    const jobs = this.registry.get(this.scope);
    if (jobs?.get(job.key) !== job) return;
    jobs.delete(job.key);
    if (jobs.size === 0) this.registry.delete(this.scope);
  }

  private changed(): void {
    this.options.onChange?.();
  }

  private createJob(key: string, target: PollTarget, carried?: CarriedState): Job {
    const now = this.now();
    const job = new Job(key, target, this, carried?.startedAt ?? now);
    this.owned.add(job);
    this.register(job);
    if (carried) {
      job.attempts = carried.attempts;
      job.expired = carried.expired;
      job.last = carried.last;
      job.lastError = carried.lastError;
      if (carried.phase === 'giveup' || job.attempts >= this.settings.attempts) {
        job.phase = 'giveup';
        this.scheduler.schedule(job, Math.max(now, carried.nextAt ?? now));
      } else {
        this.planNext(job, Math.max(now, carried.nextAt ?? now));
      }
    } else {
      // The first query comes after one interval (an order answer has just said "pending").
      this.planNext(job, now + this.settings.intervalMs);
    }
    return job;
  }

  /** Another engine stopped while messages of this engine waited on its job: carry on here. */
  private adopt(old: Job, waiters: Waiter[]): void {
    this.joined.delete(old);
    if (this.stopped) return;
    const existing = this.lookup(old.key);
    if (existing && existing.phase !== 'done' && !existing.owner.stopped) {
      existing.waiters.push(...waiters);
      if (existing.owner !== this) this.joined.add(existing);
      this.changed();
      return;
    }
    const job = this.createJob(old.key, old.target, {
      attempts: old.attempts,
      startedAt: old.startedAt,
      nextAt: old.heapIndex >= 0 ? old.due : this.now(),
      phase: old.phase === 'giveup' ? 'giveup' : 'poll',
      expired: old.expired,
      last: old.last,
      lastError: old.lastError,
    });
    job.waiters = waiters.slice();
    this.changed();
  }

  /** Schedules the next query at `candidate`, or the give-up when that would be at or past the order's expireTime. */
  private planNext(job: Job, candidate: number): void {
    const expireAt = job.target.mode === 'payment' ? job.target.expireAt : undefined;
    if (expireAt !== undefined && candidate >= expireAt) {
      job.phase = 'giveup';
      job.expired = true;
      this.scheduler.schedule(job, Math.max(this.now(), expireAt));
      return;
    }
    job.phase = 'poll';
    this.scheduler.schedule(job, candidate);
  }

  private async run(job: Job): Promise<void> {
    if (job.phase === 'done' || job.owner !== this || this.stopped) return;
    job.running = true;
    try {
      if (job.phase === 'poll') await this.pollOnce(job);
      else await this.giveUp(job);
    } finally {
      job.running = false;
    }
  }

  /** One query. Returns false when the engine stopped meanwhile (the answer is then ignored). */
  private async ask(job: Job): Promise<boolean> {
    const t = job.target;
    const client = this.options.client();
    let result: UppResult | undefined;
    let error: unknown;
    this.queries += 1;
    try {
      result =
        t.mode === 'payment'
          ? await client.query({ paymentNo: t.paymentNo, bizType: t.bizType }, { signal: this.abort.signal })
          : await client.refundQuery({ requestNo: t.requestNo }, { signal: this.abort.signal });
    } catch (err) {
      if (this.stopped) return false;
      if (!isRetryableError(err)) throw err;
      error = err;
    }
    if (this.stopped || job.phase === 'done') return false;
    job.attempts += 1;
    job.learnt = true;
    if (result) {
      job.last = result;
      job.lastError = undefined;
      if (result.verified && result.status) job.sawStatus = true;
      if (result.envelope?.msg) job.lastMsg = result.envelope.msg;
    } else {
      job.lastError = describeError(error);
    }
    return true;
  }

  private async pollOnce(job: Job): Promise<void> {
    if (!(await this.ask(job))) return;
    const outcome = job.lastError ? undefined : job.last?.outcome;
    if (outcome === 'success') return this.finish(job, 'success', 'final');
    if (outcome === 'failed') return this.finish(job, 'failed', 'final');
    if (job.attempts >= this.settings.attempts) {
      job.phase = 'giveup';
      this.progress(job, undefined);
      this.changed();
      return this.giveUp(job);
    }
    this.planNext(job, this.now() + this.settings.intervalMs);
    this.progress(job, job.phase === 'giveup' ? undefined : job.due);
    job.compact();
    this.changed();
  }

  /** Attempts (or the time until expireTime) ran out without a final status: apply the manual's rules. */
  private async giveUp(job: Job): Promise<void> {
    job.phase = 'giveup';
    const mode: PollMode = job.target.mode;
    const s = this.settings;
    if (mode === 'payment' && s.closeOnGiveUp) return this.closeAndQuery(job);
    // Ask once more when nothing is known in this run (resumed with all attempts spent, expired on arrival), and at
    // the expireTime cut-off: a query at that point is the last one allowed.
    if (!job.learnt || (mode === 'payment' && job.expired)) {
      if (!(await this.ask(job))) return;
      const outcome = job.lastError ? undefined : job.last?.outcome;
      if (outcome === 'success') return this.finish(job, 'success', 'final');
      if (outcome === 'failed') return this.finish(job, 'failed', 'final');
    }
    // The manual's "mark it refunded" is for a refund whose outcome cannot be determined. A platform that answered,
    // verified, that it rejects the query and never showed a refund status has most likely no such refund: assuming
    // it refunded would lose the patient's money, so it stays undetermined (resending with the same requestNo is safe).
    if (mode === 'refund' && !job.sawStatus && !job.lastError && job.last?.verified && job.last.reason === 'rejected') {
      return this.finish(job, 'undetermined', 'refund_not_found');
    }
    if (mode === 'refund' && s.assumeRefunded) return this.finish(job, 'success', 'assumed_refunded', { assumed: true });
    return this.finish(job, 'undetermined', 'gave_up');
  }

  private async closeAndQuery(job: Job): Promise<void> {
    const t = job.target;
    const client = this.options.client();
    let close: CloseInfo;
    let closeResult: UppResult | undefined;
    this.closes += 1;
    try {
      closeResult = await client.close({ paymentNo: t.paymentNo, bizType: t.bizType }, { signal: this.abort.signal });
      if (this.stopped || job.phase === 'done') return;
      // Only isCloseOrder = N means "not closed"; every other answer, a timeout included, counts as closed.
      const notClosed = closeResult.outcome === 'failed';
      close = {
        outcome: notClosed ? 'not_closed' : 'closed',
        isCloseOrder: closeResult.status,
        assumed: notClosed ? false : closeResult.assumed || closeResult.outcome !== 'success',
        reason: closeResult.reason,
        msg: closeResult.envelope?.msg || undefined,
        detail: closeResult.detail,
        data: closeResult.data,
      };
    } catch (err) {
      if (this.stopped) return;
      if (!isRetryableError(err)) throw err;
      const info = describeError(err);
      close = { outcome: 'not_sent', assumed: false, reason: info.code ?? 'not_sent', detail: info.message };
    }
    if (!(await this.ask(job))) return;
    const outcome = job.lastError ? undefined : job.last?.outcome;
    const extra = { close, closeResult };
    if (outcome === 'success') return this.finish(job, 'success', 'close_race', { ...extra, closed: false });
    if (close.outcome === 'closed')
      return this.finish(job, 'failed', 'closed', { ...extra, closed: true, assumed: close.assumed || undefined });
    if (outcome === 'failed') return this.finish(job, 'failed', 'final', { ...extra, closed: false });
    return this.finish(job, 'undetermined', 'not_closed', { ...extra, closed: false });
  }

  private progress(job: Job, nextAt: number | undefined): void {
    if (!job.waiters.some((w) => w.sink.options.onProgress)) return;
    const p: PollProgress = {
      key: job.key,
      mode: job.target.mode,
      attempt: job.attempts,
      maxAttempts: this.settings.attempts,
      result: job.lastError ? undefined : job.last,
      error: job.lastError,
      nextAt,
      startedAt: job.startedAt,
    };
    for (const w of job.waiters) {
      const fn = w.sink.options.onProgress;
      if (!fn) continue;
      try {
        fn(w.token, p);
      } catch (err) {
        w.sink.options.onError(w.token, err);
      }
    }
  }

  private detach(job: Job): Waiter[] {
    job.phase = 'done';
    this.scheduler.cancel(job);
    this.owned.delete(job);
    this.unregister(job);
    const waiters = job.waiters.slice();
    job.waiters.length = 0;
    this.finished += 1;
    return waiters;
  }

  private finish(
    job: Job,
    route: PollRoute,
    reason: PollReason,
    extra: { close?: CloseInfo; closeResult?: UppResult; closed?: boolean; assumed?: boolean } = {},
  ): void {
    if (job.phase === 'done') return;
    const gaveUp = reason !== 'final' || job.phase === 'giveup';
    const waiters = this.detach(job);
    const base: Omit<PollInfo, 'joined' | 'resumed'> = {
      key: job.key,
      mode: job.target.mode,
      outcome: route,
      reason,
      attempts: job.attempts,
      maxAttempts: this.settings.attempts,
      intervalMs: this.settings.intervalMs,
      startedAt: job.startedAt,
      finishedAt: this.now(),
      gaveUp,
      expired: job.expired,
      expireAt: job.target.expireAt,
      closed: extra.closed,
      assumed: extra.assumed,
      close: extra.close,
      lastError: job.lastError,
      lastMsg: job.lastMsg,
    };
    const touched = new Set<PollEngine>();
    const result = job.last;
    for (const w of waiters) {
      const sink = w.sink;
      touched.add(sink);
      if (sink !== this) sink.joined.delete(job);
      const final: PollFinal = {
        route,
        reason,
        result,
        closeResult: extra.closeResult,
        info: { ...base, joined: w.joined, resumed: w.resumed },
      };
      try {
        sink.options.onFinish(w.token, final);
      } catch (err) {
        try {
          sink.options.onError(w.token, err);
        } catch {
          // nothing more can be done for this token
        }
      }
    }
    touched.add(this);
    for (const engine of touched) engine.changed();
  }

  /** An error polling cannot fix (bad input, a configuration problem, a bug): every waiting token gets it. */
  private finishWithError(job: Job, error: unknown): void {
    if (job.phase === 'done' || this.stopped) return;
    const waiters = this.detach(job);
    const touched = new Set<PollEngine>([this]);
    for (const w of waiters) {
      touched.add(w.sink);
      if (w.sink !== this) w.sink.joined.delete(job);
      try {
        w.sink.options.onError(w.token, error);
      } catch {
        // ignore: reported as well as possible
      }
    }
    for (const engine of touched) engine.changed();
  }
}

export type { Job };
