'use strict';
// parseLossless's fast path (parseOrdinary, nodes/core/codec/json.ts) against the reference, lossless-json: on every
// text the fast path accepts, the two give the same tree (numbers with their literal text); what it declines goes to
// the reference, so parseLossless answers exactly as lossless-json alone did (same tree, or a SyntaxError).
const assert = require('node:assert/strict');
const fc = require('fast-check');
const { parse, LosslessNumber } = require('lossless-json');
const { core } = require('../helpers');
const { parseOrdinary, MAX_JSON_DEPTH } = require('../../dist/nodes/core/codec/json');

const reference = (text) => parse(text, null, (value) => new LosslessNumber(value));

/** What the reference makes of a text: its tree, or the SyntaxError it throws. */
function referenceOutcome(text) {
  try {
    return { tree: reference(text) };
  } catch (error) {
    return { error };
  }
}

// Number literals as front-ends write them (scale kept: 100.00, 0.10), with exponents, signs and long digits.
const numberLiteral = fc
  .tuple(
    fc.boolean(),
    fc.oneof(fc.constant('0'), fc.bigInt({ min: 1n, max: 10n ** 25n }).map(String)),
    fc.option(fc.stringMatching(/^[0-9]{1,6}$/), { nil: undefined }),
    fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.stringMatching(/^[0-9]{1,3}$/)), { nil: undefined }),
  )
  .map(([minus, int, frac, exp]) => `${minus ? '-' : ''}${int}${frac === undefined ? '' : `.${frac}`}${exp ? exp.join('') : ''}`);

const ws = fc.constantFrom('', ' ', '\n', '\t', '\r\n  ');

// JSON texts written by hand from a tree of arbitrary keys (escapes, unicode, `__proto__`, repeated keys) and values.
const key = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'sign', 'data', 'a\\"b'));
const textOf = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    numberLiteral,
    fc
      .oneof(
        fc.string({ maxLength: 12, unit: fc.constantFrom('a', 'é', '"', '\\', '/', '\u0001', '\u2028', '\ud800', '😀') }),
        fc.string({ maxLength: 12, unit: 'binary' }),
      )
      .map((s) => JSON.stringify(s)),
    fc.constantFrom('true', 'false', 'null'),
    tie('object'),
    tie('array'),
  ),
  object: fc
    .array(fc.tuple(key, tie('value'), ws), { maxLength: 5 })
    .chain((members) => fc.constant(`{${members.map(([k, v, w]) => `${w}${JSON.stringify(k)}${w}:${w}${v}${w}`).join(',')}}`)),
  array: fc.array(fc.tuple(tie('value'), ws), { maxLength: 5 }).map((items) => `[${items.map(([v, w]) => `${w}${v}${w}`).join(',')}]`),
})).value;

// Small damages of a valid text: what a broken or hostile front-end might send.
const damaged = fc
  .tuple(textOf, fc.nat(), fc.constantFrom('', ',', '}', ']', '"', '\\', '0', '-', '.', 'e', ' ', '\u0000', 'x', '{', '['))
  .map(([text, at, insert]) => {
    const i = text.length ? at % text.length : 0;
    return at % 2 ? text.slice(0, i) + insert + text.slice(i) : text.slice(0, i) + insert + text.slice(i + 1);
  });

describe('codec: parseLossless fast path against lossless-json', () => {
  it('gives the same tree as lossless-json on every text it accepts (generated texts)', () => {
    fc.assert(
      fc.property(fc.oneof(textOf, damaged), ws, (text, pad) => {
        const fast = parseOrdinary(pad + text + pad, MAX_JSON_DEPTH);
        const ref = referenceOutcome(pad + text + pad);
        if (fast !== undefined) {
          assert.ok(!ref.error, `accepted what lossless-json refuses (${ref.error?.message}): ${text}`);
          assert.deepStrictEqual(fast, ref.tree);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the same tree as lossless-json on long texts too (over 16 KiB, where strings and long numbers are copied out)', () => {
    // Generated members padded with long strings and long number literals, so every copy path is taken.
    const longText = fc
      .tuple(fc.array(textOf, { minLength: 1, maxLength: 20 }), numberLiteral, fc.string({ minLength: 13, maxLength: 40, unit: 'binary' }))
      .map(([values, number, string]) => {
        const filler = Array.from({ length: 600 }, (_, i) => `"pad${i}":${JSON.stringify(`${string}${i}`)},"n${i}":${number}${i}`);
        return `{${[...values.map((v, i) => `"v${i}":${v}`), ...filler].join(',')}}`;
      });
    fc.assert(
      fc.property(longText, (text) => {
        assert.ok(text.length > 16 * 1024, `a long text (${text.length})`);
        const fast = parseOrdinary(text, MAX_JSON_DEPTH);
        const ref = referenceOutcome(text);
        if (fast !== undefined) {
          assert.ok(!ref.error, `accepted what lossless-json refuses (${ref.error?.message})`);
          assert.deepStrictEqual(fast, ref.tree);
        }
        if (!ref.error) assert.deepStrictEqual(core.parseLossless(text), ref.tree);
      }),
      { numRuns: 150 },
    );
  });

  it("values kept from a long answer do not keep its text alive (a bill's rows outlive its text)", () => {
    const v8 = require('node:v8');
    const vm = require('node:vm');
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc');
    // 4 MB of text; from each row a string and a long id are kept, as decoded bill rows keep them.
    const parseRows = () => {
      const rows = Array.from(
        { length: 40000 },
        (_, i) => `{"outPaymentNo":"YT2026112900000${i}","id":1234567890123${i},"memo":"${'m'.repeat(40)}"}`,
      );
      const tree = core.parseLossless(`{"data":[${rows.join(',')}]}`);
      return [tree.data[7].outPaymentNo, tree.data[9].id.value];
    };
    gc();
    const before = process.memoryUsage().heapUsed;
    const kept = parseRows();
    gc();
    const held = process.memoryUsage().heapUsed - before;
    assert.deepEqual(kept, ['YT20261129000007', '12345678901239']);
    assert.ok(held < 1024 * 1024, `${(held / 1048576).toFixed(1)} MB still held by two values`);
  });

  it('parseLossless answers as lossless-json does: the same tree, or a SyntaxError where it throws', () => {
    fc.assert(
      fc.property(fc.oneof(textOf, damaged), (text) => {
        const ref = referenceOutcome(text);
        let ours;
        try {
          ours = { tree: core.parseLossless(text) };
        } catch (error) {
          ours = { error };
        }
        if (ref.error) {
          assert.ok(ours.error instanceof SyntaxError, `accepted what lossless-json refuses: ${text}`);
        } else {
          assert.ok(!ours.error, `refused (${ours.error?.message}) what lossless-json accepts: ${text}`);
          assert.deepStrictEqual(ours.tree, ref.tree);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps every number literal exactly, scale and digits (100.00, 0.10, a 25-digit id, 1E+2)', () => {
    const tree = parseOrdinary('{"tradeFee":100.00,"rate":0.10,"id":1234567890123456789012345,"e":1E+2,"n":-0}', MAX_JSON_DEPTH);
    assert.deepStrictEqual(Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, v.value])), {
      tradeFee: '100.00',
      rate: '0.10',
      id: '1234567890123456789012345',
      e: '1E+2',
      n: '-0',
    });
  });

  it('declines, for the reference to decide: repeated keys, __proto__, inherited names, deep nesting, bad escapes, raw control characters, trailing text', () => {
    for (const text of [
      '{"a":1,"a":2}',
      '{"a":1,"a":1}',
      '{"__proto__":{"x":1}}',
      '{"constructor":1}',
      '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1),
      '{"a":"\\x"}',
      '{"a":"\u0001"}',
      '{"a":1} x',
      '{"a":01}',
      '{"a":1.}',
      '{"a":.5}',
      '{"a":+1}',
      '{"a":1,}',
      '',
    ]) {
      assert.equal(parseOrdinary(text, MAX_JSON_DEPTH), undefined, text);
    }
  });

  it('a repeated key with another value is still refused, and __proto__ stays an ordinary key (as lossless-json does)', () => {
    assert.throws(() => core.parseLossless('{"tradeStatus":"pay_failed","tradeStatus":"pay_success"}'), /Duplicate key/);
    const tree = core.parseLossless('{"__proto__":{"polluted":true}}');
    assert.equal(Object.getPrototypeOf(tree), Object.prototype);
    assert.equal({}.polluted, undefined);
  });
});

describe('codec: the JSON writer against the platform (JSON.stringify, Array.prototype.sort)', () => {
  const { jsonString, writeJson } = require('../../dist/nodes/core/codec/json');

  it('writes the canonical string with keys in sort() order and empty values left out, for any keys, few or many', () => {
    const anyKey = fc.string({ maxLength: 6, unit: fc.constantFrom('a', 'B', '_', '0', '9', 'é', '中', '😀', '\ud800', '"', ' ') });
    fc.assert(
      fc.property(fc.dictionary(anyKey, fc.oneof(fc.string({ maxLength: 4 }), fc.constant(null)), { maxKeys: 40 }), (object) => {
        const expected = Object.keys(object)
          .sort()
          .filter((k) => object[k] !== null && object[k] !== '' && k !== 'sign')
          .map((k) => `${JSON.stringify(k)}:${JSON.stringify(object[k])}`);
        assert.equal(writeJson(object, { canonical: true, profile: 'v1' }), `{${expected.join(',')}}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('quotes every string as JSON.stringify does: escapes, controls, unicode, lone and paired surrogates', () => {
    const unit = fc.constantFrom('a', '"', '\\', '/', '\u0000', '\u001f', ' ', '\u007f', 'é', '\u2028', '\ud800', '\udfff', '😀', '中');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 16, unit }), fc.string({ maxLength: 16, unit: 'binary' })), (text) => {
        assert.equal(jsonString(text), JSON.stringify(text));
      }),
      { numRuns: 5000 },
    );
  });
});
