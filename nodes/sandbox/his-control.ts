// Control API routes of the platform's HIS side (nodes/sandbox/his.ts): late and second payments, the HIS view
// URLs, the recorded decisions, asking again, and the day's reconciliation against the HIS bill.
//   POST /_sandbox/orders/<paymentNo>/late-pay   {"channelType"?: "ali"|"ten"|"uni"}  a payment after close/expiry, or a second one
//   GET  /_sandbox/late-payments                 every late payment with its decisions
//   GET  /_sandbox/his                           the view URLs and every decision in order
//   POST /_sandbox/his                           {"orderUrl"?, "billUrl"?} (null or "" removes one)
//   POST /_sandbox/his/recheck                   asks the HIS again now about every payment not refunded
//   POST /_sandbox/reconcile                     {"date": "yyyy-MM-dd"} pulls the HIS bill and reconciles it
import type { HisDesk } from './his';
import { isUppError } from '../core/errors';
import type { SandboxStateError } from './ledger';
import type { ControlReply } from './control';

export async function hisControl(desk: HisDesk, method: string, pathname: string, body: string): Promise<ControlReply | undefined> {
  const parts = pathname.split('/').filter(Boolean).slice(1).map(decodeURIComponent);
  try {
    if (parts[0] === 'orders' && parts[2] === 'late-pay' && parts.length === 3 && method === 'POST') {
      const spec = parseObject(body);
      const late = desk.latePay(parts[1], spec.channelType === undefined ? undefined : String(spec.channelType));
      if (spec.wait === true) await desk.settled();
      return reply(200, spec.wait === true ? desk.latePayment(late.id) : late);
    }
    if (parts[0] === 'late-payments' && parts.length === 1 && method === 'GET') return reply(200, desk.latePayments());
    if (parts[0] === 'his' && parts.length === 1 && method === 'GET') return reply(200, { ...desk.settings, decisions: desk.decisions() });
    if (parts[0] === 'his' && parts.length === 1 && method === 'POST') {
      const spec = parseObject(body);
      type Url = string | null | undefined;
      return reply(200, desk.configure({ orderUrl: spec.orderUrl as Url, billUrl: spec.billUrl as Url }));
    }
    if (parts[0] === 'his' && parts[1] === 'recheck' && parts.length === 2 && method === 'POST') return reply(200, await desk.recheck());
    if (parts[0] === 'reconcile' && parts.length === 1 && method === 'POST') {
      const spec = parseObject(body);
      const result = await desk.reconcile(String(spec.date ?? ''));
      return reply(
        result.ok ? 200 : 502,
        result.ok ? result.report : { error: `HIS bill not available: ${result.answer}: ${result.why}`, answer: result.answer },
      );
    }
  } catch (err) {
    if (isUppError<SandboxStateError>(err, 'ERR_UPP_SANDBOX_STATE')) return reply(err.status, { error: err.message });
    if (err instanceof TypeError || err instanceof SyntaxError) return reply(400, { error: err.message });
    throw err;
  }
  return undefined;
}

const reply = (status: number, json: unknown): ControlReply => ({ status, json });

function parseObject(body: string): Record<string, unknown> {
  const value: unknown = body.trim() === '' ? {} : JSON.parse(body);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('Expected a JSON object');
  return value as Record<string, unknown>;
}
