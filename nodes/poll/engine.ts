// The poll engine: turns "pending" into a final answer by the manual's rules (docs/design.md §6), for any number of
// jobs at once. Plain TypeScript, no Node-RED: the upp-poll node feeds it messages and routes what comes out.
// It keeps the lifecycle (submit, join, stop, hand-over between engines), the scheduling and the waiters; the job's
// state is in job.ts, the snapshot format in records.ts, the decisions in rules.ts, the query and close calls in
// query.ts, the give-up's steps in giveup.ts, what waiters receive in results.ts, the jobs of every engine of the
// process in registry.ts and the figures in stats.ts.
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
import type { CallerInfo } from '../core/events';
import type { UppResult } from '../core/operations';
import { applyGiveUp } from './giveup';
import { Job, type CarriedState, type Waiter } from './job';
import { closeTarget, isRetryableError, lastOutcome, notSentClose, queryTarget, recordAttempt } from './query';
import { jobKey, readRecord, toRecord } from './records';
import { lookupJob, registerJob, sharedRegistry, unregisterJob, type JobRegistry } from './registry';
import { finalFor, jobInfo, progressOf } from './results';
import { attemptCap, closeInfo, finalDecision, type Decision } from './rules';
import { Scheduler } from './scheduler';
import { engineStats, jobView, resetLag, type EngineCounters, type EngineStats, type OpenJobView } from './stats';
import type { CloseInfo, PollClient, PollFinal, PollProgress, PollRecord, PollSettings, PollTarget } from './types';

type EngineJob = Job<PollEngine>;
type EngineWaiter = Waiter<PollEngine>;

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
  /** Key registry shared between engines (registry.ts); defaults to one per process. */
  registry?: JobRegistry<EngineJob>;
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

export class PollEngine {
  readonly scope: string;
  readonly settings: PollSettings & { concurrency: number };
  private readonly options: PollEngineOptions;
  private readonly now: () => number;
  private readonly clock: () => number;
  private readonly registry: JobRegistry<EngineJob>;
  private readonly scheduler: Scheduler<EngineJob>;
  private readonly abort = new AbortController();
  /** Jobs this engine runs. */
  private readonly owned = new Set<EngineJob>();
  /** Jobs of other engines that have waiters of this engine. */
  private readonly joined = new Set<EngineJob>();
  private stopped = false;
  private readonly counters: EngineCounters = { queries: 0, closes: 0, finished: 0 };

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
    this.registry = options.registry ?? sharedRegistry<EngineJob>();
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
    return engineStats({ waitedOn: this.owned.size + this.joined.size, owned: this.owned.size }, this.scheduler, this.counters);
  }

  resetLagStats(): void {
    resetLag(this.scheduler);
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
      unregisterJob(this.registry, this.scope, job);
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
    return lookupJob(this.registry, this.scope, key);
  }

  private changed(): void {
    this.options.onChange?.();
  }

  private createJob(key: string, target: PollTarget, carried?: CarriedState): EngineJob {
    const job = new Job<PollEngine>(key, target, this, carried?.startedAt ?? this.now(), attemptCap(this.settings, target));
    this.owned.add(job);
    registerJob(this.registry, this.scope, job);
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

  /** One query (query.ts). Returns false when its answer no longer counts: the engine stopped, or the job ended. */
  private async ask(job: EngineJob): Promise<boolean> {
    const client = this.options.client();
    this.counters.queries += 1;
    const answer = await queryTarget(job.target, client, { signal: this.abort.signal, caller: this.options.caller });
    if (this.stopped) return false;
    if (!answer.ok && !isRetryableError(answer.error)) throw answer.error;
    if (job.phase === 'done') return false;
    recordAttempt(job, answer);
    return true;
  }

  /** The close after giving up; undefined when its answer no longer counts. */
  private async close(job: EngineJob): Promise<{ close: CloseInfo; closeResult?: UppResult } | undefined> {
    this.counters.closes += 1;
    const call = { signal: this.abort.signal, caller: this.options.caller };
    const answer = await closeTarget(job.target, () => this.options.client(), call);
    if (this.stopped) return undefined;
    if (!answer.ok) {
      if (!isRetryableError(answer.error)) throw answer.error;
      return { close: notSentClose(answer.error) };
    }
    if (job.phase === 'done') return undefined;
    return { close: closeInfo(answer.result), closeResult: answer.result };
  }

  private async pollOnce(job: EngineJob): Promise<void> {
    if (!(await this.ask(job))) return;
    const final = finalDecision(lastOutcome(job));
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

  /** Attempts (or the time until expireTime) ran out without a final status: apply the manual's rules (giveup.ts). */
  private async giveUp(job: EngineJob): Promise<void> {
    job.phase = 'giveup';
    const end = await applyGiveUp(job, this.settings, { ask: () => this.ask(job), close: () => this.close(job) });
    if (end) this.finish(job, end.decision, end);
  }

  // ---- waiters ----

  private progress(job: EngineJob): void {
    if (!job.waiters.some((w) => w.sink.options.onProgress)) return;
    const p = progressOf(job, this.nextQueryAt(job));
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
    unregisterJob(this.registry, this.scope, job);
    const waiters = job.waiters.slice();
    job.waiters.length = 0;
    this.counters.finished += 1;
    return waiters;
  }

  private finish(job: EngineJob, decision: Decision, extra: { close?: CloseInfo; closeResult?: UppResult; closed?: boolean } = {}): void {
    if (job.phase === 'done') return;
    const base = jobInfo(job, decision, extra, this.settings.intervalMs, this.now());
    const waiters = this.detach(job);
    const result = job.last;
    this.deliver(job, waiters, (sink, w) => {
      const final = finalFor(job, w, decision, base, result, extra.closeResult);
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
