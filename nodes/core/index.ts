// The public API: a plain Node.js library for the UPP front-end machine, usable without Node-RED.
export * from './schema';
export * from './errors';
export {
  canonicalString,
  sign,
  verifyTree,
  canonicalOf,
  md5Sign,
  variantName,
  parseVariant,
  coversDataSign,
  VARIANT_NAMES,
  SIGN_PROFILES,
  type VerifiedVariant,
  type Variant,
  type VerifyOptions,
  type VerifyOutcome,
  type CanonicalOptions,
} from './codec/canonical';
export { parseLossless, writeJson, MAX_JSON_DEPTH, LosslessNumber, isLosslessNumber, type JsonTree, type JsonObject } from './codec/json';
export { normalizeAmount, Decimal } from './codec/money';
export { formatChinaTime, parseChinaTime, chinaDate, addDays } from './codec/time';
export { encodeRequest } from './codec/encode';
export { validateRequest } from './validate';
export { UppClient, type NetworkResult } from './client';
export type { UppClientOptions, Timeouts, RetryOptions, ResolvedOptions } from './options';
export type { UppResult, CallOptions } from './operations';
export { bindAnswer, type BindingResult, type FieldMismatch } from './binding';
export { decide, type Outcome, type ReasonCode, type Answer, type Decision } from './outcome';
export {
  diagnoseNetwork,
  diagnoseEdition,
  NETWORK_FIELD_TEXT,
  type Diagnosis,
  type DiagnosisCode,
  type DiagnosisWarning,
  type EditionProbe,
} from './diagnose';
export type { TlsOptions } from './transport';
export { describeRule, describeErrorText, describeValue, type RuleName, type FieldTextName, type ErrorTextName } from './messages';
export { ATTEMPT_CHANNEL, CALL_CHANNEL, type AttemptEvent, type CallEvent, type CallerInfo } from './events';
