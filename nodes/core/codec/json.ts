// Number-exact JSON: responses are parsed with lossless-json so every number keeps its literal text (a BigDecimal
// `100.00` must stay `100.00` for the signature to verify), and one small writer serializes trees for the wire and
// for the canonical string alike.
import { parse, isLosslessNumber, LosslessNumber } from 'lossless-json';
import type { Profile } from '../schema';

export { LosslessNumber, isLosslessNumber };

/** A parsed JSON value whose numbers are LosslessNumber (text kept exactly as on the wire). */
export type JsonTree = string | boolean | null | LosslessNumber | JsonTree[] | { [key: string]: JsonTree };
export type JsonObject = { [key: string]: JsonTree };

/** Parses JSON text keeping each number literal's text. Throws SyntaxError on malformed JSON. */
export function parseLossless(text: string): JsonTree {
  return parse(text, null, (value: string) => new LosslessNumber(value)) as JsonTree;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

export interface WriteOptions {
  /** Canonical form: keys sorted by code unit, null/empty-string entries dropped, `sign` left out at the top. */
  canonical: boolean;
  /** Profile `v1` writes numbers and booleans quoted, as the ISV manual 1.0 requires. */
  profile?: Profile;
  /** Leave out `data.sign` (one of the verification variants). */
  dropDataSign?: boolean;
}

/** Writes a tree as compact JSON. With `canonical`, produces the string that is signed (spec section 3). */
export function writeJson(tree: JsonTree, options: WriteOptions): string {
  return writeValue(tree, options, 0, '');
}

function writeValue(value: JsonTree, options: WriteOptions, depth: number, key: string): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  const quote = options.canonical && options.profile === 'v1';
  if (typeof value === 'boolean') return quote ? `"${value}"` : String(value);
  if (isLosslessNumber(value)) return quote ? `"${value.value}"` : value.value;
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + writeValue(value[i], options, depth + 1, '');
    return out + ']';
  }
  return writeObject(value, options, depth, key);
}

/** Whether a key/value pair takes part in the canonical string (spec section 3). */
function inCanonical(key: string, value: JsonTree | undefined, options: WriteOptions, depth: number, ownKey: string): boolean {
  if (value === null || value === undefined || value === '') return false;
  if (depth === 0 && key === 'sign') return false;
  if (depth === 1 && ownKey === 'data' && key === 'sign' && options.dropDataSign) return false;
  return true;
}

// Plain loops and string concatenation: this runs two to six times per call (sign, send, verify variants).
function writeObject(object: JsonObject, options: WriteOptions, depth: number, ownKey: string): string {
  const keys = Object.keys(object);
  if (options.canonical) keys.sort(); // default sort compares UTF-16 code units: ASCII order for ASCII keys
  let out = '{';
  let first = true;
  for (const key of keys) {
    const value = object[key];
    if (options.canonical ? !inCanonical(key, value, options, depth, ownKey) : value === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${writeValue(value, options, depth + 1, key)}`;
    first = false;
  }
  return out + '}';
}
