// upp-his-out: answers the HIS view request that upp-his-in received, from the database rows in msg.payload.
// result:true with the rows only when a database result (an array) arrived; msg.error (wire a Catch here), no
// array, or an invalid row answers result:false: an empty list by mistake would make the platform refund a payment
// the hospital kept (spec 6, 10). Never raises an error itself, so a Catch wired here cannot loop.
import { answerFrom, hisRequests } from './his';
import type { DoneFunction, Node, NodeAPI, NodeDef, NodeMessage } from './lib/red';
import { translator } from './lib/i18n';
import { statusOf } from './lib/status';

export = function register(RED: NodeAPI): void {
  const t = translator(RED, 'upp-his-out');

  function UppHisOut(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;

    node.on('input', (msg: NodeMessage, _send: unknown, done: DoneFunction) => {
      const his = (msg.upp as { his?: { id?: unknown } } | undefined)?.his;
      const pending = hisRequests.get(his?.id);
      if (!pending) {
        // Already answered (the timeout came first) or not a message from upp-his-in: nothing to answer.
        node.warn(t(his?.id ? 'warn.late' : 'warn.noRequest', { id: String(his?.id ?? '') }));
        node.status(statusOf.pending(t(his?.id ? 'status.late' : 'status.noRequest')));
        done();
        return;
      }
      const outcome = answerFrom(pending.kind, pending.request, msg.payload, msg.error);
      if (!hisRequests.answer(pending.id, outcome.answer)) {
        node.warn(t('warn.late', { id: pending.id }));
        done();
        return;
      }
      if (outcome.answer.result) {
        node.status(statusOf.ok(t('status.answered', { n: outcome.rows ?? 0 })));
      } else {
        node.status(statusOf.failed(`${t('status.failed')}: ${outcome.reason}`));
        node.warn(t('warn.failed', { kind: pending.kind, request: JSON.stringify(pending.request), msg: outcome.answer.msg }));
      }
      done();
    });
  }

  RED.nodes.registerType('upp-his-out', UppHisOut);
};
