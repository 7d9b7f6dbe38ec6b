// Number-exact JSON: responses are parsed with lossless-json so every number keeps its literal text (a BigDecimal
// `100.00` must stay `100.00` for the signature to verify), and one small writer serializes trees for the wire and
// for the canonical string alike.
import { parse, isLosslessNumber as isForeignLosslessNumber, LosslessNumber } from 'lossless-json';
import type { SignProfile, TimeText } from '../schema';

export { LosslessNumber };

/**
 * Whether a value is a LosslessNumber. The numbers this package makes are its own copy's, which `instanceof` tells
 * at once; lossless-json's own test (a symbol-keyed getter, for numbers made by another copy of the library) is
 * the fallback, and costs a slow lookup on every object it is asked about.
 */
export function isLosslessNumber(value: unknown): value is LosslessNumber {
  return value instanceof LosslessNumber || isForeignLosslessNumber(value);
}

/** A parsed JSON value whose numbers are LosslessNumber (text kept exactly as on the wire). */
export type JsonTree = string | boolean | null | LosslessNumber | JsonTree[] | { [key: string]: JsonTree };
export type JsonObject = { [key: string]: JsonTree };

/**
 * How deep JSON may nest. The manuals' answers nest two levels (envelope, data; a bill list three); far deeper nesting
 * is no UPP answer, and unbounded depth would let a 20 KB answer overflow the stack in the recursive writer.
 */
export const MAX_JSON_DEPTH = 32;

/** Parses JSON text keeping each number literal's text. Throws SyntaxError on malformed JSON or nesting deeper than MAX_JSON_DEPTH. */
export function parseLossless(text: string): JsonTree {
  const ordinary = parseOrdinary(text, MAX_JSON_DEPTH);
  if (ordinary !== undefined) return ordinary;
  checkDepth(text);
  return parse(text, null, (value: string) => new LosslessNumber(value)) as JsonTree;
}

/** One linear pass over the text, counting open brackets outside strings (before any recursive parsing). */
function checkDepth(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) throw new SyntaxError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels at position ${i}`);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

/** A number literal exactly as the grammar has it (no leading zeros, no `+`, no bare `.`). */
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * From this length on, V8 makes `slice` a view into its source string instead of a copy (SlicedString::kMinLength):
 * a value that lives on keeps the whole text alive. Above COPY_STRINGS_ABOVE characters of text (a bill of many
 * rows), such strings are copied, so the delivered rows do not hold the bill's text; an ordinary answer's few hundred
 * characters stay shared with its values, which is cheaper per call.
 */
const SLICE_VIEW_LENGTH = 13;
const COPY_STRINGS_ABOVE = 16 * 1024;

/** A new string equal to text[from, to) that holds nothing of `text` (the piece has no quote, backslash or control character). */
function copyOf(text: string, from: number, to: number): string {
  return JSON.parse(`"${text.slice(from, to)}"`) as string;
}

/** Thrown inside the parser when the text is not ordinary; never leaves this module. */
const DECLINE = Symbol('decline');

/**
 * The fast path of parseLossless: a small parser of the JSON grammar (RFC 8259) for the ordinary answer, keeping
 * each number literal's text as lossless-json does. It declines (undefined) whatever is not ordinary: a syntax
 * error, a duplicate key, a `__proto__` or inherited-name key ("constructor"), nesting deeper than `maxDepth`. Then
 * lossless-json, the reference, parses the text and gives the same tree or its own error; so this path only has to
 * be right on what it accepts (test/core/json-parse.test.js compares the two on generated texts).
 */
export function parseOrdinary(text: string, maxDepth: number): JsonTree | undefined {
  const parser = new OrdinaryParser(text, maxDepth);
  try {
    const tree = parser.value(0);
    return parser.at === text.length ? tree : undefined;
  } catch (err) {
    if (err === DECLINE || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/** One pass over one text; every method throws DECLINE where the text stops being ordinary JSON. */
class OrdinaryParser {
  /** The position of the next character to read. */
  at = 0;
  private readonly copyStrings: boolean;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {
    this.copyStrings = text.length > COPY_STRINGS_ABOVE;
  }

  /** A value and the whitespace around it. */
  value(depth: number): JsonTree {
    this.skipWhitespace();
    const c = this.text.charCodeAt(this.at);
    let v: JsonTree;
    if (c === 0x7b) v = this.object(depth + 1);
    else if (c === 0x5b) v = this.array(depth + 1);
    else if (c === 0x22) v = this.string();
    else if (c === 0x74) v = this.literal('true', true);
    else if (c === 0x66) v = this.literal('false', false);
    else if (c === 0x6e) v = this.literal('null', null);
    else v = this.number();
    this.skipWhitespace();
    return v;
  }

  private object(depth: number): JsonObject {
    const out: JsonObject = {};
    if (this.open(depth, 0x7d)) return out;
    do {
      this.skipWhitespace();
      if (this.text.charCodeAt(this.at) !== 0x22) throw DECLINE;
      const key = this.string();
      // A repeated key, `__proto__` or a name an object inherits ("constructor"): left to the reference parser.
      if ((out as Record<string, unknown>)[key] !== undefined) throw DECLINE;
      this.skipWhitespace();
      this.expect(0x3a);
      out[key] = this.value(depth);
    } while (this.comma());
    this.expect(0x7d);
    return out;
  }

  private array(depth: number): JsonTree[] {
    const out: JsonTree[] = [];
    if (this.open(depth, 0x5d)) return out;
    do out.push(this.value(depth));
    while (this.comma());
    this.expect(0x5d);
    return out;
  }

  /** Steps over an opening bracket; true when the container is empty (its closing bracket read too). */
  private open(depth: number, close: number): boolean {
    if (depth > this.maxDepth) throw DECLINE;
    this.at++;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.at) !== close) return false;
    this.at++;
    return true;
  }

  private comma(): boolean {
    if (this.text.charCodeAt(this.at) !== 0x2c) return false;
    this.at++;
    return true;
  }

  private string(): string {
    const { text } = this;
    const start = this.at + 1; // after the opening quote
    let at = start; // a local, not this.at, in the loop that runs for every character of every string
    let escaped = false;
    for (let c = text.charCodeAt(at); c !== 0x22; c = text.charCodeAt(at)) {
      if (c < 0x20 || Number.isNaN(c)) throw DECLINE; // a raw control character, or the end of the text
      if (c === 0x5c) {
        escaped = true;
        at += 2;
      } else at++;
    }
    this.at = at + 1; // after the closing quote
    // Escapes are decoded by the platform's JSON.parse, which also refuses the invalid ones.
    return escaped ? (JSON.parse(text.slice(start - 1, at + 1)) as string) : this.piece(start, at);
  }

  private number(): LosslessNumber {
    NUMBER.lastIndex = this.at;
    if (!NUMBER.test(this.text)) throw DECLINE;
    const literal = this.piece(this.at, NUMBER.lastIndex);
    this.at = NUMBER.lastIndex;
    return new LosslessNumber(literal);
  }

  /** text[from, to) as a value: a slice, or, out of a long text, a copy (see COPY_STRINGS_ABOVE). */
  private piece(from: number, to: number): string {
    return this.copyStrings && to - from >= SLICE_VIEW_LENGTH ? copyOf(this.text, from, to) : this.text.slice(from, to);
  }

  private literal(word: string, value: JsonTree): JsonTree {
    if (!this.text.startsWith(word, this.at)) throw DECLINE;
    this.at += word.length;
    return value;
  }

  private expect(code: number): void {
    if (this.text.charCodeAt(this.at) !== code) throw DECLINE;
    this.at++;
  }

  private skipWhitespace(): void {
    const { text } = this;
    let c = text.charCodeAt(this.at);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++this.at);
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

export interface WriteOptions {
  /** Canonical form: keys sorted by code unit, null/empty-string entries dropped, `sign` left out at the top. */
  canonical: boolean;
  /**
   * How numbers and booleans are written in the canonical string: `v1` quoted (ISV manual 1.0), `v2` bare,
   * `v2-mixed` quoted at the top level and bare inside (the response HIS manual V2.3 prints).
   */
  profile?: SignProfile;
  /** Leave out `data.sign` (one of the verification variants). */
  dropDataSign?: boolean;
  /** `iso`: LocalDateTime values written yyyy-MM-ddTHH:mm:ss (the Java value's text) instead of the wire text. */
  time?: TimeText;
}

/** LocalDateTime fields whose signed text may be ISO (docs/design.md §3, sign-vectors-variants.json). */
const LOCAL_DATETIME_FIELDS: ReadonlySet<string> = new Set(['paymentTime', 'refundTime', 'tradeTime', 'expireTime']);
const WIRE_DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** Characters JSON.stringify writes as an escape: `"`, `\\`, controls, and surrogates (a lone one is escaped). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * A string as a JSON string literal: the same text JSON.stringify gives, without calling it for the common string
 * that has nothing to escape (ids, codes, times: it is the writer's most frequent step, run for every key and value).
 */
export function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

function quoted(options: WriteOptions, depth: number): boolean {
  if (!options.canonical) return false;
  // depth 1 = a value of the top-level object
  return options.profile === 'v1' || (options.profile === 'v2-mixed' && depth === 1);
}

/**
 * Where the writer puts its text, piece by piece, in order: collected whole, or handed on in pieces of about
 * `pieceLength` characters (a hash that never holds the whole canonical string of a large bill). One class for
 * both, so the writer's every call to `write` goes to the same method.
 */
export class TextSink {
  text = '';

  constructor(
    private readonly pieceLength = Infinity,
    private readonly onPiece?: (piece: string) => void,
  ) {}

  write(piece: string): void {
    this.text += piece;
    if (this.text.length >= this.pieceLength) {
      this.onPiece?.(this.text);
      this.text = '';
    }
  }
}

/** Writes a tree as compact JSON. With `canonical`, produces the string that is signed (vendor API §3). */
export function writeJson(tree: JsonTree, options: WriteOptions): string {
  const sink = new TextSink();
  writeJsonTo(sink, tree, options);
  return sink.text;
}

/**
 * Writes a tree as compact JSON into a sink: the canonical string of a bill of 100 000 rows can be hashed as it is
 * written (nodes/core/codec/canonical.ts canonicalDigest) instead of being built whole first. What is left in
 * `sink.text` at the end is the last piece.
 */
export function writeJsonTo(sink: TextSink, tree: JsonTree, options: WriteOptions): void {
  writeValue(sink, tree, options, 0, '');
}

function writeValue(sink: TextSink, value: JsonTree, options: WriteOptions, depth: number, key: string): void {
  if (value === null) return sink.write('null');
  if (typeof value === 'string') {
    if (options.canonical && options.time === 'iso' && LOCAL_DATETIME_FIELDS.has(key) && WIRE_DATETIME.test(value)) {
      return sink.write(jsonString(`${value.slice(0, 10)}T${value.slice(11)}`));
    }
    return sink.write(jsonString(value));
  }
  const quote = quoted(options, depth);
  if (typeof value === 'boolean') return sink.write(quote ? `"${value}"` : String(value));
  if (isLosslessNumber(value)) return sink.write(quote ? `"${value.value}"` : value.value);
  if (Array.isArray(value)) {
    sink.write('[');
    for (let i = 0; i < value.length; i++) {
      if (i) sink.write(',');
      writeValue(sink, value[i], options, depth + 1, '');
    }
    return sink.write(']');
  }
  writeObject(sink, value, options, depth, key);
}

/** Whether a key/value pair takes part in the canonical string (vendor API §3). */
function inCanonical(key: string, value: JsonTree | undefined, options: WriteOptions, depth: number, ownKey: string): boolean {
  if (value === null || value === undefined || value === '') return false;
  if (depth === 0 && key === 'sign') return false;
  if (depth === 1 && ownKey === 'data' && key === 'sign' && options.dropDataSign) return false;
  return true;
}

/**
 * Sorts keys by UTF-16 code unit, as Array.prototype.sort() without a comparator does (and `<` on strings compares):
 * an insertion sort in place for the few keys of an answer's object, which allocates nothing, where sort() makes a
 * work copy per call; the built-in sort for a large object.
 */
function sortKeys(keys: string[]): string[] {
  if (keys.length > 32) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > key; j--) keys[j + 1] = keys[j];
    keys[j + 1] = key;
  }
  return keys;
}

/** `"key":` for the keys seen so far (a bounded cache: keys come from the schema and the manuals, a few dozen). */
const KEY_PREFIXES = new Map<string, string>();

function keyPrefix(key: string): string {
  let prefix = KEY_PREFIXES.get(key);
  if (prefix === undefined) {
    prefix = `${jsonString(key)}:`;
    if (KEY_PREFIXES.size < 1024) KEY_PREFIXES.set(key, prefix);
  }
  return prefix;
}

// Plain loops: this runs two to six times per call (sign, send, verify variants).
function writeObject(sink: TextSink, object: JsonObject, options: WriteOptions, depth: number, ownKey: string): void {
  const keys = Object.keys(object);
  if (options.canonical) sortKeys(keys);
  sink.write('{');
  let first = true;
  for (const key of keys) {
    const value = object[key];
    if (options.canonical ? !inCanonical(key, value, options, depth, ownKey) : value === undefined) continue;
    if (!first) sink.write(',');
    sink.write(keyPrefix(key));
    writeValue(sink, value, options, depth + 1, key);
    first = false;
  }
  sink.write('}');
}
