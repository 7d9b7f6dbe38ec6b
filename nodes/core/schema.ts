// The endpoint table: the single source of truth for paths, request and response fields, types, limits, enums and
// what each status means. Validation, wire encoding, the editor's field lists, the help tables and the sandbox
// are all driven from here (vendor API §2, §4, §5 and §9, docs/design.md).

/** How requests are signed (vendor API §3): `v1` values quoted, `v2` typed. */
export type Profile = 'v1' | 'v2';
/** Value profiles a signature may use (vendor API §3): the request profiles plus the `v2-mixed` printed by HIS manual V2.3. */
export type SignProfile = Profile | 'v2-mixed';
/** How LocalDateTime values appear in the canonical string: as on the wire, or ISO text with a `T` (vendor API §3). */
export type TimeText = 'wire' | 'iso';
export type VerifyMode = 'strict' | 'auto';
/** The two families of endpoint names (vendor API §9); an edition picks one. */
export type PathStyle = 'manual-1.0' | 'v2';
/** Front-end machine editions (vendor API §9). */
export type Edition = '1.0' | '2.0' | '2.1' | '2.2' | '2.3';

/** How a field is typed on the wire and checked before sending. */
export type FieldType =
  | 'string' // JSON string, at most `max` characters
  | 'long' // JSON integer
  | 'amount' // BigDecimal(8,2), yuan, > 0, written with exactly two decimals
  | 'datetime' // yyyy-MM-dd HH:mm:ss, China Standard Time (UTC+8)
  | 'json' // String holding JSON text (an object is stringified)
  | 'date'; // yyyy-MM-dd (LocalDate, China calendar)

/** Marks a value of a `listed` field that the manual does not list, on purpose (stripped before sending). */
export const UNLISTED_PREFIX = 'unlisted:';

export interface FieldSpec {
  name: string;
  type: FieldType;
  required: boolean;
  /** Maximum length in characters (String(n)). */
  max?: number;
  /**
   * Known values; `closed` means any other value is rejected, `open` means others pass through, `listed` means
   * others are refused unless written `unlisted:<value>` (sent as `<value>`): a typo is caught before sending, a
   * channel added after the manual still goes through when the flow says so (UNLISTED_PREFIX).
   */
  values?: readonly string[];
  enumKind?: 'closed' | 'open' | 'listed';
  /** Must not contain an English comma (the platform splits on it). */
  noComma?: boolean;
  /** Must lie in the future (expireTime). */
  future?: boolean;
  label: { en: string; zh: string };
}

export type EndpointName =
  'network' | 'scanCode' | 'barCode' | 'query' | 'refund' | 'refundQuery' | 'close' | 'faceCode' | 'yuntaiBills' | 'channelBills';

/**
 * What a call may do to money, which decides timeouts and retries:
 * read = safe to repeat; pay/refund = never resent automatically; close = not resent, a timeout counts as closed.
 */
export type EndpointKind = 'read' | 'pay' | 'refund' | 'close';

/**
 * How a verified answer is bound to its request before it decides anything (issue 10 item 1): `ids` must equal the
 * request's values; `amount` must equal, as a decimal, the amount sent (`request`) or the caller's
 * CallOptions.expectedAmount (`expected`, compared only when given).
 */
export interface AnswerBinding {
  ids: ReadonlyArray<'paymentNo' | 'requestNo'>;
  amount?: { field: 'tradeFee' | 'refundFee'; source: 'request' | 'expected' };
}

export interface EndpointSpec {
  name: EndpointName;
  kind: EndpointKind;
  paths: Record<PathStyle, string>;
  title: { en: string; zh: string };
  request: readonly FieldSpec[];
  /**
   * Response `data` fields; amounts among them are turned into exact strings. `required` is what the manual marks Y:
   * a verified, accepted answer lacking one is pending with reason `missing_field`.
   */
  response: readonly FieldSpec[];
  /** `list`: data is a list of rows (bill downloads), each row shaped by `response`. */
  dataShape?: 'object' | 'list';
  /** Largest answer accepted (bytes); default 1 MiB (nodes/core/transport.ts). A bill of many rows is larger. */
  maxResponseBytes?: number;
  binding?: AnswerBinding;
}

export const PROTOCOL_VERSION = '1.0.0';

export const ENUMS = {
  bizType: ['scan_pay', 'barcode_pay'],
  sourceType: ['outpatient', 'inpatient'],
  channelType: ['ali', 'ten', 'uni'],
  channelProduct: ['ali_scan_code', 'ali_bar_code', 'ten_scan_code', 'ten_bar_code', 'uni_scan_code', 'uni_bar_code'],
  scanChannelProduct: ['ali_scan_code', 'ten_scan_code', 'uni_scan_code'],
  tradeStatus: ['wait_pay', 'pay_success', 'pay_failed', 'refund_apply_success', 'refund_success', 'refund_failed', 'refund_exception'],
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
    enumKind: 'listed',
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
  faceCode: { name: 'faceCode', type: 'string', required: true, max: 64, label: { en: 'Face-pay code', zh: '刷脸支付码' } },
  faceChannelProduct: {
    name: 'channelProduct',
    type: 'string',
    required: true,
    max: 32,
    label: { en: 'Channel product', zh: '支付渠道产品' },
  },
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
// Required flags follow vendor API §4 (the manual's response tables).
const SCAN_RESPONSE: readonly FieldSpec[] = [
  r('tradeStatus', 'string', false, 'Trade status', '交易状态', 32),
  r('channelType', 'string', true, 'Channel', '支付渠道', 32),
  r('channelProduct', 'string', true, 'Channel product', '渠道产品', 32),
  r('sign', 'string', true, 'Pay URL / QR content', '支付 URL'),
  r('outPaymentNo', 'string', true, 'Platform serial', '芸泰正交易流水', 32),
  r('inPaymentNo', 'string', false, 'Channel serial', '渠道正交易流水', 64),
  r('paymentNo', 'string', true, 'HIS payment serial', 'HIS 支付流水', 32),
  r('tradeFee', 'amount', true, 'Amount', '实际支付金额'),
  r('paymentTime', 'datetime', false, 'Payment time', '实际交易时间'),
  r('bizData', 'json', false, 'Business data', '业务数据', 256),
];
const BARCODE_RESPONSE: readonly FieldSpec[] = [
  r('tradeStatus', 'string', true, 'Trade status', '交易状态', 32),
  r('sign', 'string', false, 'Sign (pay URL)', '支付 URL'),
  r('outPaymentNo', 'string', true, 'Platform serial', '芸泰正交易流水', 32),
  r('inPaymentNo', 'string', false, 'Channel serial', '渠道正交易流水', 64),
  r('paymentNo', 'string', true, 'HIS payment serial', 'HIS 支付流水', 32),
  r('channelType', 'string', true, 'Channel', '支付渠道', 32),
  r('channelProduct', 'string', true, 'Channel product', '渠道产品', 32),
  r('tradeFee', 'amount', true, 'Amount', '实际支付金额'),
  r('paymentTime', 'datetime', false, 'Payment time', '实际交易时间'),
  r('bizData', 'json', false, 'Business data', '业务数据', 256),
];
const QUERY_RESPONSE: readonly FieldSpec[] = [
  r('tradeStatus', 'string', true, 'Trade status', '交易状态', 32),
  r('tradeFee', 'amount', true, 'Amount', '实际支付金额'),
  r('channelType', 'string', false, 'Channel', '支付渠道', 32),
  r('channelProduct', 'string', false, 'Channel product', '渠道产品', 32),
  r('outPaymentNo', 'string', false, 'Platform serial', '芸泰正交易流水', 32),
  r('inPaymentNo', 'string', false, 'Channel serial', '渠道正交易流水', 64),
  r('paymentNo', 'string', false, 'HIS payment serial', 'HIS 支付流水', 32),
  r('paymentTime', 'datetime', false, 'Payment time', '实际交易时间'),
  r('bizData', 'json', false, 'Business data', '业务数据', 256),
];
const REFUND_RESPONSE: readonly FieldSpec[] = [
  r('tradeStatus', 'string', true, 'Trade status', '交易状态', 32),
  r('refundFee', 'amount', true, 'Refund amount', '退款金额'),
  r('failedReason', 'string', false, 'Failure reason', '失败原因', 64),
  r('outRefundNo', 'string', true, 'Platform refund serial', '芸泰退款流水', 32),
  r('requestNo', 'string', true, 'Refund request id', '退款请求号', 32),
  r('channelType', 'string', true, 'Channel', '支付渠道', 32),
  r('channelProduct', 'string', true, 'Channel product', '渠道产品', 32),
  r('refundNo', 'string', true, 'HIS refund serial', 'HIS 退款流水', 32),
  r('outPaymentNo', 'string', true, 'Platform serial', '芸泰正交易流水', 32),
  r('inPaymentNo', 'string', false, 'Channel serial', '渠道正交易流水', 64),
  r('paymentNo', 'string', true, 'HIS payment serial', 'HIS 支付流水', 32),
  r('refundTime', 'datetime', false, 'Refund time', '退款时间'),
  r('bizData', 'json', false, 'Business data', '业务数据', 256),
];
/** One row of the platform's bill (vendor API §4.9); the channel bill (4.10) has the same rows without the last three. */
const BILL_ROW: readonly FieldSpec[] = [
  r('partnerId', 'long', true, 'Merchant id', '商户标识', 15),
  r('isvId', 'long', true, 'ISV id', 'ISV 标识', 15),
  r('tradeType', 'string', true, 'Trade type', '交易类型', 10),
  r('bizType', 'string', true, 'Business type', '业务类型', 32),
  r('channelType', 'string', true, 'Channel', '支付渠道', 32),
  r('channelProduct', 'string', true, 'Channel product', '渠道产品', 32),
  r('billsDate', 'date', true, 'Bill date', '账单日期'),
  r('tradeFee', 'amount', true, 'Amount', '交易金额'),
  r('tradeTime', 'datetime', false, 'Trade time', '交易时间'),
  r('outTradeNo', 'string', true, 'Platform serial', '芸泰交易流水', 32),
  r('inTradeNo', 'string', false, 'Channel serial', '渠道交易流水', 64),
  r('tradeNo', 'string', false, 'HIS serial', 'HIS 交易流水', 32),
  r('balanceNo', 'string', false, 'Reversal serial', '冲正流水', 64),
];
const YUNTAI_BILL_ROW: readonly FieldSpec[] = [
  ...BILL_ROW,
  r('derateFee', 'amount', true, 'Discount', '优惠金额'),
  r('districtId', 'string', false, 'Campus id', '院区 ID', 32),
  r('sourceType', 'string', false, 'Source type', '来源类型', 32),
];

const PAY_ORDER_BINDING: AnswerBinding = { ids: ['paymentNo'], amount: { field: 'tradeFee', source: 'request' } };
/** A bill answer up to 128 MiB (about 400 000 rows of ~330 bytes): bounded, and far above a hospital's day. */
export const MAX_BILL_BYTES = 128 * 1024 * 1024;
const BILLS_REQUEST: readonly FieldSpec[] = [
  { name: 'startDate', type: 'date', required: true, label: { en: 'Start date', zh: '开始日期' } },
  { name: 'endDate', type: 'date', required: true, label: { en: 'End date', zh: '结束日期' } },
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
    request: [
      f.paymentNo,
      f.scanChannelProduct,
      f.expireTime,
      f.tradeFee,
      f.subject,
      f.body,
      f.districtId,
      f.sourceType,
      f.bizData,
      f.expandData,
    ],
    response: SCAN_RESPONSE,
    binding: PAY_ORDER_BINDING,
  },
  barCode: {
    name: 'barCode',
    kind: 'pay',
    paths: { 'manual-1.0': '/access/barcode', v2: '/access/barCode' },
    title: { en: 'Barcode order', zh: '条码付下单' },
    request: [f.paymentNo, f.expireTime, f.tradeFee, f.subject, f.authCode, f.body, f.districtId, f.sourceType, f.bizData, f.expandData],
    response: BARCODE_RESPONSE,
    binding: PAY_ORDER_BINDING,
  },
  faceCode: {
    name: 'faceCode',
    kind: 'pay',
    // Only editions from 2.1 have it, under one name (vendor API §4.8).
    paths: { 'manual-1.0': '/access/faceCode', v2: '/access/faceCode' },
    title: { en: 'Face payment order', zh: '刷脸支付下单' },
    request: [
      f.paymentNo,
      f.faceChannelProduct,
      f.expireTime,
      f.tradeFee,
      f.subject,
      f.faceCode,
      f.body,
      f.districtId,
      f.sourceType,
      f.bizData,
      f.expandData,
    ],
    response: BARCODE_RESPONSE,
    binding: PAY_ORDER_BINDING,
  },
  query: {
    name: 'query',
    kind: 'read',
    paths: { 'manual-1.0': '/access/query', v2: '/access/paymentQuery' },
    title: { en: 'Payment query', zh: '支付查询' },
    request: [f.bizType, f.paymentNo],
    response: QUERY_RESPONSE,
    binding: { ids: ['paymentNo'], amount: { field: 'tradeFee', source: 'expected' } },
  },
  refund: {
    name: 'refund',
    kind: 'refund',
    paths: { 'manual-1.0': '/access/refund', v2: '/access/refund' },
    title: { en: 'Refund', zh: '退款申请' },
    request: [f.refundFee, f.paymentNo, f.bizType, f.requestNo, f.refundNo, f.bizData, f.expandData],
    response: REFUND_RESPONSE,
    binding: { ids: ['paymentNo', 'requestNo'], amount: { field: 'refundFee', source: 'request' } },
  },
  refundQuery: {
    name: 'refundQuery',
    kind: 'read',
    paths: { 'manual-1.0': '/access/refundQuery', v2: '/access/refundQuery' },
    title: { en: 'Refund query', zh: '退款查询' },
    request: [f.requestNo],
    response: REFUND_RESPONSE,
    binding: { ids: ['requestNo'], amount: { field: 'refundFee', source: 'expected' } },
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
    binding: { ids: ['paymentNo'] },
  },
  yuntaiBills: {
    name: 'yuntaiBills',
    kind: 'read',
    paths: { 'manual-1.0': '/access/yuntaiBills', v2: '/access/yuntaiBills' },
    title: { en: 'Platform bill download', zh: '芸泰账单下载' },
    request: BILLS_REQUEST,
    response: YUNTAI_BILL_ROW,
    dataShape: 'list',
    maxResponseBytes: MAX_BILL_BYTES,
  },
  channelBills: {
    name: 'channelBills',
    kind: 'read',
    // sic: capital I, as every manual from V2.1 prints it (vendor API §4.10)
    paths: { 'manual-1.0': '/access/channelBIlls', v2: '/access/channelBIlls' },
    title: { en: 'Channel bill download', zh: '渠道账单下载' },
    request: BILLS_REQUEST,
    response: BILL_ROW,
    dataShape: 'list',
    maxResponseBytes: MAX_BILL_BYTES,
  },
};

export const ENDPOINT_NAMES = Object.keys(ENDPOINTS) as EndpointName[];

/** What differs between front-end editions (vendor API §9): one row per edition, nothing else varies. */
export interface EditionSpec {
  edition: Edition;
  /** The manual that documents it, and its date (for the editor's drop-down and the docs). */
  manual: { en: string; zh: string };
  date: string;
  /** Which family of endpoint names: scancode/barcode/query or scanCode/barCode/paymentQuery. */
  pathStyle: PathStyle;
  /** Value profile requests are signed with unless the profile is set explicitly. */
  requestProfile: Profile;
  /** `body` is required on pay orders, and like subject must not contain an English comma. */
  bodyRequired: boolean;
  /** authCode String(n). */
  authCodeMax: number;
  /** The endpoints this edition serves. */
  endpoints: readonly EndpointName[];
}

const BASE_ENDPOINTS: readonly EndpointName[] = ['network', 'scanCode', 'barCode', 'query', 'refund', 'refundQuery', 'close'];
const V21_ENDPOINTS: readonly EndpointName[] = [...BASE_ENDPOINTS, 'faceCode', 'yuntaiBills', 'channelBills'];

export const EDITIONS: Record<Edition, EditionSpec> = {
  '1.0': {
    edition: '1.0',
    manual: { en: 'ISV manual 1.0', zh: 'ISV 接入手册 1.0' },
    date: '2019-08-30',
    pathStyle: 'manual-1.0',
    requestProfile: 'v1',
    bodyRequired: false,
    authCodeMax: 64,
    endpoints: BASE_ENDPOINTS,
  },
  '2.0': {
    edition: '2.0',
    manual: { en: 'HIS manual V1.0–V2.0', zh: 'HIS 接入手册 V1.0–V2.0' },
    date: '2019-08-29',
    pathStyle: 'v2',
    requestProfile: 'v1',
    bodyRequired: false,
    authCodeMax: 256,
    endpoints: BASE_ENDPOINTS,
  },
  '2.1': {
    edition: '2.1',
    manual: { en: 'HIS manual V2.1', zh: 'HIS 接入手册 V2.1' },
    date: '2019-10-28',
    pathStyle: 'v2',
    requestProfile: 'v1',
    bodyRequired: false,
    authCodeMax: 256,
    endpoints: V21_ENDPOINTS,
  },
  '2.2': {
    edition: '2.2',
    manual: { en: 'HIS manual V2.2', zh: 'HIS 接入手册 V2.2' },
    date: '2019-11-01',
    pathStyle: 'v2',
    requestProfile: 'v1',
    bodyRequired: true,
    authCodeMax: 256,
    endpoints: V21_ENDPOINTS,
  },
  '2.3': {
    edition: '2.3',
    manual: { en: 'HIS manual V2.3', zh: 'HIS 接入手册 V2.3' },
    date: '2019-12-09',
    pathStyle: 'v2',
    requestProfile: 'v2',
    bodyRequired: true,
    authCodeMax: 256,
    endpoints: V21_ENDPOINTS,
  },
};

export const EDITION_NAMES = Object.keys(EDITIONS) as Edition[];
export const DEFAULT_EDITION: Edition = '1.0';

/** The edition a legacy `pathStyle` setting meant (flows saved before the edition setting). */
export const EDITION_OF_PATH_STYLE: Record<PathStyle, Edition> = { 'manual-1.0': '1.0', v2: '2.0' };

/** Whether an edition serves an endpoint. */
export function editionHas(edition: Edition, endpoint: EndpointName): boolean {
  return EDITIONS[edition].endpoints.includes(endpoint);
}

/** Pay orders whose request carries `body` (required, no English comma, from the editions that say so). */
const BODY_ENDPOINTS: ReadonlySet<EndpointName> = new Set(['scanCode', 'barCode', 'faceCode']);

/**
 * The request fields of an endpoint as an edition checks them: body required and comma-free from 2.2, authCode
 * String(256) from 2.0. Without an edition, the table as printed above (edition 1.0).
 */
export function requestFields(endpoint: EndpointName, edition: Edition = DEFAULT_EDITION): readonly FieldSpec[] {
  const row = EDITIONS[edition];
  return ENDPOINTS[endpoint].request.map((field) => {
    if (field.name === 'body' && row.bodyRequired && BODY_ENDPOINTS.has(endpoint)) return { ...field, required: true, noComma: true };
    if (field.name === 'authCode' && field.max !== row.authCodeMax) return { ...field, max: row.authCodeMax };
    return field;
  });
}

/**
 * bizType of the orders each pay endpoint creates, for the query, close and refund that follow. `face_pay` is this
 * project's reading: no manual names the bizType of a face payment (docs/client.md, "Editions").
 */
export const ORDER_BIZ_TYPE: Readonly<Partial<Record<EndpointName, string>>> = {
  scanCode: 'scan_pay',
  barCode: 'barcode_pay',
  faceCode: 'face_pay',
};

/** Statuses that settle a payment or a refund (vendor API §6). Everything else is not final. */
export const FINAL_STATUS = {
  paySuccess: ['pay_success'],
  payFailed: ['pay_failed'],
  refundSuccess: ['refund_success', 'refund_apply_success'],
  refundFailed: ['refund_failed'],
} as const;

/** Joins a base URL (which may carry a path prefix) with an endpoint path, for an edition or a path style. */
export function endpointPath(endpoint: EndpointName, editionOrStyle: Edition | PathStyle, prefix = ''): string {
  const style = Object.hasOwn(EDITIONS, editionOrStyle) ? EDITIONS[editionOrStyle as Edition].pathStyle : (editionOrStyle as PathStyle);
  const trimmed = prefix.replace(/\/+$/, '');
  return `${trimmed}${ENDPOINTS[endpoint].paths[style]}`;
}
