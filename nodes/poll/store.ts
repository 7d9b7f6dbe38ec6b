// Where the upp-poll node keeps its waiting jobs: the node's context (`jobs`, saved after changes when a context
// store is configured, and on close), and an in-memory hand-over from the instance a redeploy stops to the one that
// replaces it (same node id). Node-RED deletes node context on every stop unless a store is configured, so without
// the hand-over the default setup would lose the jobs on every redeploy. Only a persistent store (e.g.
// localfilesystem) keeps them across a restart: with the default memory store the node says so at deploy and lists,
// when Node-RED stops, every paymentNo / requestNo whose poll is dropped (docs/poll.md, "Restarts").
import type { Translate } from '../lib/i18n';
import type { Node, NodeAPI } from '../lib/red';
import type { PollEngine } from './engine';
import type { PollRecord } from './types';

const SAVE_DELAY_MS = 500;

interface ContextStore {
  get(key: string, callback: (err: Error | null | undefined, value?: unknown) => void): void;
  set(key: string, value: unknown, callback: (err?: Error | null) => void): void;
}

/** Jobs handed from a node instance that stops for a redeploy to the one that replaces it, by node id. */
const HANDOFF = new Map<string, PollRecord[]>();
/**
 * Instances stopped with jobs waiting and a store that does not survive a restart, by node id: if the runtime stops
 * before a new instance takes over, these polls are dropped and each one is logged.
 */
const AT_RISK = new Map<string, () => void>();
let shutdownListener = false;

/** True when settings.js configures context stores (then Node-RED keeps node context across redeploys). */
export function contextStoreConfigured(RED: NodeAPI): boolean {
  try {
    const stores = RED.settings?.contextStorage;
    return typeof stores === 'object' && stores !== null && Object.keys(stores).length > 0;
  } catch {
    return false;
  }
}

/**
 * The name of the store node.context() uses when it is not persistent (the built-in memory store), else undefined.
 * Node-RED's default store is `contextStorage.default` (a name of another store, or a store), else the first one.
 */
export function volatileStore(RED: NodeAPI): string | undefined {
  let stores: Record<string, unknown>;
  try {
    const configured = RED.settings?.contextStorage;
    if (typeof configured !== 'object' || configured === null || Object.keys(configured).length === 0) return 'memory';
    stores = configured as Record<string, unknown>;
  } catch {
    return 'memory';
  }
  let name = Object.hasOwn(stores, 'default') ? 'default' : Object.keys(stores)[0];
  let store = stores[name];
  if (typeof store === 'string' && Object.hasOwn(stores, store)) store = stores[(name = store)];
  const module = (store as { module?: unknown } | undefined)?.module;
  return module === 'memory' || module === undefined ? name : undefined;
}

/** The keys of the jobs in some records, as paymentNo / requestNo texts for a log line. */
export function recordIds(records: readonly PollRecord[]): string {
  return records.map((r) => (r.mode === 'payment' ? `paymentNo ${r.paymentNo}` : `requestNo ${r.requestNo}`)).join(', ');
}

/** Once per runtime: when Node-RED stops (not a deploy), polls still waiting for a new instance are dropped. */
function listenForShutdown(RED: NodeAPI): void {
  if (shutdownListener || !RED.events) return;
  shutdownListener = true;
  RED.events.on('runtime-event', (event: unknown) => {
    const e = event as { id?: string; payload?: { state?: string; deploy?: boolean } } | undefined;
    if (e?.id !== 'runtime-state' || e.payload?.state !== 'stop' || e.payload.deploy) return;
    for (const warn of AT_RISK.values()) warn();
    AT_RISK.clear();
  });
}

export class PollStore {
  private loaded = false;
  private closed = false;
  private saveTimer: NodeJS.Timeout | undefined;
  /** Without a configured store Node-RED deletes node context on stop: hand over in memory instead of saving. */
  readonly persistentContext: boolean;
  /** The name of the context store when it does not survive a restart (memory), else undefined. */
  readonly volatile: string | undefined;

  constructor(
    RED: NodeAPI,
    private readonly node: Node,
    private readonly t: Translate,
    private readonly engine: PollEngine,
  ) {
    this.persistentContext = contextStoreConfigured(RED);
    this.volatile = volatileStore(RED);
    listenForShutdown(RED);
  }

  private get context(): ContextStore {
    return this.node.context() as ContextStore;
  }

  /** Takes over the jobs of the instance a redeploy stopped, else reads those saved in the context store. */
  load(resume: (records: unknown, from: 'redeploy' | 'restart') => void): void {
    const handed = this.persistentContext ? undefined : HANDOFF.get(this.node.id);
    HANDOFF.delete(this.node.id);
    AT_RISK.delete(this.node.id);
    if (handed) {
      this.loaded = true;
      return resume(handed, 'redeploy');
    }
    try {
      this.context.get('jobs', (err, value) => {
        if (this.closed) return;
        this.loaded = true;
        if (err) this.node.warn(this.t('errors.load', { error: err.message }));
        else resume(value, 'restart');
      });
    } catch (err) {
      this.loaded = true;
      this.node.warn(this.t('errors.load', { error: (err as Error).message }));
    }
  }

  /** Jobs changed: save soon (only to a configured store; otherwise saving would only cost memory). */
  changed(): void {
    if (this.closed || this.saveTimer || !this.persistentContext) return;
    this.saveTimer = setTimeout(() => this.save(), SAVE_DELAY_MS);
  }

  private save(records = this.engine.snapshot(), callback?: () => void): void {
    this.saveTimer = undefined;
    if (!this.loaded) return callback?.();
    try {
      this.context.set('jobs', records.length ? records : undefined, (err) => {
        if (err) this.node.warn(this.t('errors.save', { error: err.message }));
        callback?.();
      });
    } catch (err) {
      this.node.warn(this.t('errors.save', { error: (err as Error).message }));
      callback?.();
    }
  }

  /**
   * The node stops. Removed: its jobs are forgotten (Node-RED deletes its context too). Redeploy or shutdown: what
   * is still waiting is saved (attempts spent included) and handed to the next instance, then every timer stops.
   */
  close(removed: boolean, done: () => void): void {
    this.closed = true;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (removed) {
      HANDOFF.delete(this.node.id);
      AT_RISK.delete(this.node.id);
      this.engine.stop();
      this.loaded = true;
      return this.save([], done);
    }
    const wasLoaded = this.loaded;
    const records = this.engine.snapshot();
    this.engine.stop();
    if (!wasLoaded) return done();
    if (records.length && !this.persistentContext) HANDOFF.set(this.node.id, records);
    if (records.length && this.volatile !== undefined) {
      const { node, t } = this;
      // The ids follow the sentence as they are (language-neutral field names): the list a person re-queries.
      AT_RISK.set(node.id, () => node.warn(`${t('warnings.droppedOnStop', { count: records.length })}: ${recordIds(records)}`));
    }
    this.save(records, done);
  }
}
