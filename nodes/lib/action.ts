// The seven action nodes share this: read the request fields, call the endpoint on the config node's client,
// route the result by outcome, show status, and hand anything that proves nothing happened to done(err).
import { UppClientClosedError, type EndpointName, type Outcome, type UppResult } from '../core';
import type { DoneFunction, Node, NodeAPI, NodeDef, NodeMessage, NodeStatusValue, SendFunction } from './red';
import { localizeError, runtimeLang, translator, type Translate } from './i18n';
import { StatusTracker, statusOf } from './status';
import { CallTracker, closeAfterCalls } from './calls';
import { fieldSettings, fieldsFromSetting, readRequest } from './fields';
import { describeError, describeResult } from './message';
import { callerOf, configNodeOf } from './config';
import { payQr } from './qr';
import { asError, sendThenDone } from './util';

export type ActionType = 'upp-scancode' | 'upp-barcode' | 'upp-query' | 'upp-refund' | 'upp-refund-query' | 'upp-close';

export interface ActionSpec {
  endpoint: EndpointName;
  /** Output names, in order (keys of `<type>.outputs.*` in the catalogs). */
  outputs: readonly string[];
  /** Which output each outcome goes to. */
  route: Record<Outcome, number>;
}

/** The outcome table of docs/design.md, per node. */
export const ACTIONS: Record<ActionType, ActionSpec> = {
  'upp-scancode': { endpoint: 'scanCode', outputs: ['paid', 'pending'], route: { success: 0, pending: 1, failed: 1 } },
  'upp-barcode': { endpoint: 'barCode', outputs: ['paid', 'pending'], route: { success: 0, pending: 1, failed: 1 } },
  'upp-query': { endpoint: 'query', outputs: ['paid', 'pending', 'failed'], route: { success: 0, pending: 1, failed: 2 } },
  'upp-refund': { endpoint: 'refund', outputs: ['refunded', 'pending', 'failed'], route: { success: 0, pending: 1, failed: 2 } },
  'upp-refund-query': { endpoint: 'refundQuery', outputs: ['refunded', 'pending', 'failed'], route: { success: 0, pending: 1, failed: 2 } },
  // A close is never "pending": only isCloseOrder=N is "not closed"; anything else counts as closed.
  'upp-close': { endpoint: 'close', outputs: ['closed', 'notClosed'], route: { success: 0, pending: 0, failed: 1 } },
};

/** Status after a result: green = final success, yellow ring = pending (with why), red dot = definite failure. */
export function resultStatus(endpoint: EndpointName, result: UppResult, t: Translate): NodeStatusValue {
  // A verified refusal shows the platform's own words (e.g. "字段 channelProduct 非法"): the real cause, before any poll.
  const refusal = platformRefusal(result);
  const said = refusal === undefined ? undefined : t('status.rejected', { msg: refusal.slice(0, 60) });
  if (endpoint === 'close') {
    if (result.outcome === 'failed') return statusOf.failed(t('status.notClosed'));
    return statusOf.ok(result.assumed ? t('status.closedAssumed', { reason: said ?? result.reason }) : t('status.closed'));
  }
  if (result.outcome === 'success') return statusOf.ok(result.status ?? t('status.ok'));
  if (result.outcome === 'failed') return statusOf.failed(said ?? result.status ?? result.reason);
  return statusOf.pending(said ?? t('status.pending', { detail: result.status ?? result.reason }));
}

/** The platform's msg when it refused the request in a verified answer (result:false), else undefined. */
export function platformRefusal(result: UppResult): string | undefined {
  const msg = result.envelope?.msg;
  if (result.verified === false || result.envelope?.result !== false || typeof msg !== 'string' || msg.trim() === '') return undefined;
  return msg.trim();
}

export function errorStatus(err: unknown): NodeStatusValue {
  const info = describeError(err);
  return statusOf.error(info.field ? `${info.code}: ${info.field}` : info.code);
}

/**
 * Hands an error to done(err) with the original msg (so a Catch node gets it), after putting the code, field and
 * rule in msg.upp.error (Node-RED's Catch copies only message, code and stack into msg.error).
 */
export function failMessage(msg: NodeMessage, endpoint: EndpointName, err: unknown, lang: 'en' | 'zh', done: DoneFunction): void {
  const error = localizeError(asError(err), lang);
  msg.upp = { endpoint, error: describeError(error) };
  done(error);
}

export function registerActionNode(RED: NodeAPI, type: ActionType): void {
  const spec = ACTIONS[type];
  const t = translator(RED, type);

  function UppActionNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const status = new StatusTracker(node, t);
    const calls = new CallTracker();
    const settings = fieldSettings(spec.endpoint, def);
    const expireMinutes = Number(def.expireMinutes);
    const fieldsFrom = fieldsFromSetting(def);

    node.on('input', (msg: NodeMessage, send: SendFunction, done: DoneFunction) => {
      status.start();
      void calls.run(async (signal) => {
        let routed: { port: number; status: NodeStatusValue } | undefined;
        try {
          const client = configNodeOf(RED, def).getClient();
          if (signal.aborted) throw new UppClientClosedError();
          const input = await readRequest(RED, node, spec.endpoint, settings, msg, { expireMinutes, fieldsFrom });
          const result = await client.call(spec.endpoint, input, { signal, caller: callerOf(node, def) });
          const { payload, upp } = describeResult(result);
          if (spec.endpoint === 'close' && result.outcome === 'pending') upp.assumed = true;
          const refusal = platformRefusal(result);
          if (refusal !== undefined) upp.platformMsg = refusal;
          if (spec.endpoint === 'scanCode' && result.outcome === 'pending' && typeof payload.sign === 'string') upp.payUrl = payload.sign;
          if (typeof upp.payUrl === 'string' && upp.payUrl !== '') upp.qr = await payQr(upp.payUrl);
          msg.payload = payload;
          msg.upp = upp;
          routed = { port: spec.route[result.outcome], status: resultStatus(spec.endpoint, result, t) };
        } catch (err) {
          status.finish(errorStatus(err));
          failMessage(msg, spec.endpoint, err, runtimeLang(t), done);
          return;
        }
        status.finish(routed.status);
        const out: (NodeMessage | null)[] = spec.outputs.map(() => null);
        out[routed.port] = msg;
        sendThenDone(node, msg, () => send(out), done);
      });
    });

    closeAfterCalls(RED, node, calls, status);
  }

  RED.nodes.registerType(type, UppActionNode);
}
