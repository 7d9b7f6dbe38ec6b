// The error registry: every error this package throws is an UppError with a stable `code` from UPP_ERROR_CODES;
// match on `code` (not instanceof: two copies of the package make two classes). docs/errors.md has one entry per
// code saying what it means and what to do; a test keeps the two in step. Texts live in ./messages.ts.
// Most codes prove that nothing reached the platform (bad input, bad configuration, a connection that never opened,
// a duplicate in-flight call), so a caller may fix the cause and try again. Ambiguous failures are never thrown:
// they come back as `pending` results.
import { describeErrorText, describeRule, notSentText, type FieldTextName, type RuleName } from './messages';

export const UPP_ERROR_CODES = [
  'ERR_UPP_INPUT',
  'ERR_UPP_CONFIG',
  'ERR_UPP_NOT_SENT',
  'ERR_UPP_IN_FLIGHT',
  'ERR_UPP_CLIENT_CLOSED',
  'ERR_UPP_NETWORK',
  'ERR_UPP_SANDBOX_STATE',
  'ERR_UPP_UNEXPECTED',
] as const;

export type UppErrorCode = (typeof UPP_ERROR_CODES)[number];

const CODES: ReadonlySet<string> = new Set(UPP_ERROR_CODES);

/** The code `describeError` reports for anything thrown that is not an UppError (a defect, not an input). */
export const UNEXPECTED_CODE: UppErrorCode = 'ERR_UPP_UNEXPECTED';

export class UppError extends Error {
  readonly code: UppErrorCode;
  /** The same message in Simplified Chinese. */
  readonly messageZh: string;
  /** True when the error proves the request was not sent, so nothing happened on the platform. */
  readonly notSent: boolean;

  constructor(code: UppErrorCode, message: string, messageZh: string, options?: { cause?: unknown; notSent?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.messageZh = messageZh;
    this.notSent = options?.notSent ?? true;
  }

  /**
   * The sentence alone: Node-RED puts `err.toString()` into msg.error.message and the log, and the class name
   * ("UppInputError: ...") means nothing to the person reading it; msg.error.code says which kind it is.
   */
  override toString(): string {
    return this.message;
  }
}

/**
 * True for an error of this package (any copy of it), optionally of one code. Matches on `code` and the bilingual
 * message, never on the class.
 */
export function isUppError<T extends UppError = UppError>(err: unknown, code?: UppErrorCode): err is T {
  const e = err as { code?: unknown; messageZh?: unknown } | null;
  if (typeof e?.code !== 'string' || typeof e.messageZh !== 'string' || !CODES.has(e.code)) return false;
  return code === undefined || e.code === code;
}

/** A request field (or a config value) broke a rule; `field` and `rule` say which. */
export class UppInputError extends UppError {
  readonly field: string;
  readonly rule: RuleName;

  /** `options.text` picks a more specific message than the rule's own (the rule stays the same). */
  constructor(
    field: string,
    rule: RuleName,
    params: Record<string, string | number> = {},
    options: { code?: 'ERR_UPP_INPUT' | 'ERR_UPP_CONFIG'; text?: FieldTextName } = {},
  ) {
    const text = describeRule(field, options.text ?? rule, params);
    super(options.code ?? 'ERR_UPP_INPUT', text.en, text.zh);
    this.field = field;
    this.rule = rule;
  }
}

/** The client's configuration is unusable (missing base URL, ids or key). Never carries the key's value. */
export class UppConfigError extends UppInputError {
  constructor(field: string, rule: RuleName, params: Record<string, string | number> = {}) {
    super(field, rule, params, { code: 'ERR_UPP_CONFIG' });
  }
}

/** The connection could not be opened (DNS, refused, connect timeout): the request never left this machine. */
export class UppNotSentError extends UppError {
  readonly reason: string;
  readonly attempts: number;

  constructor(reason: string, detail: string, attempts: number, cause?: unknown) {
    const text = notSentText(reason, detail, attempts);
    super('ERR_UPP_NOT_SENT', text.en, text.zh, { cause });
    this.reason = reason;
    this.attempts = attempts;
  }
}

/** A pay or refund call for the same paymentNo/requestNo is already under way on this client. */
export class UppInFlightError extends UppError {
  readonly field: string;
  readonly value: string;

  constructor(field: string, value: string) {
    const text = describeErrorText('in_flight', { field, value });
    super('ERR_UPP_IN_FLIGHT', text.en, text.zh);
    this.field = field;
    this.value = value;
  }
}

export class UppClientClosedError extends UppError {
  constructor() {
    const text = describeErrorText('client_closed');
    super('ERR_UPP_CLIENT_CLOSED', text.en, text.zh);
  }
}
