'use strict';
// The wire protocol: paths in both styles under a prefix, profiles, signatures both ways, exact amounts, field checks.
const h = require('./support/helpers');
const { assert, core, send, post, verified, dataOf, rejected, uid, inMinutes, scanInput, barInput, KEY, IDS } = h;

describe('sandbox: paths, profiles and signatures', function () {
  for (const profile of ['v1', 'v2']) {
    describe(`profile ${profile}, prefix /hs-access-facepay`, function () {
      let sb;
      before(async () => (sb = await h.startSandbox({ port: 0, profile, prefix: '/hs-access-facepay/' })));
      after(() => sb.close());

      it('exposes url with the prefix and origin without it', () => {
        assert.match(sb.url, /^http:\/\/127\.0\.0\.1:\d+\/hs-access-facepay$/);
        assert.equal(sb.url, `${sb.origin}/hs-access-facepay`);
        assert.equal(sb.origin, `http://127.0.0.1:${sb.port}`);
      });

      for (const [style, edition] of [
        ['manual-1.0', '1.0'],
        ['v2', '2.0'],
      ]) {
        it(`edition ${edition} serves all seven endpoints at the ${style} paths, every answer signed (${profile}, strict)`, async () => {
          const own = await h.startSandbox({ port: 0, profile, prefix: '/hs-access-facepay/', edition });
          try {
            await sevenEndpoints(own, profile, style);
          } finally {
            await own.close();
          }
        });
      }

      /** Every endpoint of the sandbox at its edition's paths; the other path family is 404. */
      async function sevenEndpoints(sb, profile, style) {
        const o = { profile, style };
        const net = dataOf(await send(sb, 'network', {}, o), profile);
        assert.equal(net.field, '杭州恒生芸泰网络科技有限公司');

        const scan = scanInput('12.00');
        const scanData = dataOf(await send(sb, 'scanCode', scan, o), profile);
        assert.equal(scanData.tradeStatus, 'wait_pay');

        const bar = barInput('30.00');
        assert.equal(dataOf(await send(sb, 'barCode', bar, o), profile).tradeStatus, 'pay_success');
        assert.equal(
          dataOf(await send(sb, 'query', { bizType: 'barcode_pay', paymentNo: bar.paymentNo }, o), profile).tradeStatus,
          'pay_success',
        );

        const requestNo = uid('R');
        const refund = { paymentNo: bar.paymentNo, refundFee: '10.00', bizType: 'barcode_pay', requestNo, refundNo: `N${requestNo}` };
        assert.equal(dataOf(await send(sb, 'refund', refund, o), profile).tradeStatus, 'refund_success');
        assert.equal(dataOf(await send(sb, 'refundQuery', { requestNo }, o), profile).refundNo, `N${requestNo}`);
        assert.equal(dataOf(await send(sb, 'close', { bizType: 'scan_pay', paymentNo: scan.paymentNo }, o), profile).isCloseOrder, 'Y');

        const paths = sb
          .requests()
          .slice(-7)
          .map((r) => r.path);
        for (const name of ['network', 'scanCode', 'barCode', 'query', 'refund', 'refundQuery', 'close']) {
          assert.ok(paths.includes(core.endpointPath(name, style, '/hs-access-facepay')), `${name} at ${style}`);
        }
        // the other edition's pay and query paths are not served (a wrong edition setting fails visibly)
        const otherStyle = style === 'v2' ? 'manual-1.0' : 'v2';
        const misrouted = { scanCode: scanInput('1.00'), barCode: barInput('1.00'), query: { bizType: 'scan_pay', paymentNo: uid() } };
        for (const [name, input] of Object.entries(misrouted)) {
          assert.equal((await send(sb, name, input, { ...o, style: otherStyle })).status, 404, name);
        }
      }

      it('answers 404 for an unknown path and for the endpoints without the prefix', async () => {
        assert.equal((await send(sb, 'network', {}, { profile, prefix: '' })).status, 404);
        assert.equal((await post(`${sb.url}/access/nope`, '{}')).status, 404);
        assert.equal((await post(`${sb.url}/access/Network`, '{}')).status, 404);
      });

      it('refuses a request signed with the other profile: signed result:false 签名错误', async () => {
        const other = profile === 'v1' ? 'v2' : 'v1';
        const res = await send(sb, 'network', {}, { profile: other });
        rejected(res, '签名错误', profile);
        assert.equal(sb.requests().at(-1).signatureValid, false);
      });
    });
  }

  describe('request signature and envelope (v1)', function () {
    let sb;
    before(async () => (sb = await h.startSandbox({ port: 0 })));
    after(() => sb.close());

    it('a request signed with another key gets 签名错误, signed', async () => {
      rejected(await send(sb, 'network', {}, { key: 'not-the-key' }), '签名错误');
    });

    it('a request without sign gets 签名错误', async () => {
      const body = JSON.stringify({ isvId: 20000, partnerId: 12345, version: '1.0.0', timestamp: Date.now() });
      rejected(await post(`${sb.url}/access/network`, body), '签名错误');
    });

    it('a tampered field after signing gets 签名错误', async () => {
      const input = barInput('10.00');
      const fields = core.validateRequest('barCode', input);
      const encoded = core.encodeRequest(IDS, fields, KEY, 'v1', Date.now());
      rejected(await post(`${sb.url}/access/barcode`, encoded.body.replace('"tradeFee":10.00', '"tradeFee":1.00')), '签名错误');
      assert.equal(sb.order(input.paymentNo), undefined);
    });

    it('checks isvId, partnerId (JSON numbers matching this front-end), version and timestamp first', async () => {
      rejected(await send(sb, 'network', {}, { ids: { isvId: '20001', partnerId: '12345' } }), '字段 isvId 非法');
      rejected(await send(sb, 'network', {}, { ids: { isvId: '20000', partnerId: '9' } }), '字段 partnerId 非法');
      const tree = {
        isvId: '20000',
        partnerId: new core.LosslessNumber('12345'),
        version: '1.0.0',
        timestamp: new core.LosslessNumber('1'),
      };
      const sign = core.md5Sign(core.canonicalOf(tree, 'v1'), KEY); // v1 quotes numbers: a string isvId signs the same
      rejected(await post(`${sb.url}/access/network`, core.writeJson({ ...tree, sign }, { canonical: false })), '字段 isvId 非法');
      for (const [field, value] of [
        ['version', '1.0.1'],
        ['timestamp', '1700000000000'],
      ]) {
        const t = {
          isvId: new core.LosslessNumber('20000'),
          partnerId: new core.LosslessNumber('12345'),
          version: '1.0.0',
          timestamp: new core.LosslessNumber('1'),
          [field]: value,
        };
        const s = core.md5Sign(core.canonicalOf(t, 'v1'), KEY);
        rejected(await post(`${sb.url}/access/network`, core.writeJson({ ...t, sign: s }, { canonical: false })), `字段 ${field} 非法`);
      }
    });

    it('malformed JSON gets a signed result:false and is recorded', async () => {
      const res = await post(`${sb.url}/access/scancode`, '{"isvId":20000,');
      rejected(res, '请求报文格式错误');
      const record = sb.requests().at(-1);
      assert.equal(record.raw, '{"isvId":20000,');
      assert.equal(record.signatureValid, false);
      assert.deepEqual(record.body, {});
      assert.equal(record.endpoint, 'scanCode');
    });

    it('only POST: GET on an endpoint path is 405 and recorded', async () => {
      const res = await h.request(`${sb.url}/access/network`);
      await res.body.text();
      assert.equal(res.statusCode, 405);
      assert.equal(res.headers.allow, 'POST');
      const record = sb.requests().at(-1);
      assert.equal(record.method, 'GET');
      assert.equal(record.response.httpStatus, 405);
    });
  });

  describe('response envelope', function () {
    let sb;
    before(async () => (sb = await h.startSandbox({ port: 0 })));
    after(() => sb.close());

    it('is JSON with the platform types: result boolean, kind "0", msg "", version, timestamp a number', async () => {
      const res = await send(sb, 'network', {});
      assert.equal(res.headers['content-type'], 'application/json;charset=UTF-8');
      const json = JSON.parse(res.text);
      assert.equal(json.result, true);
      assert.equal(json.kind, '0');
      assert.equal(json.msg, '');
      assert.equal(json.version, '1.0.0');
      assert.equal(typeof json.timestamp, 'number');
      assert.ok(Math.abs(json.timestamp - Date.now()) < 60_000);
      assert.match(json.sign, /^[0-9a-f]{32}$/);
      const failed = JSON.parse((await send(sb, 'query', { bizType: 'scan_pay', paymentNo: 'nope' })).text);
      assert.equal(failed.result, false);
      assert.equal(failed.kind, '1');
      assert.match(failed.sign, /^[0-9a-f]{32}$/);
    });

    it('amounts keep their scale as number literals; JSON.parse loses it and the signature no longer verifies', async () => {
      const res = await send(sb, 'scanCode', scanInput('100'));
      assert.match(res.text, /"tradeFee":100\.00[,}]/);
      verified(res);
      const bar = await send(sb, 'barCode', barInput(0.1));
      assert.match(bar.text, /"tradeFee":0\.10[,}]/);
      const lossy = core.parseLossless(JSON.stringify(JSON.parse(res.text)));
      assert.deepEqual(core.verifyTree(lossy, KEY, 'v1', 'strict'), { verified: false, problem: 'bad_signature' });
    });

    it('the pay URL (data.sign) contains & and = and takes part in the signature by default', async () => {
      const res = await send(sb, 'scanCode', scanInput('1.00'));
      const data = dataOf(res);
      assert.match(data.sign, /^http:\/\/127\.0\.0\.1:\d+\/_sandbox\/cashier\?order=YT\d+&t=[0-9a-f]+$/);
      assert.equal(core.verifyTree(res.tree, KEY, 'v1', 'auto').verified, 'v1');
    });
  });

  describe('dataSignInCanonical: false', function () {
    it('signs the answer without data.sign: strict fails, auto finds v1/no-data-sign; answers without data.sign verify strictly', async () => {
      const sb = await h.startSandbox({ port: 0, dataSignInCanonical: false });
      try {
        const res = await send(sb, 'scanCode', scanInput('1.00'));
        assert.deepEqual(core.verifyTree(res.tree, KEY, 'v1', 'strict'), { verified: false, problem: 'bad_signature' });
        assert.deepEqual(core.verifyTree(res.tree, KEY, 'v1', 'auto'), { verified: 'v1/no-data-sign' });
        verified(await send(sb, 'network', {}));
      } finally {
        await sb.close();
      }
    });
  });

  describe('options', function () {
    it('custom ids and key; publicUrl is the base of pay URLs', async () => {
      const sb = await h.startSandbox({ port: 0, isvId: '777', partnerId: '888', key: 'k-2', publicUrl: 'https://pay.example.org/' });
      try {
        const o = { ids: { isvId: '777', partnerId: '888' }, key: 'k-2' };
        const data = dataOf(await send(sb, 'scanCode', scanInput('1.00'), o), 'v1', 'k-2');
        assert.ok(data.sign.startsWith('https://pay.example.org/_sandbox/cashier?order='), data.sign);
        rejected(await send(sb, 'network', {}), '字段 isvId 非法', 'v1', 'k-2');
      } finally {
        await sb.close();
      }
    });

    it('refuses bad options without echoing the key', async () => {
      await assert.rejects(h.startSandbox({ port: 0, profile: 'v3' }), /profile/);
      await assert.rejects(h.startSandbox({ port: 0, key: '' }), /key/);
      await assert.rejects(h.startSandbox({ port: 0, isvId: 'abc' }), /isvId/);
      await assert.rejects(h.startSandbox({ port: -1 }), /port/);
    });
  });
});

describe('sandbox: field validation (first bad field, Chinese message)', function () {
  let sb;
  before(async () => (sb = await h.startSandbox({ port: 0 })));
  after(() => sb.close());

  const N = (text) => new core.LosslessNumber(text);
  const scanWire = (over = {}) => {
    const wire = {
      paymentNo: uid(),
      channelProduct: 'ali_scan_code',
      expireTime: inMinutes(10),
      tradeFee: N('10.00'),
      subject: 'ok',
      ...over,
    };
    for (const [k, v] of Object.entries(wire)) if (v === undefined) delete wire[k];
    return wire;
  };
  const cases = [
    ['tradeFee as a string', { tradeFee: '10.00' }, 'tradeFee'],
    ['tradeFee with 3 decimals', { tradeFee: N('10.001') }, 'tradeFee'],
    ['tradeFee zero', { tradeFee: N('0.00') }, 'tradeFee'],
    ['tradeFee negative', { tradeFee: N('-1.00') }, 'tradeFee'],
    ['tradeFee with an exponent', { tradeFee: N('1e2') }, 'tradeFee'],
    ['tradeFee with 9 integer digits', { tradeFee: N('100000000.00') }, 'tradeFee'],
    ['tradeFee missing', { tradeFee: undefined }, 'tradeFee'],
    ['paymentNo as a number', { paymentNo: N('123') }, 'paymentNo'],
    ['paymentNo of 33 characters', { paymentNo: 'x'.repeat(33) }, 'paymentNo'],
    ['subject with an English comma', { subject: 'a,b' }, 'subject'],
    ['subject of 65 characters', { subject: '费'.repeat(65) }, 'subject'],
    ['subject missing', { subject: '' }, 'subject'],
    ['an unknown channelProduct', { channelProduct: 'ali_app' }, 'channelProduct'],
    ['expireTime in ISO form', { expireTime: '2099-01-01T00:00:00' }, 'expireTime'],
    ['expireTime not a real time', { expireTime: '2099-02-30 00:00:00' }, 'expireTime'],
    ['expireTime in the past', { expireTime: inMinutes(-1) }, 'expireTime'],
    ['sourceType outside its enum', { sourceType: 'emergency' }, 'sourceType'],
    ['bizData that is not JSON', { bizData: '{oops' }, 'bizData'],
    ['bizData as an object', { bizData: { a: 1 } }, 'bizData'],
    ['the first of two bad fields (schema order)', { paymentNo: N('1'), tradeFee: '1' }, 'paymentNo'],
  ];
  for (const [name, over, field] of cases) {
    it(`scan-code: ${name} -> 字段 ${field} 非法`, async () => {
      const wire = scanWire(over);
      rejected(await send(sb, 'scanCode', null, { wire }), `字段 ${field} 非法`);
      if (typeof wire.paymentNo === 'string') assert.equal(sb.order(wire.paymentNo), undefined);
    });
  }

  it('accepts amounts with 0, 1 or 2 decimals and answers them with two', async () => {
    for (const [text, expected] of [
      ['7', '7.00'],
      ['7.5', '7.50'],
      ['99999999.99', '99999999.99'],
    ]) {
      const res = await send(sb, 'scanCode', null, { wire: scanWire({ tradeFee: N(text) }) });
      assert.equal(dataOf(res).tradeFee, expected);
    }
  });

  it('barcode needs authCode; refund, query, close and refund query check their own fields', async () => {
    const bar = core.validateRequest('barCode', barInput('1.00'));
    delete bar.authCode;
    rejected(await send(sb, 'barCode', null, { wire: bar }), '字段 authCode 非法');
    rejected(await send(sb, 'query', null, { wire: { paymentNo: 'x' } }), '字段 bizType 非法');
    rejected(await send(sb, 'close', null, { wire: { bizType: 'scan_pay' } }), '字段 paymentNo 非法');
    rejected(await send(sb, 'refundQuery', null, { wire: { requestNo: N('5') } }), '字段 requestNo 非法');
    const refund = { refundFee: N('1.00'), paymentNo: 'p', bizType: 'barcode_pay', requestNo: 'r', refundNo: 'x'.repeat(33) };
    rejected(await send(sb, 'refund', null, { wire: refund }), '字段 refundNo 非法');
    rejected(await send(sb, 'refund', null, { wire: { ...refund, refundFee: N('1.234') } }), '字段 refundFee 非法');
  });

  it('requireBody makes body mandatory on scan-code and barcode orders', async () => {
    const strict = await h.startSandbox({ port: 0, requireBody: true });
    try {
      rejected(await send(strict, 'scanCode', scanInput('1.00')), '字段 body 非法');
      rejected(await send(strict, 'barCode', barInput('1.00')), '字段 body 非法');
      assert.equal(dataOf(await send(strict, 'scanCode', scanInput('1.00', { body: '挂号费' }))).tradeStatus, 'wait_pay');
      assert.equal(strict.orders()[0].body, '挂号费');
    } finally {
      await strict.close();
    }
  });
});
