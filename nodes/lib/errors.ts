// Errors the node layer adds on top of the core's: they keep the core's codes (ERR_UPP_INPUT, ERR_UPP_CONFIG, ...)
// so a Catch flow can switch on msg.error.code without caring which layer found the problem.
import { UppConfigError, UppInputError, type Diagnosis } from '../core';

/** A config field refers to `${VAR}` and the variable is not set. Names the field and the variable, never a value. */
export class UppEnvVarError extends UppConfigError {
  readonly variable: string;

  constructor(field: string, variable: string) {
    super(field, 'env_unset', { variable });
    this.variable = variable;
  }
}

/** A field's source (msg/flow/global property, JSONata expression) could not be read. Nothing was sent. */
export class UppSourceError extends UppInputError {
  constructor(field: string, type: string, detail: string) {
    super(field, 'source', { type, detail });
  }
}

/** The network test did not succeed; the message is the diagnosis (wrong URL, wrong key, wrong profile, ...). */
export class UppNetworkError extends Error {
  readonly code = 'ERR_UPP_NETWORK';
  readonly diagnosis: Diagnosis;
  readonly messageZh: string;
  readonly messageEn: string;
  /** The core's reason code (rejected, bad_signature, http_status, timeout, ECONNREFUSED, ...). */
  readonly reason: string;
  readonly notSent: boolean;

  constructor(diagnosis: Diagnosis, lang: 'en' | 'zh', reason: string, notSent: boolean, cause?: unknown) {
    super(lang === 'zh' ? diagnosis.zh : diagnosis.en, cause === undefined ? undefined : { cause });
    this.name = 'UppNetworkError';
    this.diagnosis = diagnosis;
    this.messageEn = diagnosis.en;
    this.messageZh = diagnosis.zh;
    this.reason = reason;
    this.notSent = notSent;
  }

  /** The diagnosis alone in msg.error.message and the log (see UppError.toString in nodes/core/errors.ts). */
  override toString(): string {
    return this.message;
  }
}
