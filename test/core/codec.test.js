'use strict';
const assert = require('node:assert/strict');
const { core, signVectors } = require('../helpers');

describe('codec: golden signing vectors (../shared/spec/sign-vectors.json)', () => {
  const vectors = signVectors();
  it('has all 16 cases', () => assert.equal(vectors.cases.length, 16));
  for (const vector of vectors.cases) {
    it(`${vector.name}: canonical string and sign`, () => {
      assert.equal(core.canonicalString(vector.wire, vector.profile), vector.canonical);
      assert.equal(core.sign(vector.wire, vectors.key, vector.profile), vector.sign);
    });
  }
});

describe('codec: verification', () => {
  const key = 'k-123';
  const signed = (tree, profile, dropDataSign = false) => {
    const s = core.md5Sign(core.canonicalOf(tree, profile, dropDataSign), key);
    return core.parseLossless(core.writeJson({ ...tree, sign: s }, { canonical: false }));
  };
  const response = () =>
    core.parseLossless(
      '{"result":true,"kind":"0","version":"1.0.0","timestamp":1,"data":{"tradeFee":100.00,"sign":"https://x/pay?a=1&b=2","tradeStatus":"wait_pay"}}',
    );

  for (const profile of ['v1', 'v2']) {
    it(`strict ${profile}: accepts its own signature, reports the variant`, () => {
      assert.deepEqual(core.verifyTree(signed(response(), profile), key, profile, 'strict'), { verified: profile });
    });
    it(`strict ${profile}: rejects the other profile's signature`, () => {
      const other = profile === 'v1' ? 'v2' : 'v1';
      assert.deepEqual(core.verifyTree(signed(response(), other), key, profile, 'strict'), { verified: false, problem: 'bad_signature' });
    });
    it(`auto ${profile}: finds the other profile and data.sign dropped`, () => {
      const other = profile === 'v1' ? 'v2' : 'v1';
      assert.deepEqual(core.verifyTree(signed(response(), other), key, profile, 'auto'), { verified: other });
      assert.deepEqual(core.verifyTree(signed(response(), other, true), key, profile, 'auto'), { verified: `${other}/no-data-sign` });
    });
  }
  it('signature comparison is case-insensitive', () => {
    const tree = signed(response(), 'v1');
    tree.sign = tree.sign.toUpperCase();
    assert.deepEqual(core.verifyTree(tree, key, 'v1', 'strict'), { verified: 'v1' });
  });
  it('rejects a tampered amount, status, nested field or wrong key', () => {
    const base = signed(response(), 'v1');
    const tamper = [
      (t) => (t.data.tradeFee = new core.LosslessNumber('100.0')),
      (t) => (t.data.tradeStatus = 'pay_success'),
      (t) => (t.data.sign = 'https://evil/pay'),
      (t) => (t.result = false),
    ];
    for (const change of tamper) {
      const copy = core.parseLossless(core.writeJson(base, { canonical: false }));
      change(copy);
      assert.equal(core.verifyTree(copy, key, 'v1', 'auto').verified, false);
    }
    assert.equal(core.verifyTree(base, 'other-key', 'v1', 'auto').verified, false);
  });
  it('a response without sign is unverified', () => {
    assert.deepEqual(core.verifyTree(response(), key, 'v1', 'auto'), { verified: false, problem: 'unsigned' });
  });
  it('parsing keeps number text (100.00, long BigDecimal) and __proto__ keys do not pollute', () => {
    const tree = core.parseLossless(
      '{"a":100.00,"b":0.01000000000000000020816681711721685132943093776702880859375,"__proto__":{"polluted":1}}',
    );
    assert.equal(tree.a.value, '100.00');
    assert.equal(tree.b.value, '0.01000000000000000020816681711721685132943093776702880859375');
    assert.equal({}.polluted, undefined);
    assert.equal(Object.getPrototypeOf(tree), Object.prototype);
  });
  it('decoded response data keeps a "__proto__" key as an own property and pollutes nothing', () => {
    const decode = require('../../dist/nodes/core/decode');
    const tree = core.parseLossless('{"data":{"tradeFee":100.00,"__proto__":{"polluted":1},"n":{"__proto__":{"deep":1}}}}');
    const data = decode.decodeData('query', tree);
    assert.equal(data.tradeFee, '100.00');
    assert.deepEqual(Object.keys(data), ['tradeFee', '__proto__', 'n']);
    assert.equal(Object.getPrototypeOf(data), Object.prototype);
    assert.equal(Object.getPrototypeOf(data.n), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(data, '__proto__').value, { polluted: 1 });
    assert.equal(data.polluted, undefined);
    assert.equal({}.polluted, undefined);
    assert.equal({}.deep, undefined);
  });
});

describe('codec: the streamed digest of a canonical string', () => {
  const { canonicalDigest, canonicalOf, md5Sign } = require('../../dist/nodes/core/codec/canonical');
  const { LosslessNumber } = require('../../dist/nodes/core/codec/json');
  const row = (i) => ({ tradeNo: `T${i}`, tradeFee: new LosslessNumber(`${i}.10`), memo: '收费 "x"', empty: '', none: null });

  it('equals the MD5 of the whole string, for an answer and for a bill written in many 64 KiB pieces', () => {
    for (const rows of [1, 5000]) {
      const tree = {
        result: true,
        kind: '0',
        data: { sign: 'weixin://x', rows: Array.from({ length: rows }, (_, i) => row(i)) },
        sign: 'x',
      };
      for (const profile of ['v1', 'v2', 'v2-mixed']) {
        for (const dropDataSign of [false, true]) {
          const whole = canonicalOf(tree, profile, dropDataSign);
          if (rows > 1) assert.ok(whole.length > 4 * 64 * 1024, `${whole.length} characters: several pieces`);
          assert.equal(canonicalDigest(tree, 'k', profile, dropDataSign), md5Sign(whole, 'k'), `${rows} rows, ${profile}`);
        }
      }
    }
  });
});

describe('codec: signature comparison', () => {
  const { signaturesEqual } = require('../../dist/nodes/core/codec/canonical');
  const sig = '8d13afaf033b091c1db02ba91d6e5c86';

  it('matches the same signature in either case, and nothing else', () => {
    assert.equal(signaturesEqual(sig, sig), true);
    assert.equal(signaturesEqual(sig, sig.toUpperCase()), true);
    for (const other of [
      '',
      sig.slice(0, -1),
      `${sig}0`,
      `${sig.slice(0, -1)}7`,
      `${sig.slice(0, -1)}\u0136`, // a character whose low byte is 6 ('6' is 0x36)
      `${sig.slice(0, -2)}😀`,
      'x'.repeat(500),
    ]) {
      assert.equal(signaturesEqual(sig, other), false, JSON.stringify(other));
    }
  });
});

describe('codec: request encoding', () => {
  const identity = { isvId: '20000', partnerId: '12345' };
  for (const profile of ['v1', 'v2']) {
    it(`${profile}: the body carries amounts with two decimals and Longs as integers, and its sign matches its own text`, () => {
      const fields = core.validateRequest('refund', {
        refundFee: '12.3',
        paymentNo: 'P1',
        bizType: 'scan_pay',
        requestNo: 'R1',
        refundNo: 'R1',
      });
      const enc = core.encodeRequest(identity, fields, 'key', profile, 1764151200000);
      assert.match(enc.body, /"refundFee":12\.30[,}]/);
      assert.match(enc.body, /"isvId":20000,"partnerId":12345,/);
      assert.match(enc.body, /"timestamp":1764151200000,/);
      assert.equal(core.sign(enc.body, 'key', profile), enc.sign);
      assert.equal(JSON.parse(enc.body).sign, enc.sign);
    });
  }
});
