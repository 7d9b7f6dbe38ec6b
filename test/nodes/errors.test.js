'use strict';
// Errors that prove nothing happened reach a Catch node with the original msg and produce no output:
// input rules, configuration, connection refused (not sent), a duplicate paymentNo/requestNo in flight.
const s = require('./support');
const { assert, KEY, IDS, OUTPUTS, load, configNode, configCredentials, actionFlow, sendAndWait, collect, uid, delay } = s;

describe('nodes: errors go to Catch with the original msg, never to an output', function () {
  let sb;
  before(async () => (sb = await s.startSandbox()));
  after(() => sb.close());
  s.standardHooks();

  const scan = (extra = {}) => ({ paymentNo: uid('E'), channelProduct: 'ali_scan_code', tradeFee: '1.00', subject: 'fee', ...extra });

  /** Sends msg, expects the Catch to get it and no output at all within a short while; returns the caught msg. */
  async function expectCaught(type, msg) {
    const all = collect(OUTPUTS[type].length);
    const r = await sendAndWait(msg, OUTPUTS[type].length);
    await delay(100);
    all.stop();
    assert.ok(r.error, `expected an error, got output ${JSON.stringify(r.msg?.upp)}`);
    assert.deepEqual(
      all.got.filter((g) => !g.error),
      [],
      'no output for an error',
    );
    assert.equal(all.got.filter((g) => g.error).length, 1, 'exactly one error');
    return r.error;
  }

  const inputCases = [
    ['tradeFee', { tradeFee: '0' }, 'amount_positive'],
    ['tradeFee', { tradeFee: '1.234' }, 'amount_scale'],
    ['tradeFee', { tradeFee: '123456789.00' }, 'amount_range'],
    ['tradeFee', { tradeFee: '1e3' }, 'amount_format'],
    ['subject', { subject: 'a,b' }, 'no_comma'],
    ['paymentNo', { paymentNo: 'x'.repeat(33) }, 'max_length'],
    ['expireTime', { expireTime: '2020-01-01 00:00:00' }, 'datetime_future'],
    ['expireTime', { expireTime: 'tomorrow' }, 'datetime_format'],
    ['sourceType', { sourceType: 'emergency' }, 'enum'],
    ['bizData', { bizData: '{not json' }, 'json'],
    ['subject', { subject: undefined }, 'required'],
  ];
  for (const [field, change, rule] of inputCases) {
    it(`input: ${field} ${rule} -> ERR_UPP_INPUT naming the field and rule, nothing sent`, async () => {
      await load(actionFlow('upp-scancode', {}, configNode(sb)), configCredentials());
      const payload = scan(change);
      const before = sb.requests({ endpoint: 'scanCode' }).length;
      const caught = await expectCaught('upp-scancode', { payload, topic: 'keep me', req: { id: 1 } });
      assert.equal(caught.error.code, 'ERR_UPP_INPUT');
      assert.match(caught.error.message, new RegExp(field));
      assert.equal(caught.error.source.id, 'n1');
      assert.equal(caught.upp.error.field, field);
      assert.equal(caught.upp.error.rule, rule);
      assert.equal(caught.upp.error.code, 'ERR_UPP_INPUT');
      assert.equal(typeof caught.upp.error.messageZh, 'string');
      assert.equal(caught.upp.error.notSent, true);
      assert.equal(caught.topic, 'keep me');
      assert.deepEqual(caught.req, { id: 1 });
      assert.deepEqual(caught.payload, payload, 'the original payload');
      assert.equal(sb.requests({ endpoint: 'scanCode' }).length, before, 'nothing reached the front-end');
      assert.deepEqual(s.helper.getNode('n1').statuses.at(-1), { fill: 'red', shape: 'ring', text: `ERR_UPP_INPUT: ${field}` });
    });
  }

  it('input: a refund with a bad refundFee, a query without paymentNo', async () => {
    await load(actionFlow('upp-refund', {}, configNode(sb)), configCredentials());
    const refund = await expectCaught('upp-refund', {
      payload: { paymentNo: 'P1', bizType: 'scan_pay', refundFee: '-1', requestNo: 'R1', refundNo: 'N1' },
    });
    assert.equal(refund.upp.error.field, 'refundFee');
    await s.unload();
    await load(actionFlow('upp-query', { bizType: 'scan_pay', bizTypeType: 'enum' }, configNode(sb)), configCredentials());
    const query = await expectCaught('upp-query', { payload: 'not an object' });
    assert.equal(query.upp.error.field, 'paymentNo');
    assert.equal(query.upp.error.rule, 'required');
  });

  const configCases = [
    ['key', {}, ''],
    ['baseUrl', { baseUrl: '' }, KEY],
    ['baseUrl', { baseUrl: 'ftp://x' }, KEY],
    ['isvId', { isvId: '' }, KEY],
    ['isvId', { isvId: '12ab' }, KEY],
    ['partnerId', { partnerId: '' }, KEY],
    ['payTimeout', { payTimeout: '-5' }, KEY],
    ['profile', { profile: 'v3' }, KEY],
  ];
  for (const [field, change, key] of configCases) {
    it(`config: ${field} ${JSON.stringify(change[field] ?? '(no key)')} -> ERR_UPP_CONFIG naming the field`, async () => {
      await load(actionFlow('upp-scancode', {}, configNode(sb, change)), configCredentials(key));
      const caught = await expectCaught('upp-scancode', { payload: scan() });
      assert.equal(caught.error.code, 'ERR_UPP_CONFIG');
      assert.equal(caught.upp.error.field, field);
      assert.match(caught.error.message, new RegExp(field));
    });
  }

  it('config: no config node selected -> ERR_UPP_CONFIG naming server', async () => {
    await load(actionFlow('upp-query', { server: '' }, configNode(sb)), configCredentials());
    const caught = await expectCaught('upp-query', { payload: { paymentNo: 'x', bizType: 'scan_pay' } });
    assert.equal(caught.error.code, 'ERR_UPP_CONFIG');
    assert.equal(caught.upp.error.field, 'server');
  });

  it('not sent: connection refused -> ERR_UPP_NOT_SENT for a pay order and for a query', async () => {
    await load(actionFlow('upp-scancode', {}, configNode(null)), configCredentials());
    const pay = await expectCaught('upp-scancode', { payload: scan() });
    assert.equal(pay.error.code, 'ERR_UPP_NOT_SENT');
    assert.equal(pay.upp.error.reason, 'ECONNREFUSED');
    assert.equal(pay.upp.error.notSent, true);
    await s.unload();
    await load(actionFlow('upp-query', {}, configNode(null)), configCredentials());
    const query = await expectCaught('upp-query', { payload: { paymentNo: 'x', bizType: 'scan_pay' } });
    assert.equal(query.error.code, 'ERR_UPP_NOT_SENT');
    assert.equal(s.helper.getNode('n1').statuses.at(-1).text, 'ERR_UPP_NOT_SENT');
  });

  it('msg.error.message is the sentence alone, naming field and rule (tradeFee -1: greater than 0), both languages', async () => {
    await load(actionFlow('upp-scancode', {}, configNode(sb)), configCredentials());
    const caught = await expectCaught('upp-scancode', { payload: scan({ tradeFee: '-1' }) });
    assert.equal(caught.error.message, 'tradeFee must be greater than 0 (got "-1")');
    assert.equal(caught.upp.error.message, caught.error.message);
    assert.equal(caught.upp.error.messageZh, 'tradeFee 必须大于 0（实际为 "-1"）');
  });

  it('a refused connection reads once in msg.error.message and both languages', async () => {
    await load(actionFlow('upp-query', {}, configNode(null)), configCredentials());
    const caught = await expectCaught('upp-query', { payload: { paymentNo: 'x', bizType: 'scan_pay' } });
    assert.match(
      caught.error.message,
      /^Request not sent: could not connect to the front-end machine at [\d.]+:\d+: the connection was refused/,
    );
    for (const text of [caught.error.message, caught.upp.error.messageEn, caught.upp.error.messageZh]) {
      assert.equal(text.split('ECONNREFUSED').length - 1, 1, text);
      assert.doesNotMatch(text, /Upp\w*Error/);
    }
  });

  it('channelProduct with a typo is refused by name with the allowed values, nothing sent', async () => {
    await load(actionFlow('upp-scancode', {}, configNode(sb)), configCredentials());
    const before = sb.requests({ endpoint: 'scanCode' }).length;
    const caught = await expectCaught('upp-scancode', { payload: scan({ channelProduct: 'wx_scan_code' }) });
    assert.equal(caught.upp.error.field, 'channelProduct');
    assert.equal(caught.upp.error.rule, 'enum_listed');
    assert.match(caught.error.message, /^channelProduct must be one of ali_scan_code, ten_scan_code, uni_scan_code \(got "wx_scan_code"\)/);
    assert.match(caught.upp.error.messageZh, /^channelProduct 必须是 ali_scan_code, ten_scan_code, uni_scan_code 之一/);
    assert.equal(sb.requests({ endpoint: 'scanCode' }).length, before, 'nothing reached the front-end');
  });

  it('a value sent as unlisted:<value> goes out bare; the platform refusal shows its msg in status and msg.upp.platformMsg', async () => {
    await load(actionFlow('upp-scancode', {}, configNode(sb)), configCredentials());
    const r = await sendAndWait({ payload: scan({ channelProduct: 'unlisted:wx_scan_code' }) }, OUTPUTS['upp-scancode'].length);
    assert.equal(r.port, 1, 'the pending output');
    assert.equal(r.msg.upp.reason, 'rejected');
    assert.equal(r.msg.upp.request.channelProduct, 'wx_scan_code');
    assert.equal(r.msg.upp.platformMsg, '字段 channelProduct 非法');
    const status = s.helper.getNode('n1').statuses.at(-1);
    assert.equal(status.fill, 'yellow');
    // The test helper runs without catalogs (the key comes out); the texts are filled from them below.
    assert.equal(status.text, 'upp-scancode.status.rejected');
    const { resultStatus } = require('../../dist/nodes/lib/action');
    const result = {
      endpoint: 'scanCode',
      outcome: 'pending',
      reason: 'rejected',
      verified: 'v1',
      envelope: { result: false, kind: '1', msg: '字段 channelProduct 非法' },
    };
    for (const [lang, expected] of [
      ['en-US', 'refused by the platform: 字段 channelProduct 非法'],
      ['zh-CN', '平台拒绝：字段 channelProduct 非法'],
    ]) {
      const catalog = JSON.parse(
        require('node:fs').readFileSync(require('node:path').join(__dirname, '..', '..', 'locales', lang, 'upp-scancode.json'), 'utf8'),
      )['upp-scancode'];
      const t = (key, params = {}) =>
        key
          .split('.')
          .reduce((o, k) => o[k], catalog)
          .replace(/__(\w+)__/g, (_, k) => params[k]);
      assert.deepEqual(resultStatus('scanCode', result, t), { fill: 'yellow', shape: 'ring', text: expected });
      assert.equal(
        resultStatus('scanCode', { ...result, verified: false }, t).text,
        t('status.pending', { detail: 'rejected' }),
        'an unverified msg is not shown as the cause',
      );
    }
  });

  it('an unexpected exception also reaches Catch (no output, no unhandled rejection)', async () => {
    await load(actionFlow('upp-query', {}, configNode(sb)), configCredentials());
    s.helper.getNode('cfg').getClient = () => {
      throw new TypeError('boom');
    };
    const caught = await expectCaught('upp-query', { payload: { paymentNo: 'x', bizType: 'scan_pay' } });
    assert.match(caught.error.message, /boom/);
    assert.equal(caught.upp.error.code, 'ERR_UPP_UNEXPECTED');
  });

  it('a JSONata expression that fails -> ERR_UPP_INPUT naming the field', async () => {
    await load(
      actionFlow('upp-query', { paymentNo: '$error("no HIS row")', paymentNoType: 'jsonata' }, configNode(sb)),
      configCredentials(),
    );
    const caught = await expectCaught('upp-query', { payload: {} });
    assert.equal(caught.error.code, 'ERR_UPP_INPUT');
    assert.equal(caught.upp.error.field, 'paymentNo');
    assert.equal(caught.upp.error.rule, 'source');
    assert.match(caught.error.message, /no HIS row/);
  });

  describe('in flight: one client per config node, shared by all its nodes', () => {
    /** Two action nodes (n1, n2) on the same config node, each with its own outputs and a shared Catch. */
    function twoNodes(type, cfg) {
      const ports = OUTPUTS[type];
      return [
        { id: 'f1', type: 'tab', label: 't' },
        cfg,
        { id: 'n1', z: 'f1', type, server: 'cfg', wires: ports.map(() => ['a']) },
        { id: 'n2', z: 'f1', type, server: 'cfg', wires: ports.map(() => ['b']) },
        { id: 'a', z: 'f1', type: 'helper' },
        { id: 'b', z: 'f1', type: 'helper' },
        { id: 'c1', z: 'f1', type: 'catch', scope: ['n1', 'n2'], uncaught: false, wires: [['caught']] },
        { id: 'caught', z: 'f1', type: 'helper' },
      ];
    }
    function listen(ids) {
      const got = [];
      for (const id of ids)
        s.helper.getNode(id).on('input', (m) => {
          s.capture('msg', m);
          got.push({ id, m });
        });
      return got;
    }

    it('the same paymentNo on a second node while the first call is in flight -> ERR_UPP_IN_FLIGHT, sent once', async () => {
      await load(twoNodes('upp-scancode', configNode(sb, { payTimeout: 2000 })), configCredentials());
      const got = listen(['a', 'b', 'caught']);
      assert.strictEqual(s.helper.getNode('cfg').getClient(), s.helper.getNode('cfg').getClient(), 'one client per config node');
      const payload = scan({ tradeFee: '1.91' }); // slow: the sandbox answers after 1000 ms
      s.helper.getNode('n1').receive({ payload, topic: 'first' });
      await delay(150);
      s.helper.getNode('n2').receive({ payload, topic: 'second' });
      await s.until(() => got.length >= 2, 5000);
      const caught = got.find((g) => g.id === 'caught').m;
      assert.equal(caught.error.code, 'ERR_UPP_IN_FLIGHT');
      assert.equal(caught.error.source.id, 'n2');
      assert.equal(caught.topic, 'second');
      assert.equal(caught.upp.error.field, 'paymentNo');
      const first = got.find((g) => g.id === 'a').m;
      assert.equal(first.topic, 'first');
      assert.equal(first.upp.tradeStatus, 'wait_pay');
      assert.equal(sb.requests({ endpoint: 'scanCode', paymentNo: payload.paymentNo }).length, 1);
      // Once the first call is over, the same paymentNo may be sent again (the front-end decides).
      const third = sendTo('n2', { payload });
      await s.until(() => got.length >= 3, 5000);
      await third;
      assert.equal(got.length, 3);
    });

    it('the same requestNo on two refund nodes at once -> one refund, one ERR_UPP_IN_FLIGHT', async () => {
      const core = require('../../dist/nodes/core');
      const client = new core.UppClient({ baseUrl: sb.url, ...IDS, key: KEY, proxy: 'none' });
      const paymentNo = uid('P');
      await client.scanCode({
        paymentNo,
        channelProduct: 'ali_scan_code',
        expireTime: Date.now() + 600000,
        tradeFee: '9.01',
        subject: 'x',
      });
      await client.destroy();
      await load(twoNodes('upp-refund', configNode(sb, { payTimeout: 2000 })), configCredentials());
      const got = listen(['a', 'b', 'caught']);
      const payload = { paymentNo, bizType: 'scan_pay', refundFee: '1.91', requestNo: uid('R'), refundNo: uid('N') };
      s.helper.getNode('n1').receive({ payload });
      s.helper.getNode('n2').receive({ payload });
      await s.until(() => got.length >= 2, 5000);
      assert.deepEqual(got.map((g) => g.id).sort(), ['a', 'caught']);
      assert.equal(got.find((g) => g.id === 'caught').m.error.code, 'ERR_UPP_IN_FLIGHT');
      assert.equal(sb.requests({ endpoint: 'refund', requestNo: payload.requestNo }).length, 1);
    });

    function sendTo(id, msg) {
      s.helper.getNode(id).receive(msg);
      return delay(0);
    }
  });
});
