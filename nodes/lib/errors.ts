// Errors the node layer adds on top of the core's: they are UppErrors with codes from the core's registry
// (nodes/core/errors.ts), so a Catch flow can switch on msg.error.code without caring which layer found the problem.
import { UppConfigError, UppError, UppInputError, type Diagnosis } from '../core';

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
export class UppNetworkError extends UppError {
  declare readonly code: 'ERR_UPP_NETWORK';
  readonly diagnosis: Diagnosis;
  readonly messageEn: string;
  /** The core's reason code (rejected, bad_signature, http_status, timeout, ECONNREFUSED, ...). */
  readonly reason: string;

  constructor(diagnosis: Diagnosis, lang: 'en' | 'zh', reason: string, notSent: boolean, cause?: unknown) {
    super('ERR_UPP_NETWORK', diagnosis.en, diagnosis.zh, { cause, notSent });
    this.message = lang === 'zh' ? diagnosis.zh : diagnosis.en;
    this.diagnosis = diagnosis;
    this.messageEn = diagnosis.en;
    this.reason = reason;
  }

  /** The diagnosis alone in msg.error.message and the log (see UppError.toString in nodes/core/errors.ts). */
  override toString(): string {
    return this.message;
  }
}
