// The small part of the Node-RED runtime API these nodes use, typed by hand (Node-RED ships no TypeScript types).
// Kept structural so the same code runs under the real runtime and under node-red-node-test-helper.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface NodeMessage {
  _msgid?: string;
  payload?: unknown;
  [key: string]: unknown;
}

export interface NodeStatusValue {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export type SendFunction = (msg: NodeMessage | (NodeMessage | null)[] | null) => void;
export type DoneFunction = (err?: Error) => void;

export interface Node {
  id: string;
  type: string;
  name?: string;
  z?: string;
  credentials?: Record<string, string | undefined>;
  on(event: 'input', handler: (msg: NodeMessage, send: SendFunction, done: DoneFunction) => void): void;
  on(event: 'close', handler: (removed: boolean, done: () => void) => void): void;
  status(status: NodeStatusValue): void;
  send(msg: NodeMessage | (NodeMessage | null)[] | null): void;
  log(msg: unknown): void;
  warn(msg: unknown): void;
  error(err: unknown, msg?: NodeMessage): void;
  context(): unknown;
}

export interface NodeDef {
  id: string;
  type: string;
  name?: string;
  z?: string;
  [key: string]: unknown;
}

export interface TlsConfigNode extends Node {
  addTLSOptions(opts: Record<string, unknown>): Record<string, unknown>;
}

export interface NodeAPI {
  nodes: {
    createNode(node: object, def: NodeDef): void;
    getNode(id: string): Node | null;
    registerType(
      type: string,
      constructor: (this: Node, def: NodeDef) => void,
      opts?: {
        credentials?: Record<string, { type: 'text' | 'password' }>;
        settings?: Record<string, { value: unknown; exportable?: boolean }>;
      },
    ): void;
  };
  util: {
    evaluateNodeProperty(
      value: unknown,
      type: string,
      node: Node,
      msg: NodeMessage | undefined,
      callback: (err: Error | null, result?: unknown) => void,
    ): void;
    /** Without a callback the value is returned (synchronous types such as env). */
    evaluateNodeProperty(value: unknown, type: string, node: Node, msg: NodeMessage | undefined): unknown;
    getMessageProperty(msg: NodeMessage, expr: string): unknown;
  };
  settings: Record<string, unknown>;
  /** The Express app of HTTP In routes (absent when httpNodeRoot is false). */
  httpNode?: HttpApp;
  _: (key: string, substitutions?: Record<string, unknown>) => string;
  /**
   * The runtime's events (e.g. 'runtime-event' with the runtime state, 'flows:started' for nodes/lib/handover.ts) and
   * log; absent in some test stubs.
   */
  events?: {
    on(event: string, listener: (...args: unknown[]) => void): void;
    off?(event: string, listener: (...args: unknown[]) => void): void;
  };
  log?: { warn(msg: unknown): void; info(msg: unknown): void };
}

/** The part of an Express app the HIS view node uses (Express 4 keeps routes in _router, Express 5 in router). */
export interface HttpApp {
  post(path: string, ...handlers: HttpHandler[]): void;
  _router?: { stack: HttpLayer[] };
  router?: { stack: HttpLayer[] };
}

export type HttpHandler = (req: IncomingMessage & { body?: unknown }, res: ServerResponse, next: (err?: unknown) => void) => void;

export interface HttpLayer {
  route?: { path: string; methods: Record<string, boolean> };
}
