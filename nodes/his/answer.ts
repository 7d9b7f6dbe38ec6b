// The answers of a HIS view (spec 10): result:true with the rows only when a database result arrived; every other
// path is result:false with a reason in Chinese and English. One function per side: the HIS answering, and the
// platform (the sandbox) reading an answer as strictly as the front-end machine does.
import { readRows } from './rows';
import type { HisAnswer, HisKind, HisRequest, HisRow, Texts } from './types';

export type FailureReason = 'bad_request' | 'not_allowed' | 'no_result' | 'db_error' | 'invalid_row' | 'timeout' | 'closed';

const REASONS: Record<FailureReason, Texts> = {
  bad_request: { zh: '请求无效', en: 'bad request' },
  not_allowed: { zh: '调用方地址不在允许列表中', en: 'caller address not allowed' },
  no_result: { zh: 'HIS 数据库未返回查询结果', en: 'the HIS database returned no query result' },
  db_error: { zh: 'HIS 数据库查询失败', en: 'the HIS database query failed' },
  invalid_row: { zh: 'HIS 数据库返回的记录无效', en: 'the HIS database returned an invalid row' },
  timeout: { zh: 'HIS 数据库查询超时', en: 'the HIS database query timed out' },
  closed: { zh: 'HIS 服务正在重启', en: 'the HIS service is restarting' },
};

/** result:false, msg "<zh>：<detail zh> / <en>: <detail en>" (the platform's console shows msg as it is). */
export function failure(reason: FailureReason, detail?: Texts): HisAnswer {
  const r = REASONS[reason];
  const zh = detail ? `${r.zh}：${detail.zh}` : r.zh;
  const en = detail ? `${r.en}: ${detail.en}` : r.en;
  return { result: false, msg: `${zh} / ${en}` };
}

export type Outcome = { answer: HisAnswer; reason?: FailureReason; rows?: number };

/**
 * The answer to a request from what reached upp-his-out: `error` (msg.error: a Catch saw the database node fail) or
 * the database result in `payload`.
 */
export function answerFrom(kind: HisKind, request: HisRequest, payload: unknown, error?: unknown): Outcome {
  if (error !== undefined && error !== null && error !== false) {
    const message = errorText(error);
    return { answer: failure('db_error', { en: message, zh: message }), reason: 'db_error' };
  }
  const read = readRows(kind, payload, request);
  if (!read.ok) {
    const reason: FailureReason = read.problem.field === 'payload' ? 'no_result' : 'invalid_row';
    return { answer: failure(reason, read.problem), reason };
  }
  return { answer: { result: true, msg: '', data: read.rows }, rows: read.rows.length };
}

/** msg.error as Catch delivers it ({message, source}) or a plain Error / text; cut short, one line. */
function errorText(error: unknown): string {
  const message = typeof error === 'string' ? error : (error as { message?: unknown })?.message;
  const text = typeof message === 'string' && message.trim() ? message.trim() : 'unknown error';
  return text.replace(/\s+/g, ' ').slice(0, 200);
}

// ---- the platform's side ----

export type AnswerReading = { ok: true; rows: HisRow[] } | { ok: false; why: string };

/**
 * Reads a HIS view's answer as the front-end machine does: the envelope, result:true, data an array (never null),
 * every row valid and about the request. Anything else is not an answer the platform may act on.
 */
export function readAnswer(kind: HisKind, request: HisRequest, text: string): AnswerReading {
  let tree: unknown;
  try {
    tree = JSON.parse(text);
  } catch {
    return { ok: false, why: 'the answer is not JSON' };
  }
  if (tree === null || typeof tree !== 'object' || Array.isArray(tree)) return { ok: false, why: 'the answer is not a JSON object' };
  const envelope = tree as Record<string, unknown>;
  if (envelope.result !== true) {
    return {
      ok: false,
      why: `result is ${JSON.stringify(envelope.result)}${typeof envelope.msg === 'string' && envelope.msg ? `: ${envelope.msg}` : ''}`,
    };
  }
  if (!Array.isArray(envelope.data)) return { ok: false, why: 'result:true without a data list' };
  const read = readRows(kind, envelope.data, request);
  // Rows on the wire must already be in the wire format: a re-normalized row that differs was not.
  if (!read.ok) return { ok: false, why: read.problem.en };
  return { ok: true, rows: read.rows };
}
