// upp-bills: downloads the platform's or the channel's bill for a date range (vendor API §4.9-4.10) through the config
// node's client. Output 1: the rows, whole (msg.payload); output 2: pending, with the reason and nothing of the bill.
// The days and the rows are read by nodes/bills; redeploy hand-over and status work as for the action nodes
// (nodes/lib/action.ts, handover.ts).
import { ENDPOINTS, UppClientClosedError } from './core';
import { billDates, downloadBill, BILL_ENDPOINT, BILL_SOURCES, type BillOutcome, type BillSource } from './bills';
import type { DoneFunction, Node, NodeAPI, NodeDef, NodeMessage, NodeStatusValue, SendFunction } from './lib/red';
import { localizeError, runtimeLang, translator, type Translate } from './lib/i18n';
import { StatusTracker, statusOf } from './lib/status';
import { CallTracker } from './lib/calls';
import { Handover, type Delivery } from './lib/handover';
import { fieldSettings, readField } from './lib/fields';
import { describeError } from './lib/message';
import { callerOf, configNodeOf } from './lib/config';
import { errorStatus, reportUndelivered } from './lib/action';
import { asError, sendThenDone } from './lib/util';

const TYPE = 'upp-bills';

/** The status after a download: green with the row count and the days, yellow ring with why it is pending. */
function outcomeStatus(outcome: BillOutcome, t: Translate): NodeStatusValue {
  const { request, reason, platformMsg } = outcome.upp;
  const days =
    request.startDate === request.endDate ? String(request.startDate) : `${String(request.startDate)}..${String(request.endDate)}`;
  if (outcome.outcome === 'success') return statusOf.ok(t('status.rows', { n: outcome.rows.length, days }));
  if (platformMsg) return statusOf.pending(t('status.rejected', { msg: platformMsg.slice(0, 60) }));
  return statusOf.pending(t('status.pending', { detail: reason, days }));
}

export = function register(RED: NodeAPI): void {
  const t = translator(RED, TYPE);

  function UppBillsNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const status = new StatusTracker(node, t);
    const calls = new CallTracker();
    const source: BillSource = BILL_SOURCES.includes(def.source as BillSource) ? (def.source as BillSource) : 'platform';
    const endpoint = BILL_ENDPOINT[source];
    const settings = fieldSettings(endpoint, def);
    const [startSpec, endSpec] = ENDPOINTS[endpoint].request;

    /** One message, start to finish: what to send (or the error for Catch). Never throws. */
    async function handle(msg: NodeMessage, signal: AbortSignal): Promise<Delivery> {
      try {
        const client = configNodeOf(RED, def).getClient();
        if (signal.aborted) throw new UppClientClosedError();
        const startDate = await readField(RED, node, startSpec, settings.get('startDate'), msg);
        const endDate = await readField(RED, node, endSpec, settings.get('endDate'), msg);
        // Yesterday and today are days of the client's clock on the China calendar (nodes/bills/dates.ts).
        const dates = billDates({ startDate, endDate }, client.options.now());
        const outcome = await downloadBill(client, source, dates, { signal, caller: callerOf(node, def) });
        msg.upp = outcome.upp;
        if (outcome.outcome === 'success') {
          msg.payload = outcome.rows;
          return { msg, out: [msg, null], status: outcomeStatus(outcome, t) };
        }
        // Pending: msg.payload stays what came in (never any of the bill), so output 2 can be wired back to retry.
        return { msg, out: [null, msg], status: outcomeStatus(outcome, t) };
      } catch (err) {
        const error = localizeError(asError(err), runtimeLang(t));
        msg.upp = { endpoint, source, error: describeError(error) };
        return { msg, error, status: errorStatus(err) };
      }
    }

    // Downloads a previous instance left in flight (a redeploy) leave through this one.
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
        const delivery = await handle(msg, signal);
        if (handover.closed) return handover.handOver(delivery);
        status.finish(delivery.status);
        if (delivery.error) done(delivery.error);
        else sendThenDone(node, msg, () => send(delivery.out as (NodeMessage | null)[]), done);
      });
    });

    node.on('close', (removed: boolean, done: () => void) => {
      const inFlight = calls.size;
      status.clear();
      if (inFlight > 0 && !removed) node.log(t('log.handingOver', { n: inFlight }));
      handover.close(inFlight, removed, (delivery) => reportUndelivered(node, TYPE, delivery, t));
      done();
    });
  }

  RED.nodes.registerType(TYPE, UppBillsNode);
};
