// upp-bills: downloads the platform's or the channel's bill for a date range (vendor API §4.9-4.10) through the config
// node's client. Output 1: the rows, whole (msg.payload); output 2: pending, with the reason and nothing of the bill.
// The days and the rows are read by nodes/bills; redeploy hand-over and status work as for the action nodes
// (nodes/lib/action.ts, handover.ts).
import { ENDPOINTS, UppClientClosedError } from './core';
import { billDates, downloadBill, BILL_ENDPOINT, BILL_SOURCES, type BillOutcome, type BillSource } from './bills';
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeStatusValue } from './lib/red';
import { localizeError, runtimeLang, translator, type Translate } from './lib/i18n';
import { StatusTracker, statusOf } from './lib/status';
import { CallTracker } from './lib/calls';
import type { Delivery } from './lib/handover';
import { fieldSettings, readField } from './lib/fields';
import { describeError } from './lib/message';
import { callerOf, configNodeOf } from './lib/config';
import { errorStatus, serveCalls } from './lib/action';
import { asError } from './lib/util';

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

    // Downloads a previous instance left in flight (a redeploy) leave through this one (nodes/lib/action.ts).
    const served = serveCalls(RED, node, { type: TYPE, t, status, calls, handle });
    node.on('close', (removed: boolean, done: () => void) => {
      served.close(removed);
      done();
    });
  }

  RED.nodes.registerType(TYPE, UppBillsNode);
};
