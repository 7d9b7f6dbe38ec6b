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

  /**
   * The sentence alone: Node-RED puts `err.toString()` into msg.error.message and the log, and the class name
   * ("UppInputError: ...") means nothing to the person reading it; msg.error.code says which kind it is.
   */
  override toString(): string {
    return this.message;
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

/** Why a connection could not be opened, in words (transport reason codes: nodes/core/transport.ts). */
const CONNECT_FAILURES: Record<string, { en: string; zh: string }> = {
  ECONNREFUSED: { en: 'the connection was refused, nothing listens at that address and port', zh: '连接被拒绝，该地址和端口上没有服务' },
  ENOTFOUND: { en: 'the host name is unknown', zh: '主机名无法解析' },
  EAI_AGAIN: { en: 'the host name could not be resolved (DNS not answering)', zh: '主机名暂时无法解析（DNS 无应答）' },
  connect_timeout: { en: 'the connection was not accepted in time', zh: '连接超时，对方未接受连接' },
  EHOSTUNREACH: { en: 'the host is unreachable', zh: '主机不可达' },
  ENETUNREACH: { en: 'the network is unreachable', zh: '网络不可达' },
  ENETDOWN: { en: 'the network is down', zh: '网络已断开' },
  aborted: { en: 'it was cancelled before sending', zh: '发送前已取消' },
};

/**
 * One sentence for a connection that never opened: the cause in words, the code once, the address when the
 * transport's detail names one (undici's "connect ECONNREFUSED 127.0.0.1:7000" repeats the code otherwise).
 */
function notSentText(reason: string, detail: string, attempts: number): { en: string; zh: string } {
  const known = CONNECT_FAILURES[reason];
  const address = /(\[[0-9a-fA-F:.]+\]:\d+|[\w.-]+:\d+)\s*$/.exec(detail)?.[1];
  const rest = detail.split(reason).join('').replace(/^[\s:]+/, '').replace(/\bconnect\s*/g, '').trim();
  const cause = known ?? { en: rest || reason, zh: rest || reason };
  const code = cause.en.includes(reason) ? '' : ` (${reason})`;
  const atEn = address ? ` at ${address}` : '';
  const atZh = address ? ` ${address}` : '';
  const tries = attempts > 0 ? { en: `, after ${attempts} attempt(s)`, zh: `，已尝试 ${attempts} 次` } : { en: '', zh: '' };
  return {
    en: `Request not sent: could not connect to the front-end machine${atEn}: ${cause.en}${code}${tries.en}`,
    zh: `请求未发出：无法连接前置机${atZh}：${cause.zh}${code ? `（${reason}）` : ''}${tries.zh}`,
  };
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
