// Requests waiting for their answer, shared by upp-his-in (which registers them) and upp-his-out (which answers):
// the HTTP response object never travels in the message (messages are cloned and logged), only the request's id.
// Exactly one answer per request: whichever comes first of upp-his-out, the timeout or the node closing; later
// attempts are refused and reported.
import { randomUUID } from 'node:crypto';
import { failure } from './answer';
import type { HisAnswer, HisKind, HisRequest } from './types';

export interface PendingRequest {
  id: string;
  kind: HisKind;
  request: HisRequest;
  /** The upp-his-in node that received it. */
  owner: string;
  receivedAt: number;
}

interface Entry extends PendingRequest {
  timer: NodeJS.Timeout;
  respond: (answer: HisAnswer) => void;
}

export interface AddOptions {
  kind: HisKind;
  request: HisRequest;
  owner: string;
  timeoutMs: number;
  /** Writes the answer to the HTTP response (called exactly once). */
  respond: (answer: HisAnswer) => void;
  /** Told when the timeout answered for the database. */
  onTimeout?: (request: PendingRequest) => void;
}

export class PendingRequests {
  readonly #entries = new Map<string, Entry>();

  get size(): number {
    return this.#entries.size;
  }

  add(options: AddOptions): PendingRequest {
    const id = randomUUID();
    const timer = setTimeout(() => {
      const entry = this.#take(id);
      if (!entry) return;
      entry.respond(
        failure('timeout', { en: `no answer within ${options.timeoutMs / 1000} s`, zh: `${options.timeoutMs / 1000} 秒内未返回` }),
      );
      options.onTimeout?.(describe(entry));
    }, options.timeoutMs);
    const { kind, request, owner, respond } = options;
    const entry: Entry = { id, kind, request, owner, receivedAt: Date.now(), timer, respond };
    this.#entries.set(id, entry);
    return describe(entry);
  }

  /** The request still waiting under `id`, if any. */
  get(id: unknown): PendingRequest | undefined {
    const entry = typeof id === 'string' ? this.#entries.get(id) : undefined;
    return entry && describe(entry);
  }

  /** Answers the request; false when it was already answered (timeout, another upp-his-out) or is unknown. */
  answer(id: unknown, answer: HisAnswer): boolean {
    const entry = typeof id === 'string' ? this.#take(id) : undefined;
    if (!entry) return false;
    entry.respond(answer);
    return true;
  }

  /** A closing upp-his-in answers what it still holds (result:false), so no request is left hanging. */
  closeOwner(owner: string): number {
    let n = 0;
    for (const entry of [...this.#entries.values()]) {
      if (entry.owner !== owner) continue;
      this.#take(entry.id)?.respond(failure('closed'));
      n++;
    }
    return n;
  }

  #take(id: string): Entry | undefined {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    this.#entries.delete(id);
    clearTimeout(entry.timer);
    return entry;
  }
}

function describe(entry: Entry): PendingRequest {
  return { id: entry.id, kind: entry.kind, request: entry.request, owner: entry.owner, receivedAt: entry.receivedAt };
}

/** The one registry of the runtime (both node types load this module once). */
export const hisRequests = new PendingRequests();
