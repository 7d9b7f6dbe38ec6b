// The canonical string and the MD5 signature (spec section 3), plus verification in strict and auto modes.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Profile, VerifyMode } from '../schema';
import { isJsonObject, parseLossless, writeJson, type JsonObject, type JsonTree } from './json';

/** Which way of building the canonical string matched a response's signature. */
export type VerifiedVariant = 'v1' | 'v2' | 'v1/no-data-sign' | 'v2/no-data-sign';

export function canonicalOf(tree: JsonTree, profile: Profile, dropDataSign = false): string {
  return writeJson(tree, { canonical: true, profile, dropDataSign });
}

export function md5Sign(canonical: string, key: string): string {
  return createHash('md5').update(canonical + key, 'utf8').digest('hex');
}

/** Canonical string of a raw JSON body (request or response, exactly as on the wire), for debugging mismatches. */
export function canonicalString(wireJsonText: string, profile: Profile = 'v1'): string {
  return canonicalOf(parseLossless(wireJsonText), profile);
}

/** Signature of a raw JSON body (its own `sign` is left out), for debugging mismatches. */
export function sign(wireJsonText: string, key: string, profile: Profile = 'v1'): string {
  return md5Sign(canonicalString(wireJsonText, profile), key);
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

export type VerifyOutcome =
  | { verified: VerifiedVariant }
  | { verified: false; problem: 'unsigned' | 'bad_signature' };

function variantsFor(profile: Profile, mode: VerifyMode, tree: JsonObject): Array<[Profile, boolean]> {
  if (mode === 'strict') return [[profile, false]];
  const other: Profile = profile === 'v1' ? 'v2' : 'v1';
  const hasDataSign = isJsonObject(tree.data) && tree.data.sign !== undefined && tree.data.sign !== null && tree.data.sign !== '';
  const order: Array<[Profile, boolean]> = [
    [profile, false],
    [other, false],
  ];
  if (hasDataSign) order.push([profile, true], [other, true]);
  return order;
}

/**
 * Verifies a parsed response. Strict: the configured profile with data.sign included. Auto: the first match among
 * {v1, v2} x {data.sign kept, dropped}, the configured profile first. A response without `sign` is never verified.
 */
export function verifyTree(tree: JsonObject, key: string, profile: Profile, mode: VerifyMode): VerifyOutcome {
  const received = tree.sign;
  if (typeof received !== 'string' || received === '') return { verified: false, problem: 'unsigned' };
  for (const [variantProfile, dropDataSign] of variantsFor(profile, mode, tree)) {
    const expected = md5Sign(canonicalOf(tree, variantProfile, dropDataSign), key);
    if (signaturesEqual(expected, received)) {
      return { verified: dropDataSign ? `${variantProfile}/no-data-sign` : variantProfile };
    }
  }
  return { verified: false, problem: 'bad_signature' };
}
