'use strict';
// docs/flow-reference.md is what scripts/flow-reference.js makes of the node HTML, and its tables list exactly each
// node's registerType defaults with their default values, so the reference cannot drift from the nodes.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { render, definitions, nodeTypes, OUT } = require('../scripts/flow-reference');

/** { type: { prop: defaultCell } } from the reference's tables. */
function tables(markdown) {
  const out = {};
  let current;
  for (const line of markdown.split('\n')) {
    const heading = /^## `([\w-]+)`/.exec(line);
    if (heading) out[(current = heading[1])] = {};
    const row = /^\| `(\w+)` \| [^|]+ \| ([^|]+) \|/.exec(line);
    if (row && current) out[current][row[1]] = row[2].trim();
  }
  return out;
}

describe('docs/flow-reference.md', () => {
  const text = fs.readFileSync(OUT, 'utf8');

  it('is up to date with the node HTML (else run `npm run docs:flow-reference`)', () => {
    assert.equal(text, render(), 'docs/flow-reference.md is out of date: run `npm run docs:flow-reference`');
  });

  it('lists every property of every node with its default, and nothing else', () => {
    const types = nodeTypes();
    const { defs } = definitions(types);
    const documented = tables(text);
    assert.deepEqual(
      Object.keys(documented),
      types.map((t) => t.type),
    );
    for (const { type } of types) {
      const defaults = defs[type].defaults;
      assert.deepEqual(Object.keys(documented[type]), Object.keys(defaults), type);
      for (const [prop, spec] of Object.entries(defaults)) {
        const expected = spec.value === undefined ? '(none)' : `\`${JSON.stringify(spec.value)}\``;
        assert.equal(documented[type][prop], expected, `${type}.${prop}`);
      }
      if (defs[type].credentials)
        for (const k of Object.keys(defs[type].credentials)) assert.ok(text.includes(`\`${k}\` (`), `${type} credential ${k}`);
    }
  });

  it('gives each <field>Type its allowed types, the drop-down values included', () => {
    const scan = text.slice(text.indexOf('## `upp-scancode`'), text.indexOf('## `upp-barcode`'));
    assert.match(
      scan,
      /\| `channelProductType` \| string \| `"str"` \|[^\n]*`enum` \(one of `ali_scan_code`, `ten_scan_code`, `uni_scan_code`\), `str`, `msg`, `flow`, `global`, `env`, `jsonata` \|/,
    );
    assert.match(scan, /\| `tradeFeeType` \| string \| `"num"` \|[^\n]*`num`, `str`, `msg`, `flow`, `global`, `env`, `jsonata` \|/);
    const poll = text.slice(text.indexOf('## `upp-poll`'));
    assert.match(poll, /\| `mode` \| string \| `"auto"` \|[^\n]*one of `auto`, `payment`, `refund` \|/);
  });
});
