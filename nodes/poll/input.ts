// Reads what a poll needs from an incoming message: the mode, the keys and the order's expireTime. An action node's
// output can be wired straight in (msg.upp.endpoint, msg.upp.request, msg.upp.paymentNo, ...), and so can a plain
// HIS row in msg.payload. Anything missing or malformed is a bilingual input error naming the field.
import {
  ORDER_BIZ_TYPE,
  UppInputError,
  normalizeAmount,
  validateRequest,
  parseChinaTime,
  formatChinaTime,
  type EndpointName,
} from '../core';
import { isBag, type Bag } from '../core/objects';
import type { PollMode, PollTarget } from './types';

export type ModeSetting = PollMode | 'auto';

/** The pay endpoints (from the schema's endpoint -> bizType map: scanCode, barCode, faceCode), query and close. */
const PAYMENT_ENDPOINTS = new Set([...Object.keys(ORDER_BIZ_TYPE), 'query', 'close']);
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

/**
 * The order's expireTime as epoch ms. Only the documented text "yyyy-MM-dd HH:mm:ss" (China time, UTC+8), a JS Date
 * or a JS number (epoch ms) — a number only when it really is of type number: a digit text such as "202611281541"
 * is not epoch ms (it would read as 1976 and close a live order at once).
 */
export function expireAtOf(raw: unknown): number | undefined {
  if (!present(raw)) return undefined;
  let ms: number | undefined;
  if (raw instanceof Date) ms = raw.getTime();
  else if (typeof raw === 'number' && Number.isInteger(raw) && raw > 0) ms = raw;
  else if (typeof raw === 'string') ms = parseChinaTime(raw.trim());
  if (ms === undefined || !Number.isFinite(ms)) {
    const got = typeof raw === 'string' ? JSON.stringify(raw.slice(0, 40)) : typeof raw;
    throw new UppInputError('expireTime', 'datetime_format', { got });
  }
  return ms;
}

/**
 * The amount the poll checks the answers against: what the pay / refund node sent (msg.upp.request.tradeFee or
 * .refundFee), or, for a plain HIS row without msg.upp, msg.payload's. Never msg.payload after an action node: that
 * is the platform's answer, the very thing being checked.
 */
export function expectedAmountOf(msg: Bag, mode: PollMode): string | undefined {
  const field = mode === 'payment' ? 'tradeFee' : 'refundFee';
  const upp = isBag(msg.upp) ? msg.upp : undefined;
  const source = upp ? (isBag(upp.request) ? upp.request : undefined) : isBag(msg.payload) ? msg.payload : undefined;
  const raw = source?.[field];
  return present(raw) ? normalizeAmount(field, raw) : undefined;
}

/**
 * Adds the amount to a target just made. Set in place, not `{ ...target, expectedAmount }`: on Node 20 that spread
 * gives every object a hidden class of its own, ~300 B more per waiting job (BENCHMARKS.md, poll scale).
 */
function withAmount(target: PollTarget, expectedAmount: string | undefined): PollTarget {
  if (expectedAmount !== undefined) target.expectedAmount = expectedAmount;
  return target;
}

/** Everything the poll needs from a message; throws an UppInputError naming the field. */
export function readTarget(msg: Bag, setting: ModeSetting): PollTarget {
  const mode = modeOf(msg, setting);
  if (mode === 'refund') {
    const requestNo = pick(msg, 'requestNo');
    if (!present(requestNo)) throw missing('requestNo');
    // The core's own rules (type, length) with its bilingual messages.
    const fields = validateRequest('refundQuery', { requestNo });
    return withAmount({ mode, requestNo: String(fields.requestNo) }, expectedAmountOf(msg, mode));
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
  return withAmount({ mode, paymentNo: String(fields.paymentNo), bizType: String(fields.bizType), expireAt }, expectedAmountOf(msg, mode));
}

/** expireAt back as the platform's text, for msg.upp.expireTime. */
export function expireText(expireAt: number | undefined): string | undefined {
  return expireAt === undefined ? undefined : formatChinaTime(expireAt);
}
