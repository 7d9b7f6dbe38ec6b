// upp-poll: turns a pending answer into a final one by the manual's rules (docs/design.md §6, docs/poll.md). Wiring
// only: the engine (nodes/poll/engine.ts) polls, nodes/poll/store.ts keeps the jobs across redeploys and restarts,
// nodes/poll/status.ts shows progress; this file reads messages in and routes final answers to
// [success, failed, undetermined] (+ an optional progress output).
import type { DoneFunction, Node, NodeAPI, NodeDef, NodeMessage, SendFunction } from './lib/red';
import { localizeError, runtimeLang, translator, type Translate } from './lib/i18n';
import { describeError } from './lib/message';
import { asError, isBag, sendThenDone } from './lib/util';
import { callerOf, configNodeOf } from './lib/config';
import { monitor, pollAttention } from './ops';
import { statusOf } from './lib/status';
import { describeFinal, describeProgress, reviveCopy, savedCopy } from './poll/output';
import { PollStatus } from './poll/status';
import { PollStore, volatileStore } from './poll/store';
import {
  capEndsBeforeExpiry,
  expireText,
  PollEngine,
  pollSettings,
  readTarget,
  type PollFinal,
  type PollNodeSettings,
  type PollRecord,
  type PollRoute,
  type PollTarget,
} from './poll';

/** One waiting message. Resumed messages have no send/done of their own (node.send / node.error are used). */
interface Token {
  msg: NodeMessage;
  send?: SendFunction;
  done?: DoneFunction;
}

/** Undetermined polls and assumed refunds go to the sidebar's "needs a person" list (nodes/ops/monitor.ts). */
function reportToSidebar(node: Node, def: NodeDef, final: PollFinal): void {
  const kind = pollAttention(final);
  if (!kind) return;
  const target = final.result?.request ?? {};
  const id = (field: string) => (typeof target[field] === 'string' ? (target[field] as string) : undefined);
  const [mode, value] = [final.info.mode, final.info.key.slice(final.info.key.indexOf(':') + 1)];
  monitor.recordPoll({
    config: typeof def.server === 'string' ? def.server : undefined,
    node: node.id,
    kind,
    key: final.info.key,
    finishedAt: final.info.finishedAt,
    paymentNo: mode === 'payment' ? value : undefined,
    bizType: id('bizType'),
    requestNo: mode === 'refund' ? value : undefined,
    reason: final.reason,
  });
}

const ROUTES: Record<PollRoute, number> = { success: 0, failed: 1, undetermined: 2 };

/** Sends a token's message by its own send (or the node's, for a resumed message). */
function emit(node: Node, token: Token, out: (NodeMessage | null)[]): void {
  if (token.send) token.send(out);
  else node.send(out);
}

/** The engine for one node: its callbacks turn final answers, errors and progress into messages. */
function createEngine(
  RED: NodeAPI,
  node: Node,
  def: NodeDef,
  settings: PollNodeSettings,
  parts: { status: PollStatus; store: () => PollStore | undefined; fail: (token: Token, err: unknown) => void },
): PollEngine {
  const outputs = settings.progress ? 4 : 3;
  return new PollEngine({
    scope: typeof def.server === 'string' && def.server ? def.server : node.id,
    settings,
    client: () => configNodeOf(RED, def).getClient(),
    caller: callerOf(node, def),
    onFinish: (token, final) => {
      reportToSidebar(node, def, final);
      const tk = token as Token;
      const { payload, upp } = describeFinal(final);
      tk.msg.payload = payload;
      tk.msg.upp = upp;
      parts.status.finished(final);
      const out: (NodeMessage | null)[] = new Array(outputs).fill(null);
      out[ROUTES[final.route]] = tk.msg;
      sendThenDone(node, tk.msg, () => emit(node, tk, out), tk.done);
    },
    onError: (token, err) => {
      parts.status.failed(describeError(err).code);
      parts.fail(token as Token, err);
    },
    onProgress: settings.progress
      ? (token, p) => emit(node, token as Token, [null, null, null, describeProgress(p, (token as Token).msg)])
      : undefined,
    onChange: () => {
      parts.status.schedule();
      parts.store()?.changed();
    },
    persist: (token) => savedCopy((token as Token).msg),
  });
}

export = function register(RED: NodeAPI): void {
  const t = translator(RED, 'upp-poll');

  function UppPoll(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const lang = runtimeLang(t);
    let settings: PollNodeSettings | undefined;
    let settingsError: Error | undefined;
    try {
      settings = pollSettings(def);
    } catch (err) {
      settingsError = localizeError(err as Error, lang);
    }
    const fail = (token: Token, err: unknown) => {
      const error = localizeError(asError(err), lang);
      token.msg.upp = { ...(isBag(token.msg.upp) ? token.msg.upp : {}), error: describeError(error) };
      if (token.done) token.done(error);
      else node.error(error, token.msg);
    };
    let store: PollStore | undefined;
    const volatile = volatileStore(RED);
    const status: PollStatus = new PollStatus(
      node,
      t,
      (): PollEngine | undefined => engine,
      volatile !== undefined ? statusOf.pending(t('status.memoryStore')) : {},
    );
    const engine: PollEngine | undefined = settings
      ? createEngine(RED, node, def, settings, { status, store: () => store, fail })
      : undefined;
    if (settingsError) status.set(statusOf.error(t('status.badSettings', { field: (settingsError as { field?: string }).field ?? '' })));

    if (engine) {
      store = new PollStore(RED, node, t, engine);
      store.load((value, from) => resume(node, t, engine, value, from));
      if (volatile !== undefined) {
        node.warn(t('warnings.memoryStore', { store: volatile }));
      }
    }
    const warnCap = capWarning(node, t, settings);

    node.on('input', (msg: NodeMessage, send: SendFunction, done: DoneFunction) => {
      const token: Token = { msg, send, done };
      if (!engine || !settings) return fail(token, settingsError);
      try {
        configNodeOf(RED, def).getClient();
        const target = readTarget(msg, settings.mode);
        engine.submit(target, token);
        warnCap(target);
      } catch (err) {
        status.failed(describeError(err).code);
        status.schedule();
        fail(token, err);
      }
    });

    node.on('close', (removed: boolean, done: () => void) => {
      status.close();
      if (!store) return done();
      store.close(removed, done);
    });

    // For tests, the benchmark and the sidebar (engine.openJobs()): the engine behind this node.
    (node as unknown as { pollEngine?: PollEngine }).pollEngine = engine;
  }

  RED.nodes.registerType('upp-poll', UppPoll);
};

/** Resumes the jobs saved before a redeploy (handed over in memory) or a restart (the context store). */
function resume(node: Node, t: Translate, engine: PollEngine, value: unknown, from: 'redeploy' | 'restart'): void {
  if (!Array.isArray(value) || value.length === 0) return;
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
}

/**
 * A payment poll whose attempts cap ends before the order's expireTime gives the order up (and closes it) while the
 * patient may still pay: say so, once per deploy, with the first order it happens to (docs/poll.md, "Defaults").
 */
function capWarning(node: Node, t: Translate, settings: PollNodeSettings | undefined): (target: PollTarget) => void {
  let warned = false;
  return (target) => {
    if (warned || !settings) return;
    const endsAt = capEndsBeforeExpiry(settings, target, Date.now());
    if (endsAt === undefined) return;
    warned = true;
    node.warn(
      t('warnings.capBeforeExpiry', {
        attempts: settings.attempts,
        interval: settings.intervalMs / 1000,
        paymentNo: target.paymentNo,
        ends: expireText(endsAt),
        expire: expireText(target.expireAt),
      }),
    );
  };
}
