// The canonical string and the MD5 signature (docs/design.md §3), plus verification in strict and auto modes over the
// verification variants: value profile (v1, v2, v2-mixed) x data.sign kept or dropped x time text (wire, iso).
import { createHash, hash, timingSafeEqual, type Hash } from 'node:crypto';
import type { SignProfile, TimeText, VerifyMode } from '../schema';
import { isJsonObject, parseLossless, TextSink, writeJson, writeJsonTo, type JsonObject, type JsonTree } from './json';

/**
 * The stable name of a verification variant: `<profile>[/iso-time][/no-data-sign]`, e.g. `v1`, `v2-mixed/iso-time`,
 * `v1/no-data-sign`. Flows may switch on it (msg.upp.verified).
 */
export type VerifiedVariant = string;

/** One way of building the canonical string of an answer. */
export interface Variant {
  profile: SignProfile;
  time: TimeText;
  /** Whether data.sign (the scan-code pay URL) takes part. */
  dataSign: boolean;
}

export const SIGN_PROFILES: readonly SignProfile[] = ['v1', 'v2', 'v2-mixed'];
const TIMES: readonly TimeText[] = ['wire', 'iso'];

export function variantName(variant: Variant): VerifiedVariant {
  return `${variant.profile}${variant.time === 'iso' ? '/iso-time' : ''}${variant.dataSign ? '' : '/no-data-sign'}`;
}

/** Every variant name, cheapest and most likely first (for editors and docs). */
export const VARIANT_NAMES: readonly VerifiedVariant[] = [true, false].flatMap((dataSign) =>
  TIMES.flatMap((time) => SIGN_PROFILES.map((profile) => variantName({ profile, time, dataSign }))),
);

/** Reads a variant name back; undefined when it is not one. */
export function parseVariant(name: string): Variant | undefined {
  const [profile, ...rest] = name.split('/');
  if (!(SIGN_PROFILES as readonly string[]).includes(profile)) return undefined;
  const variant: Variant = { profile: profile as SignProfile, time: 'wire', dataSign: true };
  for (const part of rest) {
    if (part === 'iso-time' && variant.time === 'wire' && variant.dataSign) variant.time = 'iso';
    else if (part === 'no-data-sign' && variant.dataSign) variant.dataSign = false;
    else return undefined;
  }
  return variant;
}

/** Whether a verified variant authenticates data.sign (the pay URL): false for every `/no-data-sign` variant. */
export function coversDataSign(name: VerifiedVariant | false): boolean {
  return name !== false && !name.endsWith('/no-data-sign');
}

export function canonicalOf(tree: JsonTree, profile: SignProfile, dropDataSign = false, time: TimeText = 'wire'): string {
  return writeJson(tree, { canonical: true, profile, dropDataSign, time });
}

/** Hashed text is handed to MD5 in pieces of about this many characters: a long canonical string is never held whole. */
const DIGEST_CHUNK = 64 * 1024;

/**
 * md5Sign(canonicalOf(tree, ...), key) without building the canonical string: it is hashed as it is written, so
 * verifying a bill of 100 000 rows holds a 64 KiB piece at a time instead of the whole string (and the many small
 * strings it is concatenated from).
 */
export function canonicalDigest(tree: JsonTree, key: string, profile: SignProfile, dropDataSign = false, time: TimeText = 'wire'): string {
  // The Hash object is made at the first full piece: an ordinary answer (well under a piece) is hashed in one call.
  let digest: Hash | undefined;
  const sink = new TextSink(DIGEST_CHUNK, (piece) => (digest ??= createHash('md5')).update(piece, 'utf8'));
  writeJsonTo(sink, tree, { canonical: true, profile, dropDataSign, time });
  if (digest === undefined) return md5Sign(sink.text, key);
  digest.update(sink.text + key, 'utf8');
  return digest.digest('hex');
}

export function md5Sign(canonical: string, key: string): string {
  // crypto.hash (Node >= 20.12): one call, no Hash object; the string is hashed as UTF-8, like update(text, 'utf8').
  return hash('md5', canonical + key, 'hex');
}

export interface CanonicalOptions {
  /** `wire` (default): LocalDateTime values as on the wire; `iso`: written yyyy-MM-ddTHH:mm:ss. */
  time?: TimeText;
}

/** Canonical string of a raw JSON body (request or response, exactly as on the wire), for a profile and time text. */
export function canonicalString(wireJsonText: string, profile: SignProfile = 'v1', options: CanonicalOptions = {}): string {
  return canonicalOf(parseLossless(wireJsonText), profile, false, options.time ?? 'wire');
}

/** Signature of a raw JSON body (its own `sign` is left out), for a profile and time text. */
export function sign(wireJsonText: string, key: string, profile: SignProfile = 'v1', options: CanonicalOptions = {}): string {
  return md5Sign(canonicalString(wireJsonText, profile, options), key);
}

/** Case-insensitive, constant-time comparison of two hex signatures. */
export function signaturesEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected.toLowerCase(), 'utf8');
  const b = Buffer.from(received.toLowerCase(), 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(a, a); // keep the time independent of where the mismatch is
    return false;
  }
  return timingSafeEqual(a, b);
}

export type VerifyOutcome = { verified: VerifiedVariant } | { verified: false; problem: 'unsigned' | 'bad_signature' };

export interface VerifyOptions {
  /**
   * The configured variant: strict accepts only it; auto tries it first. Default: the `profile` argument, wire time,
   * data.sign kept.
   */
  variant?: Variant;
  /** Auto: a variant that verified earlier answers of this front-end, tried first. */
  remembered?: VerifiedVariant;
  /** Auto: an answer carrying data.sign must verify with data.sign covered (a weaker variant is bad_signature). */
  requireDataSign?: boolean;
}

export function hasDataSign(tree: JsonObject): boolean {
  const data = tree.data;
  return isJsonObject(data) && data.sign !== undefined && data.sign !== null && data.sign !== '';
}

/**
 * The variants to try, in order, made one at a time: an ordinary answer verifies under the first (the remembered or
 * configured variant), so the other sixteen are never built.
 */
function* candidates(configured: Variant, mode: VerifyMode, withDataSign: boolean, options: VerifyOptions): Generator<Variant> {
  const allowed = (v: Variant) => (withDataSign || v.dataSign) && !(withDataSign && options.requireDataSign && !v.dataSign);
  if (mode === 'strict') {
    yield configured;
    return;
  }
  const remembered = options.remembered ? parseVariant(options.remembered) : undefined;
  if (remembered && allowed(remembered)) yield remembered;
  if (allowed(configured)) yield configured;
  // v2-mixed right after the configured profile: where it gives the same string as v1 or v2 (no nested number),
  // the name then stays the configured one, and otherwise the mixed form the V2.3 manual prints is the likelier.
  const profiles = [configured.profile, ...(['v2-mixed', 'v1', 'v2'] as const).filter((p) => p !== configured.profile)];
  // data.sign kept before dropped, wire time before ISO: the common cases cost one MD5.
  for (const dataSign of [true, false]) {
    for (const time of TIMES) {
      for (const profile of profiles) {
        const variant: Variant = { profile, time, dataSign };
        if (allowed(variant)) yield variant;
      }
    }
  }
}

/**
 * Verifies a parsed response. Strict: only the configured variant (default: `profile`, wire time, data.sign kept).
 * Auto: the first match among {v1, v2, v2-mixed} x {data.sign kept, dropped} x {wire, iso time}, the remembered and
 * configured variants first. Variants that give the same canonical string are tried once, under the earlier name
 * (so an answer without data.sign is never reported as `/no-data-sign`). A response without `sign` is never verified.
 */
export function verifyTree(
  tree: JsonObject,
  key: string,
  profile: SignProfile,
  mode: VerifyMode,
  options: VerifyOptions = {},
): VerifyOutcome {
  const received = tree.sign;
  if (typeof received !== 'string' || received === '') return { verified: false, problem: 'unsigned' };
  const configured = options.variant ?? { profile, time: 'wire', dataSign: true };
  const withDataSign = hasDataSign(tree);
  // Variants are told apart by their signature (the same canonical string gives the same one): no canonical string is
  // kept, which for a large bill would be the whole answer again per variant tried.
  const tried = new Set<string>();
  const named = new Set<string>();
  for (const variant of candidates(configured, mode, withDataSign, options)) {
    const name = variantName(variant);
    if (named.has(name)) continue;
    named.add(name);
    const signature = canonicalDigest(tree, key, variant.profile, !variant.dataSign, variant.time);
    if (tried.has(signature)) continue;
    tried.add(signature);
    if (signaturesEqual(signature, received)) {
      // Without data.sign in the answer, kept and dropped are the same string: name it by what it covers.
      return { verified: variantName(withDataSign ? variant : { ...variant, dataSign: true }) };
    }
  }
  return { verified: false, problem: 'bad_signature' };
}
