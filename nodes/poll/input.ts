// Reads what a poll needs from an incoming message: the mode, the keys and the order's expireTime. An action node's
// output can be wired straight in (msg.upp.endpoint, msg.upp.request, msg.upp.paymentNo, ...), and so can a plain
// HIS row in msg.payload. Anything missing or malformed is a bilingual input error naming the field.
import { ORDER_BIZ_TYPE, UppInputError, validateRequest, parseChinaTime, formatChinaTime, type EndpointName } from '../core';
import { isBag, type Bag } from '../lib/util';
import type { PollMode, PollTarget } from './types';

export type ModeSetting = PollMode | 'auto';

const PAYMENT_ENDPOINTS = new Set(['scanCode', 'barCode', 'query', 'close']);
const REFUND_ENDPOINTS = new Set(['refund', 'refundQuery']);

const present = (v: unknown) => v !== undefined && v !== null && v !== '';

/** Looks a field up in msg.upp, then msg.upp.request, then msg.payload. */
export function pick(msg: Bag, field: string): unknown {
  const upp = isBag(msg.upp) ? msg.upp : undefined;
  const request = upp && isBag(upp.request) ? upp.request : undefined;
  const payload = isBag(msg.payload) ? msg.payload : undefined;
  for (const bag of [upp, request, payload]) {
    if (bag && present(bag[field])) return bag[field];
  }
  return undefined;
}

function missing(field: string): UppInputError {
  return new UppInputError(field, 'required', {}, { text: 'poll_key_missing' });
}

/** payment or refund: the node's setting, else msg.upp.endpoint, else which key the message carries. */
export function modeOf(msg: Bag, setting: ModeSetting): PollMode {
  if (setting === 'payment' || setting === 'refund') return setting;
  const endpoint = isBag(msg.upp) ? msg.upp.endpoint : undefined;
  if (typeof endpoint === 'string' && PAYMENT_ENDPOINTS.has(endpoint)) return 'payment';
  if (typeof endpoint === 'string' && REFUND_ENDPOINTS.has(endpoint)) return 'refund';
  if (present(pick(msg, 'requestNo'))) return 'refund';
  if (present(pick(msg, 'paymentNo'))) return 'payment';
  throw new UppInputError('mode', 'required', {}, { text: 'poll_mode_unknown' });
}

/** The order's expireTime as epoch ms: "yyyy-MM-dd HH:mm:ss" (China time, UTC+8), a Date or epoch ms. */
export function expireAtOf(raw: unknown): number | undefined {
  if (!present(raw)) return undefined;
  let ms: number | undefined;
  if (raw instanceof Date) ms = raw.getTime();
  else if (typeof raw === 'number' && Number.isInteger(raw) && raw > 0) ms = raw;
  else if (typeof raw === 'string') ms = /^\d{12,14}$/.test(raw) ? Number(raw) : parseChinaTime(raw.trim());
  if (ms === undefined || !Number.isFinite(ms)) {
    const got = typeof raw === 'string' ? JSON.stringify(raw.slice(0, 40)) : typeof raw;
    throw new UppInputError('expireTime', 'datetime_format', { got });
  }
  return ms;
}

/** Everything the poll needs from a message; throws an UppInputError naming the field. */
export function readTarget(msg: Bag, setting: ModeSetting): PollTarget {
  const mode = modeOf(msg, setting);
  if (mode === 'refund') {
    const requestNo = pick(msg, 'requestNo');
    if (!present(requestNo)) throw missing('requestNo');
    // The core's own rules (type, length) with its bilingual messages.
    const fields = validateRequest('refundQuery', { requestNo });
    return { mode, requestNo: String(fields.requestNo) };
  }
  const paymentNo = pick(msg, 'paymentNo');
  if (!present(paymentNo)) throw missing('paymentNo');
  let bizType = pick(msg, 'bizType');
  if (!present(bizType)) {
    const endpoint = isBag(msg.upp) ? msg.upp.endpoint : undefined;
    bizType =
      typeof endpoint === 'string' && Object.hasOwn(ORDER_BIZ_TYPE, endpoint) ? ORDER_BIZ_TYPE[endpoint as EndpointName] : undefined;
  }
  if (!present(bizType)) throw missing('bizType');
  const fields = validateRequest('query', { paymentNo, bizType });
  const expireAt = expireAtOf(pick(msg, 'expireTime'));
  return { mode, paymentNo: String(fields.paymentNo), bizType: String(fields.bizType), expireAt };
}

/** expireAt back as the platform's text, for msg.upp.expireTime. */
export function expireText(expireAt: number | undefined): string | undefined {
  return expireAt === undefined ? undefined : formatChinaTime(expireAt);
}
