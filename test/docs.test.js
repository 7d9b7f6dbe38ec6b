'use strict';
// The documentation: README's node table uses each node's one name (nodes/lib/names.ts), and every relative link
// in README.md, BENCHMARKS.md and docs/*.md points to a file of the repository.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { NODE_NAMES } = require('../dist/nodes/lib/names');

const ROOT = path.resolve(__dirname, '..');
const DOCS = [
  'README.md',
  'BENCHMARKS.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

describe('documentation', () => {
  it('README: the node table names each node by its one name, and the node types exist', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const types = Object.keys(require('../package.json')['node-red'].nodes);
    const rows = [...readme.matchAll(/^\| ([^|]+?) \| `(upp-[a-z-]+)` \|/gm)].map((m) => ({ name: m[1], type: m[2] }));
    assert.ok(rows.length >= 9, 'the node table is there');
    for (const { name, type } of rows) {
      assert.ok(types.includes(type), `${type} is a node of the package`);
      assert.ok(NODE_NAMES[type], `${type} has a name in nodes/lib/names.ts`);
      assert.equal(name, NODE_NAMES[type].en, `${type} is called by its one name`);
    }
  });

  it('every relative link in README.md, BENCHMARKS.md and docs/ points to an existing file', () => {
    const broken = [];
    for (const doc of DOCS) {
      const text = fs.readFileSync(path.join(ROOT, doc), 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1].split('#')[0];
        if (!target || /^[a-z]+:/i.test(target)) continue; // an anchor in the same page, or a URL
        if (!fs.existsSync(path.resolve(ROOT, path.dirname(doc), decodeURI(target)))) broken.push(`${doc}: ${m[1]}`);
      }
    }
    assert.deepEqual(broken, []);
  });
});
