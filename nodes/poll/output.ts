// What the upp-poll node puts in its output messages, and the JSON copies of waiting messages it keeps in the
// context store. No Node-RED imports: the message contract is plain data.
import type { UppResult } from '../core/operations';
import { describeResult } from '../lib/message';
import type { NodeMessage } from '../lib/red';
import { dropUndefined, isBag, type Bag } from '../lib/util';
import { expireText } from './input';
import type { PollFinal, PollProgress } from './types';

/** A JSON copy of a message for the context store: without msg.req / msg.res, functions or circular references. */
export function savedCopy(msg: NodeMessage): string | undefined {
  const { req: _req, res: _res, ...rest } = msg;
  try {
    return JSON.stringify(rest, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    // Circular structures: leave repeated objects out.
    const seen = new WeakSet<object>();
    try {
      return JSON.stringify(rest, (_k, v: unknown) => {
        if (typeof v === 'bigint') return v.toString();
        if (typeof v === 'object' && v !== null) {
          if (seen.has(v)) return undefined;
          seen.add(v);
        }
        return v;
      });
    } catch {
      return undefined;
    }
  }
}

/** Parses a saved copy back, turning serialized Buffers back into Buffers. */
export function reviveCopy(saved: string): NodeMessage {
  return JSON.parse(saved, (_k, v: unknown) =>
    isBag(v) && v.type === 'Buffer' && Array.isArray(v.data) && Object.keys(v).length === 2 ? Buffer.from(v.data as number[]) : v,
  ) as NodeMessage;
}

/** msg.payload and msg.upp of a final answer: the last query's detail plus msg.upp.poll. */
export function describeFinal(final: PollFinal): { payload: Record<string, unknown>; upp: Bag } {
  const info = final.info;
  let payload: Record<string, unknown> = {};
  let upp: Bag;
  if (final.result) {
    const d = describeResult(final.result);
    payload = d.payload;
    upp = d.upp;
  } else {
    // Every query threw (e.g. the front-end could not be reached): there is no answer to describe.
    upp = {
      endpoint: info.mode === 'payment' ? 'query' : 'refundQuery',
      verified: false,
      assumed: false,
      reason: info.lastError?.code ?? 'not_sent',
      detail: info.lastError?.message,
      request: {},
      attempts: 0,
      elapsedMs: 0,
    };
  }
  upp.outcome = final.route;
  const key = info.key.slice(info.key.indexOf(':') + 1);
  if (info.mode === 'payment') {
    upp.paymentNo = key;
    if (info.expireAt !== undefined) upp.expireTime = expireText(info.expireAt);
  } else {
    upp.requestNo = key;
  }
  if (info.assumed) upp.assumed = true;
  if (info.closed !== undefined) upp.closed = info.closed;
  if (final.reason === 'assumed_refunded' && !upp.msg && info.lastMsg) upp.msg = info.lastMsg;
  // What the core found not to be about this request (issue 10 item 1), if the shared description left it out.
  const r = final.result;
  if (r?.mismatch && upp.mismatch === undefined) upp.mismatch = r.mismatch;
  if (r?.missing?.length && upp.missing === undefined) upp.missing = r.missing;
  if (final.amountMismatch) {
    // This message knew another amount than the one the poll checked (it joined a poll of the same order).
    upp.reason = 'mismatch';
    upp.mismatch = {
      ...(isBag(upp.mismatch) ? upp.mismatch : {}),
      [info.mode === 'payment' ? 'tradeFee' : 'refundFee']: final.amountMismatch,
    };
  }
  upp.poll = dropUndefined({ ...info });
  return { payload, upp: dropUndefined(upp) };
}

/** The message of the progress output: a new message (no msg.req / msg.res: it cannot answer an HTTP request early). */
export function describeProgress(p: PollProgress, waiting: NodeMessage): NodeMessage {
  const d = p.result ? describeResult(p.result as UppResult) : undefined;
  const upp: Bag = {
    ...(d?.upp ?? { endpoint: p.mode === 'payment' ? 'query' : 'refundQuery', reason: p.error?.code, detail: p.error?.message }),
  };
  upp.outcome = 'pending';
  upp.poll = dropUndefined({
    key: p.key,
    mode: p.mode,
    attempt: p.attempt,
    maxAttempts: p.maxAttempts,
    startedAt: p.startedAt,
    nextAt: p.nextAt,
    msgid: waiting._msgid,
  });
  return { topic: waiting.topic, payload: d?.payload ?? {}, upp: dropUndefined(upp) };
}
