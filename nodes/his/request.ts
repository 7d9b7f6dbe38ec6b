// Reading the platform's request to a HIS view (spec 10): the fields of the kind, each checked, nothing else kept.
// A bad request is answered result:false naming the field, and never reaches the database.
import { parseChinaTime } from '../core/codec/time';
import { isBag } from '../core/objects';
import type { BillViewRequest, HisKind, HisRequest, OrderViewRequest, Problem } from './types';

export type RequestReading = { ok: true; request: HisRequest } | { ok: false; problem: Problem };

/** Serial limits of spec 10.2: the HIS and platform serials String(32), the channel serial String(64). */
const ORDER_FIELDS: ReadonlyArray<{ field: keyof OrderViewRequest; required: boolean; max: number }> = [
  { field: 'paymentNo', required: true, max: 32 },
  { field: 'outPaymentNo', required: true, max: 32 },
  { field: 'inPaymentNo', required: false, max: 64 },
];

function problem(field: string, en: string, zh: string): RequestReading {
  return { ok: false, problem: { field, en: `field ${field}: ${en}`, zh: `字段 ${field} ${zh}` } };
}

export function readRequest(kind: HisKind, body: unknown): RequestReading {
  if (!isBag(body)) return problem('body', 'the request must be a JSON object', '请求必须是 JSON 对象');
  return kind === 'order' ? readOrderRequest(body) : readBillRequest(body);
}

function readOrderRequest(body: Record<string, unknown>): RequestReading {
  const request: Partial<OrderViewRequest> = {};
  for (const { field, required, max } of ORDER_FIELDS) {
    const value = body[field];
    if (value === undefined || value === null || value === '') {
      if (required) return problem(field, 'is required', '不能为空');
      continue;
    }
    // Serials are text; a JSON number would have lost digits already, so it is refused rather than guessed.
    if (typeof value !== 'string') return problem(field, 'must be a string', '必须是字符串');
    if (value.length > max) return problem(field, `is longer than ${max} characters`, `长度超过 ${max}`);
    if (/[\u0000-\u001f]/.test(value)) return problem(field, 'contains control characters', '含有控制字符');
    request[field] = value;
  }
  return { ok: true, request: request as OrderViewRequest };
}

function readBillRequest(body: Record<string, unknown>): RequestReading {
  const times: Partial<Record<keyof BillViewRequest, number>> = {};
  for (const field of ['startTime', 'endTime'] as const) {
    const value = body[field];
    if (value === undefined || value === null || value === '') return problem(field, 'is required', '不能为空');
    const at = typeof value === 'string' ? parseChinaTime(value) : undefined;
    if (at === undefined) return problem(field, 'must be a time yyyy-MM-dd HH:mm:ss', '必须是 yyyy-MM-dd HH:mm:ss 格式的时间');
    times[field] = at;
  }
  if ((times.startTime as number) > (times.endTime as number)) return problem('endTime', 'is before startTime', '早于 startTime');
  return { ok: true, request: { startTime: body.startTime as string, endTime: body.endTime as string } };
}
