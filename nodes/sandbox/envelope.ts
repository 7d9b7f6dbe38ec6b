// Writes answers the way the platform does: a signed envelope whose numbers keep their literal text (`100.00`),
// written once with the core writer and signed with the core canonical string, so what is signed is what is sent.
import { PROTOCOL_VERSION } from '../core/schema';
import { canonicalOf, md5Sign, type Variant } from '../core/codec/canonical';
import { LosslessNumber, writeJson, type JsonObject } from '../core/codec/json';
import type { Answer } from './endpoints';

export interface Signer {
  key: string;
  /** The docs/design.md §3 variant answers are signed with: value profile, time text, whether data.sign takes part. */
  variant: Variant;
}

/** The envelope without its sign, in the platform's field order. */
export function envelopeOf(answer: Pick<Answer, 'result' | 'msg' | 'data'>, now: number): JsonObject {
  const tree: JsonObject = {
    result: answer.result,
    kind: answer.result ? '0' : '1',
    msg: answer.msg,
    version: PROTOCOL_VERSION,
    timestamp: new LosslessNumber(String(now)),
  };
  if (answer.data) tree.data = answer.data;
  return tree;
}

/** An envelope with its sign; `wrongKey` produces a well-formed answer whose signature does not verify. */
export function signedTree(tree: JsonObject, signer: Signer, wrongKey = false): JsonObject {
  const { profile, dataSign, time } = signer.variant;
  const canonical = canonicalOf(tree, profile, !dataSign, time);
  return { ...tree, sign: md5Sign(canonical, wrongKey ? `${signer.key}#not-the-key` : signer.key) };
}

/** Signs and writes an envelope (see signedTree). */
export function signedText(tree: JsonObject, signer: Signer, wrongKey = false): string {
  return writeJson(signedTree(tree, signer, wrongKey), { canonical: false });
}

/** The `unsigned_error` fault: what an overloaded front-end answers, without sign, version or timestamp. */
export const UNSIGNED_BUSY = '{"result":false,"kind":"1","msg":"系统繁忙"}';

/** The `malformed` fault: the real answer cut off mid-way, so it is not JSON any more. */
export function malformedText(text: string): string {
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}
