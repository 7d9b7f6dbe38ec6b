// The poll engine: turns "pending" into a final answer by the manual's rules (docs/design.md §6), for any number of
// jobs at once. Plain TypeScript, no Node-RED: the upp-poll node feeds it messages and routes what comes out.
// It keeps the lifecycle (submit, join, stop, hand-over between engines), the scheduling and the waiters; the job's
// state is in job.ts, the snapshot format in records.ts and the decisions in rules.ts.
//
// - One job per key (payment:<paymentNo> / refund:<requestNo>) per scope (the config node): a second message for a
//   key already being polled joins the running job and gets the same final result (single flight). The registry
//   of keys is shared by every engine of the process, so two poll nodes on one config node share a job too.
// - One timer per engine (Scheduler: min-heap + single setTimeout) and a cap on queries in flight. Intervals run on
//   a monotonic clock; the wall clock is only compared with the order's expireTime (a clock step stalls nothing).
// - Query trouble (not sent, timeout, reset, rejected, bad signature, an answer about another order) counts as an
//   attempt, never as a failure; only a verified pay_failed / refund_failed (or a payment closed after giving up)
//   is "failed".
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { UppResult } from '../core/operations';
import type { CallerInfo } from '../core/events';
import { describeError } from '../lib/message';
import { Scheduler } from './scheduler';
import { jobView, lagSummary, type EngineStats, type OpenJobView } from './stats';
import { Job, type CarriedState, type Waiter } from './job';
import { jobKey, readRecord, toRecord } from './records';
import {
  afterCloseDecision,
  attemptCap,
  closeInfo,
  finalDecision,
  giveUpDecision,
  giveUpStep,
  isUnbound,
  waiterDecision,
  type Decision,
  type GiveUpFacts,
} from './rules';
import type { CloseInfo, PollClient, PollFinal, PollInfo, PollProgress, PollRecord, PollSettings, PollTarget } from './types';

export { jobKey } from './records';
export type { OpenJobView } from './stats';

/** Thrown errors that prove nothing happened and may go away: they count as an attempt. */
const RETRYABLE_CODES = new Set(['ERR_UPP_NOT_SENT', 'ERR_UPP_IN_FLIGHT', 'ERR_UPP_CLIENT_CLOSED']);

export function isRetryableError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

type EngineJob = Job<PollEngine>;
type EngineWaiter = Waiter<PollEngine>;

/** Jobs by scope (config node), then by key. */
export type JobRegistry = Map<string, Map<string, EngineJob>>;

export interface PollEngineOptions {
  /** Jobs are shared per scope (use the config node's id). */
  scope: string;
  settings: PollSettings;
  /** Returns the client to use (called for every query, so a redeployed config node's client is picked up). */
  client: () => PollClient;
  /** The wall clock (epoch ms): compared with expireTime and reported (startedAt, finishedAt, nextAt). */
  now?: () => number;
  /** A monotonic clock (ms) for the intervals; defaults to performance.now. */
  clock?: () => number;
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
  /** Who polls (node and config node ids), passed to the client for its diagnostics events (nodes/core/events.ts). */
  caller?: CallerInfo;
}

const SHARED_REGISTRY: JobRegistry = new Map();

/** The jobs running for one scope (config node id) in this process, from the shared registry. */
export function openJobs(scope: string, registry: JobRegistry = SHARED_REGISTRY): OpenJobView[] {
  const out: OpenJobView[] = [];
  for (const job of registry.get(scope)?.values() ?? []) {
    if (job.phase !== 'done') out.push(job.owner.view(job, job.waiters.length));
  }
  return out;
}

export class PollEngine {
  readonly scope: string;
  readonly settings: PollSettings & { concurrency: number };
  private readonly options: PollEngineOptions;
  private readonly now: () => number;
  private readonly clock: () => number;
  private readonly registry: JobRegistry;
  private readonly scheduler: Scheduler<EngineJob>;
  private readonly abort = new AbortController();
  /** Jobs this engine runs. */
  private readonly owned = new Set<EngineJob>();
  /** Jobs of other engines that have waiters of this engine. */
  private readonly joined = new Set<EngineJob>();
  private stopped = false;
  private queries = 0;
  private closes = 0;
  private finished = 0;

  constructor(options: PollEngineOptions) {
    const s = options.settings;
    if (!(s.intervalMs > 0) || !Number.isFinite(s.intervalMs))
      throw new RangeError(`intervalMs must be a number > 0 (got ${s.intervalMs})`);
    if (s.attempts !== undefined && (!Number.isInteger(s.attempts) || s.attempts < 1)) {
      throw new RangeError(`attempts must be a whole number >= 1 or undefined (got ${s.attempts})`);
    }
    this.options = options;
    this.scope = options.scope;
    this.settings = { ...s, concurrency: s.concurrency ?? 50 };
    this.now = options.now ?? Date.now;
    this.clock = options.clock ?? (() => performance.now());
    this.registry = options.registry ?? SHARED_REGISTRY;
    // One signal for every call of this engine (up to `concurrency` listeners at once, not a leak).
    setMaxListeners(0, this.abort.signal);
    this.scheduler = new Scheduler<EngineJob>({
      concurrency: this.settings.concurrency,
      now: this.clock,
      run: (job) => this.run(job),
      onError: (job, error) => this.finishWithError(job, error),
    });
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * Starts polling a target for a token (the node's message), or joins the job already polling that key.
   * `carried` is the state of a job saved before a restart or a redeploy.
   */
  submit(target: PollTarget, token: unknown, extra: { saved?: string; carried?: CarriedState } = {}): { joined: boolean } {
    if (this.stopped) throw new Error('upp-poll engine is stopped');
    const key = jobKey(target);
    const waiter: EngineWaiter = {
      sink: this,
      token,
      saved: extra.saved,
      joined: false,
      resumed: extra.carried !== undefined,
      expectedAmount: target.expectedAmount,
    };
    const existing = this.lookup(key);
    if (existing && existing.phase !== 'done' && !existing.owner.stopped) {
      waiter.joined = true;
      existing.waiters.push(waiter);
      if (existing.owner !== this) this.joined.add(existing);
      // A later message may know the amount the first one did not: answers are checked against it from now on.
      if (existing.target.expectedAmount === undefined && target.expectedAmount !== undefined)
        existing.target.expectedAmount = target.expectedAmount;
      this.changed();
      return { joined: true };
    }
    const job = this.createJob(key, target, extra.carried);
    job.waiters = [waiter];
    this.changed();
    return { joined: false };
  }

  /** Restores jobs saved by snapshot(); `revive` turns a saved message back into a token (or undefined to drop it). */
  restore(records: readonly PollRecord[], revive: (saved: string, record: PollRecord) => unknown): number {
    let count = 0;
    const now = this.now();
    for (const record of records) {
      // Whatever the store gave back: skip what is not a job record of ours rather than fail the node.
      const read = readRecord(record, now);
      if (!read) continue;
      for (const saved of read.msgs) {
        const token = revive(saved as string, record);
        if (token === undefined) continue;
        this.submit(read.target, token, { saved: saved as string, carried: read.carried });
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
    for (const job of this.waitedOn()) {
      const msgs: string[] = [];
      for (const w of job.waiters) {
        if (w.sink !== this) continue;
        if (w.saved === undefined) w.saved = this.options.persist?.(w.token) ?? null;
        if (w.saved !== null) msgs.push(w.saved);
      }
      if (msgs.length) out.push(toRecord(job, msgs, this.nextQueryAt(job) ?? this.now()));
    }
    return out;
  }

  /** The jobs this engine has messages waiting on (read-only copies): `waiting` counts this engine's messages. */
  openJobs(): (OpenJobView & { joined: boolean })[] {
    const out: (OpenJobView & { joined: boolean })[] = [];
    for (const job of this.waitedOn()) {
      const mine = job.waiters.filter((w) => w.sink === this).length;
      out.push({ ...this.view(job, mine), joined: job.owner !== this });
    }
    return out;
  }

  /** One job as the sidebar shows it, its next step on the wall clock. */
  view(job: EngineJob, waiting: number): OpenJobView {
    return jobView(job, this.nextQueryAt(job), this.now(), waiting);
  }

  /** Progress of the jobs this engine waits on, for the status line. */
  status(): { jobs: number; attempts?: number; maxAttempts?: number; phase?: 'poll' | 'giveup' } {
    const jobs = this.owned.size + this.joined.size;
    if (jobs !== 1) return { jobs };
    const job = (this.owned.size ? this.owned : this.joined).values().next().value as EngineJob;
    return { jobs, attempts: job.attempts, maxAttempts: job.maxAttempts, phase: job.phase === 'giveup' ? 'giveup' : 'poll' };
  }

  stats(): EngineStats {
    const sch = this.scheduler;
    return {
      jobs: this.owned.size + this.joined.size,
      owned: this.owned.size,
      waitingInHeap: sch.waiting,
      inFlight: sch.inFlight,
      queries: this.queries,
      closes: this.closes,
      finished: this.finished,
      lag: lagSummary(sch.lag),
      timerLag: lagSummary(sch.timerLag),
      queuedLag: lagSummary(sch.queuedLag),
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
      const others = new Map<PollEngine, EngineWaiter[]>();
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

  // ---- lifecycle ----

  private *waitedOn(): Iterable<EngineJob> {
    for (const set of [this.owned, this.joined]) {
      for (const job of set) if (job.phase !== 'done') yield job;
    }
  }

  private lookup(key: string): EngineJob | undefined {
    return this.registry.get(this.scope)?.get(key);
  }

  private register(job: EngineJob): void {
    let jobs = this.registry.get(this.scope);
    if (!jobs) this.registry.set(this.scope, (jobs = new Map()));
    jobs.set(job.key, job);
  }

  private unregister(job: EngineJob): void {
    const jobs = this.registry.get(this.scope);
    if (jobs?.get(job.key) !== job) return;
    jobs.delete(job.key);
    if (jobs.size === 0) this.registry.delete(this.scope);
  }

  private changed(): void {
    this.options.onChange?.();
  }

  private createJob(key: string, target: PollTarget, carried?: CarriedState): EngineJob {
    const job = new Job<PollEngine>(key, target, this, carried?.startedAt ?? this.now(), attemptCap(this.settings, target));
    this.owned.add(job);
    this.register(job);
    if (!carried) {
      // The first query comes after one interval (an order answer has just said "pending").
      this.planNext(job, this.clock() + this.settings.intervalMs);
      return job;
    }
    job.attempts = carried.attempts;
    job.expired = carried.expired;
    job.mismatched = carried.mismatched === true;
    job.last = carried.last;
    job.lastError = carried.lastError;
    const due = this.toClock(carried.nextAt ?? this.now());
    if (carried.phase === 'giveup' || job.attempts >= job.cap) {
      job.phase = 'giveup';
      this.scheduler.schedule(job, due);
    } else {
      this.planNext(job, due);
    }
    return job;
  }

  /** Another engine stopped while messages of this engine waited on its job: carry on here. */
  private adopt(old: EngineJob, waiters: EngineWaiter[]): void {
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
      nextAt: old.owner.nextQueryAt(old),
      phase: old.phase === 'giveup' ? 'giveup' : 'poll',
      expired: old.expired,
      mismatched: old.mismatched,
      last: old.last,
      lastError: old.lastError,
    });
    job.waiters = waiters.slice();
    this.changed();
  }

  // ---- scheduling ----

  /** A wall-clock time (epoch ms) on the monotonic clock, never in the past. */
  private toClock(wall: number): number {
    const clock = this.clock();
    return clock + Math.max(0, wall - this.now());
  }

  /** When a job's next step is due on the wall clock (epoch ms), undefined while it runs. */
  nextQueryAt(job: EngineJob): number | undefined {
    if (job.heapIndex < 0) return undefined;
    return this.now() + Math.max(0, job.due - this.clock());
  }

  /** Schedules the next query at `due` (monotonic), or the give-up when that is at or past the order's expireTime. */
  private planNext(job: EngineJob, due: number): void {
    const expireAt = job.target.mode === 'payment' ? job.target.expireAt : undefined;
    // The wall clock is read only here, to compare with expireTime.
    if (expireAt !== undefined && this.now() + (due - this.clock()) >= expireAt) {
      job.phase = 'giveup';
      job.expired = true;
      this.scheduler.schedule(job, this.toClock(expireAt));
      return;
    }
    job.phase = 'poll';
    this.scheduler.schedule(job, due);
  }

  private async run(job: EngineJob): Promise<void> {
    if (job.phase === 'done' || job.owner !== this || this.stopped) return;
    job.running = true;
    try {
      if (job.phase === 'poll') await this.pollOnce(job);
      else await this.giveUp(job);
    } finally {
      job.running = false;
    }
  }

  // ---- queries and the give-up ----

  /** One query. Returns false when the engine stopped meanwhile (the answer is then ignored). */
  private async ask(job: EngineJob): Promise<boolean> {
    const t = job.target;
    const client = this.options.client();
    const call = { signal: this.abort.signal, expectedAmount: t.expectedAmount, caller: this.options.caller };
    let result: UppResult | undefined;
    let error: unknown;
    this.queries += 1;
    try {
      result =
        t.mode === 'payment'
          ? await client.query({ paymentNo: t.paymentNo, bizType: t.bizType }, call)
          : await client.refundQuery({ requestNo: t.requestNo }, call);
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
      if (result.verified && result.status && !isUnbound(result)) job.sawStatus = true;
      if (isUnbound(result)) job.mismatched = true;
      if (result.envelope?.msg) job.lastMsg = result.envelope.msg;
    } else {
      job.lastError = describeError(error);
    }
    return true;
  }

  /** The last query's outcome (undefined when it threw). */
  private lastOutcome(job: EngineJob) {
    return job.lastError ? undefined : job.last?.outcome;
  }

  private async pollOnce(job: EngineJob): Promise<void> {
    if (!(await this.ask(job))) return;
    const final = finalDecision(this.lastOutcome(job));
    if (final) return this.finish(job, final);
    if (job.attempts >= job.cap) {
      job.phase = 'giveup';
      this.progress(job);
      this.changed();
      return this.giveUp(job);
    }
    this.planNext(job, this.clock() + this.settings.intervalMs);
    this.progress(job);
    job.compact();
    this.changed();
  }

  private facts(job: EngineJob): GiveUpFacts {
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

  /** Attempts (or the time until expireTime) ran out without a final status: apply the manual's rules (rules.ts). */
  private async giveUp(job: EngineJob): Promise<void> {
    job.phase = 'giveup';
    const step = giveUpStep(this.facts(job), this.settings);
    if (step === 'close') return this.closeAndQuery(job);
    if (step === 'ask') {
      if (!(await this.ask(job))) return;
      const final = finalDecision(this.lastOutcome(job));
      if (final) return this.finish(job, final);
    }
    return this.finish(job, giveUpDecision(this.facts(job), this.settings));
  }

  private async closeAndQuery(job: EngineJob): Promise<void> {
    const t = job.target;
    let close: CloseInfo;
    let closeResult: UppResult | undefined;
    this.closes += 1;
    try {
      closeResult = await this.options
        .client()
        .close({ paymentNo: t.paymentNo, bizType: t.bizType }, { signal: this.abort.signal, caller: this.options.caller });
      if (this.stopped || job.phase === 'done') return;
      close = closeInfo(closeResult);
    } catch (err) {
      if (this.stopped) return;
      if (!isRetryableError(err)) throw err;
      const info = describeError(err);
      close = { outcome: 'not_sent', assumed: false, reason: info.code ?? 'not_sent', detail: info.message };
    }
    if (!(await this.ask(job))) return;
    const decision = afterCloseDecision(close, this.lastOutcome(job));
    return this.finish(job, decision, { close, closeResult, closed: decision.closed });
  }

  // ---- waiters ----

  private progress(job: EngineJob): void {
    if (!job.waiters.some((w) => w.sink.options.onProgress)) return;
    const p: PollProgress = {
      key: job.key,
      mode: job.target.mode,
      attempt: job.attempts,
      maxAttempts: job.maxAttempts,
      result: job.lastError ? undefined : job.last,
      error: job.lastError,
      nextAt: job.phase === 'giveup' ? undefined : this.nextQueryAt(job),
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

  private detach(job: EngineJob): EngineWaiter[] {
    job.phase = 'done';
    this.scheduler.cancel(job);
    this.owned.delete(job);
    this.unregister(job);
    const waiters = job.waiters.slice();
    job.waiters.length = 0;
    this.finished += 1;
    return waiters;
  }

  private info(job: EngineJob, decision: Decision, extra: { close?: CloseInfo; closed?: boolean }): Omit<PollInfo, 'joined' | 'resumed'> {
    return {
      key: job.key,
      mode: job.target.mode,
      outcome: decision.route,
      reason: decision.reason,
      attempts: job.attempts,
      maxAttempts: job.maxAttempts,
      intervalMs: this.settings.intervalMs,
      startedAt: job.startedAt,
      finishedAt: this.now(),
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

  private finish(job: EngineJob, decision: Decision, extra: { close?: CloseInfo; closeResult?: UppResult; closed?: boolean } = {}): void {
    if (job.phase === 'done') return;
    const base = this.info(job, decision, extra);
    const waiters = this.detach(job);
    const result = job.last;
    this.deliver(job, waiters, (sink, w) => {
      const own = waiterDecision(job, w, decision);
      const info: PollInfo = {
        ...base,
        outcome: own.route,
        reason: own.reason,
        assumed: own.assumed,
        joined: w.joined,
        resumed: w.resumed,
      };
      const final: PollFinal = {
        route: own.route,
        reason: own.reason,
        result,
        closeResult: extra.closeResult,
        info,
        amountMismatch: own.amountMismatch,
      };
      try {
        sink.options.onFinish(w.token, final);
      } catch (err) {
        sink.options.onError(w.token, err);
      }
    });
  }

  /** An error polling cannot fix (bad input, a configuration problem, a bug): every waiting token gets it. */
  private finishWithError(job: EngineJob, error: unknown): void {
    if (job.phase === 'done' || this.stopped) return;
    const waiters = this.detach(job);
    this.deliver(job, waiters, (sink, w) => sink.options.onError(w.token, error));
  }

  /** Hands each waiter its outcome (a throwing callback harms no other waiter), then refreshes every engine touched. */
  private deliver(job: EngineJob, waiters: EngineWaiter[], each: (sink: PollEngine, w: EngineWaiter) => void): void {
    const touched = new Set<PollEngine>([this]);
    for (const w of waiters) {
      touched.add(w.sink);
      if (w.sink !== this) w.sink.joined.delete(job);
      try {
        each(w.sink, w);
      } catch {
        // nothing more can be done for this token
      }
    }
    for (const engine of touched) engine.changed();
  }
}

export type { EngineJob as Job };
