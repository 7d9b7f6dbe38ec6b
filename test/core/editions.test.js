'use strict';
// Editions of the front-end machine (docs/design.md §9): one setting derives paths, field rules, endpoints and the
// default request profile; face payment and the bill downloads; the network test names a wrong edition.
const assert = require('node:assert/strict');
const { core, frontEnd, signedAnswer, envelopeText } = require('../helpers');

const KEY = 'edition-key-0001';
const inMinutes = (m) => Date.now() + m * 60 * 1000;
const base = { isvId: 20000, partnerId: 12345, key: KEY, proxy: 'none', retry: { attempts: 1 } };
const order = (over = {}) => ({ paymentNo: 'P1', expireTime: inMinutes(15), tradeFee: '12.30', subject: '门诊缴费', ...over });

describe('editions: the table', () => {
  it('one row per edition, as vendor API §9 prints it', () => {
    const t = core.EDITIONS;
    assert.deepEqual(core.EDITION_NAMES, ['1.0', '2.0', '2.1', '2.2', '2.3']);
    assert.deepEqual(
      core.EDITION_NAMES.map((e) => t[e].pathStyle),
      ['manual-1.0', 'v2', 'v2', 'v2', 'v2'],
    );
    assert.deepEqual(
      core.EDITION_NAMES.map((e) => t[e].requestProfile),
      ['v1', 'v1', 'v1', 'v1', 'v2'],
    );
    assert.deepEqual(
      core.EDITION_NAMES.map((e) => t[e].bodyRequired),
      [false, false, false, true, true],
    );
    assert.deepEqual(
      core.EDITION_NAMES.map((e) => t[e].authCodeMax),
      [64, 256, 256, 256, 256],
    );
    assert.deepEqual(
      core.EDITION_NAMES.map((e) => core.editionHas(e, 'faceCode')),
      [false, false, true, true, true],
    );
    assert.deepEqual(
      core.EDITION_NAMES.map((e) => core.editionHas(e, 'channelBills')),
      [false, false, true, true, true],
    );
    for (const e of core.EDITION_NAMES) assert.match(t[e].date, /^2019-\d\d-\d\d$/);
  });
  it('paths: scan, barcode and query change from 2.0; channelBIlls keeps its capital I', () => {
    assert.equal(core.endpointPath('query', '1.0', '/x/'), '/x/access/query');
    assert.equal(core.endpointPath('query', '2.3'), '/access/paymentQuery');
    assert.equal(core.endpointPath('scanCode', '2.0'), '/access/scanCode');
    assert.equal(core.endpointPath('barCode', 'manual-1.0'), '/access/barcode', 'a legacy path style still works');
    assert.equal(core.endpointPath('channelBills', '2.1'), '/access/channelBIlls');
    assert.equal(core.endpointPath('refund', '2.2'), '/access/refund');
  });
  it("the bizType of each pay endpoint's orders, in one place (face_pay is our reading)", () => {
    assert.deepEqual(core.ORDER_BIZ_TYPE, { scanCode: 'scan_pay', barCode: 'barcode_pay', faceCode: 'face_pay' });
  });
});

describe('editions: options and field rules', () => {
  const options = (over) =>
    core.UppClient.prototype.constructor && new core.UppClient({ baseUrl: 'http://127.0.0.1:1', ...base, ...over }).options;
  it('default 1.0; pathStyle maps manual-1.0 -> 1.0 and v2 -> 2.0; edition wins over pathStyle', () => {
    assert.equal(options({}).edition, '1.0');
    assert.equal(options({ pathStyle: 'v2' }).edition, '2.0');
    assert.equal(options({ pathStyle: 'manual-1.0' }).edition, '1.0');
    assert.equal(options({ edition: '2.2', pathStyle: 'manual-1.0' }).edition, '2.2');
    assert.equal(options({ edition: '2.2' }).pathStyle, 'v2');
  });
  it('the request profile defaults to v2 on 2.3 and stays a setting of its own', () => {
    assert.equal(options({ edition: '2.3' }).profile, 'v2');
    assert.equal(options({ edition: '2.3', profile: 'v1' }).profile, 'v1');
    assert.equal(options({ edition: '2.2' }).profile, 'v1');
  });
  it('a wrong edition or variant is a config error naming the option', () => {
    assert.throws(() => options({ edition: '3.0' }), { code: 'ERR_UPP_CONFIG', field: 'edition' });
    assert.throws(() => options({ verifyVariant: 'v4' }), { code: 'ERR_UPP_CONFIG', field: 'verifyVariant' });
    assert.throws(() => options({ verifyVariant: { time: 'local' } }), { code: 'ERR_UPP_CONFIG', field: 'verifyVariant.time' });
    assert.throws(() => options({ dataSignUnsigned: 'yes' }), { code: 'ERR_UPP_CONFIG', field: 'dataSignUnsigned' });
    assert.deepEqual(options({ verifyVariant: 'v2-mixed/iso-time' }).verifyVariant, { profile: 'v2-mixed', time: 'iso', dataSign: true });
    assert.deepEqual(options({ profile: 'v2' }).verifyVariant, { profile: 'v2', time: 'wire', dataSign: true });
  });
  it('body is required and comma-free from 2.2 on pay orders; authCode String(256) from 2.0', () => {
    const barcode = order({ authCode: '2'.repeat(100) });
    assert.throws(() => core.validateRequest('barCode', barcode, Date.now(), '1.0'), { field: 'authCode', rule: 'max_length' });
    assert.ok(core.validateRequest('barCode', barcode, Date.now(), '2.0'));
    assert.throws(() => core.validateRequest('barCode', { ...barcode, authCode: '2'.repeat(257) }, Date.now(), '2.0'), {
      field: 'authCode',
      rule: 'max_length',
    });
    const scan = order({ channelProduct: 'ali_scan_code' });
    assert.ok(core.validateRequest('scanCode', scan, Date.now(), '2.1'));
    assert.throws(() => core.validateRequest('scanCode', scan, Date.now(), '2.2'), { field: 'body', rule: 'required' });
    assert.throws(() => core.validateRequest('scanCode', { ...scan, body: 'a,b' }, Date.now(), '2.3'), { field: 'body', rule: 'no_comma' });
    assert.ok(core.validateRequest('scanCode', { ...scan, body: 'a,b' }, Date.now(), '2.1'), 'before 2.2 body is free text');
    assert.equal(core.requestFields('scanCode', '2.2').find((f) => f.name === 'body').required, true);
    assert.equal(core.requestFields('scanCode').find((f) => f.name === 'body').required, false);
  });
  it('faceCode: channelProduct and faceCode required; bills: dates yyyy-MM-dd', () => {
    const face = order({ channelProduct: 'ali_face_code', faceCode: 'F1', body: '挂号' });
    assert.ok(core.validateRequest('faceCode', face, Date.now(), '2.2'));
    assert.throws(() => core.validateRequest('faceCode', { ...face, faceCode: '' }, Date.now(), '2.2'), {
      field: 'faceCode',
      rule: 'required',
    });
    assert.throws(() => core.validateRequest('faceCode', { ...face, channelProduct: undefined }, Date.now(), '2.2'), {
      field: 'channelProduct',
    });
    assert.ok(core.validateRequest('yuntaiBills', { startDate: '2026-11-25', endDate: '2026-11-26' }));
    for (const bad of ['2026-02-30', '2026/11/25', '20261125', 20261125]) {
      assert.throws(
        () => core.validateRequest('channelBills', { startDate: bad, endDate: '2026-11-26' }),
        { field: 'startDate', rule: 'date_format' },
        String(bad),
      );
    }
  });
});

describe('editions: against a front-end', function () {
  let fe;
  const clients = [];
  const client = (over) => {
    const c = new core.UppClient({ baseUrl: fe.url, ...base, ...over });
    clients.push(c);
    return c;
  };
  const network = () => signedAnswer(envelopeText(`{"field":"${core.NETWORK_FIELD_TEXT}"}`), KEY);
  const rejected = () => signedAnswer(envelopeText(null, { result: false }), KEY);
  /** A strict front-end of one path family: other paths are 404. */
  const servesOnly = (paths) => (req, path) => (path === '/access/network' ? network() : paths.includes(path) ? rejected() : undefined);

  before(async () => {
    fe = await frontEnd(() => undefined);
  });
  after(async () => {
    for (const c of clients) await c.destroy();
    await fe.close();
  });
  beforeEach(() => {
    fe.requests.length = 0;
  });

  it('calling an endpoint the edition lacks is ERR_UPP_CONFIG naming the edition, and nothing is sent', async () => {
    const c = client({ edition: '2.0' });
    await assert.rejects(c.faceCode(order({ channelProduct: 'ali_face_code', faceCode: 'F1' })), (err) => {
      assert.equal(err.code, 'ERR_UPP_CONFIG');
      assert.equal(err.field, 'edition');
      assert.match(err.message, /edition 2\.0 has no faceCode endpoint \(it exists from edition 2\.1\)/);
      assert.match(err.messageZh, /2\.0/);
      return true;
    });
    await assert.rejects(client({}).yuntaiBills({ startDate: '2026-11-25', endDate: '2026-11-25' }), {
      code: 'ERR_UPP_CONFIG',
      field: 'edition',
    });
    assert.equal(fe.requests.length, 0);
  });

  it('each edition calls its own paths', async () => {
    fe.answer = (req, path) => (path.endsWith('/network') ? network() : rejected());
    for (const [edition, query] of [
      ['1.0', '/access/query'],
      ['2.0', '/access/paymentQuery'],
      ['2.3', '/access/paymentQuery'],
    ]) {
      fe.requests.length = 0;
      await client({ edition }).query({ bizType: 'scan_pay', paymentNo: 'P1' });
      assert.deepEqual(
        fe.requests.map((r) => r.path),
        [query],
        edition,
      );
    }
    fe.requests.length = 0;
    await client({ edition: '2.1' }).faceCode(order({ channelProduct: 'ali_face_code', faceCode: 'F1' }));
    assert.deepEqual(
      fe.requests.map((r) => r.path),
      ['/access/faceCode'],
    );
  });

  it('network test: a 1.0 client at a 2.x front-end is told "this front-end serves edition 2.x paths; set edition"', async () => {
    fe.answer = servesOnly(['/access/paymentQuery', '/access/scanCode']);
    const r = await client({ edition: '1.0' }).network();
    assert.equal(r.outcome, 'success');
    assert.equal(r.diagnosis.code, 'wrong_edition');
    assert.match(r.diagnosis.en, /serves edition 2\.x paths.*set edition/);
    assert.match(r.diagnosis.zh, /2\.x 版接口路径/);
    assert.deepEqual(
      fe.requests.map((q) => q.path),
      ['/access/network', '/access/query', '/access/paymentQuery'],
    );
  });

  it('network test: a 2.x client at a 1.0 front-end is told to set edition 1.0; the right edition is ok', async () => {
    fe.answer = servesOnly(['/access/query']);
    const wrong = await client({ edition: '2.2' }).network();
    assert.equal(wrong.diagnosis.code, 'wrong_edition');
    assert.match(wrong.diagnosis.en, /serves edition 1\.0 paths.*set edition to 1\.0/);
    const right = await client({ edition: '1.0' }).network();
    assert.equal(right.diagnosis.code, 'ok');
  });

  it('face payment: the order answer is bound and decided like a barcode order', async () => {
    fe.answer = (req) =>
      signedAnswer(
        envelopeText(
          `{"tradeStatus":"pay_success","outPaymentNo":"YT1","paymentNo":"${req.paymentNo}","channelType":"ali","channelProduct":"ali_face_code","tradeFee":${req.tradeFee.value}}`,
        ),
        KEY,
      );
    const r = await client({ edition: '2.1' }).faceCode(order({ paymentNo: 'PF1', channelProduct: 'ali_face_code', faceCode: 'F1' }));
    assert.deepEqual([r.outcome, r.reason, r.data.tradeFee], ['success', 'final', '12.30']);
  });

  it('bills: list rows decoded one by one with exact amounts; a row lacking a required field is missing_field', async () => {
    const row = (n, fee) =>
      `{"partnerId":12345,"isvId":20000,"tradeType":"pay","bizType":"scan_pay","channelType":"ali","channelProduct":"ali_scan_code","billsDate":"2026-11-25","tradeFee":${fee},"outTradeNo":"YT${n}"}`;
    fe.answer = () => signedAnswer(envelopeText(`[${row(1, '12.30')},${row(2, '0.10')}]`), KEY, { profile: 'v2-mixed' });
    const c = client({ edition: '2.1' });
    const r = await c.channelBills({ startDate: '2026-11-25', endDate: '2026-11-25' });
    assert.deepEqual([r.outcome, r.verified], ['success', 'v2-mixed']);
    assert.deepEqual(
      r.rows.map((x) => [x.outTradeNo, x.tradeFee, x.partnerId]),
      [
        ['YT1', '12.30', 12345],
        ['YT2', '0.10', 12345],
      ],
    );
    assert.equal(r.data, undefined);
    // the platform bill has derateFee required on every row
    const y = await c.yuntaiBills({ startDate: '2026-11-25', endDate: '2026-11-25' });
    assert.deepEqual([y.outcome, y.reason], ['pending', 'missing_field']);
    assert.deepEqual(y.missing, ['data[0].derateFee', 'data[1].derateFee']);
  });

  it('strict mode pinned to a variant accepts only it; auto reports it', async () => {
    fe.answer = (req) =>
      signedAnswer(
        envelopeText(`{"tradeStatus":"wait_pay","tradeFee":1.00,"paymentNo":"${req.paymentNo}","paymentTime":"2026-11-26 10:00:00"}`),
        KEY,
        { profile: 'v2-mixed', time: 'iso' },
      );
    const q = { bizType: 'scan_pay', paymentNo: 'PV1' };
    assert.equal((await client({}).query(q)).verified, 'v2-mixed/iso-time');
    assert.equal((await client({ verify: 'strict', verifyVariant: 'v2-mixed/iso-time' }).query(q)).verified, 'v2-mixed/iso-time');
    const strictOther = await client({ verify: 'strict', verifyVariant: { profile: 'v2-mixed' } }).query(q);
    assert.deepEqual([strictOther.verified, strictOther.reason], [false, 'bad_signature']);
  });

  it('diagnosis: an answer verifying under another variant than configured is named in a warning', () => {
    const result = {
      endpoint: 'network',
      outcome: 'success',
      reason: 'final',
      verified: 'v1/iso-time',
      data: { field: core.NETWORK_FIELD_TEXT },
    };
    const d = core.diagnoseNetwork(result, {
      profile: 'v1',
      edition: '1.0',
      verifyVariant: { profile: 'v1', time: 'wire', dataSign: true },
    });
    assert.equal(d.code, 'ok');
    assert.match(d.warnings.find((w) => w.code === 'sign_variant').en, /variant v1\/iso-time, not the configured v1/);
    // v2-mixed answers and a refused v1 request: the front-end types its requests (HIS manual V2.3): set profile v2
    const refused = { ...result, outcome: 'failed', reason: 'rejected', verified: 'v2-mixed' };
    const p = core.diagnoseNetwork(refused, { profile: 'v1' });
    assert.equal(p.code, 'profile_mismatch');
    assert.match(p.en, /set the signature profile to v2/);
  });

  it('network test: answers signed v2 for a v1 client whose request was accepted: ok, with a warning naming v2', async () => {
    fe.answer = (req, path) =>
      signedAnswer(
        envelopeText(path.endsWith('/network') ? `{"field":"${core.NETWORK_FIELD_TEXT}"}` : null, { result: path.endsWith('/network') }),
        KEY,
        { profile: 'v2' },
      );
    const r = await client({ edition: '1.0' }).network();
    assert.equal(r.verified, 'v2');
    assert.equal(r.diagnosis.code, 'ok');
    assert.match(r.diagnosis.warnings.find((w) => w.code === 'sign_variant').en, /variant v2, not the configured v1/);
  });

  it('network test in strict mode: an answer verifying only under another variant fails and the diagnosis names the variant', async () => {
    // a network answer whose data carries a time field and a number: v1/iso-time differs from every wire variant
    fe.answer = (req, path) =>
      signedAnswer(
        envelopeText(path.endsWith('/network') ? `{"field":"${core.NETWORK_FIELD_TEXT}","n":1,"tradeTime":"2026-11-26 10:00:00"}` : null, {
          result: path.endsWith('/network'),
        }),
        KEY,
        { time: 'iso' },
      );
    const strict = await client({ verify: 'strict' }).network();
    assert.deepEqual([strict.outcome, strict.reason, strict.verified], ['failed', 'bad_signature', false]);
    assert.equal(strict.diagnosis.code, 'sign_variant');
    assert.match(strict.diagnosis.en, /only under variant v1\/iso-time, not the pinned v1/);
    const pinned = await client({ verify: 'strict', verifyVariant: 'v1/iso-time' }).network();
    assert.deepEqual([pinned.outcome, pinned.verified, pinned.diagnosis.code], ['success', 'v1/iso-time', 'ok']);
  });
});
