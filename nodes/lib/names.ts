// One user-facing name per node, in both languages: the palette label (locales/<lang>/<type>.json `paletteLabel`),
// the default canvas label and the help sidebar's title (Node-RED shows the palette label there), the docs and the
// examples. test/names.test.js checks the catalogs against this table and that Node-RED's palette filter (it matches
// the typed text, case-insensitive, inside the label or the type) finds each node by the words people type.
// Every name starts with "UPP" so a canvas label keeps its context on a busy flow.

export interface NodeName {
  en: string;
  zh: string;
  /** Names used before (palette labels, example labels): retired, so the examples must not use them as node names. */
  former: readonly string[];
}

export const NODE_NAMES: Readonly<Record<string, NodeName>> = {
  'upp-config': { en: 'UPP connection', zh: 'UPP 连接', former: [] },
  'upp-network': { en: 'UPP network test', zh: 'UPP 网络测试', former: ['network test', '网络测试'] },
  'upp-scancode': { en: 'UPP QR payment', zh: 'UPP 扫码支付', former: ['QR pay', '扫码付', 'scan-code order', 'upp scan-code'] },
  'upp-barcode': { en: 'UPP barcode payment', zh: 'UPP 条码支付', former: ['barcode pay', '条码付', 'barcode order'] },
  'upp-facecode': { en: 'UPP face payment', zh: 'UPP 刷脸支付', former: [] },
  'upp-query': { en: 'UPP payment query', zh: 'UPP 支付查询', former: ['pay query', '支付查询', 'payment query'] },
  'upp-refund': { en: 'UPP refund', zh: 'UPP 退款', former: ['refund', '退款'] },
  'upp-refund-query': { en: 'UPP refund query', zh: 'UPP 退款查询', former: ['refund query', '退款查询'] },
  'upp-close': { en: 'UPP close order', zh: 'UPP 关闭订单', former: ['close order', '关闭订单'] },
  'upp-bills': { en: 'UPP bill download', zh: 'UPP 账单下载', former: [] },
  'upp-poll': { en: 'UPP poll', zh: 'UPP 轮询', former: ['poll', '轮询'] },
  'upp-reconcile': { en: 'UPP reconciliation', zh: 'UPP 对账', former: [] },
  'upp-his-in': { en: 'UPP HIS view in', zh: 'UPP 医院接口入口', former: ['HIS view in'] },
  'upp-his-out': { en: 'UPP HIS view out', zh: 'UPP 医院接口应答', former: ['HIS view out'] },
  'upp-audit': { en: 'UPP audit', zh: 'UPP 审计', former: ['audit', '审计'] },
};

/**
 * Words people type into the palette filter, and the nodes each must find (en words in the English editor, zh
 * words in the Chinese one; the node type, e.g. "upp-refund", matches in both).
 */
export const PALETTE_WORDS: Readonly<Record<'en' | 'zh', Readonly<Record<string, readonly string[]>>>> = {
  en: {
    payment: ['upp-scancode', 'upp-barcode', 'upp-facecode', 'upp-query'],
    pay: ['upp-scancode', 'upp-barcode', 'upp-facecode', 'upp-query'],
    refund: ['upp-refund', 'upp-refund-query'],
    QR: ['upp-scancode'],
    scan: ['upp-scancode'],
    barcode: ['upp-barcode'],
    query: ['upp-query', 'upp-refund-query'],
    close: ['upp-close'],
    poll: ['upp-poll'],
    audit: ['upp-audit'],
    reconcil: ['upp-reconcile'],
    bill: ['upp-bills'],
    UPP: [
      'upp-network',
      'upp-scancode',
      'upp-barcode',
      'upp-facecode',
      'upp-query',
      'upp-refund',
      'upp-refund-query',
      'upp-close',
      'upp-bills',
      'upp-poll',
      'upp-reconcile',
      'upp-his-in',
      'upp-his-out',
      'upp-audit',
    ],
    HIS: ['upp-his-in', 'upp-his-out'],
  },
  zh: {
    支付: ['upp-scancode', 'upp-barcode', 'upp-facecode', 'upp-query'],
    退款: ['upp-refund', 'upp-refund-query'],
    扫码: ['upp-scancode'],
    条码: ['upp-barcode'],
    刷脸: ['upp-facecode'],
    查询: ['upp-query', 'upp-refund-query'],
    关闭: ['upp-close'],
    轮询: ['upp-poll'],
    医院: ['upp-his-in', 'upp-his-out'],
    审计: ['upp-audit'],
    对账: ['upp-reconcile'],
    账单: ['upp-bills'],
    refund: ['upp-refund', 'upp-refund-query'],
  },
};
