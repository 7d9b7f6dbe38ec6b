// One subscription per process to the client's diagnostics channels (nodes/core/events.ts), shared by every
// listener of this package (audit nodes, the sidebar's monitor). A channel is subscribed only while someone
// listens, so a flow without audit nodes and without the editor costs nothing. Listener errors are caught here:
// diagnostics_channel would turn them into uncaught exceptions.
import diagnostics from 'node:diagnostics_channel';
import { ATTEMPT_CHANNEL, CALL_CHANNEL, type AttemptEvent, type CallEvent } from '../core/events';

type Listener<E> = (event: E) => void;

class Topic<E> {
  readonly #listeners = new Set<Listener<E>>();
  readonly #name: string;
  readonly #dispatch = (event: unknown) => {
    for (const listener of this.#listeners) {
      try {
        listener(event as E);
      } catch {
        // one faulty listener must neither stop the others nor crash the process
      }
    }
  };

  constructor(name: string) {
    this.#name = name;
  }

  /** Adds a listener; returns the function that removes it. */
  listen(listener: Listener<E>): () => void {
    if (this.#listeners.size === 0) diagnostics.subscribe(this.#name, this.#dispatch);
    this.#listeners.add(listener);
    return () => {
      if (!this.#listeners.delete(listener)) return;
      if (this.#listeners.size === 0) diagnostics.unsubscribe(this.#name, this.#dispatch);
    };
  }
}

export const attempts = new Topic<AttemptEvent>(ATTEMPT_CHANNEL);
export const calls = new Topic<CallEvent>(CALL_CHANNEL);
