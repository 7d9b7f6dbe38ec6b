// The control API: plain, unsigned JSON at the origin root (whatever the prefix) for tests and demos to look inside
// the sandbox and steer it. Each route calls the same method as the programmatic API, so both behave alike.
import type { EndpointName } from '../core/schema';
import { isUppError } from '../core/errors';
import type { SandboxStateError } from './ledger';
import type { FaultName, FaultOptions, RequestFilter, Sandbox } from './types';

/** What the control API drives: the programmatic API's own methods, plus the settings summary. */
export type Controls = Pick<
  Sandbox,
  'requests' | 'clearRequests' | 'order' | 'orders' | 'refund' | 'refunds' | 'pay' | 'decline' | 'expire' | 'armFault' | 'reset'
> & { info(): Record<string, unknown> };

export interface ControlReply {
  status: number;
  json: unknown;
}

const MOVES = { pay: 'pay', decline: 'decline', expire: 'expire' } as const;

/** Routes one control request; `undefined` when no control route matches (the caller answers 404). */
export function control(api: Controls, method: string, pathname: string, query: URLSearchParams, body: string): ControlReply | undefined {
  const parts = pathname.split('/').filter(Boolean).slice(1).map(decodeURIComponent); // drop "_sandbox"
  const [what, id, move] = parts;
  try {
    if (parts.length === 0 && method === 'GET') return reply(200, api.info());
    if (what === 'requests' && parts.length === 1) {
      if (method === 'GET') {
        const filter: RequestFilter = {};
        for (const name of ['endpoint', 'paymentNo', 'requestNo'] as const) if (query.get(name)) filter[name] = query.get(name) as string;
        return reply(200, api.requests(filter));
      }
      if (method === 'DELETE') return (api.clearRequests(), reply(200, { ok: true }));
    }
    if (what === 'orders' && method === 'GET' && parts.length === 1) return reply(200, api.orders());
    if (what === 'orders' && method === 'GET' && parts.length === 2)
      return found(api.order(id), `No order with paymentNo ${JSON.stringify(id)}`);
    if (what === 'orders' && method === 'POST' && parts.length === 3 && move in MOVES) {
      api[MOVES[move as keyof typeof MOVES]](id);
      return reply(200, api.order(id));
    }
    if (what === 'refunds' && method === 'GET' && parts.length === 1) return reply(200, api.refunds());
    if (what === 'refunds' && method === 'GET' && parts.length === 2)
      return found(api.refund(id), `No refund with requestNo ${JSON.stringify(id)}`);
    if (what === 'faults' && method === 'POST' && parts.length === 1) {
      const spec = parseObject(body);
      const options: FaultOptions = {};
      if (spec.endpoint !== undefined) options.endpoint = spec.endpoint as EndpointName;
      if (spec.times !== undefined) options.times = spec.times as number;
      if (spec.paymentNo !== undefined) options.paymentNo = String(spec.paymentNo);
      if (spec.requestNo !== undefined) options.requestNo = String(spec.requestNo);
      if (spec.field !== undefined) options.field = spec.field as string;
      if (spec.value !== undefined) options.value = spec.value as FaultOptions['value'];
      api.armFault(spec.fault as FaultName, options);
      return reply(200, { ok: true, fault: spec.fault, ...options });
    }
    if (what === 'reset' && method === 'POST' && parts.length === 1) return (api.reset(), reply(200, { ok: true }));
  } catch (err) {
    if (isUppError<SandboxStateError>(err, 'ERR_UPP_SANDBOX_STATE')) return reply(err.status, { error: err.message });
    if (err instanceof TypeError || err instanceof SyntaxError) return reply(400, { error: err.message });
    throw err;
  }
  return undefined;
}

const reply = (status: number, json: unknown): ControlReply => ({ status, json });
const found = (value: unknown, message: string): ControlReply => (value === undefined ? reply(404, { error: message }) : reply(200, value));

function parseObject(body: string): Record<string, unknown> {
  const value: unknown = body.trim() === '' ? {} : JSON.parse(body);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('Expected a JSON object');
  return value as Record<string, unknown>;
}
