// What the sidebar shows, kept per config node: calls per endpoint and outcome over the last hour (one bucket per
// minute), latency percentiles, the last network test and last call (is the front-end answering?), and the list of
// what needs a person. Fed by the client's call events (one per call, not per message) and by the poll nodes'
// final answers. Plain TypeScript: the plugin (nodes/upp-ops.ts) serves it to the editor.
import type { CallEvent } from '../core/events';
import type { EndpointName } from '../core/schema';
import { dropUndefined } from '../core/objects';

export type CallOutcome = 'success' | 'pending' | 'failed' | 'not_sent';
export type AttentionKind = 'undetermined' | 'assumed_refund' | 'assumed_close' | 'mismatch';

/** One thing that needs a person. Ids and reasons only: never a message, never the key. */
export interface AttentionItem {
  id: string;
  time: number;
  kind: AttentionKind;
  config?: string;
  node?: string;
  endpoint?: EndpointName;
  paymentNo?: string;
  bizType?: string;
  requestNo?: string;
  /** Reason code (gave_up, not_closed, refund_not_found, assumed_refunded, mismatch, timeout, ...). */
  reason: string;
  /** Fields that did not match (mismatch only): expected and received values. */
  mismatch?: Record<string, { expected: string; received: string | null }>;
  /** The result of "query now" from the sidebar, when someone asked. */
  lastQuery?: { time: number; outcome: string; status?: string; reason: string };
}

export interface LastCall {
  time: number;
  endpoint: EndpointName;
  outcome: CallOutcome;
  reason?: string;
  /** An HTTP answer came back (the front-end is reachable), whatever it said. */
  answered: boolean;
}

export interface EndpointStats {
  endpoint: string;
  counts: Partial<Record<CallOutcome, number>>;
  /** Milliseconds per call (all attempts), over the last hour. */
  p50?: number;
  p95?: number;
}

export interface ConfigView {
  id: string;
  name?: string;
  /** 'yes' when the last call got an HTTP answer, 'no' when it did not, 'unknown' before any call. */
  reachable: 'yes' | 'no' | 'unknown';
  lastNetwork?: LastCall;
  lastCall?: LastCall;
  endpoints: EndpointStats[];
}

const MINUTE = 60_000;
const BUCKETS = 60;
/** Latency samples kept per endpoint per minute (enough for percentiles, bounded under load). */
const SAMPLES_PER_MINUTE = 600;
const MAX_ATTENTION = 500;

interface Bucket {
  minute: number;
  counts: Map<string, number>;
  latency: Map<string, number[]>;
}

class ConfigStats {
  readonly buckets: Bucket[] = [];
  lastNetwork: LastCall | undefined;
  lastCall: LastCall | undefined;

  record(minute: number, endpoint: string, outcome: CallOutcome, elapsedMs: number): void {
    const slot = minute % BUCKETS;
    let bucket = this.buckets[slot];
    if (!bucket || bucket.minute !== minute) bucket = this.buckets[slot] = { minute, counts: new Map(), latency: new Map() };
    const key = `${endpoint}|${outcome}`;
    bucket.counts.set(key, (bucket.counts.get(key) ?? 0) + 1);
    if (outcome === 'not_sent') return; // no round trip to measure
    let samples = bucket.latency.get(endpoint);
    if (!samples) bucket.latency.set(endpoint, (samples = []));
    if (samples.length < SAMPLES_PER_MINUTE) samples.push(elapsedMs);
  }

  endpoints(nowMinute: number): EndpointStats[] {
    const byEndpoint = new Map<string, { counts: Partial<Record<CallOutcome, number>>; samples: number[] }>();
    const entry = (endpoint: string) => {
      let e = byEndpoint.get(endpoint);
      if (!e) byEndpoint.set(endpoint, (e = { counts: {}, samples: [] }));
      return e;
    };
    for (const bucket of this.buckets) {
      if (!bucket || nowMinute - bucket.minute >= BUCKETS) continue;
      for (const [key, n] of bucket.counts) {
        const [endpoint, outcome] = key.split('|') as [string, CallOutcome];
        const e = entry(endpoint);
        e.counts[outcome] = (e.counts[outcome] ?? 0) + n;
      }
      for (const [endpoint, samples] of bucket.latency) entry(endpoint).samples.push(...samples);
    }
    return [...byEndpoint]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([endpoint, e]) => {
        const sorted = e.samples.sort((x, y) => x - y);
        return { endpoint, counts: e.counts, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) };
      });
  }
}

/** Nearest-rank percentile of sorted samples. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function outcomeOf(call: CallEvent): CallOutcome {
  return call.result ? call.result.outcome : 'not_sent';
}

export class Monitor {
  readonly #configs = new Map<string, ConfigStats>();
  readonly #attention = new Map<string, AttentionItem>();
  /** Keys of items already listed, so one poll reported by several waiting messages is listed once. */
  readonly #seen = new Map<string, string>();
  readonly #listeners = new Set<() => void>();
  readonly #now: () => number;
  #nextId = 1;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Called on every change (the plugin throttles the editor notifications). */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch {
        // a listener's failure must not break the caller (a payment's call path)
      }
    }
  }

  #stats(config: string): ConfigStats {
    let stats = this.#configs.get(config);
    if (!stats) this.#configs.set(config, (stats = new ConfigStats()));
    return stats;
  }

  /** A call ended (one client call event). */
  recordCall(call: CallEvent): void {
    const config = call.caller?.config;
    if (!config || call.probe) return;
    const now = this.#now();
    const outcome = outcomeOf(call);
    const stats = this.#stats(config);
    stats.record(Math.floor(now / MINUTE), call.endpoint, outcome, call.elapsedMs);
    const last: LastCall = {
      time: now,
      endpoint: call.endpoint,
      outcome,
      reason: call.result?.reason ?? call.error?.code,
      answered: call.result?.httpStatus !== undefined,
    };
    stats.lastCall = last;
    if (call.endpoint === 'network') stats.lastNetwork = last;
    const result = call.result;
    if (result && (result.reason as string) === 'mismatch') {
      this.#add(
        {
          kind: 'mismatch',
          config,
          node: call.caller?.node,
          endpoint: call.endpoint,
          paymentNo: call.paymentNo,
          requestNo: call.requestNo,
          bizType: bizTypeOf(result.request),
          reason: 'mismatch',
          mismatch: (result as { mismatch?: AttentionItem['mismatch'] }).mismatch,
        },
        `call:${call.callId}`,
      );
    } else if (call.endpoint === 'close' && result && result.outcome === 'pending') {
      // A close that is neither a verified Y nor a verified N counts as closed by the manual's rule: a person
      // should confirm it (the upp-close node routes it to "closed", flagged assumed).
      this.#add(
        {
          kind: 'assumed_close',
          config,
          node: call.caller?.node,
          endpoint: 'close',
          paymentNo: call.paymentNo,
          bizType: bizTypeOf(result.request),
          reason: result.reason,
        },
        `call:${call.callId}`,
      );
    }
    this.#changed();
  }

  /** A poll ended undetermined or with an assumed refund (from upp-poll's final answer). */
  recordPoll(entry: {
    config?: string;
    node?: string;
    kind: 'undetermined' | 'assumed_refund';
    key: string;
    finishedAt: number;
    paymentNo?: string;
    bizType?: string;
    requestNo?: string;
    reason: string;
  }): void {
    const { key, finishedAt, ...item } = entry;
    this.#add(
      { ...item, endpoint: entry.requestNo ? 'refundQuery' : 'query', time: finishedAt },
      `poll:${entry.config}:${key}:${finishedAt}:${entry.kind}`,
    );
    this.#changed();
  }

  #add(item: Omit<AttentionItem, 'id' | 'time'> & { time?: number }, dedupe: string): void {
    if (this.#seen.has(dedupe)) return;
    const id = String(this.#nextId++);
    const full: AttentionItem = dropUndefined({ time: this.#now(), ...item, id });
    this.#attention.set(id, full);
    this.#seen.set(dedupe, id);
    while (this.#attention.size > MAX_ATTENTION) this.#forget(this.#attention.keys().next().value as string);
  }

  #forget(id: string): void {
    this.#attention.delete(id);
    for (const [key, value] of this.#seen) {
      if (value === id) {
        this.#seen.delete(key);
        break;
      }
    }
  }

  attention(): AttentionItem[] {
    return [...this.#attention.values()].reverse(); // newest first
  }

  item(id: string): AttentionItem | undefined {
    return this.#attention.get(id);
  }

  dismiss(id: string): boolean {
    if (!this.#attention.has(id)) return false;
    this.#forget(id);
    this.#changed();
    return true;
  }

  noteQuery(id: string, lastQuery: NonNullable<AttentionItem['lastQuery']>): void {
    const item = this.#attention.get(id);
    if (!item) return;
    item.lastQuery = lastQuery;
    this.#changed();
  }

  config(id: string): Omit<ConfigView, 'name'> {
    const stats = this.#configs.get(id);
    const last = stats?.lastCall;
    return {
      id,
      reachable: last === undefined ? 'unknown' : last.answered ? 'yes' : 'no',
      lastNetwork: stats?.lastNetwork,
      lastCall: last,
      endpoints: stats ? stats.endpoints(Math.floor(this.#now() / MINUTE)) : [],
    };
  }

  /** Config ids seen in calls (deployed config nodes are listed by the plugin even before their first call). */
  configIds(): string[] {
    return [...this.#configs.keys()];
  }

  /** Forgets everything (tests). */
  reset(): void {
    this.#configs.clear();
    this.#attention.clear();
    this.#seen.clear();
  }
}

function bizTypeOf(request: Record<string, unknown> | undefined): string | undefined {
  const value = request?.bizType;
  return typeof value === 'string' ? value : undefined;
}

/** The one monitor of this process (the plugin starts feeding it; the poll nodes report to it). */
export const monitor = new Monitor();
