// Node status shared by the UPP nodes: blue "requesting" while calls are in flight (with a count, so concurrent
// messages don't overwrite each other's status), then the last call's result once none is left in flight.
import type { Node, NodeStatusValue } from './red';
import { isTranslated, type Translate } from './i18n';

/** Busy statuses remembered up to this many calls in flight (more is rare; they are then made per message). */
const BUSY_CACHE_LIMIT = 1000;

export class StatusTracker {
  #inFlight = 0;
  #last: NodeStatusValue = {};
  #closed = false;
  /** The busy status per number of calls in flight, made once: it is shown twice per message. */
  readonly #busy: NodeStatusValue[] = [];

  constructor(
    private readonly node: Node,
    private readonly t: Translate,
  ) {}

  get inFlight(): number {
    return this.#inFlight;
  }

  /** A call starts. */
  start(): void {
    this.#inFlight += 1;
    this.#show(this.#requesting());
  }

  /** A call ended with `status`; shown once no other call is in flight. */
  finish(status: NodeStatusValue): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    this.#last = status;
    this.#show(this.#inFlight > 0 ? this.#requesting() : status);
  }

  /** Shows a status outside of a call (e.g. the network test on deploy). */
  set(status: NodeStatusValue): void {
    this.#last = status;
    if (this.#inFlight === 0) this.#show(status);
  }

  get last(): NodeStatusValue {
    return this.#last;
  }

  /** Clears the status (close); later updates are ignored. */
  clear(): void {
    this.#show({});
    this.#closed = true;
  }

  #requesting(): NodeStatusValue {
    const n = this.#inFlight;
    const known = this.#busy[n];
    if (known) return known;
    const key = n > 1 ? 'status.requestingN' : 'status.requesting';
    const text = n > 1 ? this.t(key, { n }) : this.t(key);
    const status = statusOf.busy(text);
    if (isTranslated(text, key) && n <= BUSY_CACHE_LIMIT) this.#busy[n] = status;
    return status;
  }

  #show(status: NodeStatusValue): void {
    if (!this.#closed) this.node.status(status);
  }
}

export const statusOf = {
  ok: (text: string): NodeStatusValue => ({ fill: 'green', shape: 'dot', text }),
  pending: (text: string): NodeStatusValue => ({ fill: 'yellow', shape: 'ring', text }),
  failed: (text: string): NodeStatusValue => ({ fill: 'red', shape: 'dot', text }),
  error: (text: string): NodeStatusValue => ({ fill: 'red', shape: 'ring', text }),
  /** Decided by a rule, not by the platform (e.g. a refund assumed succeeded). */
  assumed: (text: string): NodeStatusValue => ({ fill: 'yellow', shape: 'dot', text }),
  /** Work in progress (queries running). */
  busy: (text: string): NodeStatusValue => ({ fill: 'blue', shape: 'dot', text }),
  /** Work in progress that is winding down (e.g. a poll giving up). */
  ending: (text: string): NodeStatusValue => ({ fill: 'blue', shape: 'ring', text }),
  /** A neutral figure, nothing to act on (e.g. the records upp-audit has passed on). */
  info: (text: string): NodeStatusValue => ({ fill: 'grey', shape: 'dot', text }),
};
