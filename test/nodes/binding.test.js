'use strict';
// The node side of "an answer is evidence about one request" (issue 10 items 1, 4, 8) and of the editions (issue 12):
// a scripted front-end over real HTTP answers with correctly signed answers about another order, another amount, or
// with a pay URL no signature covers; the nodes must route them to pending (close: not closed), say why, and never
// hand on an unauthenticated pay URL.
const s = require('./support');
const { assert, KEY, OUTPUTS, load, configNode, configCredentials, actionFlow, sendAndWait, uid } = s;
const { frontEnd, signedAnswer, envelopeText } = require('../helpers');

const payData = (paymentNo, tradeFee, tradeStatus, extra = '') =>
  `{"tradeStatus":"${tradeStatus}","channelType":"ali","channelProduct":"ali_scan_code","outPaymentNo":"YT-${paymentNo}","paymentNo":"${paymentNo}","tradeFee":${tradeFee}${extra}}`;
const refundData = (requestNo, refundFee, tradeStatus, paymentNo = 'P-A') =>
  `{"tradeStatus":"${tradeStatus}","refundFee":${refundFee},"outRefundNo":"YTR-${requestNo}","requestNo":"${requestNo}","channelType":"ali","channelProduct":"ali_scan_code","refundNo":"${requestNo}","outPaymentNo":"YT-${paymentNo}","paymentNo":"${paymentNo}"}`;
const signed = (data, options) => signedAnswer(envelopeText(data), KEY, options);
const SCAN = { bizType: 'scan_pay', bizTypeType: 'enum' };
const EVIL = 'https://evil.example/pay';

describe('nodes: answers bound to their request, pay URLs only when signed, editions', function () {
  let fe;
  before(async () => (fe = await frontEnd(() => undefined)));
  after(() => fe.close());
  s.standardHooks();

  /** The config node against the scripted front-end. */
  const cfg = (extra = {}) => configNode({ url: fe.url }, { payTimeout: 2000, readTimeout: 2000, ...extra });
  /** Warnings the action node logged. */
  const warnings = () => s.helper.getNode('n1').__warnings;
  async function run(type, props, msg, extra) {
    await load(actionFlow(type, props, cfg(extra)), configCredentials());
    const node = s.helper.getNode('n1');
    node.__warnings = [];
    const warn = node.warn;
    node.warn = function (m) {
      node.__warnings.push(String(m));
      return warn.apply(this, arguments);
    };
    return sendAndWait(msg, OUTPUTS[type].length);
  }
  const portName = (type, r) => (r.error ? `error: ${r.error.error.message}` : OUTPUTS[type][r.port]);

  describe('issue 10 item 1: an answer about another order or amount is pending, never final', () => {
    it('upp-query: a signed pay_success for 0.01 when 1000.00 is expected goes to pending with msg.upp.mismatch and a warning', async () => {
      const paymentNo = uid('MM');
      fe.answer = (tree) => signed(payData(tree.paymentNo.toString(), '0.01', 'pay_success'));
      const r = await run('upp-query', { ...SCAN, expectedAmount: '1000.00', expectedAmountType: 'num' }, { payload: { paymentNo } });
      assert.equal(portName('upp-query', r), 'pending');
      assert.equal(r.msg.upp.reason, 'mismatch');
      assert.deepEqual(r.msg.upp.mismatch, { tradeFee: { expected: '1000.00', received: '0.01' } });
      assert.deepEqual(r.msg.payload, {}, 'data about another amount is not msg.payload');
      assert.equal(r.msg.upp.unboundData.tradeStatus, 'pay_success', 'kept aside, for a person to look at');
      assert.equal(r.msg.upp.tradeStatus, undefined, 'no status from an unbound answer');
      const node = s.helper.getNode('n1');
      assert.equal(node.statuses.at(-1).fill, 'yellow');
      assert.match(node.statuses.at(-1).text, /status\.mismatch/);
      assert.equal(warnings().length, 1);
      // The helper runtime does not load catalogs: the key is logged; the catalogs' texts carry the ids and fields.
      assert.deepEqual(warnings(), ['upp-query.warn.mismatch']);
      for (const lang of ['en-US', 'zh-CN']) {
        const text = require(`../../locales/${lang}/upp-query.json`)['upp-query'].warn.mismatch;
        assert.match(text, /__ids__/);
        assert.match(text, /__fields__/);
      }
    });

    it("upp-query: a blank expected amount reads msg.payload.tradeFee (a pay node's output carries it)", async () => {
      fe.answer = (tree) => signed(payData(tree.paymentNo.toString(), '0.01', 'pay_success'));
      const r = await run('upp-query', SCAN, { payload: { paymentNo: uid('MB'), tradeFee: '5.00' } });
      assert.equal(portName('upp-query', r), 'pending');
      assert.deepEqual(r.msg.upp.mismatch, { tradeFee: { expected: '5.00', received: '0.01' } });
      const ok = await sendAndWait({ payload: { paymentNo: uid('MB'), tradeFee: '0.01' } }, 3);
      assert.equal(portName('upp-query', ok), 'paid', 'the same answer about the right amount is paid');
    });

    it('upp-query: a malformed expected amount is ERR_UPP_INPUT before anything is sent', async () => {
      const before = fe.requests.length;
      const r = await run(
        'upp-query',
        { ...SCAN, expectedAmount: 'lots', expectedAmountType: 'str' },
        { payload: { paymentNo: uid('ME') } },
      );
      assert.equal(r.error.error.code, 'ERR_UPP_INPUT');
      assert.equal(r.error.upp.error.field, 'expectedAmount');
      assert.equal(fe.requests.length, before);
    });

    it('upp-query: a signed pay_failed about another paymentNo is pending, not failed', async () => {
      fe.answer = () => signed(payData('SOMEONE-ELSE', '1.00', 'pay_failed'));
      const r = await run('upp-query', SCAN, { payload: { paymentNo: uid('MF') } });
      assert.equal(portName('upp-query', r), 'pending');
      assert.equal(r.msg.upp.mismatch.paymentNo.received, 'SOMEONE-ELSE');
    });

    it('upp-refund-query: a refund_success for another amount than the expected refund is pending', async () => {
      fe.answer = (tree) => signed(refundData(tree.requestNo.toString(), '50.00', 'refund_success'));
      const r = await run('upp-refund-query', { expectedAmount: '1.00', expectedAmountType: 'num' }, { payload: { requestNo: uid('RQ') } });
      assert.equal(portName('upp-refund-query', r), 'pending');
      assert.deepEqual(r.msg.upp.mismatch, { refundFee: { expected: '1.00', received: '50.00' } });
    });

    it('upp-close: a signed isCloseOrder Y about another order goes to "not closed", never "closed"', async () => {
      fe.answer = () => signed('{"paymentNo":"OTHER-ORDER","isCloseOrder":"Y"}');
      const r = await run('upp-close', SCAN, { payload: { paymentNo: uid('MC') } });
      assert.equal(portName('upp-close', r), 'notClosed');
      assert.equal(r.msg.upp.reason, 'mismatch');
      assert.equal(r.msg.upp.assumed, false);
      const st = s.helper.getNode('n1').statuses.at(-1);
      assert.equal(st.fill, 'red');
      assert.match(st.text, /notClosed.*mismatch/);
    });

    it('upp-close: a verified answer without isCloseOrder (missing_field) is "not closed" too', async () => {
      fe.answer = (tree) => signed(`{"paymentNo":"${tree.paymentNo}"}`);
      const r = await run('upp-close', SCAN, { payload: { paymentNo: uid('MN') } });
      assert.equal(portName('upp-close', r), 'notClosed');
      assert.equal(r.msg.upp.reason, 'missing_field');
      assert.deepEqual(r.msg.upp.missing, ['isCloseOrder']);
    });
  });

  describe("issue 10 item 4: a pay URL no signature covers is never the order's pay URL", () => {
    const waitPay = (tree, url) => payData(tree.paymentNo.toString(), tree.tradeFee.toString(), 'wait_pay', `,"sign":"${url}"`);
    const order = () => ({ payload: { paymentNo: uid('QR'), tradeFee: '1000.00', channelProduct: 'ali_scan_code', subject: 'x' } });

    it('verified only without data.sign: pending, reason pay_url_unverified, the URL nowhere in the message', async () => {
      fe.answer = (tree) => signed(waitPay(tree, EVIL), { dropDataSign: true });
      const r = await run('upp-scancode', {}, order());
      assert.equal(portName('upp-scancode', r), 'pending');
      assert.equal(r.msg.upp.verified, 'v1/no-data-sign');
      assert.equal(r.msg.upp.reason, 'pay_url_unverified');
      assert.equal(r.msg.upp.payUrl, undefined);
      assert.equal(r.msg.payload.sign, undefined);
      assert.ok(!JSON.stringify(r.msg).includes('evil.example'), 'the unauthenticated URL is not in the message');
      assert.match(s.helper.getNode('n1').statuses.at(-1).text, /payUrlUnverified/);
    });

    it('a signature covering data.sign: msg.upp.payUrl and msg.payload.sign', async () => {
      fe.answer = (tree) => signed(waitPay(tree, 'https://qr.alipay.example/ok'));
      const r = await run('upp-scancode', {}, order());
      assert.equal(portName('upp-scancode', r), 'pending');
      assert.equal(r.msg.upp.reason, 'not_final');
      assert.equal(r.msg.upp.payUrl, 'https://qr.alipay.example/ok');
      assert.equal(r.msg.payload.sign, 'https://qr.alipay.example/ok');
    });

    it('the config node says this front-end does not sign data.sign: its pay URL is trusted', async () => {
      fe.answer = (tree) => signed(waitPay(tree, 'https://qr.alipay.example/unsigned'), { dropDataSign: true });
      const r = await run('upp-scancode', {}, order(), { dataSignUnsigned: true });
      assert.equal(r.msg.upp.payUrl, 'https://qr.alipay.example/unsigned');
      assert.equal(r.msg.upp.reason, 'not_final');
    });

    it('an answer about another order with a URL: pending mismatch, no pay URL', async () => {
      fe.answer = () => signed(payData('OLD-ORDER', '0.01', 'wait_pay', `,"sign":"${EVIL}"`), { dropDataSign: true });
      const r = await run('upp-scancode', {}, order());
      assert.equal(portName('upp-scancode', r), 'pending');
      assert.equal(r.msg.upp.reason, 'mismatch');
      assert.ok(!JSON.stringify(r.msg).includes('evil.example'));
    });
  });

  describe('issue 12: editions on the config node, face payment', () => {
    const face = () => ({
      payload: { paymentNo: uid('FC'), channelProduct: 'ali_face_code', tradeFee: '3.00', subject: 'x', body: 'y', faceCode: 'FACE123' },
    });

    it('upp-facecode on edition 1.0 (the default): ERR_UPP_CONFIG naming the edition, nothing sent', async () => {
      const before = fe.requests.length;
      const r = await run('upp-facecode', {}, face());
      assert.equal(r.error.error.code, 'ERR_UPP_CONFIG');
      assert.equal(r.error.upp.error.field, 'edition');
      assert.match(r.error.error.message, /2\.1/);
      assert.equal(fe.requests.length, before);
    });

    it('upp-facecode on edition 2.1: /access/faceCode, paid on pay_success, bizType face_pay for what follows', async () => {
      fe.answer = (tree, url) =>
        url === '/access/faceCode' ? signed(payData(tree.paymentNo.toString(), tree.tradeFee.toString(), 'pay_success')) : undefined;
      const r = await run('upp-facecode', {}, face(), { edition: '2.1', pathStyle: '' });
      assert.equal(portName('upp-facecode', r), 'paid');
      assert.equal(r.msg.upp.endpoint, 'faceCode');
      assert.equal(r.msg.upp.bizType, 'face_pay');
      assert.equal(fe.requests.at(-1).tree.faceCode, 'FACE123');
    });

    it('a flow saved with pathStyle v2 and no edition works as edition 2.0 (V2 paths); edition wins over pathStyle', async () => {
      fe.answer = (tree) =>
        signed(payData(tree.paymentNo.toString(), tree.tradeFee.toString(), 'wait_pay', ',"sign":"https://qr.example/x"'));
      const order = () => ({ payload: { paymentNo: uid('PS'), tradeFee: '1.00', channelProduct: 'ali_scan_code', subject: 'x' } });
      await run('upp-scancode', {}, order(), { pathStyle: 'v2' });
      assert.equal(fe.requests.at(-1).path, '/access/scanCode');
      assert.equal(s.helper.getNode('cfg').getClient().options.edition, '2.0');
      await s.unload();
      await run('upp-scancode', {}, order(), { pathStyle: 'v2', edition: '1.0' });
      assert.equal(fe.requests.at(-1).path, '/access/scancode');
    });

    it('the request profile follows the edition unless set: v2 for 2.3, v1 otherwise; a set profile stays', async () => {
      const profileOf = async (extra) => {
        await load(actionFlow('upp-query', SCAN, cfg(extra)), configCredentials());
        const client = s.helper.getNode('cfg').getClient();
        await s.unload();
        return client.options.profile;
      };
      assert.equal(await profileOf({ profile: '', pathStyle: '', edition: '2.3' }), 'v2');
      assert.equal(await profileOf({ profile: '', pathStyle: '', edition: '2.2' }), 'v1');
      assert.equal(await profileOf({ profile: 'v1', pathStyle: '', edition: '2.3' }), 'v1');
    });

    it('strict verification pins the variant set on the config node', async () => {
      await load(
        actionFlow('upp-query', SCAN, cfg({ verify: 'strict', verifyProfile: 'v2-mixed', verifyTime: 'iso', verifyDataSign: 'false' })),
        configCredentials(),
      );
      const { options } = s.helper.getNode('cfg').getClient();
      assert.equal(options.verify, 'strict');
      assert.deepEqual({ ...options.verifyVariant }, { profile: 'v2-mixed', time: 'iso', dataSign: false });
    });
  });
});
