// Bilingual texts for validation rules. One template per rule; the field name is always named.
export type RuleName =
  | 'required'
  | 'type_string'
  | 'type_integer'
  | 'max_length'
  | 'enum'
  | 'no_comma'
  | 'amount_format'
  | 'amount_positive'
  | 'amount_scale'
  | 'amount_range'
  | 'json'
  | 'datetime_format'
  | 'datetime_future'
  | 'date_format'
  | 'edition'
  | 'url'
  | 'option'
  | 'env_unset'
  | 'source';

const TEXTS: Record<RuleName, { en: string; zh: string }> = {
  required: { en: '{field} is required', zh: '{field} 为必填项' },
  type_string: { en: '{field} must be text (got {got})', zh: '{field} 必须是文本（实际为 {got}）' },
  type_integer: { en: '{field} must be a whole number of at most {max} digits', zh: '{field} 必须是不超过 {max} 位的整数' },
  max_length: { en: '{field} must be at most {max} characters (got {length})', zh: '{field} 最多 {max} 个字符（实际 {length} 个）' },
  enum: { en: '{field} must be one of {values} (got "{got}")', zh: '{field} 必须是 {values} 之一（实际为 "{got}"）' },
  no_comma: { en: '{field} must not contain an English comma ","', zh: '{field} 不得包含英文逗号 ","' },
  amount_format: {
    en: '{field} must be an amount in yuan such as 12.30 (plain digits, no exponent, NaN or Infinity; got {got})',
    zh: '{field} 必须是以元为单位的金额，如 12.30（纯数字，不能是科学计数法、NaN 或 Infinity；实际为 {got}）',
  },
  amount_positive: { en: '{field} must be greater than 0 (got {got})', zh: '{field} 必须大于 0（实际为 {got}）' },
  amount_scale: { en: '{field} must have at most 2 decimal places, it is never rounded (got {got})', zh: '{field} 最多 2 位小数，不会自动四舍五入（实际为 {got}）' },
  amount_range: { en: '{field} must have at most 8 digits before the decimal point (got {got})', zh: '{field} 整数部分最多 8 位（实际为 {got}）' },
  json: { en: '{field} must be JSON text or an object ({detail})', zh: '{field} 必须是 JSON 文本或对象（{detail}）' },
  datetime_format: {
    en: '{field} must be "yyyy-MM-dd HH:mm:ss" (China time, UTC+8), a Date or epoch milliseconds (got {got})',
    zh: '{field} 必须是 "yyyy-MM-dd HH:mm:ss"（北京时间）、Date 或毫秒时间戳（实际为 {got}）',
  },
  datetime_future: { en: '{field} must lie in the future (got {got}, now {now} China time)', zh: '{field} 必须晚于当前时间（实际为 {got}，当前北京时间 {now}）' },
  date_format: { en: '{field} must be a date "yyyy-MM-dd" (China calendar) or a Date (got {got})', zh: '{field} 必须是日期 "yyyy-MM-dd"（北京日期）或 Date（实际为 {got}）' },
  edition: {
    en: '{field}: the front-end edition {edition} has no {endpoint} endpoint (it exists from edition {since}); set the edition of the front-end machine',
    zh: '{field}：前置机版本 {edition} 没有 {endpoint} 接口（自 {since} 版起提供）；请设置前置机版本',
  },
  url: { en: '{field} must be an http:// or https:// URL (got {got})', zh: '{field} 必须是 http:// 或 https:// 地址（实际为 {got}）' },
  env_unset: { en: '{field} refers to the environment variable {variable}, which is not set', zh: '{field} 引用的环境变量 {variable} 未设置' },
  source: { en: '{field}: cannot read its {type} value ({detail})', zh: '{field}：无法读取 {type} 类型的值（{detail}）' },
  option: { en: '{field} must be one of {values} (got "{got}")', zh: '{field} 必须是 {values} 之一（实际为 "{got}"）' },
};

export function describeRule(field: string, rule: RuleName, params: Record<string, string | number>): { en: string; zh: string } {
  const fill = (template: string) =>
    template.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'field' ? field : String(params[name] ?? '')));
  return { en: fill(TEXTS[rule].en), zh: fill(TEXTS[rule].zh) };
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
