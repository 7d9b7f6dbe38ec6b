// The small helpers the node layer shares, so no node file keeps its own copy. The plain-object ones live in
// nodes/core/objects.ts (the core and the sandbox use them too) and are re-exported here.
import type { DoneFunction, Node, NodeMessage } from './red';

export { isBag, dropUndefined, type Bag } from '../core/objects';

/** Anything thrown, as an Error (done() and node.error() want one). */
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Sends the output and reports the message done. A downstream node that throws synchronously is reported once,
 * like Node-RED does: to done(err), or to node.error(err, msg) for a message without a done (restored after a restart).
 */
export function sendThenDone(node: Node, msg: NodeMessage, send: () => void, done: DoneFunction | undefined): void {
  try {
    send();
    done?.();
  } catch (err) {
    if (done) done(asError(err));
    else node.error(asError(err), msg);
  }
}
