// A redeploy loses no answer (issue 10 item 5). Node-RED stops every node a deploy touches (all of them on a full
// deploy, the changed flows' on "modified flows", the changed nodes' on "modified nodes") and only then creates their
// replacements (same node id). An answer that arrives in between has nowhere to go: the old node's wires lead to
// stopped nodes. So a closing action node hands its calls in flight to a mailbox kept per node id; when they finish,
// their outcome goes to the instance that replaced it, which sends it through its own wires once the flows have
// started (downstream nodes may be created after it). If no instance replaces it (the node was deleted, or the flows
// started without it), each outcome is logged as a warning with its paymentNo/requestNo and recorded in the global
// context under UNDELIVERED_KEY, so nothing is silent. The poll node hands its jobs over the same way (upp-poll.ts).
import type { Node, NodeAPI, NodeMessage, NodeStatusValue } from './red';

/** Global context key of the outcomes whose node was gone (an array of UndeliveredRecord, newest last). */
export const UNDELIVERED_KEY = 'uppUndelivered';
/** At most this many records are kept under UNDELIVERED_KEY (the oldest go first). */
export const UNDELIVERED_LIMIT = 1000;

/** One finished call of a closed node: what its replacement must send (or hand to Catch). */
export interface Delivery {
  msg: NodeMessage;
  /** The output array to send; absent when the call ended in an error. */
  out?: (NodeMessage | null)[];
  /** A catchable error (msg.upp.error is already set). */
  error?: Error;
  status: NodeStatusValue;
}

/** What the instance that replaces a node does with a delivery. */
export interface Receiver {
  deliver(delivery: Delivery): void;
}

export interface UndeliveredRecord {
  at: string;
  nodeId: string;
  type: string;
  endpoint?: unknown;
  outcome?: unknown;
  reason?: unknown;
  tradeStatus?: unknown;
  paymentNo?: unknown;
  requestNo?: unknown;
  error?: string;
}

interface GlobalContext {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** The mailbox of one node id, across the instances that come and go. */
class Mailbox {
  receiver?: Receiver;
  /** The flows have started since the receiver was created: its downstream nodes exist. */
  ready = false;
  /** Calls of closed instances not finished yet. */
  pending = 0;
  /** Finished calls waiting for a receiver. */
  readonly queue: Delivery[] = [];
  /** No instance will come (deleted, or the flows started without it): deliveries are logged and recorded. */
  orphaned = false;
  /** How the closed instance reports an outcome nobody can receive. */
  report?: (delivery: Delivery) => void;
}

const BOXES = new Map<string, Mailbox>();
const LISTENING = new WeakSet<object>();

function boxOf(id: string): Mailbox {
  let box = BOXES.get(id);
  if (!box) BOXES.set(id, (box = new Mailbox()));
  return box;
}

function drain(box: Mailbox): void {
  while (box.queue.length && box.receiver && box.ready) box.receiver.deliver(box.queue.shift() as Delivery);
}

function orphan(box: Mailbox): void {
  box.orphaned = true;
  for (const delivery of box.queue.splice(0)) box.report?.(delivery);
}

function forgetIfIdle(id: string, box: Mailbox): void {
  if (!box.receiver && box.pending === 0 && box.queue.length === 0 && BOXES.get(id) === box) BOXES.delete(id);
}

/** Once per runtime: when the flows have started, receivers deliver what waits for them; boxes nobody took are orphans. */
function listen(RED: NodeAPI): void {
  const events = RED.events;
  if (!events || LISTENING.has(events)) return;
  LISTENING.add(events);
  events.on('flows:started', () => {
    for (const [id, box] of BOXES) {
      if (box.receiver) {
        box.ready = true;
        drain(box);
      } else if (box.pending > 0 || box.queue.length > 0) {
        orphan(box);
      }
      forgetIfIdle(id, box);
    }
  });
}

/** Appends a record under UNDELIVERED_KEY in the global context (never throws: a failing store is logged by the caller). */
export function recordUndelivered(global: GlobalContext, record: UndeliveredRecord): void {
  const list = global.get(UNDELIVERED_KEY);
  const next = Array.isArray(list) ? [...list, record] : [record];
  global.set(UNDELIVERED_KEY, next.slice(-UNDELIVERED_LIMIT));
}

/**
 * The hand-over of one node instance. `attach` at creation makes it the receiver of its id's mailbox; `close` hands
 * its calls in flight over; `finish` routes a finished call: to the caller's own send while the instance is open,
 * else through the mailbox.
 */
export class Handover {
  readonly #box: Mailbox;
  #closed = false;

  constructor(
    RED: NodeAPI,
    private readonly node: Node,
    receiver: Receiver,
  ) {
    listen(RED);
    this.#box = boxOf(node.id);
    this.#box.receiver = receiver;
    this.#box.ready = !RED.events; // without runtime events (never in Node-RED) deliver at once
    this.#box.orphaned = false;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The instance stops with `inFlight` calls still running. `removed`: the node was deleted (or disabled), so no
   * instance will replace it. `report` warns about and records an outcome nobody can receive.
   */
  close(inFlight: number, removed: boolean, report: (delivery: Delivery) => void): void {
    this.#closed = true;
    const box = this.#box;
    if (box.receiver && BOXES.get(this.node.id) === box) box.receiver = undefined;
    box.ready = false;
    box.pending += inFlight;
    box.report = report;
    if (removed) orphan(box);
    forgetIfIdle(this.node.id, box);
  }

  /** A call of this instance finished after the instance closed: to the replacement, or reported. */
  handOver(delivery: Delivery): void {
    const box = this.#box;
    box.pending = Math.max(0, box.pending - 1);
    if (box.orphaned) box.report?.(delivery);
    else if (box.receiver && box.ready) box.receiver.deliver(delivery);
    else box.queue.push(delivery);
    forgetIfIdle(this.node.id, box);
  }
}

/** For tests: forget every mailbox (a test's stopped flow is not the next test's predecessor). */
export function resetHandovers(): void {
  for (const box of BOXES.values()) {
    box.orphaned = true;
    box.report = undefined;
    box.queue.length = 0;
  }
  BOXES.clear();
}
