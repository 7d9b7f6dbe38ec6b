// The endpoint table: the single source of truth for paths, request and response fields, types, limits, enums and
// what each status means. Validation, wire encoding, the editor's field lists, the help tables and the sandbox
// are all driven from here (spec: ../shared/spec/UPP-API.md sections 2, 4, 5 and 9).

export type Profile = 'v1' | 'v2';
export type VerifyMode = 'strict' | 'auto';
export type PathStyle = 'manual-1.0' | 'v2';

/** How a field is typed on the wire and checked before sending. */
export type FieldType =
  | 'string' // JSON string, at most `max` characters
  | 'long' // JSON integer
  | 'amount' // BigDecimal(8,2), yuan, > 0, written with exactly two decimals
  | 'datetime' // yyyy-MM-dd HH:mm:ss, China Standard Time (UTC+8)
  | 'json'; // String holding JSON text (an object is stringified)

export interface FieldSpec {
  name: string;
  type: FieldType;
  required: boolean;
  /** Maximum length in characters (String(n)). */
  max?: number;
  /** Known values; `closed` means any other value is rejected, `open` means others pass through. */
  values?: readonly string[];
  enumKind?: 'closed' | 'open';
  /** Must not contain an English comma (the platform splits on it). */
  noComma?: boolean;
  /** Must lie in the future (expireTime). */
  future?: boolean;
  label: { en: string; zh: string };
}

export type EndpointName =
  | 'network'
  | 'scanCode'
  | 'barCode'
  | 'query'
  | 'refund'
  | 'refundQuery'
  | 'close';

/**
 * What a call may do to money, which decides timeouts and retries:
 * read = safe to repeat; pay/refund = never resent automatically; close = not resent, a timeout counts as closed.
 */
export type EndpointKind = 'read' | 'pay' | 'refund' | 'close';

export interface EndpointSpec {
  name: EndpointName;
  kind: EndpointKind;
  paths: Record<PathStyle, string>;
  title: { en: string; zh: string };
  request: readonly FieldSpec[];
  /** Response `data` fields; amounts among them are turned into exact strings. */
  response: readonly FieldSpec[];
}

export const PROTOCOL_VERSION = '1.0.0';

export const ENUMS = {
  bizType: ['scan_pay', 'barcode_pay'],
  sourceType: ['outpatient', 'inpatient'],
  channelType: ['ali', 'ten', 'uni'],
  channelProduct: ['ali_scan_code', 'ali_bar_code', 'ten_scan_code', 'ten_bar_code', 'uni_scan_code', 'uni_bar_code'],
  scanChannelProduct: ['ali_scan_code', 'ten_scan_code', 'uni_scan_code'],
  tradeStatus: [
    'wait_pay',
    'pay_success',
    'pay_failed',
    'refund_apply_success',
    'refund_success',
    'refund_failed',
    'refund_exception',
  ],
  isCloseOrder: ['Y', 'N'],
} as const;

/** The common request fields every endpoint carries (sign is added by the encoder). */
export const COMMON_REQUEST: readonly FieldSpec[] = [
  { name: 'isvId', type: 'long', required: true, max: 15, label: { en: 'ISV id', zh: 'ISV 标识' } },
  { name: 'partnerId', type: 'long', required: true, max: 15, label: { en: 'Merchant id', zh: '商户标识' } },
  { name: 'version', type: 'string', required: true, max: 16, label: { en: 'Version', zh: '版本号' } },
  { name: 'timestamp', type: 'long', required: true, max: 13, label: { en: 'Timestamp', zh: '时间戳' } },
];

const f = {
  paymentNo: { name: 'paymentNo', type: 'string', required: true, max: 32, label: { en: 'HIS payment serial', zh: 'HIS 支付流水' } },
  scanChannelProduct: {
    name: 'channelProduct',
    type: 'string',
    required: true,
    max: 32,
    values: ENUMS.scanChannelProduct,
    enumKind: 'open',
    label: { en: 'Channel product', zh: '支付渠道产品' },
  },
  expireTime: {
    name: 'expireTime',
    type: 'datetime',
    required: true,
    future: true,
    label: { en: 'Expire time (UTC+8)', zh: '交易超时时间' },
  },
  tradeFee: { name: 'tradeFee', type: 'amount', required: true, label: { en: 'Amount (yuan)', zh: '实际支付金额（元）' } },
  subject: { name: 'subject', type: 'string', required: true, max: 64, noComma: true, label: { en: 'Subject', zh: '商品标题' } },
  body: { name: 'body', type: 'string', required: false, max: 128, label: { en: 'Goods description', zh: '商品描述' } },
  districtId: { name: 'districtId', type: 'string', required: false, max: 32, label: { en: 'Campus id', zh: '院区 ID' } },
  sourceType: {
    name: 'sourceType',
    type: 'string',
    required: false,
    max: 32,
    values: ENUMS.sourceType,
    enumKind: 'closed',
    label: { en: 'Source type', zh: '来源类型' },
  },
  bizData: { name: 'bizData', type: 'json', required: false, max: 256, label: { en: 'Business data (JSON)', zh: '业务数据（JSON）' } },
  expandData: { name: 'expandData', type: 'json', required: false, max: 256, label: { en: 'Extra data (JSON)', zh: '拓展参数（JSON）' } },
  authCode: { name: 'authCode', type: 'string', required: true, max: 64, label: { en: 'Pay code (auth code)', zh: '付款码' } },
  bizType: {
    name: 'bizType',
    type: 'string',
    required: true,
    max: 32,
    values: ENUMS.bizType,
    enumKind: 'open',
    label: { en: 'Business type', zh: '业务类型' },
  },
  refundFee: { name: 'refundFee', type: 'amount', required: true, label: { en: 'Refund amount (yuan)', zh: '退款金额（元）' } },
  requestNo: { name: 'requestNo', type: 'string', required: true, max: 32, label: { en: 'Refund request id', zh: '退款请求号' } },
  refundNo: { name: 'refundNo', type: 'string', required: true, max: 32, label: { en: 'HIS refund serial', zh: 'HIS 退款流水' } },
} satisfies Record<string, FieldSpec>;

// Response data fields (only type matters for decoding: amounts become exact strings).
const r = (name: string, type: FieldType, required: boolean, en: string, zh: string, max?: number): FieldSpec => ({
  name,
  type,
  required,
  max,
  label: { en, zh },
});
const PAY_RESPONSE: readonly FieldSpec[] = [
  r('tradeStatus', 'string', true, 'Trade status', '交易状态', 32),
  r('channelType', 'string', false, 'Channel', '支付渠道', 32),
  r('channelProduct', 'string', false, 'Channel product', '渠道产品', 32),
  r('sign', 'string', false, 'Pay URL / QR content', '支付 URL'),
  r('outPaymentNo', 'string', false, 'Platform serial', '芸泰正交易流水', 32),
  r('inPaymentNo', 'string', false, 'Channel serial', '渠道正交易流水', 64),
  r('paymentNo', 'string', false, 'HIS payment serial', 'HIS 支付流水', 32),
  r('tradeFee', 'amount', true, 'Amount', '实际支付金额'),
  r('paymentTime', 'datetime', false, 'Payment time', '实际交易时间'),
  r('bizData', 'json', false, 'Business data', '业务数据', 256),
];
const REFUND_RESPONSE: readonly FieldSpec[] = [
  r('tradeStatus', 'string', true, 'Trade status', '交易状态', 32),
  r('refundFee', 'amount', true, 'Refund amount', '退款金额'),
  r('failedReason', 'string', false, 'Failure reason', '失败原因', 64),
  r('outRefundNo', 'string', false, 'Platform refund serial', '芸泰退款流水', 32),
  r('requestNo', 'string', false, 'Refund request id', '退款请求号', 32),
  r('channelType', 'string', false, 'Channel', '支付渠道', 32),
  r('channelProduct', 'string', false, 'Channel product', '渠道产品', 32),
  r('refundNo', 'string', false, 'HIS refund serial', 'HIS 退款流水', 32),
  r('outPaymentNo', 'string', false, 'Platform serial', '芸泰正交易流水', 32),
  r('inPaymentNo', 'string', false, 'Channel serial', '渠道正交易流水', 64),
  r('paymentNo', 'string', false, 'HIS payment serial', 'HIS 支付流水', 32),
  r('refundTime', 'datetime', false, 'Refund time', '退款时间'),
  r('bizData', 'json', false, 'Business data', '业务数据', 256),
];

export const ENDPOINTS: Record<EndpointName, EndpointSpec> = {
  network: {
    name: 'network',
    kind: 'read',
    paths: { 'manual-1.0': '/access/network', v2: '/access/network' },
    title: { en: 'Network test', zh: '网络测试' },
    request: [],
    response: [r('field', 'string', true, 'Test text', '测试字符串', 128)],
  },
  scanCode: {
    name: 'scanCode',
    kind: 'pay',
    paths: { 'manual-1.0': '/access/scancode', v2: '/access/scanCode' },
    title: { en: 'Scan-code order', zh: '扫码付下单' },
    request: [f.paymentNo, f.scanChannelProduct, f.expireTime, f.tradeFee, f.subject, f.body, f.districtId, f.sourceType, f.bizData, f.expandData],
    response: PAY_RESPONSE,
  },
  barCode: {
    name: 'barCode',
    kind: 'pay',
    paths: { 'manual-1.0': '/access/barcode', v2: '/access/barCode' },
    title: { en: 'Barcode order', zh: '条码付下单' },
    request: [f.paymentNo, f.expireTime, f.tradeFee, f.subject, f.authCode, f.body, f.districtId, f.sourceType, f.bizData, f.expandData],
    response: PAY_RESPONSE,
  },
  query: {
    name: 'query',
    kind: 'read',
    paths: { 'manual-1.0': '/access/query', v2: '/access/paymentQuery' },
    title: { en: 'Payment query', zh: '支付查询' },
    request: [f.bizType, f.paymentNo],
    response: PAY_RESPONSE,
  },
  refund: {
    name: 'refund',
    kind: 'refund',
    paths: { 'manual-1.0': '/access/refund', v2: '/access/refund' },
    title: { en: 'Refund', zh: '退款申请' },
    request: [f.refundFee, f.paymentNo, f.bizType, f.requestNo, f.refundNo, f.bizData, f.expandData],
    response: REFUND_RESPONSE,
  },
  refundQuery: {
    name: 'refundQuery',
    kind: 'read',
    paths: { 'manual-1.0': '/access/refundQuery', v2: '/access/refundQuery' },
    title: { en: 'Refund query', zh: '退款查询' },
    request: [f.requestNo],
    response: REFUND_RESPONSE,
  },
  close: {
    name: 'close',
    kind: 'close',
    paths: { 'manual-1.0': '/access/close', v2: '/access/close' },
    title: { en: 'Close order', zh: '交易关闭' },
    request: [f.bizType, f.paymentNo],
    response: [
      r('outPaymentNo', 'string', false, 'Platform serial', '芸泰正交易流水', 32),
      r('inPaymentNo', 'string', false, 'Channel serial', '渠道正交易流水', 64),
      r('paymentNo', 'string', true, 'HIS payment serial', 'HIS 支付流水', 32),
      r('isCloseOrder', 'string', true, 'Closed (Y/N)', '是否关闭', 1),
    ],
  },
};

export const ENDPOINT_NAMES = Object.keys(ENDPOINTS) as EndpointName[];

/** The fields a node lets a user fill, by endpoint (common fields come from the config node). */
export function requestFields(endpoint: EndpointName): readonly FieldSpec[] {
  return ENDPOINTS[endpoint].request;
}

/** Statuses that settle a payment or a refund (spec section 6). Everything else is not final. */
export const FINAL_STATUS = {
  paySuccess: ['pay_success'],
  payFailed: ['pay_failed'],
  refundSuccess: ['refund_success', 'refund_apply_success'],
  refundFailed: ['refund_failed'],
} as const;

/** Joins a base URL (which may carry a path prefix) with an endpoint path, for a path style. */
export function endpointPath(endpoint: EndpointName, style: PathStyle, prefix = ''): string {
  const trimmed = prefix.replace(/\/+$/, '');
  return `${trimmed}${ENDPOINTS[endpoint].paths[style]}`;
}
