// The audit trail: one record per HTTP attempt of a call, emitted when the call ends (only then is the outcome of
// its last attempt known). The attempts of calls in flight wait here; nothing else is kept.
import type { AttemptEvent, CallEvent } from '../core/events';
import type { EndpointName } from '../core/schema';
import { dropUndefined } from '../core/objects';
import { attempts as attemptTopic, calls as callTopic } from './observer';

/** One HTTP attempt as the upp-audit node emits it (msg.payload). No key: the body as sent carries only the signature. */
export interface AuditRecord {
  /** ISO time the attempt started. */
  time: string;
  endpoint: EndpointName;
  /** The node that made the call (action node, poll node, or `upp-ops` for a query from the sidebar). */
  node?: string;
  config?: string;
  paymentNo?: string;
  requestNo?: string;
  callId: number;
  attempt: number;
  /** Attempts the call made in all. */
  attempts: number;
  /** True for the call's last attempt: its outcome is the call's outcome. */
  final: boolean;
  path: string;
  /** The request body exactly as sent. */
  request: string;
  /** The response body as received; null when no HTTP answer came. */
  response: string | null;
  httpStatus?: number;
  transport: AttemptEvent['transport'];
  /**
   * success / pending / failed: the call's outcome (last attempt); `retried` for an earlier attempt that was repeated
   * (reads only, or not sent); `not_sent` when the call threw because nothing could be sent; `probe` for the query
   * the network test sends to learn which paths the front-end serves (only its HTTP status is read).
   */
  outcome: 'success' | 'pending' | 'failed' | 'retried' | 'not_sent' | 'probe';
  /** The call's reason code (last attempt) or this attempt's problem (timeout, http_status, ECONNREFUSED, ...). */
  reason?: string;
  detail?: string;
  /** Which verification variant matched this answer, or false. */
  verified: string | false;
  startedAt: number;
  elapsedMs: number;
  /** The whole call, all attempts and backoff. */
  callElapsedMs: number;
  /** Fields of an answer about another request (reason `mismatch`). */
  mismatch?: unknown;
}

export interface AuditFilter {
  /** Config node ids to follow (empty: all). */
  configs?: readonly string[];
  /** Endpoints to follow (empty: all). */
  endpoints?: readonly string[];
}

export function matches(filter: AuditFilter, endpoint: string, config: string | undefined): boolean {
  if (filter.endpoints?.length && !filter.endpoints.includes(endpoint)) return false;
  if (filter.configs?.length && (config === undefined || !filter.configs.includes(config))) return false;
  return true;
}

/** Turns the attempts of one ended call into records. */
export function auditRecords(call: CallEvent, seen: readonly AttemptEvent[]): AuditRecord[] {
  return seen.map((a) => {
    const final = a.attempt === call.attempts;
    let outcome: AuditRecord['outcome'];
    let reason: string | undefined;
    if (call.probe) {
      outcome = 'probe';
      reason = a.problem;
    } else if (call.result && final) {
      outcome = call.result.outcome;
      reason = call.result.reason;
    } else if (call.error && final) {
      outcome = 'not_sent';
      reason = a.problem ?? call.error.code;
    } else {
      outcome = a.transport === 'not_sent' ? 'not_sent' : 'retried';
      reason = a.problem;
    }
    const mismatch = final ? (call.result as { mismatch?: unknown } | undefined)?.mismatch : undefined;
    const record: AuditRecord = {
      time: new Date(a.startedAt).toISOString(),
      endpoint: a.endpoint,
      node: call.caller?.node,
      config: call.caller?.config,
      paymentNo: call.paymentNo,
      requestNo: call.requestNo,
      callId: call.callId,
      attempt: a.attempt,
      attempts: call.attempts,
      final,
      path: a.path,
      request: a.body,
      response: a.responseText ?? null,
      httpStatus: a.httpStatus,
      transport: a.transport,
      outcome,
      reason,
      detail: a.detail ?? (final ? call.result?.detail : undefined),
      verified: a.verified ?? false,
      startedAt: a.startedAt,
      elapsedMs: a.elapsedMs,
      callElapsedMs: call.elapsedMs,
    };
    if (mismatch !== undefined) record.mismatch = mismatch;
    return dropUndefined(record);
  });
}

type Sink = (record: AuditRecord) => void;

const MAX_WAITING_CALLS = 10000;

/** Every audit node registers here; the hub listens to the client only while at least one is deployed. */
class AuditHub {
  readonly #sinks = new Map<Sink, AuditFilter>();
  readonly #pending = new Map<number, AttemptEvent[]>();
  #stop: (() => void) | undefined;

  add(filter: AuditFilter, sink: Sink): () => void {
    this.#sinks.set(sink, filter);
    if (!this.#stop) {
      const offAttempt = attemptTopic.listen((a) => this.#attempt(a));
      const offCall = callTopic.listen((c) => this.#call(c));
      this.#stop = () => {
        offAttempt();
        offCall();
      };
    }
    return () => {
      this.#sinks.delete(sink);
      if (this.#sinks.size === 0 && this.#stop) {
        this.#stop();
        this.#stop = undefined;
        this.#pending.clear();
      }
    };
  }

  #wanted(endpoint: string, config: string | undefined): boolean {
    for (const filter of this.#sinks.values()) if (matches(filter, endpoint, config)) return true;
    return false;
  }

  #attempt(a: AttemptEvent): void {
    if (a.callId === 0 || !this.#wanted(a.endpoint, a.caller?.config)) return;
    const list = this.#pending.get(a.callId);
    if (list) list.push(a);
    else this.#pending.set(a.callId, [a]);
    // Every call that sent something ends with a call event; the bound only guards against a call that threw
    // past the core's rules, so its attempts cannot pile up.
    if (this.#pending.size > MAX_WAITING_CALLS) this.#pending.delete(this.#pending.keys().next().value as number);
  }

  #call(c: CallEvent): void {
    const seen = this.#pending.get(c.callId);
    if (!seen) return;
    this.#pending.delete(c.callId);
    const records = auditRecords(c, seen);
    for (const [sink, filter] of this.#sinks) {
      if (!matches(filter, c.endpoint, c.caller?.config)) continue;
      for (const record of records) {
        try {
          sink(record);
        } catch {
          // a sink's failure is its own (the node reports it); the others still get the record
        }
      }
    }
  }

  /** Calls whose attempts are waiting for their end (for tests and leak checks). */
  get waiting(): number {
    return this.#pending.size;
  }
}

export const auditHub = new AuditHub();
