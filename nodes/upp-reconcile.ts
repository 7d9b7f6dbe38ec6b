// upp-reconcile: one day's bill (from upp-bills) against the HIS bill (from a database node). Output 1 gets a
// balanced day, output 2 a day that needs a person (discrepancies, flagged rows, unreadable rows, an empty side).
import { reconcile, readSources, type ReconcileReport } from './reconcile';
import type { DoneFunction, Node, NodeAPI, NodeDef, NodeMessage, SendFunction } from './lib/red';
import { localizeError, runtimeLang, translator } from './lib/i18n';
import { statusOf } from './lib/status';
import { errorStatus } from './lib/action';
import { describeError } from './lib/message';

const ROW_SOURCES = ['msg', 'flow', 'global'];

export = function register(RED: NodeAPI): void {
  const t = translator(RED, 'upp-reconcile');

  function read(node: Node, value: unknown, type: unknown, msg: NodeMessage, fallback: string): unknown {
    const t0 = typeof type === 'string' && type !== '' ? type : 'msg';
    const v = typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
    if (v === '') return undefined;
    return RED.util.evaluateNodeProperty(v, t0, node, msg);
  }

  function statusText(report: ReconcileReport) {
    switch (report.status) {
      case 'balanced':
        return statusOf.ok(t('status.balanced', { date: report.date, n: report.matched.pay.count + report.matched.refund.count }));
      case 'empty_side':
        return statusOf.pending(t(`status.empty.${report.emptySide}`, { date: report.date }));
      case 'both_empty':
        return statusOf.pending(t('status.bothEmpty', { date: report.date }));
      default:
        return statusOf.pending(
          t('status.discrepancies', {
            date: report.date,
            n: report.discrepancies.length + report.invalid.length,
            flagged: report.flagged.length,
          }),
        );
    }
  }

  function UppReconcile(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const billType = ROW_SOURCES.includes(String(def.billType)) ? String(def.billType) : 'msg';
    const hisType = ROW_SOURCES.includes(String(def.hisType)) ? String(def.hisType) : 'msg';

    node.on('input', (msg: NodeMessage, send: SendFunction, done: DoneFunction) => {
      let report: ReconcileReport;
      try {
        const sources = readSources({
          bill: read(node, def.bill, billType, msg, 'bill'),
          his: read(node, def.his, hisType, msg, 'payload'),
          date: read(node, def.date, def.dateType, msg, ''),
          upp: msg.upp,
          source: def.source === 'platform' || def.source === 'channel' ? def.source : '',
          now: Date.now(),
        });
        report = reconcile(sources);
      } catch (err) {
        const error = err instanceof Error ? localizeError(err, runtimeLang(t)) : new Error(String(err));
        node.status(errorStatus(error));
        msg.upp = { ...(msg.upp as object), error: describeError(error) };
        done(error);
        return;
      }
      msg.payload = report;
      msg.upp = { ...(msg.upp as object), reconcile: { date: report.date, source: report.source, status: report.status } };
      node.status(statusText(report));
      try {
        send(report.status === 'balanced' ? [msg, null] : [null, msg]);
        done();
      } catch (err) {
        done(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  RED.nodes.registerType('upp-reconcile', UppReconcile);
};
