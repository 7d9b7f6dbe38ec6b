// The seven action nodes share this: read the request fields, call the endpoint on the config node's client,
// route the result by outcome, show status, and hand anything that proves nothing happened to done(err).
import { UppClientClosedError, type CallOptions, type EndpointName, type Outcome, type UppResult } from '../core';
import type { DoneFunction, Node, NodeAPI, NodeDef, NodeMessage, NodeStatusValue, SendFunction } from './red';
import { localizeError, runtimeLang, translator, type Translate } from './i18n';
import { StatusTracker, statusOf } from './status';
import { CallTracker } from './calls';
import { Handover, recordUndelivered, type Delivery } from './handover';
import { expectedAmountSetting, fieldSettings, fieldsFromSetting, readExpectedAmount, readRequest, type ReadOptions } from './fields';
import { describeError, describeResult } from './message';
import { callerOf, configNodeOf } from './config';
import { payQr } from './qr';
import { asError, sendThenDone } from './util';

export type ActionType = 'upp-scancode' | 'upp-barcode' | 'upp-facecode' | 'upp-query' | 'upp-refund' | 'upp-refund-query' | 'upp-close';

export interface ActionSpec {
  endpoint: EndpointName;
  /** Output names, in order (keys of `<type>.outputs.*` in the catalogs). */
  outputs: readonly string[];
  /** Which output each outcome goes to. */
  route: Record<Outcome, number>;
  /** Reads that send no amount: the answer's amount field compared with the node's "expected amount". */
  expectedAmount?: 'tradeFee' | 'refundFee';
}

/** The outcome table of docs/design.md, per node. */
export const ACTIONS: Record<ActionType, ActionSpec> = {
  'upp-scancode': { endpoint: 'scanCode', outputs: ['paid', 'pending'], route: { success: 0, pending: 1, failed: 1 } },
  'upp-barcode': { endpoint: 'barCode', outputs: ['paid', 'pending'], route: { success: 0, pending: 1, failed: 1 } },
  'upp-facecode': { endpoint: 'faceCode', outputs: ['paid', 'pending'], route: { success: 0, pending: 1, failed: 1 } },
  'upp-query': {
    endpoint: 'query',
    outputs: ['paid', 'pending', 'failed'],
    route: { success: 0, pending: 1, failed: 2 },
    expectedAmount: 'tradeFee',
  },
  'upp-refund': { endpoint: 'refund', outputs: ['refunded', 'pending', 'failed'], route: { success: 0, pending: 1, failed: 2 } },
  'upp-refund-query': {
    endpoint: 'refundQuery',
    outputs: ['refunded', 'pending', 'failed'],
    route: { success: 0, pending: 1, failed: 2 },
    expectedAmount: 'refundFee',
  },
  // The core says closed (success, assumed when no trustworthy answer came), not closed (failed: isCloseOrder N), or
  // pending only for a verified answer that is not about this order (mismatch, missing_field): never "closed".
  'upp-close': { endpoint: 'close', outputs: ['closed', 'notClosed'], route: { success: 0, pending: 1, failed: 1 } },
};

/** Reasons of a verified answer that is not bound to its request (nodes/core/binding.ts). */
const UNBOUND: ReadonlySet<string> = new Set(['mismatch', 'missing_field']);

/** "tradeFee: expected 1000.00, received 0.01; paymentNo: ..." or the missing fields' names. */
export function unboundFields(result: UppResult): string {
  if (result.reason === 'mismatch' && result.mismatch) {
    return Object.entries(result.mismatch)
      .map(([field, m]) => `${field}: ${m.expected} ≠ ${m.received ?? '∅'}`)
      .join('; ');
  }
  return (result.missing ?? []).join(', ');
}

/** Status after a result: green = final success, yellow ring = pending (with why), red dot = definite failure. */
export function resultStatus(endpoint: EndpointName, result: UppResult, t: Translate): NodeStatusValue {
  // A verified refusal shows the platform's own words (e.g. "字段 channelProduct 非法"): the real cause, before any poll.
  const refusal = platformRefusal(result);
  const said = refusal === undefined ? undefined : t('status.rejected', { msg: refusal.slice(0, 60) });
  if (UNBOUND.has(result.reason) && result.outcome === 'pending') {
    const text = t(result.reason === 'mismatch' ? 'status.mismatch' : 'status.missingField', {
      fields: unboundFields(result).slice(0, 60),
    });
    return endpoint === 'close' ? statusOf.failed(`${t('status.notClosed')}: ${text}`) : statusOf.pending(text);
  }
  if (endpoint === 'scanCode' && result.outcome === 'pending' && result.reason === 'not_final' && !result.payUrlVerified) {
    return statusOf.pending(t('status.payUrlUnverified'));
  }
  if (endpoint === 'close') {
    if (result.outcome !== 'success') return statusOf.failed(t('status.notClosed'));
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

/** "paymentNo P1, requestNo R1": the ids of a call, for log lines (never a key or a sign). */
export function idsOf(upp: { paymentNo?: unknown; requestNo?: unknown }): string {
  return [
    upp.paymentNo === undefined ? '' : `paymentNo ${String(upp.paymentNo)}`,
    upp.requestNo === undefined ? '' : `requestNo ${String(upp.requestNo)}`,
  ]
    .filter(Boolean)
    .join(', ');
}

export function errorStatus(err: unknown): NodeStatusValue {
  const info = describeError(err);
  return statusOf.error(info.field ? `${info.code}: ${info.field}` : info.code);
}

/**
 * An outcome whose node is gone (deleted, or the flows started without it): a warning naming the ids and the outcome,
 * and a record in the global context (nodes/lib/handover.ts, UNDELIVERED_KEY), so a person can follow it up.
 */
export function reportUndelivered(node: Node, type: string, delivery: Delivery, t: Translate): void {
  const upp = (delivery.msg.upp ?? {}) as Record<string, unknown>;
  const request = (upp.request ?? {}) as Record<string, unknown>;
  const paymentNo = upp.paymentNo ?? request.paymentNo;
  const requestNo = upp.requestNo ?? request.requestNo;
  const outcome = delivery.error
    ? `error ${(delivery.error as { code?: string }).code ?? delivery.error.message}`
    : `${String(upp.outcome)} (${String(upp.reason)})`;
  node.warn(t('warn.undelivered', { ids: idsOf({ paymentNo, requestNo }) || '-', outcome }));
  try {
    const global = (node.context() as { global: Parameters<typeof recordUndelivered>[0] }).global;
    recordUndelivered(global, {
      at: new Date().toISOString(),
      nodeId: node.id,
      type,
      endpoint: upp.endpoint,
      outcome: upp.outcome,
      reason: upp.reason,
      tradeStatus: upp.tradeStatus,
      paymentNo,
      requestNo,
      error: delivery.error ? ((delivery.error as { code?: string }).code ?? delivery.error.message) : undefined,
    });
  } catch (err) {
    node.warn(t('warn.undeliveredRecord', { error: asError(err).message }));
  }
}

/**
 * A call that ended in an error: the original msg goes to Catch with the code, field and rule in msg.upp.error
 * (Node-RED's Catch copies only message, code and stack into msg.error).
 */
export function errorDelivery(msg: NodeMessage, endpoint: EndpointName, err: unknown, lang: 'en' | 'zh'): Delivery {
  const error = localizeError(asError(err), lang);
  msg.upp = { endpoint, error: describeError(error) };
  return { msg, error, status: errorStatus(err) };
}

/**
 * A result as the message leaves the node: msg.payload and msg.upp, the pay URL and its QR code for a scan-code
 * order, the output its outcome goes to and the status; a warning when the answer was about another order.
 */
async function resultDelivery(spec: ActionSpec, node: Node, t: Translate, msg: NodeMessage, result: UppResult): Promise<Delivery> {
  const { payload, upp } = describeResult(result);
  const refusal = platformRefusal(result);
  if (refusal !== undefined) upp.platformMsg = refusal;
  if (spec.endpoint === 'scanCode' && result.outcome === 'pending') {
    // Only a pay URL a signature covers is the order's pay URL (issue 10 item 4); describeResult already left
    // an unauthenticated one out of msg.payload.
    if (result.payUrlVerified && typeof payload.sign === 'string') upp.payUrl = payload.sign;
    else if (result.reason === 'not_final') upp.reason = 'pay_url_unverified';
  }
  if (typeof upp.payUrl === 'string' && upp.payUrl !== '') upp.qr = await payQr(upp.payUrl);
  if (UNBOUND.has(result.reason)) node.warn(t(`warn.${result.reason}`, { ids: idsOf(upp), fields: unboundFields(result) }));
  msg.payload = payload;
  msg.upp = upp;
  const out: (NodeMessage | null)[] = spec.outputs.map(() => null);
  out[spec.route[result.outcome]] = msg;
  return { msg, out, status: resultStatus(spec.endpoint, result, t) };
}

/** One message, start to finish: what to send, or the error for Catch. Never throws. */
type CallHandler = (msg: NodeMessage, signal: AbortSignal) => Promise<Delivery>;

/**
 * The message side of a node that makes one call per message (the action nodes, the network test): the status
 * while calls run, each outcome sent (or handed to done as the error for Catch), and the hand-over: outcomes of
 * calls a previous instance left in flight (a redeploy) leave through this one. `close` on the node's close: the
 * calls in flight keep running and their outcomes go to the instance that replaces this one, or, for a deleted
 * node, are warned about and recorded (reportUndelivered).
 */
export function serveCalls(
  RED: NodeAPI,
  node: Node,
  o: { type: string; t: Translate; status: StatusTracker; calls: CallTracker; handle: CallHandler },
): { close(removed: boolean): void } {
  const { type, t, status, calls } = o;
  const handover = new Handover(RED, node, {
    deliver(delivery) {
      status.set(delivery.status);
      if (delivery.error) node.error(delivery.error, delivery.msg);
      else sendThenDone(node, delivery.msg, () => node.send(delivery.out as (NodeMessage | null)[]), undefined);
    },
  });

  node.on('input', (msg: NodeMessage, send: SendFunction, done: DoneFunction) => {
    status.start();
    void calls.run(async (signal) => {
      const delivery = await o.handle(msg, signal);
      if (handover.closed) return handover.handOver(delivery);
      status.finish(delivery.status);
      if (delivery.error) done(delivery.error);
      else sendThenDone(node, msg, () => send(delivery.out as (NodeMessage | null)[]), done);
    });
  });

  return {
    close(removed) {
      const inFlight = calls.size;
      status.clear();
      if (inFlight > 0 && !removed) node.log(t('log.handingOver', { n: inFlight }));
      handover.close(inFlight, removed, (delivery) => reportUndelivered(node, type, delivery, t));
    },
  };
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
    const fieldsFrom = fieldsFromSetting(def);
    const readOptions: ReadOptions = { expireMinutes: Number(def.expireMinutes), fieldsFrom };
    const expected = expectedAmountSetting(def);
    // Shared by this node's calls (the client copies it into its diagnostics events); frozen so no reader changes it.
    const caller = Object.freeze(callerOf(node, def));

    const lang = () => runtimeLang(t);

    /** One message, start to finish: what to send (or the error for Catch). Never throws. */
    async function handle(msg: NodeMessage, signal: AbortSignal): Promise<Delivery> {
      try {
        const client = configNodeOf(RED, def).getClient();
        if (signal.aborted) throw new UppClientClosedError();
        const input = await readRequest(RED, node, spec.endpoint, settings, msg, readOptions);
        const expectedAmount = spec.expectedAmount
          ? await readExpectedAmount(RED, node, spec.expectedAmount, expected, msg, fieldsFrom)
          : undefined;
        const result = await client.call(spec.endpoint, input, {
          signal,
          caller,
          expectedAmount: expectedAmount as CallOptions['expectedAmount'],
        });
        return await resultDelivery(spec, node, t, msg, result);
      } catch (err) {
        return errorDelivery(msg, spec.endpoint, err, lang());
      }
    }

    const served = serveCalls(RED, node, { type, t, status, calls, handle });
    // Nothing waits on close, so a deploy is not held up (a redeployed connection aborts its own calls after
    // uppCloseGraceMs).
    node.on('close', (removed: boolean, done: () => void) => {
      served.close(removed);
      done();
    });
  }

  RED.nodes.registerType(type, UppActionNode);
}
