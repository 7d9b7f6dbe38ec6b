// upp-his-in: serves one HIS view the platform calls (spec 10: the real-time order before an automatic refund, or
// the bill for reconciliation). Registers POST <url> on Node-RED's HTTP app, checks the caller and the request,
// and sends the validated request on to the database node; upp-his-out answers it (engine: nodes/his/).
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  badAddresses,
  failure,
  hisRequests,
  isAllowed,
  normalizeAddress,
  parseAllow,
  readRequest,
  type HisAnswer,
  type HisKind,
  type OrderViewRequest,
  type BillViewRequest,
} from './his';
import type { HttpApp, HttpLayer, Node, NodeAPI, NodeDef } from './lib/red';
import { translator, type Translate } from './lib/i18n';
import { statusOf } from './lib/status';
import { BodyError, readJsonBody } from './lib/http-body';

const DEFAULT_TIMEOUT_S = 10;
const MAX_TIMEOUT_S = 120;

/**
 * Parameters of a prepared statement: exactly what the view's SQL needs (the order's rows by its HIS serial; the
 * bill's rows by time), since a driver such as sqlite3 refuses a parameter the statement does not use.
 */
function paramsOf(kind: HisKind, request: OrderViewRequest | BillViewRequest): Record<string, string> {
  if (kind === 'bill') {
    const r = request as BillViewRequest;
    return { $startTime: r.startTime, $endTime: r.endTime };
  }
  return { $paymentNo: (request as OrderViewRequest).paymentNo };
}

function writeAnswer(res: ServerResponse, answer: HisAnswer, httpStatus = 200): void {
  if (res.destroyed || res.writableEnded) return;
  const text = JSON.stringify(answer);
  res.writeHead(httpStatus, { 'Content-Type': 'application/json;charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

interface HisInSettings {
  kind: HisKind;
  /** The route, with one leading slash. */
  url: string;
  timeoutMs: number;
  allow: ReturnType<typeof parseAllow>;
}

/** The node's properties checked: the settings, or the sentence that says what is wrong. */
function readSettings(def: NodeDef, t: Translate): HisInSettings | { problem: string } {
  const kind: HisKind | undefined = def.kind === 'order' || def.kind === 'bill' ? def.kind : undefined;
  const url = typeof def.url === 'string' && def.url.trim() ? `/${def.url.trim().replace(/^\/+/, '')}` : '';
  const timeoutSetting = def.timeout === undefined || def.timeout === '' ? DEFAULT_TIMEOUT_S : Number(def.timeout);
  const allow = parseAllow(def.allow);
  if (!kind) return { problem: t('errors.kind', { kind: String(def.kind) }) };
  if (!url) return { problem: t('errors.url') };
  if (!(timeoutSetting > 0 && timeoutSetting <= MAX_TIMEOUT_S)) return { problem: t('errors.timeout', { max: MAX_TIMEOUT_S }) };
  if (badAddresses(allow).length) return { problem: t('errors.allow', { bad: badAddresses(allow).join(', ') }) };
  return { kind, url, timeoutMs: Math.round(timeoutSetting * 1000), allow };
}

export = function register(RED: NodeAPI): void {
  const t = translator(RED, 'upp-his-in');

  function UppHisIn(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const settings = readSettings(def, t);
    const app = RED.httpNode;
    if ('problem' in settings || !app) {
      const problem = 'problem' in settings ? settings.problem : t('errors.noHttp');
      node.error(problem);
      node.status(statusOf.error(problem));
      return;
    }
    const { kind, url, timeoutMs, allow } = settings;
    let waiting = 0;
    const showWaiting = () =>
      node.status(waiting > 0 ? statusOf.busy(t('status.waiting', { n: waiting })) : statusOf.ok(t('status.ready', { url })));
    showWaiting();

    const refuse = (res: ServerResponse, answer: HisAnswer, httpStatus: number, why: string) => {
      writeAnswer(res, answer, httpStatus);
      node.warn(t('warn.refused', { url, why }));
      node.status(statusOf.failed(why));
    };

    /** A valid request: held until upp-his-out answers it (or the timeout does), and sent on to the database. */
    const forward = (request: OrderViewRequest | BillViewRequest, res: ServerResponse, remoteAddress: string) => {
      waiting++;
      showWaiting();
      const pending = hisRequests.add({
        kind,
        request,
        owner: node.id,
        timeoutMs,
        respond: (answer) => {
          waiting--;
          writeAnswer(res, answer);
          showWaiting();
        },
        onTimeout: () => {
          const text = t('warn.timeout', { url, seconds: timeoutMs / 1000, request: JSON.stringify(request) });
          node.warn(text);
          node.status(statusOf.failed(t('status.timeout')));
        },
      });
      node.send({
        payload: { ...request },
        params: paramsOf(kind, request),
        upp: { his: { kind, id: pending.id, url, remoteAddress, receivedAt: pending.receivedAt } },
      });
    };

    const handler = (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
      const remoteAddress = normalizeAddress(req.socket.remoteAddress);
      if (!isAllowed(allow, remoteAddress)) {
        // Drain the body so the connection can be reused, then refuse without looking at it.
        req.resume();
        refuse(
          res,
          failure('not_allowed', { en: remoteAddress, zh: remoteAddress }),
          403,
          t('status.notAllowed', { address: remoteAddress }),
        );
        return;
      }
      readJsonBody(req).then(
        (body) => {
          const read = readRequest(kind, body);
          if (read.ok) forward(read.request, res, remoteAddress);
          else refuse(res, failure('bad_request', read.problem), 200, `${t('status.badRequest')}: ${read.problem.field}`);
        },
        (err: unknown) => {
          const body = err instanceof BodyError ? err : new BodyError('not_json');
          const status = body.problem === 'too_large' ? 413 : 200;
          refuse(res, failure('bad_request', { en: body.message, zh: body.messageZh }), status, t('status.badRequest'));
        },
      );
    };
    app.post(url, handler);

    node.on('close', (_removed: boolean, done: () => void) => {
      // Whatever is still waiting gets its result:false now: the platform asks again later, never sees silence.
      hisRequests.closeOwner(node.id);
      removeRoute(app, url, handler);
      node.status({});
      done();
    });
  }

  RED.nodes.registerType('upp-his-in', UppHisIn);
};

/** Removes this node's POST route (only its own handler: another node may serve the same path meanwhile). */
function removeRoute(app: HttpApp, url: string, handler: unknown): void {
  const router = app._router ?? app.router;
  if (!router) return;
  const ours = (layer: HttpLayer) => layer.route?.path === url && layer.route.methods.post && routeHandlers(layer).includes(handler);
  // In place, as Node-RED's own http in does: the router keeps this very array.
  for (let i = router.stack.length - 1; i >= 0; i--) if (ours(router.stack[i])) router.stack.splice(i, 1);
}

/** The handler functions of a route layer (so only this node's route is removed, not another node's on the same path). */
function routeHandlers(layer: HttpLayer): unknown[] {
  const stack = (layer.route as { stack?: Array<{ handle?: unknown }> } | undefined)?.stack ?? [];
  return stack.map((s) => s.handle);
}
