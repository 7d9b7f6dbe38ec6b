'use strict';
// The sandbox as a strict front-end of one edition (spec section 9, issue 12 item 4): only that edition's endpoints
// at its paths, its field rules, face payment and the bill downloads from 2.1; answers signed as any variant of
// spec section 3, so a client's auto mode can be tested against each; one sandbox per edition side by side.
const h = require('./support/helpers');
const { assert, core, send, post, dataOf, rejected, uid, inMinutes, KEY } = h;

const ALL = ['network', 'scanCode', 'barCode', 'query', 'refund', 'refundQuery', 'close', 'faceCode', 'yuntaiBills', 'channelBills'];

/** Sends through the core's own validation and path table for this edition. */
const sendAs = (sb, edition, endpoint, input, opts = {}) =>
  send(sb, endpoint, input, {
    style: core.EDITIONS[edition].pathStyle,
    profile: core.EDITIONS[edition].requestProfile,
    ...opts,
    wire: core.validateRequest(endpoint, input, Date.now(), edition),
  });
const order = (extra = {}) => ({ paymentNo: uid(), expireTime: inMinutes(10), tradeFee: '5.00', subject: '门诊缴费', ...extra });
const face = (extra = {}) => order({ channelProduct: 'ali_face_code', faceCode: 'FC0123456789', ...extra });

describe('sandbox: editions', function () {
  const sandboxes = {};
  before(async () => {
    for (const edition of core.EDITION_NAMES) sandboxes[edition] = await h.startSandbox({ port: 0, edition, prefix: '/hs' });
  });
  after(async () => {
    for (const sb of Object.values(sandboxes)) await sb.close();
  });

  it('each edition serves exactly its endpoints at its own paths; every other endpoint path is 404', async () => {
    for (const edition of core.EDITION_NAMES) {
      const sb = sandboxes[edition];
      const info = sb.info();
      assert.equal(info.edition, edition);
      const expected = Object.fromEntries(core.EDITIONS[edition].endpoints.map((name) => [name, core.endpointPath(name, edition, '/hs')]));
      assert.deepEqual(info.endpoints, expected, edition);
      const served = new Set(Object.values(expected));
      const everyPath = new Set(ALL.flatMap((name) => ['manual-1.0', 'v2'].map((style) => core.endpointPath(name, style, '/hs'))));
      for (const path of everyPath) {
        if (served.has(path)) continue;
        assert.equal((await post(`${sb.origin}${path}`, '{}')).status, 404, `${edition} ${path}`);
      }
    }
  });

  it('one sandbox per edition side by side: a 1.0 client and a 2.2 client each succeed at their own, 404 at the other', async () => {
    const clients = [];
    const client = (edition, sb) => {
      const c = new core.UppClient({ baseUrl: sb.url, isvId: 20000, partnerId: 12345, key: KEY, edition, proxy: 'none' });
      clients.push(c);
      return c;
    };
    try {
      const input = {
        paymentNo: uid(),
        authCode: '283456789012345678',
        expireTime: Date.now() + 600_000,
        tradeFee: '3.00',
        subject: 's',
        body: '药费',
      };
      const own = await client('2.2', sandboxes['2.2']).barCode(input);
      assert.deepEqual([own.outcome, own.verified], ['success', 'v1']);
      const old = await client('1.0', sandboxes['1.0']).barCode({ ...input, paymentNo: uid() });
      assert.equal(old.outcome, 'success');
      const wrong = await client('1.0', sandboxes['2.2']).query({ bizType: 'barcode_pay', paymentNo: input.paymentNo });
      assert.equal(wrong.outcome, 'pending', 'a 404 is no money outcome: the query is simply not answered');
      assert.equal(sandboxes['2.2'].requests({ paymentNo: input.paymentNo }).length, 1, 'the misrouted query never reached an endpoint');
    } finally {
      for (const c of clients) await c.destroy();
    }
  });

  it('body: optional up to 2.1, required from 2.2 and without an English comma', async () => {
    const bar = (body) => order({ authCode: '283456789012345678', ...(body === undefined ? {} : { body }) });
    dataOf(await sendAs(sandboxes['2.1'], '2.1', 'barCode', bar()));
    for (const edition of ['2.2', '2.3']) {
      const sb = sandboxes[edition];
      const profile = core.EDITIONS[edition].requestProfile;
      const wire = { ...core.validateRequest('barCode', bar('药费'), Date.now(), edition) };
      delete wire.body;
      rejected(await send(sb, 'barCode', null, { style: 'v2', profile, wire }), '字段 body 非法', profile);
      rejected(await send(sb, 'barCode', null, { style: 'v2', profile, wire: { ...wire, body: '药费,挂号' } }), '字段 body 非法', profile);
      assert.equal(
        dataOf(await send(sb, 'barCode', null, { style: 'v2', profile, wire: { ...wire, body: '药费' } }), profile).tradeStatus,
        'pay_success',
      );
    }
  });

  it('authCode: String(64) in 1.0, String(256) from 2.0', async () => {
    const wire = (edition, length) => ({
      ...core.validateRequest('barCode', order({ authCode: '28' }), Date.now(), edition),
      authCode: '28'.padEnd(length, '7'),
    });
    rejected(await send(sandboxes['1.0'], 'barCode', null, { wire: wire('1.0', 65) }), '字段 authCode 非法');
    dataOf(await send(sandboxes['1.0'], 'barCode', null, { wire: wire('1.0', 64) }));
    dataOf(await send(sandboxes['2.0'], 'barCode', null, { style: 'v2', wire: wire('2.0', 256) }));
    rejected(await send(sandboxes['2.0'], 'barCode', null, { style: 'v2', wire: wire('2.0', 257) }), '字段 authCode 非法');
  });

  it('2.3 verifies requests typed (v2) by default and signs its answers so', async () => {
    const sb = sandboxes['2.3'];
    assert.equal(sb.info().profile, 'v2');
    assert.equal(dataOf(await send(sb, 'network', {}, { profile: 'v2' }), 'v2').field, core.NETWORK_FIELD_TEXT);
    rejected(await send(sb, 'network', {}, { profile: 'v1' }), '签名错误', 'v2');
  });

  it('faceCode from 2.1: a barcode-like order with faceCode and channelProduct, queried and refunded as face_pay', async () => {
    const sb = sandboxes['2.1'];
    const input = face();
    const data = dataOf(await sendAs(sb, '2.1', 'faceCode', input));
    assert.deepEqual(
      [data.tradeStatus, data.channelProduct, data.channelType, data.paymentNo, data.tradeFee],
      ['pay_success', 'ali_face_code', 'ali', input.paymentNo, '5.00'],
    );
    assert.equal(data.sign, undefined);
    assert.deepEqual([sb.order(input.paymentNo).bizType, sb.order(input.paymentNo).endpoint], ['face_pay', 'faceCode']);
    assert.equal(dataOf(await sendAs(sb, '2.1', 'query', { bizType: 'face_pay', paymentNo: input.paymentNo })).tradeStatus, 'pay_success');
    rejected(await sendAs(sb, '2.1', 'query', { bizType: 'barcode_pay', paymentNo: input.paymentNo }), '业务类型不匹配');
    const refund = { paymentNo: input.paymentNo, refundFee: '1.00', bizType: 'face_pay', requestNo: uid('R'), refundNo: uid('N') };
    assert.equal(dataOf(await sendAs(sb, '2.1', 'refund', refund)).tradeStatus, 'refund_success');
    // the magic cents apply as to a barcode order
    assert.equal(dataOf(await sendAs(sb, '2.1', 'faceCode', face({ tradeFee: '5.41' }))).tradeStatus, 'pay_failed');
    // faceCode instead of authCode: without it the order is refused by name
    const wire = { ...core.validateRequest('faceCode', face(), Date.now(), '2.1') };
    delete wire.faceCode;
    rejected(await send(sb, 'faceCode', null, { style: 'v2', wire }), '字段 faceCode 非法');
    // 2.2 requires body on face orders too
    const noBody = { ...core.validateRequest('faceCode', face({ body: '药费' }), Date.now(), '2.2') };
    delete noBody.body;
    rejected(await send(sandboxes['2.2'], 'faceCode', null, { style: 'v2', wire: noBody }), '字段 body 非法');
  });

  it('bills from 2.1: the settled pays and refunds of the date range, platform rows with derateFee, channel rows without', async () => {
    // A clock of its own at noon (UTC+8) of a fixed day: the day of each trade never depends on when the test runs.
    let tick = Date.parse('2026-11-25T04:00:00Z');
    const day = '2026-11-25';
    const sb = await h.startSandbox({ port: 0, edition: '2.1', now: () => (tick += 1000) });
    try {
      const paid = order({ authCode: '134567890123456789', tradeFee: '12.00' });
      dataOf(await sendAs(sb, '2.1', 'barCode', paid));
      dataOf(await sendAs(sb, '2.1', 'scanCode', order({ channelProduct: 'ali_scan_code', tradeFee: '8.00' }))); // wait_pay: not in the bill
      const refund = { paymentNo: paid.paymentNo, refundFee: '2.00', bizType: 'barcode_pay', requestNo: uid('R'), refundNo: uid('N') };
      const refunded = dataOf(await sendAs(sb, '2.1', 'refund', refund));
      dataOf(await sendAs(sb, '2.1', 'refund', { ...refund, refundFee: '1.03', requestNo: uid('R'), refundNo: uid('N') })); // refund_failed
      const range = { startDate: '2026-11-24', endDate: day };
      const res = await sendAs(sb, '2.1', 'yuntaiBills', range);
      const rows = dataOf(res);
      const order1 = sb.order(paid.paymentNo);
      assert.deepEqual(rows, [
        {
          partnerId: '12345',
          isvId: '20000',
          tradeType: 'pay',
          bizType: 'barcode_pay',
          channelType: 'ten',
          channelProduct: 'ten_bar_code',
          billsDate: day,
          derateFee: '0.00',
          tradeFee: '12.00',
          tradeTime: order1.paymentTime,
          outTradeNo: order1.outPaymentNo,
          inTradeNo: order1.inPaymentNo,
          tradeNo: paid.paymentNo,
        },
        {
          partnerId: '12345',
          isvId: '20000',
          tradeType: 'refund',
          bizType: 'barcode_pay',
          channelType: 'ten',
          channelProduct: 'ten_bar_code',
          billsDate: day,
          derateFee: '0.00',
          tradeFee: '2.00',
          tradeTime: refunded.refundTime,
          outTradeNo: refunded.outRefundNo,
          tradeNo: refund.refundNo,
        },
      ]);
      assert.match(res.text, /"derateFee":0\.00,"tradeFee":12\.00/, 'amounts as number literals with their scale');
      const channel = dataOf(await sendAs(sb, '2.1', 'channelBills', range));
      assert.deepEqual(
        channel,
        rows.map(({ derateFee, ...rest }) => rest),
      );
      // the core client reads them as rows, verified
      const c = new core.UppClient({ baseUrl: sb.url, isvId: 20000, partnerId: 12345, key: KEY, edition: '2.1', proxy: 'none' });
      const r = await c.yuntaiBills(range);
      await c.destroy();
      assert.deepEqual([r.outcome, r.rows.length, r.rows[0].tradeFee], ['success', 2, '12.00']);
      assert.deepEqual(dataOf(await sendAs(sb, '2.1', 'yuntaiBills', { startDate: '2026-11-26', endDate: '2026-11-30' })), []);
      assert.deepEqual(dataOf(await sendAs(sb, '2.1', 'yuntaiBills', { startDate: '2026-11-20', endDate: '2026-11-24' })), []);
      rejected(await sendAs(sb, '2.1', 'channelBills', { startDate: day, endDate: '2026-11-24' }), '字段 endDate 非法');
    } finally {
      await sb.close();
    }
  });
});

describe('sandbox: sign variants', function () {
  for (const name of core.VARIANT_NAMES) {
    it(`signs as ${name}: strict verification of that variant accepts it, and auto reports it`, async () => {
      const sb = await h.startSandbox({ port: 0, signVariant: name });
      const c = new core.UppClient({ baseUrl: sb.url, isvId: 20000, partnerId: 12345, key: KEY, proxy: 'none' });
      try {
        assert.equal(sb.info().signVariant, name);
        // a paid scan-code order answer carries data.sign, a nested amount and a paymentTime: every variant differs
        const input = h.scanInput('3.01');
        const res = await send(sb, 'scanCode', input);
        const variant = core.parseVariant(name);
        assert.deepEqual(core.verifyTree(res.tree, KEY, 'v1', 'strict', { variant }), { verified: name });
        for (const other of core.VARIANT_NAMES.filter((v) => v !== name)) {
          assert.equal(core.verifyTree(res.tree, KEY, 'v1', 'strict', { variant: core.parseVariant(other) }).verified, false, other);
        }
        const r = await c.scanCode({ ...input, paymentNo: uid(), expireTime: Date.now() + 600_000 });
        assert.equal(r.verified, name);
        assert.equal(r.payUrlVerified, variant.dataSign, 'a variant without data.sign never authenticates the pay URL');
      } finally {
        await c.destroy();
        await sb.close();
      }
    });
  }

  it('the old switches still work: profile v2 signs v2, dataSignInCanonical false signs /no-data-sign', async () => {
    const sb = await h.startSandbox({ port: 0, profile: 'v2', dataSignInCanonical: false });
    try {
      assert.equal(sb.info().signVariant, 'v2/no-data-sign');
    } finally {
      await sb.close();
    }
  });

  it('bad settings are refused by name before listening', async () => {
    await assert.rejects(h.startSandbox({ port: 0, edition: '3.0' }), /edition must be one of 1\.0, 2\.0, 2\.1, 2\.2, 2\.3/);
    await assert.rejects(h.startSandbox({ port: 0, signVariant: 'v3' }), /signVariant must be a variant name/);
    await assert.rejects(h.startSandbox({ port: 0, signVariant: 'v1', dataSignInCanonical: false }), /contradicts signVariant/);
    await assert.rejects(h.startSandbox({ port: 0, edition: '2.2', requireBody: false }), /requireBody cannot be false for edition 2\.2/);
  });
});
