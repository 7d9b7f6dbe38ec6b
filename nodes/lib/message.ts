// The output message contract: msg.payload = the response data (amounts as exact strings), msg.upp = what
// happened. Every other msg property is kept (msg.req / msg.res of an HTTP In node must survive).
import { ORDER_BIZ_TYPE, UNEXPECTED_CODE, type EndpointName, type UppResult } from '../core';

export interface UppMeta {
  endpoint: EndpointName;
  outcome: 'success' | 'pending' | 'failed';
  /** data.tradeStatus of a verified answer (for close: data.isCloseOrder). */
  tradeStatus?: string;
  /** Envelope fields: result (boolean), kind ("0" = success), msg (the platform's reason, Chinese). */
  result?: boolean;
  kind?: string;
  msg?: string;
  /**
   * The platform's msg when a verified answer refused the request (result:false), e.g. "字段 channelProduct 非法":
   * the real cause, also in the node status (nodes/lib/action.ts).
   */
  platformMsg?: string;
  /** Which verification variant matched ("v1", "v2/no-data-sign", ...), or false. */
  verified: string | false;
  /** True when a rule, not the platform, decided (a close counted as closed). */
  assumed: boolean;
  /** Why: final, not_final, rejected, timeout, connection_reset, aborted, http_status, unparsable, bad_signature, unsigned. */
  reason: string;
  detail?: string;
  httpStatus?: number;
  /** The request fields as sent: no key, no sign. */
  request: Record<string, unknown>;
  /** The response envelope (without data, which is msg.payload). */
  response?: Record<string, unknown>;
  attempts: number;
  elapsedMs: number;
  bizType?: string;
  paymentNo?: string;
  requestNo?: string;
  expireTime?: string;
  isCloseOrder?: string;
  payUrl?: string;
  /** The pay URL drawn as a QR code (nodes/lib/qr.ts): { text, svg, png } or { text, error }. */
  qr?: { text: string; svg?: string; png?: string; error?: string };
  /** The data of an answer whose signature did not verify: never trust it; it is not in msg.payload. */
  unverifiedData?: Record<string, unknown>;
  /** Fields of a verified answer that are about another request (reason `mismatch`): {field: {expected, received}}. */
  mismatch?: Record<string, { expected: string; received: string | null }>;
  /** Required fields a verified answer lacks (reason `missing_field`). */
  missing?: string[];
  /** The data of a verified answer about another request (reason `mismatch`): never act on it; not in msg.payload. */
  unboundData?: Record<string, unknown>;
  [extra: string]: unknown;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

export function describeResult(result: UppResult): { payload: Record<string, unknown>; upp: UppMeta } {
  const verified = result.verified !== false;
  const data = result.data ?? undefined;
  const req = result.request ?? {};
  // Undefined fields are left out by copying (definedFields), not deleted: `delete` turns an object into a slow
  // dictionary for every node that reads msg.upp after this one.
  const upp: UppMeta = definedFields({
    endpoint: result.endpoint,
    outcome: result.outcome,
    tradeStatus: result.status,
    result: result.envelope?.result,
    kind: result.envelope?.kind,
    msg: result.envelope?.msg,
    verified: result.verified,
    assumed: result.assumed,
    reason: result.reason,
    detail: result.detail,
    httpStatus: result.httpStatus,
    request: req,
    response: result.envelope ? { ...result.envelope } : undefined,
    attempts: result.attempts,
    elapsedMs: result.elapsedMs,
  });
  const bizType = ORDER_BIZ_TYPE[result.endpoint] ?? text(req.bizType);
  if (bizType) upp.bizType = bizType;
  const paymentNo = text(req.paymentNo) ?? (verified ? text(data?.paymentNo) : undefined);
  if (paymentNo) upp.paymentNo = paymentNo;
  const requestNo = text(req.requestNo);
  if (requestNo) upp.requestNo = requestNo;
  const expireTime = text(req.expireTime);
  if (expireTime) upp.expireTime = expireTime;
  if (result.endpoint === 'close' && result.status) upp.isCloseOrder = result.status;
  if (result.mismatch) upp.mismatch = result.mismatch;
  if (result.missing?.length) upp.missing = result.missing;
  // Data that is not this request's own (unsigned, or about another order) is kept aside, never in msg.payload.
  const unbound = result.reason === 'mismatch';
  if (!verified && data) upp.unverifiedData = withoutPayUrl(data);
  else if (unbound && data) upp.unboundData = withoutPayUrl(data);
  const trusted = verified && !unbound && data ? data : {};
  // A pay URL (data.sign) no signature covers is never handed on: a keyless man-in-the-middle could have put it there
  // (issue 10 item 4). upp.payUrl and payload.sign exist only when the core says it is authenticated.
  const payload = result.payUrlVerified ? trusted : withoutPayUrl(trusted);
  return { payload, upp };
}

/** A copy of `o` without its undefined fields (same order); the fields added to msg.upp later are never undefined. */
function definedFields<T extends object>(o: T): T {
  const out = {} as T;
  for (const key in o) if (o[key] !== undefined) out[key] = o[key];
  return out;
}

/** Data without its scan-code pay URL (`sign`). */
function withoutPayUrl(data: Record<string, unknown>): Record<string, unknown> {
  if (!Object.hasOwn(data, 'sign')) return data;
  const { sign: _sign, ...rest } = data;
  return rest;
}

export interface ErrorInfo {
  code: string;
  message: string;
  messageEn?: string;
  messageZh?: string;
  field?: string;
  rule?: string;
  reason?: string;
  notSent?: boolean;
  /** upp-network: what the test found ({code, en, zh}). */
  diagnosis?: { code: string; en: string; zh: string };
}

/** What msg.upp.error says about an error handed to done(err): its code, field and rule. */
export function describeError(err: unknown): ErrorInfo {
  const e = (err ?? {}) as Record<string, unknown>;
  const info: ErrorInfo = {
    code: typeof e.code === 'string' ? e.code : UNEXPECTED_CODE,
    message: typeof e.message === 'string' ? e.message : String(err),
  };
  for (const k of ['messageEn', 'messageZh', 'field', 'rule', 'reason'] as const) {
    if (typeof e[k] === 'string') info[k] = e[k] as string;
  }
  if (typeof e.notSent === 'boolean') info.notSent = e.notSent;
  const diagnosis = e.diagnosis as ErrorInfo['diagnosis'] | undefined;
  if (diagnosis && typeof diagnosis.code === 'string') info.diagnosis = { code: diagnosis.code, en: diagnosis.en, zh: diagnosis.zh };
  return info;
}
