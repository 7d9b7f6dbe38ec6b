'use strict';
// fast-check arbitraries for request inputs: per schema field, a mix of valid values (so that requests get through
// and their signatures can be checked) and hostile ones (wrong types, lengths, unicode, numbers such as 1e3,
// 0.1+0.2 and -0, huge strings, prototype-polluting keys). Built from the core schema, so a new field is fuzzed too.
const fc = require('fast-check');
const { core } = require('./harness');

const { ENDPOINTS, ENUMS, Decimal } = core;

/** Keys that break naive object handling. Set as own properties (Object.defineProperty), like JSON.parse does. */
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'toJSON', 'hasOwnProperty', 'then', 'toStringTag'];

const HOSTILE_STRINGS = [
  '',
  ' ',
  '  12.30',
  '12.30 ',
  '1e3',
  '1E3',
  '0.1',
  '12.3',
  '12.30',
  '12.345',
  '-1',
  '+1',
  '.5',
  '5.',
  '00012.30',
  '１２.３０',
  '0x10',
  'NaN',
  'Infinity',
  '-0',
  '0',
  '0.00',
  '99999999.99',
  '100000000.00',
  '1_000',
  '2099-12-31 23:59:59',
  '2026-02-30 00:00:00',
  '2019-01-01T12:00:00',
  '2099-01-01 24:00:00',
  '9999-12-31 23:59:59',
  '{"a":1}',
  '[1,2]',
  'null',
  'true',
  '{',
  '__proto__',
  'constructor',
  '[object Decimal]',
  '{"__proto__":{"polluted":1}}',
  'a,b',
  '门诊，缴费',
  '\u0000',
  '\ud800',
  '\udc00x',
  '😀',
  '\u2028\u2029',
  '\r\n',
  '"',
  '\\',
  '<script>alert(1)</script>',
  '${UPP_KEY}',
  '%s%n',
  'ali_scan_code',
  'ten_bar_code',
  'scan_pay',
  'barcode_pay',
  'outpatient',
  'x'.repeat(32),
  'x'.repeat(33),
  '字'.repeat(64),
  '字'.repeat(65),
  'x'.repeat(128),
  'x'.repeat(129),
  'x'.repeat(256),
  'x'.repeat(257),
];

const HOSTILE_NUMBERS = [
  1e3,
  0.1 + 0.2,
  -0,
  0,
  1,
  12.3,
  12.3,
  0.01,
  0.001,
  1e-7,
  5e-324,
  1e21,
  1e20,
  3e14,
  253402271999999,
  253402272000000,
  8.64e15,
  8.64e15 + 1,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  Number.MAX_VALUE,
  Number.EPSILON,
  NaN,
  Infinity,
  -Infinity,
  -1,
  -12.3,
  99999999.99,
  100000000,
  1234567.891,
];

/** Objects that pass duck-typing checks they should not: a fake Decimal (decimal.js's isDecimal() reads
 * `toStringTag`), a toJSON() that returns undefined (JSON.stringify then returns undefined, not text). */
const TRICK_OBJECTS = [
  { toStringTag: '[object Decimal]' },
  { toJSON: () => undefined },
  { toJSON: () => 'x'.repeat(300) },
  Object.create(null),
  new Date(NaN),
  new Date(8.64e15),
  Buffer.from('12.30'),
];

/** Objects with hostile own keys (and a fake Decimal tag). */
function hostileObject(values) {
  return fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 8 })), values), { maxLength: 4 })
    .map((entries) => {
      const o = {};
      for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
      return o;
    });
}

const hugeString = fc
  .tuple(fc.integer({ min: 300, max: 200_000 }), fc.constantFrom('x', '字', '😀', ',', '1'))
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)));

/** Anything a field might be given by a careless flow. */
const hostileValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  {
    weight: 4,
    arbitrary: fc.oneof(fc.constantFrom(...HOSTILE_NUMBERS), fc.double(), fc.integer(), fc.integer({ min: Date.now(), max: 9e15 })),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null, undefined) },
  { weight: 1, arbitrary: fc.date() },
  { weight: 1, arbitrary: fc.bigInt() },
  { weight: 1, arbitrary: fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.object({ maxDepth: 1 }) },
  { weight: 1, arbitrary: hostileObject(fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.integer(), fc.constant(null))) },
  { weight: 1, arbitrary: fc.constantFrom(...TRICK_OBJECTS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      new Decimal('12.30'),
      new Decimal('12.345'),
      new Decimal('-1'),
      new Decimal('NaN'),
      new Decimal('1e3'),
      new Decimal('0.1').plus('0.2'),
    ),
  },
);

const idText = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
const scanProducts = ENUMS.scanChannelProduct;

/** A plausible valid value for a schema field (numbers and Dates included, which the core converts). */
function validValue(spec) {
  switch (spec.type) {
    case 'amount':
      return fc.integer({ min: 1, max: 9_999_999_999 }).chain((cents) => {
        const text = new Decimal(cents).div(100).toFixed(2);
        return fc.constantFrom(text, text.replace(/\.?0+$/, '') || text, Number(text), new Decimal(text));
      });
    case 'datetime':
      return fc.integer({ min: 60_000, max: 30 * 24 * 3600_000 }).chain((ahead) => {
        const ms = Date.now() + ahead;
        return fc.constantFrom(ms, new Date(ms), core.formatChinaTime(ms));
      });
    case 'json':
      return fc.oneof(
        fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
        fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 12 }), fc.integer()), { maxKeys: 4 }),
      );
    case 'long':
      return fc.integer({ min: 0, max: 10 ** Math.min(spec.max ?? 15, 15) - 1 });
    case 'string':
      if (spec.name === 'channelProduct') return fc.constantFrom(...scanProducts);
      if (spec.values) return fc.constantFrom(...spec.values);
      if (spec.name === 'authCode') return fc.stringMatching(/^(1[0-5]|62|28)\d{16}$/);
      if (['paymentNo', 'requestNo', 'refundNo', 'districtId'].includes(spec.name)) return idText.map((s) => s.slice(0, spec.max));
      return fc
        .string({ unit: 'grapheme', minLength: 1, maxLength: spec.max ?? 32 })
        .map((s) => (spec.noComma ? s.replace(/,/g, '，') : s))
        .filter((s) => s.length >= 1 && s.length <= (spec.max ?? 32));
  }
  throw new Error(`no arbitrary for ${spec.type}`);
}

/** One field: valid most of the time, hostile or missing otherwise. */
function fieldValue(spec, hostileWeight = 1) {
  return fc.oneof(
    { weight: 5, arbitrary: validValue(spec) },
    { weight: hostileWeight, arbitrary: hostileValue },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** A request input object for an endpoint, with a hostile extra key now and then. */
function requestInput(endpoint, hostileWeight = 1) {
  const specs = ENDPOINTS[endpoint].request;
  const fields = fc.tuple(...specs.map((s) => fieldValue(s, hostileWeight)));
  const extras = fc.array(fc.tuple(fc.constantFrom(...HOSTILE_KEYS), hostileValue), { maxLength: 2 });
  return fc.tuple(fields, extras).map(([values, extra]) => {
    const input = {};
    const set = (k, v) => Object.defineProperty(input, k, { value: v, enumerable: true, writable: true, configurable: true });
    specs.forEach((spec, i) => {
      if (values[i] !== undefined) set(spec.name, values[i]);
    });
    for (const [k, v] of extra) set(k, v);
    return input;
  });
}

/** A short, printable description of a value (for counterexamples and reports). */
function show(value) {
  try {
    return fc.stringify(value).slice(0, 300);
  } catch {
    return String(value).slice(0, 300);
  }
}

module.exports = {
  fc,
  TRICK_OBJECTS,
  HOSTILE_KEYS,
  HOSTILE_STRINGS,
  HOSTILE_NUMBERS,
  hostileValue,
  hostileObject,
  validValue,
  fieldValue,
  requestInput,
  scanProducts,
  show,
};
