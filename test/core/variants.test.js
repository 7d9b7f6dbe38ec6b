'use strict';
// Signing variants (docs/design.md §3): the vectors of ../shared/spec/sign-vectors-variants.json, and every variant in
// auto and strict verification.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { core, SHARED, signVectors } = require('../helpers');

const variantVectors = () => JSON.parse(fs.readFileSync(path.join(SHARED, 'spec', 'sign-vectors-variants.json'), 'utf8'));
/** The vector's wire text with its dummy sign replaced by the vector's sign (what a front-end would send). */
const signedWire = (vector) => vector.wire.replace('"sign":"0123456789abcdef0123456789abcdef"', `"sign":"${vector.sign}"`);

describe('codec: signing variants (../shared/spec/sign-vectors-variants.json)', () => {
  const vectors = variantVectors();
  it('has the five cases', () => assert.equal(vectors.cases.length, 5));
  for (const vector of vectors.cases) {
    const name = core.variantName({ profile: vector.profile, time: vector.time, dataSign: true });
    it(`${vector.name}: canonical string and sign`, () => {
      assert.equal(core.canonicalString(vector.wire, vector.profile, { time: vector.time }), vector.canonical);
      assert.equal(core.sign(vector.wire, vectors.key, vector.profile, { time: vector.time }), vector.sign);
    });
    it(`${vector.name}: auto accepts it as ${name}, whatever the configured profile`, () => {
      for (const profile of ['v1', 'v2']) {
        assert.deepEqual(core.verifyTree(core.parseLossless(signedWire(vector)), vectors.key, profile, 'auto'), { verified: name });
      }
    });
    it(`${vector.name}: strict accepts it only when pinned to ${name}`, () => {
      const tree = core.parseLossless(signedWire(vector));
      assert.deepEqual(core.verifyTree(tree, vectors.key, 'v1', 'strict', { variant: core.parseVariant(name) }), { verified: name });
      const other = core.VARIANT_NAMES.filter((n) => n !== name && !n.endsWith('/no-data-sign'));
      const accepted = other.filter(
        (n) => core.verifyTree(tree, vectors.key, 'v1', 'strict', { variant: core.parseVariant(n) }).verified !== false,
      );
      // a variant giving the very same canonical string (no time field, no nested number) may match too: never one that differs
      for (const n of accepted) {
        const v = core.parseVariant(n);
        assert.equal(core.canonicalOf(tree, v.profile, false, v.time), vector.canonical, n);
      }
    });
    it(`${vector.name}: the wrong key matches no variant`, () => {
      assert.deepEqual(core.verifyTree(core.parseLossless(signedWire(vector)), 'not-the-key', 'v1', 'auto'), {
        verified: false,
        problem: 'bad_signature',
      });
    });
  }

  it('the 16 golden vectors are unchanged by the variants (wire time is the default)', () => {
    const golden = signVectors();
    for (const vector of golden.cases) {
      assert.equal(core.canonicalString(vector.wire, vector.profile), vector.canonical, vector.name);
      assert.equal(core.sign(vector.wire, golden.key, vector.profile, { time: 'wire' }), vector.sign, vector.name);
    }
  });

  it('the bill list keeps its wire order, each row sorted with its empty values dropped', () => {
    const bills = vectors.cases.find((c) => c.name.startsWith('bills-response-list'));
    const canonical = core.canonicalString(bills.wire, 'v1');
    assert.ok(canonical.indexOf('"YT01"') < canonical.indexOf('"YTR01"'));
    assert.equal(canonical.includes('balanceNo'), false);
  });
});

describe('codec: every variant in auto and strict', () => {
  const key = 'variant-key';
  // An answer on which all twelve variants give different strings: a nested number, a wire time, data.sign.
  const answer = () =>
    core.parseLossless(
      '{"result":true,"kind":"0","msg":"","version":"1.0.0","timestamp":1764151200123,"data":{"tradeStatus":"wait_pay","tradeFee":100.00,"paymentTime":"2026-11-26 10:00:00","paymentNo":"P1","sign":"https://qr.example/pay?o=1"}}',
    );
  const signedAs = (name) => {
    const v = core.parseVariant(name);
    const tree = answer();
    tree.sign = core.md5Sign(core.canonicalOf(tree, v.profile, !v.dataSign, v.time), key);
    return tree;
  };

  it('there are twelve names, each read back to itself', () => {
    assert.equal(core.VARIANT_NAMES.length, 12);
    assert.equal(
      new Set(
        core.VARIANT_NAMES.map((n) => {
          const v = answer();
          const p = core.parseVariant(n);
          return core.canonicalOf(v, p.profile, !p.dataSign, p.time);
        }),
      ).size,
      12,
    );
    for (const name of core.VARIANT_NAMES) assert.equal(core.variantName(core.parseVariant(name)), name);
    for (const bad of ['v3', 'v1/iso', 'v1/no-data-sign/iso-time', 'v1/iso-time/iso-time', ''])
      assert.equal(core.parseVariant(bad), undefined, bad);
  });
  for (const name of core.VARIANT_NAMES) {
    it(`${name}: auto reports it; strict accepts it only when pinned to it`, () => {
      assert.deepEqual(core.verifyTree(signedAs(name), key, 'v1', 'auto'), { verified: name });
      assert.deepEqual(core.verifyTree(signedAs(name), key, 'v2', 'auto'), { verified: name });
      for (const pinned of core.VARIANT_NAMES) {
        const r = core.verifyTree(signedAs(name), key, 'v1', 'strict', { variant: core.parseVariant(pinned) });
        assert.deepEqual(r, pinned === name ? { verified: name } : { verified: false, problem: 'bad_signature' }, `pinned ${pinned}`);
      }
      assert.equal(core.coversDataSign(name), !name.endsWith('/no-data-sign'));
    });
  }
  it('requireDataSign: an answer carrying data.sign verified only without it is bad_signature', () => {
    assert.deepEqual(core.verifyTree(signedAs('v1/no-data-sign'), key, 'v1', 'auto', { requireDataSign: true }), {
      verified: false,
      problem: 'bad_signature',
    });
    assert.deepEqual(core.verifyTree(signedAs('v2-mixed/iso-time'), key, 'v1', 'auto', { requireDataSign: true }), {
      verified: 'v2-mixed/iso-time',
    });
  });
  it('strict without a variant is the profile, wire time, data.sign covered (as before)', () => {
    assert.deepEqual(core.verifyTree(signedAs('v2'), key, 'v2', 'strict'), { verified: 'v2' });
    assert.deepEqual(core.verifyTree(signedAs('v2/iso-time'), key, 'v2', 'strict'), { verified: false, problem: 'bad_signature' });
  });
});
