// Every text an error carries, in English and Simplified Chinese: one template per validation rule (the field is
// always named) and one per message of the other error codes. docs/errors.md explains each code to users.
export type RuleName =
  | 'required'
  | 'type_string'
  | 'type_integer'
  | 'max_length'
  | 'enum'
  | 'enum_listed'
  | 'no_comma'
  | 'amount_format'
  | 'amount_positive'
  | 'amount_scale'
  | 'amount_range'
  | 'json'
  | 'datetime_format'
  | 'datetime_future'
  | 'date_format'
  | 'date_order'
  | 'date_range'
  | 'date_future'
  | 'edition'
  | 'url'
  | 'option'
  | 'env_unset'
  | 'source'
  | 'rows';

const TEXTS: Record<RuleName, { en: string; zh: string }> = {
  required: { en: '{field} is required', zh: '{field} 为必填项' },
  type_string: { en: '{field} must be text (got {got})', zh: '{field} 必须是文本（实际为 {got}）' },
  type_integer: { en: '{field} must be a whole number of at most {max} digits', zh: '{field} 必须是不超过 {max} 位的整数' },
  max_length: { en: '{field} must be at most {max} characters (got {length})', zh: '{field} 最多 {max} 个字符（实际 {length} 个）' },
  enum: { en: '{field} must be one of {values} (got "{got}")', zh: '{field} 必须是 {values} 之一（实际为 "{got}"）' },
  enum_listed: {
    en: '{field} must be one of {values} (got "{got}"); a value the manual does not list is written unlisted:<value>',
    zh: '{field} 必须是 {values} 之一（实际为 "{got}"）；手册未列出的值请写成 unlisted:<值>',
  },
  no_comma: { en: '{field} must not contain an English comma ","', zh: '{field} 不得包含英文逗号 ","' },
  amount_format: {
    en: '{field} must be an amount in yuan such as 12.30 (plain digits, no exponent, NaN or Infinity; got {got})',
    zh: '{field} 必须是以元为单位的金额，如 12.30（纯数字，不能是科学计数法、NaN 或 Infinity；实际为 {got}）',
  },
  amount_positive: { en: '{field} must be greater than 0 (got {got})', zh: '{field} 必须大于 0（实际为 {got}）' },
  amount_scale: {
    en: '{field} must have at most 2 decimal places, it is never rounded (got {got})',
    zh: '{field} 最多 2 位小数，不会自动四舍五入（实际为 {got}）',
  },
  amount_range: {
    en: '{field} must have at most 8 digits before the decimal point (got {got})',
    zh: '{field} 整数部分最多 8 位（实际为 {got}）',
  },
  json: { en: '{field} must be JSON text or an object ({detail})', zh: '{field} 必须是 JSON 文本或对象（{detail}）' },
  datetime_format: {
    en: '{field} must be "yyyy-MM-dd HH:mm:ss" (China time, UTC+8), a Date or epoch milliseconds (got {got})',
    zh: '{field} 必须是 "yyyy-MM-dd HH:mm:ss"（北京时间）、Date 或毫秒时间戳（实际为 {got}）',
  },
  datetime_future: {
    en: '{field} must lie in the future (got {got}, now {now} China time)',
    zh: '{field} 必须晚于当前时间（实际为 {got}，当前北京时间 {now}）',
  },
  date_format: {
    en: '{field} must be a date "yyyy-MM-dd" (China calendar) or a Date (got {got})',
    zh: '{field} 必须是日期 "yyyy-MM-dd"（北京日期）或 Date（实际为 {got}）',
  },
  date_order: {
    en: '{field} must not be before {other} {otherDate} (got {got})',
    zh: '{field} 不得早于 {other} {otherDate}（实际为 {got}）',
  },
  date_range: {
    en: '{field}: a bill covers at most {max} days (got {days} days, {got})',
    zh: '{field}：一次下载的账单最多 {max} 天（实际 {days} 天，{got}）',
  },
  date_future: {
    en: '{field} must not be after today {today} (China calendar; got {got})',
    zh: '{field} 不得晚于今天 {today}（北京日期；实际为 {got}）',
  },
  edition: {
    en: '{field}: the front-end edition {edition} has no {endpoint} endpoint (it exists from edition {since}); set the edition of the front-end machine',
    zh: '{field}：前置机版本 {edition} 没有 {endpoint} 接口（自 {since} 版起提供）；请设置前置机版本',
  },
  url: { en: '{field} must be an http:// or https:// URL (got {got})', zh: '{field} 必须是 http:// 或 https:// 地址（实际为 {got}）' },
  env_unset: {
    en: '{field} refers to the environment variable {variable}, which is not set',
    zh: '{field} 引用的环境变量 {variable} 未设置',
  },
  source: { en: '{field}: cannot read its {type} value ({detail})', zh: '{field}：无法读取 {type} 类型的值（{detail}）' },
  option: { en: '{field} must be one of {values} (got "{got}")', zh: '{field} 必须是 {values} 之一（实际为 "{got}"）' },
  rows: {
    en: '{field} must be a list of rows, as a database node returns (got {got})',
    zh: '{field} 必须是行的列表（数组），与数据库节点的输出相同（实际为 {got}）',
  },
};

/** Texts that say more than a rule's own template (the rule stays the error's `rule`). */
const FIELD_TEXTS = {
  poll_key_missing: {
    en: '{field} is missing: upp-poll reads it from msg.upp.{field}, msg.upp.request.{field} or msg.payload.{field}',
    zh: '缺少 {field}：upp-poll 从 msg.upp.{field}、msg.upp.request.{field} 或 msg.payload.{field} 读取该字段',
  },
  poll_mode_unknown: {
    en:
      'upp-poll cannot tell whether to poll a payment or a refund: msg.upp.endpoint is not set and no requestNo or ' +
      'paymentNo was found in msg.upp, msg.upp.request or msg.payload (or choose the mode in the node)',
    zh: 'upp-poll 无法判断要轮询支付还是退款：msg.upp.endpoint 未设置，且在 msg.upp、msg.upp.request、msg.payload 中找不到 requestNo 或 paymentNo（也可在节点中选择模式）',
  },
  seconds_positive: {
    en: '{field} must be a number of seconds greater than 0 (got {got})',
    zh: '{field} 必须是大于 0 的秒数（实际为 {got}）',
  },
  integer_min_1: { en: '{field} must be a whole number of at least 1 (got {got})', zh: '{field} 必须是不小于 1 的整数（实际为 {got}）' },
} satisfies Record<string, { en: string; zh: string }>;

export type FieldTextName = RuleName | keyof typeof FIELD_TEXTS;

/** Messages of the codes that are not about one field. */
const ERROR_TEXTS = {
  in_flight: {
    en: '{field} "{value}" already has a call in flight on this connection; wait for its outcome (or query it) instead of sending it again',
    zh: '{field} "{value}" 已有请求正在处理中；请等待结果（或发起查询），不要重复发送',
  },
  client_closed: {
    en: 'The UPP client was closed (redeploy or shutdown); the request was not sent',
    zh: 'UPP 客户端已关闭（重新部署或停止），请求未发出',
  },
  sandbox_no_order: { en: 'No order with paymentNo {paymentNo}', zh: '没有 paymentNo 为 {paymentNo} 的订单' },
  sandbox_bad_move: {
    en: 'Order {paymentNo} is {status}, only a wait_pay order can become {target}',
    zh: '订单 {paymentNo} 的状态为 {status}，只有 wait_pay 的订单才能变为 {target}',
  },
} satisfies Record<string, { en: string; zh: string }>;

export type ErrorTextName = keyof typeof ERROR_TEXTS;

const fill = (template: string, params: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));

/** The text of a field's error: the rule's template, or a more specific one naming the same rule. */
export function describeRule(field: string, rule: FieldTextName, params: Record<string, string | number>): { en: string; zh: string } {
  const texts = rule in FIELD_TEXTS ? FIELD_TEXTS[rule as keyof typeof FIELD_TEXTS] : TEXTS[rule as RuleName];
  const all = { ...params, field };
  return { en: fill(texts.en, all), zh: fill(texts.zh, all) };
}

/** The text of an error that is not about one field's rule. */
export function describeErrorText(name: ErrorTextName, params: Record<string, string | number> = {}): { en: string; zh: string } {
  return { en: fill(ERROR_TEXTS[name].en, params), zh: fill(ERROR_TEXTS[name].zh, params) };
}

/** Short, safe description of a value for an error message (never the whole of a long value). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value}`;
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
export function notSentText(reason: string, detail: string, attempts: number): { en: string; zh: string } {
  const known = CONNECT_FAILURES[reason];
  const address = /(\[[0-9a-fA-F:.]+\]:\d+|[\w.-]+:\d+)\s*$/.exec(detail)?.[1];
  const rest = detail
    .split(reason)
    .join('')
    .replace(/^[\s:]+/, '')
    .replace(/\bconnect\s*/g, '')
    .trim();
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
