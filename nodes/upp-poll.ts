// upp-poll: turns a pending answer into a final one by the manual's rules (docs/design.md §6). A thin Node-RED shell
// around the poll engine (nodes/poll): read the message, submit it, route the final answer to
// [success, failed, undetermined] (+ an optional progress output), show status, keep the jobs in the node's context.
import type { UppResult } from './core';
import type { DoneFunction, Node, NodeAPI, NodeDef, NodeMessage, NodeStatusValue, SendFunction } from './lib/red';
import { localizeError, runtimeLang, translator, type Translate } from './lib/i18n';
import { describeError, describeResult } from './lib/message';
import { describeFinal, reviveCopy, savedCopy } from './poll/output';
import { asError, dropUndefined, isBag, sendThenDone, type Bag } from './lib/util';
import { configNodeOf } from './lib/config';
import {
  PollEngine,
  pollSettings,
  readTarget,
  type PollFinal,
  type PollNodeSettings,
  type PollProgress,
  type PollRecord,
  type PollRoute,
} from './poll';

/** One waiting message. Resumed messages have no send/done of their own (node.send / node.error are used). */
interface Token {
  msg: NodeMessage;
  send?: SendFunction;
  done?: DoneFunction;
}

interface ContextStore {
  get(key: string, callback: (err: Error | null | undefined, value?: unknown) => void): void;
  set(key: string, value: unknown, callback: (err?: Error | null) => void): void;
}

/**
 * Jobs handed from a node instance that stops for a redeploy to the instance that replaces it (same node id).
 * Node-RED deletes a node's context when it stops unless a context store is configured, so without this the
 * default (memory) setup would lose the jobs on every redeploy. A restart still needs a persistent store.
 */
const HANDOFF = new Map<string, PollRecord[]>();

/** True when settings.js configures context stores (then Node-RED keeps node context across redeploys). */
function contextStoreConfigured(RED: NodeAPI): boolean {
  try {
    const stores = RED.settings?.contextStorage;
    return typeof stores === 'object' && stores !== null && Object.keys(stores).length > 0;
  } catch {
    return false;
  }
}

const ROUTES: Record<PollRoute, number> = { success: 0, failed: 1, undetermined: 2 };
const STATUS_GAP_MS = 250;
const SAVE_DELAY_MS = 500;

function statusText(final: PollFinal, t: Translate): NodeStatusValue {
  const status = final.result?.status;
  switch (final.reason) {
    case 'assumed_refunded':
      return { fill: 'yellow', shape: 'dot', text: t('status.assumedRefunded') };
    case 'refund_not_found':
      return { fill: 'yellow', shape: 'ring', text: t('status.undetermined', { reason: final.reason }) };
    case 'close_race':
      return { fill: 'green', shape: 'dot', text: t('status.paidAfterClose') };
    case 'closed':
      return { fill: 'red', shape: 'dot', text: final.info.assumed ? t('status.closedAssumed') : t('status.closed') };
    default:
      if (final.route === 'success') return { fill: 'green', shape: 'dot', text: status ?? t('status.success') };
      if (final.route === 'failed') return { fill: 'red', shape: 'dot', text: status ?? t('status.failed') };
      return {
        fill: 'yellow',
        shape: 'ring',
        text: t('status.undetermined', { reason: status ?? final.result?.reason ?? final.info.lastError?.code ?? final.reason }),
      };
  }
}

export = function register(RED: NodeAPI): void {
  const t = translator(RED, 'upp-poll');

  function UppPoll(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const lang = runtimeLang(t);
    const context = node.context() as ContextStore;
    let settings: PollNodeSettings | undefined;
    let settingsError: Error | undefined;
    try {
      settings = pollSettings(def);
    } catch (err) {
      settingsError = localizeError(err as Error, lang);
    }
    const outputs = settings?.progress ? 4 : 3;
    const persistentStore = contextStoreConfigured(RED);
    let closed = false;
    let loaded = false;
    let lastStatus: NodeStatusValue = {};
    let statusTimer: NodeJS.Timeout | undefined;
    let statusAt = 0;
    let saveTimer: NodeJS.Timeout | undefined;

    const fail = (token: Token, err: unknown) => {
      const error = localizeError(asError(err), lang);
      const msg = token.msg;
      msg.upp = { ...(isBag(msg.upp) ? msg.upp : {}), error: describeError(error) };
      if (token.done) token.done(error);
      else node.error(error, msg);
    };

    const emit = (token: Token, out: (NodeMessage | null)[]) => {
      if (token.send) token.send(out);
      else node.send(out);
    };

    const showStatus = () => {
      statusTimer = undefined;
      if (closed || !engine) return;
      statusAt = Date.now();
      const s = engine.status();
      if (s.jobs === 0) node.status(lastStatus);
      else if (s.jobs > 1) node.status({ fill: 'blue', shape: 'dot', text: t('status.pollingJobs', { n: s.jobs }) });
      else if (s.phase === 'giveup')
        node.status({ fill: 'blue', shape: 'ring', text: t('status.givingUp', { attempt: s.attempts, max: s.maxAttempts }) });
      else node.status({ fill: 'blue', shape: 'dot', text: t('status.polling', { attempt: s.attempts, max: s.maxAttempts }) });
    };
    const scheduleStatus = () => {
      if (closed || statusTimer) return;
      const wait = Math.max(0, STATUS_GAP_MS - (Date.now() - statusAt));
      statusTimer = setTimeout(showStatus, wait);
    };

    const save = (callback?: () => void) => {
      saveTimer = undefined;
      if (!engine || !loaded) return callback?.();
      const records = engine.snapshot();
      try {
        context.set('jobs', records.length ? records : undefined, (err) => {
          if (err) node.warn(t('errors.save', { error: err.message }));
          callback?.();
        });
      } catch (err) {
        node.warn(t('errors.save', { error: (err as Error).message }));
        callback?.();
      }
    };
    const scheduleSave = () => {
      if (closed || saveTimer) return;
      saveTimer = setTimeout(save, SAVE_DELAY_MS);
    };

    const engine: PollEngine | undefined = settings
      ? new PollEngine({
          scope: typeof def.server === 'string' && def.server ? def.server : node.id,
          settings,
          client: () => configNodeOf(RED, def).getClient(),
          onFinish: (token, final) => {
            const tk = token as Token;
            const { payload, upp } = describeFinal(final);
            tk.msg.payload = payload;
            tk.msg.upp = upp;
            lastStatus = statusText(final, t);
            const out: (NodeMessage | null)[] = new Array(outputs).fill(null);
            out[ROUTES[final.route]] = tk.msg;
            sendThenDone(node, tk.msg, () => emit(tk, out), tk.done);
          },
          onError: (token, err) => {
            lastStatus = { fill: 'red', shape: 'ring', text: describeError(err).code };
            fail(token as Token, err);
          },
          onProgress: settings.progress
            ? (token, p: PollProgress) => {
                const tk = token as Token;
                const d = p.result ? describeResult(p.result as UppResult) : undefined;
                const upp: Bag = {
                  ...(d?.upp ?? {
                    endpoint: p.mode === 'payment' ? 'query' : 'refundQuery',
                    reason: p.error?.code,
                    detail: p.error?.message,
                  }),
                };
                upp.outcome = 'pending';
                upp.poll = dropUndefined({
                  key: p.key,
                  mode: p.mode,
                  attempt: p.attempt,
                  maxAttempts: p.maxAttempts,
                  startedAt: p.startedAt,
                  nextAt: p.nextAt,
                  msgid: tk.msg._msgid,
                });
                const progress: NodeMessage = { topic: tk.msg.topic, payload: d?.payload ?? {}, upp: dropUndefined(upp) };
                const out: (NodeMessage | null)[] = [null, null, null, progress];
                emit(tk, out);
              }
            : undefined,
          onChange: () => {
            scheduleStatus();
            // Without a configured context store Node-RED deletes node context on every stop, so saving while
            // running would only cost memory: the jobs are handed over on close instead.
            if (persistentStore) scheduleSave();
          },
          persist: (token) => savedCopy((token as Token).msg),
        })
      : undefined;

    if (settingsError)
      node.status({
        fill: 'red',
        shape: 'ring',
        text: t('status.badSettings', { field: (settingsError as { field?: string }).field ?? '' }),
      });

    // Resume the jobs saved before a redeploy (handed over in memory) or a restart (the context store), with the
    // attempts already spent.
    const resume = (value: unknown, from: 'redeploy' | 'restart') => {
      if (!engine || !Array.isArray(value) || value.length === 0) return;
      let dropped = 0;
      const count = engine.restore(value as PollRecord[], (saved) => {
        try {
          const msg = typeof saved === 'string' ? reviveCopy(saved) : (saved as NodeMessage);
          return { msg } satisfies Token;
        } catch {
          dropped += 1;
          return undefined;
        }
      });
      if (count) node.log(t(from === 'redeploy' ? 'log.handedOver' : 'log.resumed', { count }));
      if (dropped) node.warn(t('errors.dropped', { count: dropped }));
    };
    const useHandoff = !persistentStore;
    const handed = useHandoff ? HANDOFF.get(node.id) : undefined;
    HANDOFF.delete(node.id);
    if (engine && handed) {
      loaded = true;
      resume(handed, 'redeploy');
    } else if (engine) {
      try {
        context.get('jobs', (err, value) => {
          if (closed) return;
          loaded = true;
          if (err) node.warn(t('errors.load', { error: err.message }));
          else resume(value, 'restart');
        });
      } catch (err) {
        loaded = true;
        node.warn(t('errors.load', { error: (err as Error).message }));
      }
    }

    node.on('input', (msg: NodeMessage, send: SendFunction, done: DoneFunction) => {
      const token: Token = { msg, send, done };
      if (!engine) return fail(token, settingsError);
      try {
        configNodeOf(RED, def).getClient();
        const target = readTarget(msg, (settings as PollNodeSettings).mode);
        engine.submit(target, token);
      } catch (err) {
        lastStatus = { fill: 'red', shape: 'ring', text: describeError(err).code };
        scheduleStatus();
        fail(token, err);
      }
    });

    node.on('close', (removed: boolean, done: () => void) => {
      closed = true;
      if (statusTimer) clearTimeout(statusTimer);
      if (saveTimer) clearTimeout(saveTimer);
      statusTimer = saveTimer = undefined;
      node.status({});
      if (!engine) return done();
      if (removed) {
        // The node is gone (Node-RED deletes its context too): forget its jobs.
        HANDOFF.delete(node.id);
        engine.stop();
        try {
          context.set('jobs', undefined, () => done());
        } catch {
          done();
        }
        return;
      }
      // Redeploy or shutdown: save what is still waiting (attempts spent included), then stop every timer.
      const wasLoaded = loaded;
      const records = engine.snapshot();
      engine.stop();
      if (!wasLoaded) return done();
      if (records.length && useHandoff) HANDOFF.set(node.id, records);
      try {
        context.set('jobs', records.length ? records : undefined, (err) => {
          if (err) node.warn(t('errors.save', { error: err.message }));
          done();
        });
      } catch (err) {
        node.warn(t('errors.save', { error: (err as Error).message }));
        done();
      }
    });

    // For tests and the benchmark: the engine behind this node.
    (node as unknown as { pollEngine?: PollEngine }).pollEngine = engine;
  }

  RED.nodes.registerType('upp-poll', UppPoll);
};
