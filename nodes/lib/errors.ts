// Errors the node layer adds on top of the core's: they keep the core's codes (ERR_UPP_INPUT, ERR_UPP_CONFIG, ...)
// so a Catch flow can switch on msg.error.code without caring which layer found the problem.
import { UppConfigError, UppError, type Diagnosis } from '../core';

/** A config field refers to `${VAR}` and the variable is not set. Names the field and the variable, never a value. */
export class UppEnvVarError extends UppConfigError {
  readonly variable: string;

  constructor(field: string, variable: string) {
    super(field, 'required');
    this.variable = variable;
    this.message = `${field} refers to the environment variable ${variable}, which is not set`;
    (this as { messageZh: string }).messageZh = `${field} 引用的环境变量 ${variable} 未设置`;
  }
}

/** A field's source (msg/flow/global property, JSONata expression) could not be read. Nothing was sent. */
export class UppSourceError extends UppError {
  readonly field: string;
  readonly rule = 'source';

  constructor(field: string, type: string, detail: string) {
    super('ERR_UPP_INPUT', `${field}: cannot read its ${type} value (${detail})`, `${field}：无法读取 ${type} 类型的值（${detail}）`);
    this.field = field;
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
}
