'use strict';
const assert = require('node:assert/strict');
const { core } = require('../helpers');

const NOW = Date.UTC(2026, 10, 26, 6, 0, 0); // 2026-11-26 14:00:00 China time
const future = '2026-11-26 18:30:00';
const scan = (over = {}) => ({
  paymentNo: 'HIS0001',
  channelProduct: 'ali_scan_code',
  expireTime: future,
  tradeFee: '12.30',
  subject: '门诊缴费',
  ...over,
});

function rejects(fn, field, rule) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof core.UppInputError, `expected UppInputError, got ${err}`);
    assert.equal(err.code, 'ERR_UPP_INPUT');
    assert.equal(err.field, field);
    assert.equal(err.rule, rule);
    assert.ok(err.message.includes(field), 'the English message names the field');
    assert.ok(err.messageZh.includes(field), 'the Chinese message names the field');
    assert.ok(/[\u4e00-\u9fff]/.test(err.messageZh), 'the Chinese message is Chinese');
    return true;
  });
}

describe('validation: amounts (decimal.js, never rounded)', () => {
  const ok = [
    ['12.3', '12.30'],
    ['12.30', '12.30'],
    [12.3, '12.30'],
    ['0.01', '0.01'],
    [0.1, '0.10'],
    ['99999999.99', '99999999.99'],
    ['007.50', '7.50'],
    [1e3, '1000.00'],
  ];
  for (const [input, wire] of ok) {
    it(`accepts ${JSON.stringify(input)} as ${wire}`, () => assert.equal(core.normalizeAmount('tradeFee', input), wire));
  }
  it('accepts a Decimal', () => assert.equal(core.normalizeAmount('tradeFee', new core.Decimal('5.5')), '5.50'));
  const bad = [
    ['0', 'amount_positive'],
    [0, 'amount_positive'],
    [-0, 'amount_positive'],
    ['-1.00', 'amount_positive'],
    ['-1', 'amount_positive'],
    ['+5', 'amount_format'],
    [-1, 'amount_positive'],
    ['0.00', 'amount_positive'],
    ['12.345', 'amount_scale'],
    [0.1 + 0.2, 'amount_scale'],
    ['100000000.00', 'amount_range'],
    [1e21, 'amount_range'],
    ['1e3', 'amount_format'],
    ['NaN', 'amount_format'],
    [NaN, 'amount_format'],
    [Infinity, 'amount_format'],
    ['Infinity', 'amount_format'],
    [' 12.30', 'amount_format'],
    ['12,30', 'amount_format'],
    ['.5', 'amount_format'],
    ['12.', 'amount_format'],
    [true, 'amount_format'],
    [{}, 'amount_format'],
    [1e-7, 'amount_scale'],
  ];
  for (const [input, rule] of bad) {
    it(`refuses ${typeof input === 'string' ? JSON.stringify(input) : String(input)} (${rule})`, () => {
      rejects(() => core.normalizeAmount('tradeFee', input), 'tradeFee', rule);
    });
  }
});

describe('validation: request fields', () => {
  it('accepts a complete scan-code order and writes the amount as an exact number', () => {
    const fields = core.validateRequest('scanCode', scan(), NOW);
    assert.equal(fields.tradeFee.value, '12.30');
    assert.equal(fields.subject, '门诊缴费');
  });
  it('ignores properties that are not request fields (a whole HIS row may come in)', () => {
    const fields = core.validateRequest('scanCode', scan({ patientName: '张三', ward: 5 }), NOW);
    assert.equal(fields.patientName, undefined);
  });
  it('drops empty optionals', () => {
    const fields = core.validateRequest('scanCode', scan({ districtId: '', bizData: null }), NOW);
    assert.equal('districtId' in fields, false);
    assert.equal('bizData' in fields, false);
  });
  for (const field of ['paymentNo', 'channelProduct', 'expireTime', 'tradeFee', 'subject']) {
    it(`${field} is required`, () => rejects(() => core.validateRequest('scanCode', scan({ [field]: '' }), NOW), field, 'required'));
  }
  it('paymentNo at most 32 characters (boundary 32 passes)', () => {
    core.validateRequest('scanCode', scan({ paymentNo: 'P'.repeat(32) }), NOW);
    rejects(() => core.validateRequest('scanCode', scan({ paymentNo: 'P'.repeat(33) }), NOW), 'paymentNo', 'max_length');
  });
  it('subject counts Chinese characters as one each (64 passes, 65 fails)', () => {
    core.validateRequest('scanCode', scan({ subject: '费'.repeat(64) }), NOW);
    rejects(() => core.validateRequest('scanCode', scan({ subject: '费'.repeat(65) }), NOW), 'subject', 'max_length');
  });
  it('subject must not contain an English comma (a Chinese comma is fine)', () => {
    core.validateRequest('scanCode', scan({ subject: '挂号，门诊' }), NOW);
    rejects(() => core.validateRequest('scanCode', scan({ subject: 'a,b' }), NOW), 'subject', 'no_comma');
  });
  it('sourceType is a closed enum; channelProduct is listed: a typo is refused by name, unlisted:<value> passes', () => {
    rejects(() => core.validateRequest('scanCode', scan({ sourceType: 'emergency' }), NOW), 'sourceType', 'enum');
    rejects(() => core.validateRequest('scanCode', scan({ channelProduct: 'wx_scan_code' }), NOW), 'channelProduct', 'enum_listed');
    rejects(() => core.validateRequest('scanCode', scan({ channelProduct: 'ali_app' }), NOW), 'channelProduct', 'enum_listed');
    assert.equal(core.validateRequest('scanCode', scan({ channelProduct: 'unlisted:ali_app' }), NOW).channelProduct, 'ali_app');
    rejects(() => core.validateRequest('scanCode', scan({ channelProduct: 'unlisted:' }), NOW), 'channelProduct', 'required');
    rejects(
      () => core.validateRequest('scanCode', scan({ channelProduct: `unlisted:${'x'.repeat(33)}` }), NOW),
      'channelProduct',
      'max_length',
    );
    assert.equal(
      core.validateRequest('scanCode', scan({ channelProduct: `unlisted:${'x'.repeat(32)}` }), NOW).channelProduct,
      'x'.repeat(32),
    );
  });
  it('the channelProduct message names the field, the allowed values and the way out, in both languages', () => {
    try {
      core.validateRequest('scanCode', scan({ channelProduct: 'wx_scan_code' }), NOW);
      assert.fail('expected an error');
    } catch (err) {
      assert.equal(
        err.message,
        'channelProduct must be one of ali_scan_code, ten_scan_code, uni_scan_code (got "wx_scan_code"); a value the manual does not list is written unlisted:<value>',
      );
      assert.equal(
        err.messageZh,
        'channelProduct 必须是 ali_scan_code, ten_scan_code, uni_scan_code 之一（实际为 "wx_scan_code"）；手册未列出的值请写成 unlisted:<值>',
      );
    }
  });
  it('a numeric paymentNo from a HIS column becomes text; objects do not', () => {
    assert.equal(core.validateRequest('query', { bizType: 'scan_pay', paymentNo: 1234567 }, NOW).paymentNo, '1234567');
    rejects(() => core.validateRequest('query', { bizType: 'scan_pay', paymentNo: { a: 1 } }, NOW), 'paymentNo', 'type_string');
    rejects(() => core.validateRequest('query', { bizType: 'scan_pay', paymentNo: 1.5 }, NOW), 'paymentNo', 'type_string');
  });
  it('bizData accepts JSON text or an object (stringified) and refuses broken JSON', () => {
    assert.equal(core.validateRequest('scanCode', scan({ bizData: { visitId: 'V1' } }), NOW).bizData, '{"visitId":"V1"}');
    assert.equal(core.validateRequest('scanCode', scan({ bizData: '{"a":1}' }), NOW).bizData, '{"a":1}');
    rejects(() => core.validateRequest('scanCode', scan({ bizData: '{a:1}' }), NOW), 'bizData', 'json');
    rejects(() => core.validateRequest('scanCode', scan({ bizData: { x: 'y'.repeat(300) } }), NOW), 'bizData', 'max_length');
  });
  it('expireTime: text in UTC+8 must be a real time in the future', () => {
    rejects(() => core.validateRequest('scanCode', scan({ expireTime: '2026-11-26 13:59:59' }), NOW), 'expireTime', 'datetime_future');
    rejects(() => core.validateRequest('scanCode', scan({ expireTime: '2026-11-26 14:00:00' }), NOW), 'expireTime', 'datetime_future');
    rejects(() => core.validateRequest('scanCode', scan({ expireTime: '2026-02-30 10:00:00' }), NOW), 'expireTime', 'datetime_format');
    rejects(() => core.validateRequest('scanCode', scan({ expireTime: '2026-11-26T18:30:00' }), NOW), 'expireTime', 'datetime_format');
    core.validateRequest('scanCode', scan({ expireTime: '2026-11-26 14:00:01' }), NOW);
  });
  it('expireTime: a Date or epoch ms is written in China time whatever the host zone', () => {
    const at = NOW + 15 * 60 * 1000;
    assert.equal(core.validateRequest('scanCode', scan({ expireTime: at }), NOW).expireTime, '2026-11-26 14:15:00');
    assert.equal(core.validateRequest('scanCode', scan({ expireTime: new Date(at) }), NOW).expireTime, '2026-11-26 14:15:00');
  });
  it('refund, query, close and refund query each check their own required fields', () => {
    rejects(
      () => core.validateRequest('refund', { refundFee: '1.00', paymentNo: 'P', bizType: 'scan_pay', refundNo: 'R' }, NOW),
      'requestNo',
      'required',
    );
    rejects(() => core.validateRequest('query', { paymentNo: 'P' }, NOW), 'bizType', 'required');
    rejects(() => core.validateRequest('close', { bizType: 'scan_pay' }, NOW), 'paymentNo', 'required');
    rejects(() => core.validateRequest('refundQuery', {}, NOW), 'requestNo', 'required');
    rejects(() => core.validateRequest('barCode', { ...scan(), channelProduct: undefined }, NOW), 'authCode', 'required');
  });
  it('a non-object input is refused', () => {
    assert.throws(() => core.validateRequest('query', 'P1', NOW), core.UppInputError);
  });
});

describe('time: China Standard Time, independent of the host zone', () => {
  it('formats and parses UTC+8', () => {
    assert.equal(core.formatChinaTime(Date.UTC(2026, 0, 1, 16, 0, 0)), '2026-01-02 00:00:00');
    assert.equal(core.parseChinaTime('2026-01-02 00:00:00'), Date.UTC(2026, 0, 1, 16, 0, 0));
    assert.equal(core.parseChinaTime('2026-13-01 00:00:00'), undefined);
    assert.equal(core.parseChinaTime('2026-01-01 24:00:00'), undefined);
  });
  it('gives the same text under another TZ (child process with TZ=America/New_York)', () => {
    const { execFileSync } = require('node:child_process');
    const out = execFileSync(
      process.execPath,
      ['-e', `process.stdout.write(require(${JSON.stringify(require.resolve('../../dist/nodes/core'))}).formatChinaTime(${NOW}))`],
      {
        env: { ...process.env, TZ: 'America/New_York' },
      },
    ).toString();
    assert.equal(out, '2026-11-26 14:00:00');
  });
});

describe('client options', () => {
  const base = { baseUrl: 'http://127.0.0.1:7000', isvId: 20000, partnerId: '12345', key: 'secret-key-xyz' };
  function configError(over, field) {
    assert.throws(
      () => new core.UppClient({ ...base, ...over }),
      (err) => {
        assert.equal(err.code, 'ERR_UPP_CONFIG');
        assert.equal(err.field, field);
        assert.ok(!err.message.includes('secret-key-xyz'));
        return true;
      },
    );
  }
  it('names the missing or wrong field', () => {
    configError({ baseUrl: '' }, 'baseUrl');
    configError({ baseUrl: 'ftp://x' }, 'baseUrl');
    configError({ isvId: 'abc' }, 'isvId');
    configError({ partnerId: '1234567890123456' }, 'partnerId');
    configError({ key: '' }, 'key');
    configError({ profile: 'v3' }, 'profile');
    configError({ pathStyle: 'v3' }, 'pathStyle');
  });
  it('keeps a path prefix and drops a trailing /access', async () => {
    const c1 = new core.UppClient({ ...base, baseUrl: 'http://h:7000/hs-access-facepay/' });
    assert.equal(c1.options.prefix, '/hs-access-facepay');
    const c2 = new core.UppClient({ ...base, baseUrl: 'http://h:7000/hs-access-facepay/access' });
    assert.equal(c2.options.prefix, '/hs-access-facepay');
    await Promise.all([c1.destroy(), c2.destroy()]);
  });
  it('never shows the key through inspect, JSON or keys', async () => {
    const util = require('node:util');
    const client = new core.UppClient(base);
    assert.ok(!util.inspect(client, { depth: 10, showHidden: true }).includes('secret-key-xyz'));
    assert.ok(!JSON.stringify(client).includes('secret-key-xyz'));
    assert.ok(!JSON.stringify(client.options).includes('secret-key-xyz'));
    await client.destroy();
  });
});

describe('validation: messages people read (one sentence naming field and rule, both languages)', () => {
  const caught = (fn) => {
    try {
      fn();
    } catch (err) {
      return err;
    }
    throw new Error('expected an error');
  };
  for (const input of ['-1', -1, '-0.50', '0']) {
    it(`tradeFee ${JSON.stringify(input)} says "must be greater than 0", not the amount format`, () => {
      const err = caught(() => core.validateRequest('scanCode', scan({ tradeFee: input }), NOW));
      assert.equal(err.rule, 'amount_positive');
      assert.match(err.message, /^tradeFee must be greater than 0 \(got /);
      assert.match(err.messageZh, /^tradeFee 必须大于 0（实际为 /);
      assert.doesNotMatch(err.message, /such as 12\.30/);
    });
  }
  it('an error prints as its sentence alone (Node-RED puts String(err) in msg.error.message and the log)', () => {
    const err = caught(() => core.validateRequest('scanCode', scan({ subject: 'a,b' }), NOW));
    assert.equal(String(err), 'subject must not contain an English comma ","');
    assert.equal(err.toString(), err.message);
    assert.doesNotMatch(String(new core.UppNotSentError('ECONNREFUSED', 'x', 1)), /^Upp\w*Error/);
  });
  it('a refused connection names the cause once, with the address, in both languages', () => {
    const err = new core.UppNotSentError('ECONNREFUSED', 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:7000', 3);
    assert.equal(
      err.message,
      'Request not sent: could not connect to the front-end machine at 127.0.0.1:7000: the connection was refused, nothing listens at that address and port (ECONNREFUSED), after 3 attempt(s)',
    );
    assert.equal(
      err.messageZh,
      '请求未发出：无法连接前置机 127.0.0.1:7000：连接被拒绝，该地址和端口上没有服务（ECONNREFUSED），已尝试 3 次',
    );
    for (const text of [err.message, err.messageZh]) assert.equal(text.split('ECONNREFUSED').length - 1, 1, text);
  });
  it('an unknown connection failure keeps its own words, the code once', () => {
    const err = new core.UppNotSentError('CERT_HAS_EXPIRED', 'CERT_HAS_EXPIRED: certificate has expired', 1);
    assert.equal(
      err.message,
      'Request not sent: could not connect to the front-end machine: certificate has expired (CERT_HAS_EXPIRED), after 1 attempt(s)',
    );
    assert.equal(err.messageZh.split('CERT_HAS_EXPIRED').length - 1, 1, err.messageZh);
  });
});
