// The admin endpoints behind the UPP sidebar, on any express-like app (Node-RED's RED.httpAdmin). Reading needs
// `upp.read`, acting needs `upp.write` (RED.auth.needsPermission). What they return is ids, counts, reasons and
// timings: never the key, never a message.
import { openJobs } from '../poll/registry';
import type { OpenJobView } from '../poll/stats';
import type { UppClient, UppResult } from '../core';
import { isBag } from '../core/objects';
import { monitor, type AttentionItem, type ConfigView } from './monitor';

export const ROUTE_BASE = '/upp/ops';
/** The comms topic on which editors hear that the data changed (no data on it: they fetch ROUTE_BASE). */
export const COMMS_TOPIC = 'upp/ops';

type Handler = (req: Request, res: Response) => void;
type Middleware = (req: unknown, res: unknown, next: () => void) => void;

interface Request {
  params: Record<string, string>;
  body?: unknown;
}

interface Response {
  json(body: unknown): void;
  status(code: number): Response;
}

export interface AdminApp {
  get(path: string, guard: Middleware, handler: Handler): void;
  post(path: string, guard: Middleware, second: Middleware | Handler, third?: Handler): void;
}

/** What the routes need from the runtime: the deployed config nodes and their clients. */
export interface OpsRuntime {
  /** Deployed (or defined) upp-config nodes: id and name. */
  configs(): { id: string; name?: string }[];
  /** The client of a deployed config node (throws a config error when it is incomplete or missing). */
  client(configId: string): UppClient;
  needsPermission(permission: string): Middleware;
  /** JSON body parser middleware (the admin app's own, when it has none). */
  jsonBody: Middleware;
  now?: () => number;
}

export interface OpsSnapshot {
  now: number;
  configs: (ConfigView & { polls: OpenJobView[] })[];
  attention: AttentionItem[];
}

export function snapshot(runtime: OpsRuntime): OpsSnapshot {
  const deployed = new Set(runtime.configs().map((c) => c.id));
  const known = new Map(runtime.configs().map((c) => [c.id, c.name]));
  for (const id of monitor.configIds()) if (!known.has(id)) known.set(id, undefined);
  const configs = [...known]
    .map(([id, name]) => ({
      ...monitor.config(id),
      name: name || undefined,
      polls: openJobs(id).sort((a, b) => a.startedAt - b.startedAt),
    }))
    // A config node removed since: shown only while it has calls of the last hour or polls still running.
    .filter((c) => deployed.has(c.id) || c.endpoints.length > 0 || c.polls.length > 0);
  return { now: (runtime.now ?? Date.now)(), configs, attention: monitor.attention() };
}

/** A query result reduced to what the sidebar shows. */
export function queryView(result: UppResult): { outcome: string; status?: string; reason: string; verified: string | false; msg?: string } {
  return {
    outcome: result.outcome,
    status: result.status,
    reason: result.reason,
    verified: result.verified,
    msg: result.envelope?.msg || undefined,
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function errorBody(err: unknown): { code?: string; message: string; messageZh?: string; field?: string } {
  const e = err as { code?: unknown; message?: unknown; messageZh?: unknown; field?: unknown };
  return {
    code: typeof e?.code === 'string' ? e.code : undefined,
    message: typeof e?.message === 'string' ? e.message : String(err),
    messageZh: typeof e?.messageZh === 'string' ? e.messageZh : undefined,
    field: typeof e?.field === 'string' ? e.field : undefined,
  };
}

export function registerRoutes(app: AdminApp, runtime: OpsRuntime): void {
  const read = runtime.needsPermission('upp.read');
  const write = runtime.needsPermission('upp.write');

  app.get(ROUTE_BASE, read, (_req, res) => {
    res.json(snapshot(runtime));
  });

  app.post(`${ROUTE_BASE}/attention/:id/dismiss`, write, (req: Request, res: Response) => {
    if (monitor.dismiss(req.params.id)) res.json({ ok: true });
    else res.status(404).json({ code: 'not_found', message: `no item ${req.params.id}` });
  });

  // "Query this payment now": one query (or refund query) on the config node's client, through the same code as
  // the nodes (validation, signing, verification, the audit stream). The answer is shown; nothing is decided here.
  app.post(`${ROUTE_BASE}/query`, write, runtime.jsonBody, (req: Request, res: Response) => {
    const body = isBag(req.body) ? req.body : {};
    const item = text(body.item) ? monitor.item(String(body.item)) : undefined;
    const config = text(body.config) ?? item?.config;
    const requestNo = text(body.requestNo) ?? item?.requestNo;
    const paymentNo = text(body.paymentNo) ?? item?.paymentNo;
    const bizType = text(body.bizType) ?? item?.bizType;
    if (!config || !runtime.configs().some((c) => c.id === config)) {
      res.status(400).json({
        code: 'ERR_UPP_CONFIG',
        field: 'config',
        message: 'config must name a deployed upp-config node',
        messageZh: 'config 必须是已部署的 upp-config 节点',
      });
      return;
    }
    const caller = { node: 'upp-ops', config };
    let call: Promise<UppResult>;
    try {
      const client = runtime.client(config);
      call = requestNo ? client.refundQuery({ requestNo }, { caller }) : client.query({ paymentNo, bizType }, { caller });
    } catch (err) {
      res.status(400).json(errorBody(err));
      return;
    }
    call.then(
      (result) => {
        const view = queryView(result);
        if (item)
          monitor.noteQuery(item.id, {
            time: (runtime.now ?? Date.now)(),
            outcome: view.outcome,
            status: view.status,
            reason: view.reason,
          });
        res.json(view);
      },
      (err) => res.status(errorBody(err).code === 'ERR_UPP_NOT_SENT' ? 502 : 400).json(errorBody(err)),
    );
  });
}
