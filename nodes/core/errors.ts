// Typed errors with stable codes. Everything thrown by the library is an UppError: it proves that nothing reached
// the platform (bad input, bad configuration, a connection that never opened, a duplicate in-flight call), so a
// caller may fix the cause and try again. Ambiguous failures are never thrown: they come back as `pending` results.
import { describeRule, type RuleName } from './messages';

export type UppErrorCode =
  | 'ERR_UPP_INPUT'
  | 'ERR_UPP_CONFIG'
  | 'ERR_UPP_NOT_SENT'
  | 'ERR_UPP_IN_FLIGHT'
  | 'ERR_UPP_CLIENT_CLOSED';

export class UppError extends Error {
  readonly code: UppErrorCode;
  /** The same message in Simplified Chinese. */
  readonly messageZh: string;
  /** True for every UppError: the request was not sent, so nothing happened on the platform. */
  readonly notSent = true;

  constructor(code: UppErrorCode, message: string, messageZh: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.messageZh = messageZh;
  }
}

/** A request field (or a config value) broke a rule; `field` and `rule` say which. */
export class UppInputError extends UppError {
  readonly field: string;
  readonly rule: RuleName;

  constructor(field: string, rule: RuleName, params: Record<string, string | number> = {}, code: UppErrorCode = 'ERR_UPP_INPUT') {
    const text = describeRule(field, rule, params);
    super(code, text.en, text.zh);
    this.field = field;
    this.rule = rule;
  }
}

/** The client's configuration is unusable (missing base URL, ids or key). Never carries the key's value. */
export class UppConfigError extends UppInputError {
  constructor(field: string, rule: RuleName, params: Record<string, string | number> = {}) {
    super(field, rule, params, 'ERR_UPP_CONFIG');
  }
}

/** The connection could not be opened (DNS, refused, connect timeout): the request never left this machine. */
export class UppNotSentError extends UppError {
  readonly reason: string;
  readonly attempts: number;

  constructor(reason: string, detail: string, attempts: number, cause?: unknown) {
    super(
      'ERR_UPP_NOT_SENT',
      `Request not sent: could not connect to the front-end machine (${reason}: ${detail}) after ${attempts} attempt(s)`,
      `请求未发出：无法连接前置机（${reason}：${detail}），已尝试 ${attempts} 次`,
      { cause },
    );
    this.reason = reason;
    this.attempts = attempts;
  }
}

/** A pay or refund call for the same paymentNo/requestNo is already under way on this client. */
export class UppInFlightError extends UppError {
  readonly field: string;
  readonly value: string;

  constructor(field: string, value: string) {
    super(
      'ERR_UPP_IN_FLIGHT',
      `${field} "${value}" already has a call in flight on this connection; wait for its outcome (or query it) instead of sending it again`,
      `${field} "${value}" 已有请求正在处理中；请等待结果（或发起查询），不要重复发送`,
    );
    this.field = field;
    this.value = value;
  }
}

export class UppClientClosedError extends UppError {
  constructor() {
    super('ERR_UPP_CLIENT_CLOSED', 'The UPP client was closed (redeploy or shutdown); the request was not sent', 'UPP 客户端已关闭（重新部署或停止），请求未发出');
  }
}
