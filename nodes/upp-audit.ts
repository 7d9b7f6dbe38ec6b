// upp-audit: no input, like catch and status. Emits one message per HTTP attempt the UPP nodes make (all of them,
// or those of chosen config nodes / endpoints): the request body as sent (signature, never the key), the response
// text as received, outcome, reason, verification variant, timings and ids. The engine is nodes/ops/audit.ts.
import type { Node, NodeAPI, NodeDef } from './lib/red';
import { auditHub, type AuditRecord } from './ops';
import { translator } from './lib/i18n';
import { statusOf } from './lib/status';

function idList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  return typeof value === 'string' && value !== ''
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

/** Status refreshes at most this often: a busy hospital makes many calls, the status needs only the count. */
const STATUS_MS = 1000;

export = function register(RED: NodeAPI): void {
  const t = translator(RED, 'upp-audit');

  function UppAudit(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const filter = { configs: idList(def.configs), endpoints: idList(def.endpoints) };
    let count = 0;
    let timer: NodeJS.Timeout | undefined;
    const showCount = () => {
      timer = undefined;
      node.status(statusOf.info(t('status.records', { n: count })));
    };
    const stop = auditHub.add(filter, (record: AuditRecord) => {
      count += 1;
      node.send({ topic: `upp/audit/${record.endpoint}`, payload: record });
      if (!timer) timer = setTimeout(showCount, STATUS_MS);
    });
    node.on('close', (_removed: boolean, done: () => void) => {
      stop();
      if (timer) clearTimeout(timer);
      node.status({});
      done();
    });
  }

  RED.nodes.registerType('upp-audit', UppAudit);
};
