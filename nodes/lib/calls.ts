// Calls in flight on one node, so a redeploy neither crashes nor loses a message: on close the node waits up to
// a grace period for its calls, then aborts the rest (the core turns an abort after sending into a `pending`
// result with reason `aborted`, before sending into a not-sent error). Every input message still gets exactly one
// output or one error, and only then does the node report itself closed.
import { setMaxListeners } from 'node:events';
import type { Node, NodeAPI } from './red';
import type { StatusTracker } from './status';

/** Default grace for calls in flight on redeploy; `uppCloseGraceMs` in settings.js overrides it. */
export const DEFAULT_CLOSE_GRACE_MS = 3000;

export function closeGraceMs(RED: NodeAPI): number {
  let value: unknown;
  try {
    value = RED.settings?.uppCloseGraceMs;
  } catch {
    value = undefined;
  }
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : DEFAULT_CLOSE_GRACE_MS;
}

function unlimited(controller: AbortController): AbortController {
  setMaxListeners(0, controller.signal);
  return controller;
}

interface Call {
  settled: Promise<void>;
}

/** A call's `settled` until its work has started (run sets it before returning). */
const NOTHING_YET: Promise<void> = Promise.resolve();

export class CallTracker {
  readonly #calls = new Set<Call>();
  #closing = false;
  /**
   * One signal for every call of this tracker (close aborts all the calls left in flight at once, so they need no
   * controller each; per message, an AbortController was a measurable cost). Unlimited listeners: a backoff waiting on
   * it per call in flight is no leak.
   */
  readonly #abort = unlimited(new AbortController());
  readonly #signal = this.#abort.signal;

  get size(): number {
    return this.#calls.size;
  }

  get closing(): boolean {
    return this.#closing;
  }

  /** Runs `work` with an abort signal; the returned promise never rejects (work must handle its own errors). */
  run(work: (signal: AbortSignal) => Promise<void>): Promise<void> {
    // A call that starts while the tracker closes is cancelled before it sends anything.
    const signal = this.#closing ? AbortSignal.abort() : this.#signal;
    const call: Call = { settled: NOTHING_YET };
    this.#calls.add(call);
    call.settled = this.#settle(call, work, signal);
    return call.settled;
  }

  async #settle(call: Call, work: (signal: AbortSignal) => Promise<void>, signal: AbortSignal): Promise<void> {
    try {
      await work(signal);
    } catch {
      // work handles its own errors; what escapes it has no one to go to (run's promise never rejects)
    } finally {
      this.#calls.delete(call);
    }
  }

  /** Waits up to `graceMs` for calls in flight, aborts what is left, and resolves once every call has settled. */
  async close(graceMs: number): Promise<void> {
    this.#closing = true;
    if (this.#calls.size === 0) return;
    const all = () => Promise.all([...this.#calls].map((c) => c.settled));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace'>((resolve) => {
      timer = setTimeout(() => resolve('grace'), graceMs);
    });
    const first = await Promise.race([all().then(() => 'done' as const), graceOver]);
    clearTimeout(timer);
    if (first === 'grace') {
      this.#abort.abort();
      await all();
    }
  }
}

/** On close (redeploy, removal): let the node's calls finish within the grace, then clear its status. */
export function closeAfterCalls(RED: NodeAPI, node: Node, calls: CallTracker, status: StatusTracker): void {
  node.on('close', (_removed: boolean, done: () => void) => {
    void calls
      .close(closeGraceMs(RED))
      .catch(() => undefined)
      .then(() => {
        status.clear();
        done();
      });
  });
}
