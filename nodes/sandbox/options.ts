// Options with their defaults, checked once at start so a mistake fails loudly (never echoing the key).
import { parseVariant, VARIANT_NAMES, variantName, type Variant } from '../core/codec/canonical';
import { DEFAULT_EDITION, EDITION_NAMES, EDITIONS, type Edition, type Profile } from '../core/schema';

export interface SandboxOptions {
  /** Default 7000; 0 picks a free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Optional context prefix, e.g. '/hs-access-facepay'; endpoints are served at `${prefix}/access/...`. */
  prefix?: string;
  /** Default '20000'. */
  isvId?: string;
  /** Default '12345'. */
  partnerId?: string;
  /** Signing key, default 'sandbox-key-0001'. */
  key?: string;
  /**
   * Default '1.0': the front-end edition (docs/design.md §9) served strictly: only its paths and endpoints, its field
   * rules (body required from 2.2, authCode length), faceCode and the bill downloads from 2.1.
   */
  edition?: Edition;
  /** How requests are verified (and, unless signVariant says otherwise, answers signed); default the edition's (v2 for 2.3, else v1). */
  profile?: Profile;
  /**
   * How answers are signed, as a variant name of docs/design.md §3: `<v1|v2|v2-mixed>[/iso-time][/no-data-sign]`.
   * Default: the profile, with `/no-data-sign` when dataSignInCanonical is false.
   */
  signVariant?: string;
  /** Default true: include data.sign (the pay URL) in the response canonical string (or say so in signVariant). */
  dataSignInCanonical?: boolean;
  /** Default: what the edition says (from 2.2). `true` on an older edition requires `body` anyway. */
  requireBody?: boolean;
  /** Default 40000: delay of the "slow" fault (longer than a client's timeout). */
  slowMs?: number;
  /** Base used in pay URLs; default the server's own http://host:port. */
  publicUrl?: string;
  /** Clock, default Date.now (tests inject one). */
  now?: () => number;
  /** Optional access log; never given the key. */
  log?: (line: string) => void;
  /** The HIS real-time order view (spec 10.2) asked before every automatic refund of a late payment. */
  hisOrderUrl?: string;
  /** The HIS bill view (spec 10.1) pulled by POST /_sandbox/reconcile. */
  hisBillUrl?: string;
  /** How long the platform waits for a HIS view, default 5000 ms. */
  hisTimeoutMs?: number;
  /** When a payment held because the HIS could not answer is asked about again, default 30000 ms. */
  hisRetryMs?: number;
}

export const DEFAULTS = {
  port: 7000,
  host: '127.0.0.1',
  isvId: '20000',
  partnerId: '12345',
  key: 'sandbox-key-0001',
  edition: DEFAULT_EDITION,
  profile: 'v1' as Profile,
  slowMs: 40000,
  hisTimeoutMs: 5000,
  hisRetryMs: 30000,
};

export interface ResolvedOptions {
  port: number;
  host: string;
  prefix: string;
  isvId: string;
  partnerId: string;
  key: string;
  edition: Edition;
  profile: Profile;
  /** How answers are signed. */
  signVariant: Variant;
  signVariantName: string;
  dataSignInCanonical: boolean;
  requireBody: boolean;
  slowMs: number;
  publicUrl?: string;
  now: () => number;
  log?: (line: string) => void;
  hisOrderUrl?: string;
  hisBillUrl?: string;
  hisTimeoutMs: number;
  hisRetryMs: number;
}

export function resolveOptions(options: SandboxOptions = {}): ResolvedOptions {
  const port = options.port ?? DEFAULTS.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new TypeError(`port must be an integer from 0 to 65535 (got ${String(port)})`);
  const edition = options.edition ?? DEFAULT_EDITION;
  if (!EDITION_NAMES.includes(edition))
    throw new TypeError(`edition must be one of ${EDITION_NAMES.join(', ')} (got ${JSON.stringify(edition)})`);
  const row = EDITIONS[edition];
  const profile = options.profile ?? row.requestProfile;
  if (profile !== 'v1' && profile !== 'v2') throw new TypeError(`profile must be "v1" or "v2" (got ${JSON.stringify(profile)})`);
  const signVariant = answerVariant(profile, options.signVariant, options.dataSignInCanonical);
  const requireBody = options.requireBody ?? row.bodyRequired;
  if (!requireBody && row.bodyRequired) throw new TypeError(`requireBody cannot be false for edition ${edition}: it requires body`);
  const key = options.key ?? DEFAULTS.key;
  if (typeof key !== 'string' || key === '') throw new TypeError('key must be a non-empty string');
  const slowMs = options.slowMs ?? DEFAULTS.slowMs;
  if (!Number.isFinite(slowMs) || slowMs < 0) throw new TypeError(`slowMs must be a number of milliseconds >= 0 (got ${String(slowMs)})`);
  return {
    port,
    host: options.host || DEFAULTS.host,
    prefix: normalizePrefix(options.prefix ?? ''),
    isvId: id('isvId', options.isvId ?? DEFAULTS.isvId),
    partnerId: id('partnerId', options.partnerId ?? DEFAULTS.partnerId),
    key,
    edition,
    profile,
    signVariant,
    signVariantName: variantName(signVariant),
    dataSignInCanonical: signVariant.dataSign,
    requireBody,
    slowMs,
    publicUrl: options.publicUrl ? options.publicUrl.replace(/\/+$/, '') : undefined,
    now: options.now ?? Date.now,
    log: options.log,
    hisOrderUrl: options.hisOrderUrl || undefined,
    hisBillUrl: options.hisBillUrl || undefined,
    hisTimeoutMs: millis('hisTimeoutMs', options.hisTimeoutMs ?? DEFAULTS.hisTimeoutMs),
    hisRetryMs: millis('hisRetryMs', options.hisRetryMs ?? DEFAULTS.hisRetryMs),
  };
}

/** '' or '/x/y' (leading slash, no trailing one), so `${prefix}/access/...` is always a clean path. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.trim().replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `/${trimmed}`;
}

/** isvId / partnerId: Long(15) digits, compared as the number text the client sends. */
function id(name: string, value: string | number): string {
  const text = String(value).trim();
  if (!/^\d{1,15}$/.test(text)) throw new TypeError(`${name} must be 1 to 15 digits (got ${JSON.stringify(text)})`);
  return text.replace(/^0+(?=\d)/, '');
}

function millis(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a number of milliseconds above 0 (got ${String(value)})`);
  return value;
}

/** The variant answers are signed with: the one named, else the request profile (data.sign as dataSignInCanonical says). */
function answerVariant(profile: Profile, name: string | undefined, dataSignInCanonical: boolean | undefined): Variant {
  if (name === undefined) return { profile, time: 'wire', dataSign: dataSignInCanonical ?? true };
  const variant = parseVariant(name);
  if (!variant) throw new TypeError(`signVariant must be a variant name, one of ${VARIANT_NAMES.join(', ')} (got ${JSON.stringify(name)})`);
  if (dataSignInCanonical !== undefined && dataSignInCanonical !== variant.dataSign) {
    throw new TypeError(
      `dataSignInCanonical ${dataSignInCanonical} contradicts signVariant ${JSON.stringify(name)}; give only signVariant`,
    );
  }
  return variant;
}
