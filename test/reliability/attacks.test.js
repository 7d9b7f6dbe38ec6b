'use strict';
// Attacks from the adversarial review (issue 10), each a regression test named after the attack: a hostile or
// broken front-end machine, or a keyless man-in-the-middle on the hospital network, answering the client over real
// HTTP. Every answer here is correctly signed with the key unless the attack is that it is not.
const assert = require('node:assert/strict');
const { core, frontEnd, signedAnswer, envelopeText } = require('../helpers');

const KEY = 'attack-test-key-0001';
const inMinutes = (m) => Date.now() + m * 60 * 1000;

/** A regression test named after the attack it guards against. */
function attack(id, title, fn) {
  it(`${title} [${id}]`, fn);
}

const signed = (text, options) => signedAnswer(text, KEY, options);
const envelope = envelopeText;

describe('reliability: attacks of the adversarial review (issue 10)', function () {
  let fe;
  let client;
  const makeClient = (over = {}) =>
    new core.UppClient({
      baseUrl: fe.url,
      isvId: 20000,
      partnerId: 12345,
      key: KEY,
      proxy: 'none',
      timeouts: { readMs: 2000, payMs: 2000 },
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
      ...over,
    });
  const scanOrder = (paymentNo, tradeFee) => ({
    paymentNo,
    channelProduct: 'ali_scan_code',
    expireTime: inMinutes(15),
    tradeFee,
    subject: '门诊缴费',
  });
  const refundOf = (requestNo, refundFee) => ({ paymentNo: 'P-A', bizType: 'scan_pay', requestNo, refundNo: requestNo, refundFee });
  const payData = (paymentNo, tradeFee, tradeStatus, extra = '') =>
    `{"tradeStatus":"${tradeStatus}","channelType":"ali","channelProduct":"ali_scan_code","outPaymentNo":"YT-${paymentNo}","paymentNo":"${paymentNo}","tradeFee":${tradeFee}${extra}}`;
  const refundData = (requestNo, refundFee, tradeStatus, paymentNo = 'P-A') =>
    `{"tradeStatus":"${tradeStatus}","refundFee":${refundFee},"outRefundNo":"YTR-${requestNo}","requestNo":"${requestNo}","channelType":"ali","channelProduct":"ali_scan_code","refundNo":"${requestNo}","outPaymentNo":"YT-${paymentNo}","paymentNo":"${paymentNo}"}`;

  before(async () => {
    fe = await frontEnd(() => undefined);
  });
  after(async () => {
    await fe.close();
  });
  beforeEach(() => {
    client = makeClient();
  });
  afterEach(async () => {
    await client.destroy();
  });

  describe('1. an answer that is not about this request is never final', () => {
    attack('paid-answer-of-another-order', "a signed pay_success about another paymentNo is pending 'mismatch', not success", async () => {
      fe.answer = () => signed(envelope(payData('P-OTHER', '1000.00', 'pay_success')));
      const r = await client.query({ bizType: 'scan_pay', paymentNo: 'P-MINE' });
      assert.equal(r.outcome, 'pending');
      assert.equal(r.reason, 'mismatch');
      assert.deepEqual(r.mismatch, { paymentNo: { expected: 'P-MINE', received: 'P-OTHER' } });
      assert.equal(r.status, undefined, "a status about another order is not reported as this order's");
      assert.equal(r.verified, 'v1');
    });

    attack('failed-answer-of-another-order', "a signed pay_failed about another paymentNo is pending 'mismatch', not failed", async () => {
      fe.answer = () => signed(envelope(payData('P-OTHER', '5.00', 'pay_failed')));
      const r = await client.query({ bizType: 'scan_pay', paymentNo: 'P-MINE' });
      assert.deepEqual([r.outcome, r.reason], ['pending', 'mismatch']);
    });

    attack(
      'paid-0.01-for-a-1000.00-order',
      'a scan-code order of 1000.00 answered pay_success with tradeFee 0.01 is pending mismatch on tradeFee',
      async () => {
        fe.answer = (req) => signed(envelope(payData(req.paymentNo, '0.01', 'pay_success', ',"sign":"https://qr.example/p"')));
        const r = await client.scanCode(scanOrder('P-1000', '1000.00'));
        assert.deepEqual([r.outcome, r.reason], ['pending', 'mismatch']);
        assert.deepEqual(r.mismatch, { tradeFee: { expected: '1000.00', received: '0.01' } });
        assert.equal(r.payUrlVerified, false);
      },
    );

    attack(
      'replayed-query-answer-of-a-0.01-order',
      "a query answer for 0.01 replayed onto a 1000.00 order's query is mismatch when the caller gives the amount",
      async () => {
        fe.answer = (req) => signed(envelope(payData(req.paymentNo, '0.01', 'pay_success')));
        const r = await client.query({ bizType: 'scan_pay', paymentNo: 'P-Q' }, { expectedAmount: '1000.00' });
        assert.deepEqual([r.outcome, r.reason], ['pending', 'mismatch']);
        assert.deepEqual(r.mismatch, { tradeFee: { expected: '1000.00', received: '0.01' } });
        // the same answer with the right amount, written with another scale, is the order's: 12.3 == 12.30
        fe.answer = (req) => signed(envelope(payData(req.paymentNo, '12.3', 'pay_success')));
        const ok = await client.query({ bizType: 'scan_pay', paymentNo: 'P-Q' }, { expectedAmount: 12.3 });
        assert.deepEqual([ok.outcome, ok.reason, ok.status], ['success', 'final', 'pay_success']);
        assert.equal(ok.mismatch, undefined);
      },
    );

    attack(
      'same-paymentNo-sent-as-5.00-and-500.00',
      'the order sent as 500.00 and answered about the 5.00 order is never success',
      async () => {
        fe.answer = (req) => signed(envelope(payData(req.paymentNo, '5.00', 'pay_success')));
        const barcode = await client.barCode({
          ...scanOrder('P-DUP', '500.00'),
          channelProduct: undefined,
          authCode: '284567890123456789',
        });
        assert.deepEqual([barcode.outcome, barcode.reason], ['pending', 'mismatch']);
        const query = await client.query({ bizType: 'barcode_pay', paymentNo: 'P-DUP' }, { expectedAmount: '500.00' });
        assert.deepEqual([query.outcome, query.reason], ['pending', 'mismatch']);
      },
    );

    attack(
      'refund-answer-of-another-requestNo',
      "a signed refund_success about another requestNo is pending 'mismatch', in the refund and the refund query",
      async () => {
        fe.answer = () => signed(envelope(refundData('RQ-A', '50.00', 'refund_success')));
        const r = await client.refund(refundOf('RQ-B', '50.00'));
        assert.deepEqual([r.outcome, r.reason], ['pending', 'mismatch']);
        assert.deepEqual(r.mismatch, { requestNo: { expected: 'RQ-B', received: 'RQ-A' } });
        const q = await client.refundQuery({ requestNo: 'RQ-B' });
        assert.deepEqual([q.outcome, q.reason], ['pending', 'mismatch']);
      },
    );

    attack(
      'refund-of-1.00-reported-for-50.00',
      'a refund of 50.00 answered refund_success for 1.00 is pending mismatch; the refund query with the expected amount too',
      async () => {
        fe.answer = (req) => signed(envelope(refundData(req.requestNo, '1.00', 'refund_success')));
        const r = await client.refund(refundOf('RQ-C', '50.00'));
        assert.deepEqual(r.mismatch, { refundFee: { expected: '50.00', received: '1.00' } });
        assert.equal(r.outcome, 'pending');
        const q = await client.refundQuery({ requestNo: 'RQ-C' }, { expectedAmount: '50' });
        assert.deepEqual([q.outcome, q.reason], ['pending', 'mismatch']);
        const unknown = await client.refundQuery({ requestNo: 'RQ-C' });
        assert.deepEqual(
          [unknown.outcome, unknown.reason],
          ['success', 'final'],
          'without an expected amount the refund query compares the requestNo only',
        );
      },
    );

    attack('close-answer-of-another-order', "a close answered Y about another paymentNo is pending 'mismatch', not closed", async () => {
      fe.answer = () => signed(envelope('{"paymentNo":"P-OTHER","isCloseOrder":"Y"}'));
      const r = await client.close({ bizType: 'scan_pay', paymentNo: 'P-MINE' });
      assert.deepEqual([r.outcome, r.reason, r.assumed], ['pending', 'mismatch', false]);
    });

    attack(
      'scan-answer-without-pay-url',
      "a scan-code answer without data.sign (required) is pending 'missing_field' naming sign",
      async () => {
        fe.answer = (req) => signed(envelope(payData(req.paymentNo, req.tradeFee.value, 'wait_pay')));
        const r = await client.scanCode(scanOrder('P-NOURL', '8.00'));
        assert.deepEqual([r.outcome, r.reason], ['pending', 'missing_field']);
        assert.deepEqual(r.missing, ['sign']);
        assert.equal(r.mismatch, undefined);
      },
    );

    attack(
      'refund-answer-without-requestNo',
      "a refund_success answer without requestNo is pending 'missing_field', the absent bound field listed with received null",
      async () => {
        fe.answer = (req) =>
          signed(envelope(refundData(req.requestNo, req.refundFee.value, 'refund_success').replace(/"requestNo":"[^"]*",/, '')));
        const r = await client.refund(refundOf('RQ-D', '3.00'));
        assert.deepEqual([r.outcome, r.reason], ['pending', 'missing_field']);
        assert.deepEqual(r.missing, ['requestNo']);
        assert.deepEqual(r.mismatch, { requestNo: { expected: 'RQ-D', received: null } });
      },
    );

    attack('pay-answer-without-amount', "a pay_success answer without tradeFee or paymentNo is pending 'missing_field'", async () => {
      fe.answer = () =>
        signed(envelope('{"tradeStatus":"pay_success","channelType":"ali","channelProduct":"ali_bar_code","outPaymentNo":"YT1"}'));
      const r = await client.barCode({ ...scanOrder('P-NOFEE', '9.00'), channelProduct: undefined, authCode: '284567890123456789' });
      assert.deepEqual([r.outcome, r.reason], ['pending', 'missing_field']);
      assert.deepEqual(r.missing.sort(), ['paymentNo', 'tradeFee']);
    });

    attack(
      'inserted-empty-paymentNo',
      'an empty paymentNo inserted by a keyless man-in-the-middle (empty values are unsigned) counts as absent: missing_field, not paid',
      async () => {
        const answer =
          '{"tradeStatus":"pay_success","channelType":"ali","channelProduct":"ali_bar_code","outPaymentNo":"YT1","tradeFee":9.00}';
        fe.answer = () => signed(envelope(answer)).replace('"tradeFee"', '"paymentNo":"","tradeFee"');
        const r = await client.barCode({ ...scanOrder('P-EMPTY', '9.00'), channelProduct: undefined, authCode: '284567890123456789' });
        assert.equal(r.verified, 'v1', 'the inserted empty value is outside the canonical string');
        assert.deepEqual([r.outcome, r.reason, r.missing], ['pending', 'missing_field', ['paymentNo']]);
        // query's paymentNo is optional in the manual: absent it cannot be compared, and the amount still binds
        const q = await client.query({ bizType: 'barcode_pay', paymentNo: 'P-EMPTY' }, { expectedAmount: '9.00' });
        assert.deepEqual([q.outcome, q.reason], ['success', 'final']);
      },
    );
  });

  describe('2. a close answered isCloseOrder = N is never closed', () => {
    const closeN = (paymentNo) => signed(envelope(`{"paymentNo":"${paymentNo}","isCloseOrder":"N"}`));

    attack(
      'close-N-plus-inserted-empty-tradeStatus',
      'inserting "tradeStatus":"" into a signed isCloseOrder N answer (still verifies) leaves it not closed',
      async () => {
        fe.answer = (req) => closeN(req.paymentNo).replace('"isCloseOrder"', '"tradeStatus":"","isCloseOrder"');
        const r = await client.close({ bizType: 'scan_pay', paymentNo: 'P-PAID' });
        assert.equal(r.verified, 'v1', 'the inserted empty value is outside the canonical string');
        assert.deepEqual([r.outcome, r.assumed, r.status], ['failed', false, 'N']);
      },
    );

    attack(
      'close-N-beside-tradeStatus-pay_success',
      'a front-end that signs tradeStatus pay_success beside isCloseOrder N is not closed',
      async () => {
        fe.answer = (req) => signed(envelope(`{"tradeStatus":"pay_success","paymentNo":"${req.paymentNo}","isCloseOrder":"N"}`));
        const r = await client.close({ bizType: 'scan_pay', paymentNo: 'P-PAID2' });
        assert.deepEqual([r.outcome, r.status], ['failed', 'N']);
      },
    );

    attack(
      'close-N-in-a-rejected-answer',
      'a rejected close answer that carries isCloseOrder N is not closed (not counted as closed)',
      async () => {
        fe.answer = (req) => signed(envelope(`{"paymentNo":"${req.paymentNo}","isCloseOrder":"N"}`, { result: false }));
        const r = await client.close({ bizType: 'scan_pay', paymentNo: 'P-PAID3' });
        assert.deepEqual([r.outcome, r.reason, r.assumed], ['failed', 'rejected', false]);
      },
    );
  });

  describe('3. nothing thrown after a request may have been sent', () => {
    const deep = (levels) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

    attack(
      'answer-nested-4000-levels',
      'a pay answer nested 4 000 levels deep comes back pending unparsable (was: a stack overflow thrown after sending)',
      async () => {
        // ~20 KB, no key needed: the signature is a dummy, the nesting alone used to overflow the writer in verification
        fe.answer = () => `{"sign":"0123456789abcdef0123456789abcdef",${envelope(`{"x":${deep(4000)}}`).slice(1)}`;
        fe.requests.length = 0;
        const r = await client.scanCode(scanOrder('P-DEEP', '1.00'));
        assert.deepEqual([r.outcome, r.reason, r.verified, r.payUrlVerified], ['pending', 'unparsable', false, false]);
        assert.match(r.detail, /deeper than 32/);
        const q = await client.query({ bizType: 'scan_pay', paymentNo: 'P-DEEP' });
        assert.deepEqual([q.outcome, q.reason], ['pending', 'unparsable']);
        assert.equal(fe.requests.length, 1 + 2, 'the pay call is not resent; the read is retried within its attempts');
      },
    );

    attack('answer-nested-just-within-the-limit', 'nesting up to the documented limit (32) is still read and verified', async () => {
      fe.answer = (req) => signed(envelope(payData(req.paymentNo, '1.00', 'wait_pay', `,"bizData":"x","extra":${deep(29)}`)));
      const r = await client.query({ bizType: 'scan_pay', paymentNo: 'P-D32' });
      assert.deepEqual([r.outcome, r.reason, r.verified], ['pending', 'not_final', 'v1']);
      assert.equal(core.MAX_JSON_DEPTH, 32);
      assert.throws(() => core.parseLossless(deep(33)), /deeper than 32/);
    });
  });

  describe("4. a pay URL that no signature covers is never the order's pay URL", () => {
    const scanAnswer = (req, url) => envelope(payData(req.paymentNo, req.tradeFee.value, 'wait_pay', `,"sign":"${url}"`));

    attack(
      'pay-url-swapped-under-no-data-sign',
      'a genuine answer signed without data.sign plus an evil pay URL verifies as v1/no-data-sign but payUrlVerified is false',
      async () => {
        fe.answer = (req) => signed(scanAnswer(req, 'https://evil.example/pay'), { dropDataSign: true });
        const r = await client.scanCode(scanOrder('P-EVIL', '20.00'));
        assert.equal(r.verified, 'v1/no-data-sign');
        assert.equal(r.payUrlVerified, false);
        assert.equal(r.outcome, 'pending');
      },
    );

    attack('pay-url-covered-by-the-signature', 'an answer whose signature covers data.sign has payUrlVerified true', async () => {
      fe.answer = (req) => signed(scanAnswer(req, 'https://qr.example/pay?o=1&t=2'));
      const r = await client.scanCode(scanOrder('P-GOOD', '20.00'));
      assert.deepEqual([r.verified, r.payUrlVerified, r.reason], ['v1', true, 'not_final']);
    });

    attack(
      'weaker-variant-after-data-sign-verified',
      'once an answer verified with data.sign covered, a later answer verified only without it is bad_signature',
      async () => {
        fe.answer = (req) => signed(scanAnswer(req, 'https://qr.example/pay?o=2'));
        assert.equal((await client.scanCode(scanOrder('P-FIRST', '20.00'))).payUrlVerified, true);
        fe.answer = (req) => signed(scanAnswer(req, 'https://evil.example/pay'), { dropDataSign: true });
        const r = await client.scanCode(scanOrder('P-SECOND', '20.00'));
        assert.deepEqual([r.outcome, r.reason, r.verified, r.payUrlVerified], ['pending', 'bad_signature', false, false]);
        // answers without data.sign are unaffected
        fe.answer = (req) => signed(envelope(payData(req.paymentNo, '20.00', 'pay_success')));
        assert.equal((await client.query({ bizType: 'scan_pay', paymentNo: 'P-FIRST' })).outcome, 'success');
      },
    );

    attack(
      'front-end-that-does-not-sign-data-sign',
      "with dataSignUnsigned set (off by default), a no-data-sign answer's pay URL is trusted",
      async () => {
        const c = makeClient({ dataSignUnsigned: true });
        fe.answer = (req) => signed(scanAnswer(req, 'https://qr.example/pay?o=3'), { dropDataSign: true });
        const r = await c.scanCode(scanOrder('P-UNSIGNED', '20.00'));
        await c.destroy();
        assert.deepEqual([r.verified, r.payUrlVerified], ['v1/no-data-sign', true]);
        assert.equal(client.options.dataSignUnsigned, false);
      },
    );
  });

  describe('7. the network test reads data.field', () => {
    attack(
      'network-field-of-another-text',
      'a front-end answering the network test with another text gets a warning in the diagnosis (not a failure)',
      async () => {
        fe.answer = () => signed(envelope('{"field":"hello"}'));
        const r = await client.network();
        assert.equal(r.outcome, 'success');
        assert.equal(r.diagnosis.code, 'ok');
        const warning = r.diagnosis.warnings.find((w) => w.code === 'field_text');
        assert.match(warning.en, /"hello"/);
        assert.match(warning.zh, /杭州恒生芸泰网络科技有限公司/);
        fe.answer = () => signed(envelope(`{"field":"${core.NETWORK_FIELD_TEXT}"}`));
        const good = await client.network();
        assert.equal(good.diagnosis.warnings, undefined);
      },
    );
  });
});
