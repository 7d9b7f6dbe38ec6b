'use strict';
// One name per node (nodes/lib/names.ts): the catalogs' palette labels, the node HTML (palette and default label
// from that catalog key, the type kept literal), the palette filter finding the nodes by the words people type, and
// the examples not naming our nodes with a retired generic name.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { NODE_NAMES, PALETTE_WORDS } = require('../dist/nodes/lib/names');

const ROOT = path.join(__dirname, '..');
const pkg = require('../package.json');
const TYPES = Object.keys(pkg['node-red'].nodes);
const LANGS = { en: 'en-US', zh: 'zh-CN' };
const catalog = (lang, type) => JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', LANGS[lang], `${type}.json`), 'utf8'))[type];

/**
 * Node-RED 4.1's palette filter (editor-client red.js, palette refreshFilter): the typed text, regex-escaped,
 * case-insensitive, tested against the node's type and its palette label. The quick-add dialog (typeSearch) also
 * searches "<label> (<type>)" lower-cased: the same words match there.
 */
function paletteFilter(text, nodes) {
  const re = new RegExp(text.replace(/[-\/\\^$*+?.()|[\]{}]/g, '\\$&'), 'i');
  return nodes.filter((n) => re.test(n.type) || re.test(n.label)).map((n) => n.type);
}

describe('names: one user-facing name per node', () => {
  it('every node the package registers has a name in both languages', () => {
    for (const type of TYPES) {
      const name = NODE_NAMES[type];
      assert.ok(name, `${type} is in nodes/lib/names.ts`);
      assert.match(name.en, /^UPP /, `${type}: the English name starts with UPP`);
      assert.match(name.zh, /^UPP [\u4e00-\u9fff]/, `${type}: the Chinese name is UPP and Chinese`);
    }
  });

  it('the catalogs use the name as the palette label, in both languages', () => {
    for (const type of TYPES) {
      for (const lang of Object.keys(LANGS))
        assert.equal(catalog(lang, type).paletteLabel, NODE_NAMES[type][lang], `${LANGS[lang]} ${type}`);
    }
  });

  it('the node HTML registers the literal type and takes palette label and default label from that catalog key', () => {
    for (const type of TYPES) {
      const html = fs.readFileSync(path.join(ROOT, 'nodes', `${type}.html`), 'utf8');
      assert.ok(html.includes(`RED.nodes.registerType('${type}'`), `${type}: literal registerType`);
      const key = `(?:'${type}\\.|NS \\+ ')paletteLabel'`;
      assert.match(html, new RegExp(`paletteLabel: function \\(\\) \\{\\s*return this\\._\\(${key}\\);`), `${type}: paletteLabel`);
      if (type !== 'upp-config') {
        assert.match(
          html,
          new RegExp(`label: function \\(\\) \\{\\s*return this\\.name \\|\\| this\\._\\(${key}\\);`),
          `${type}: default label`,
        );
      }
    }
  });

  it('the palette filter works as assumed in the installed Node-RED editor', () => {
    const red = fs.readFileSync(require.resolve('@node-red/editor-client/public/red/red.js', { paths: [ROOT] }), 'utf8');
    assert.ok(red.includes('if (val === "" || re.test(type) || re.test(currentLabel)) {'), 'palette refreshFilter matches type and label');
    assert.ok(red.includes('label += " ("+type+")";'), 'quick-add searches "<label> (<type>)"');
  });

  for (const lang of Object.keys(LANGS)) {
    it(`${LANGS[lang]}: the palette filter finds the nodes by the words people type`, () => {
      const nodes = TYPES.filter((t) => t !== 'upp-config').map((type) => ({ type, label: NODE_NAMES[type][lang] }));
      for (const [word, expected] of Object.entries(PALETTE_WORDS[lang])) {
        const present = expected.filter((t) => TYPES.includes(t));
        assert.deepEqual(paletteFilter(word, nodes).sort(), present.sort(), `"${word}"`);
      }
    });
  }

  it('the examples do not give our nodes a retired generic name or restate the default one', () => {
    for (const file of fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.json'))) {
      const flow = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8'));
      for (const node of flow) {
        const name = NODE_NAMES[node.type];
        if (!name || !node.name) continue;
        const retired = [...name.former, name.en, name.zh].map((n) => n.toLowerCase());
        assert.ok(
          !retired.includes(node.name.toLowerCase()),
          `${file}: ${node.type} named "${node.name}": leave it blank (shows "${name.en}") or say what it does here`,
        );
      }
    }
  });
});
