'use strict';
// The editor side of upp-audit and the UPP sidebar, without a browser: both languages have the same keys and no
// empty texts, every key the HTML (and the runtime) uses exists, the help follows the Node-RED layout, the icon is
// there, and package.json registers the node and the plugin.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const read = (...p) => fs.readFileSync(path.join(ROOT, ...p), 'utf8');
const LANGS = ['en-US', 'zh-CN'];
const catalog = (lang, name) => JSON.parse(read('locales', lang, `${name}.json`));
const keysOf = (obj, prefix = '') =>
  Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' ? keysOf(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
const lookup = (obj, key) => key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);

describe('editor files: upp-audit and the UPP sidebar', () => {
  it('package.json registers the audit node and the sidebar plugin from dist/', () => {
    const pkg = JSON.parse(read('package.json'));
    assert.equal(pkg['node-red'].nodes['upp-audit'], 'dist/nodes/upp-audit.js');
    assert.deepEqual(pkg['node-red'].plugins, { 'upp-ops': 'dist/nodes/upp-ops.js' });
    assert.ok(Object.keys(pkg.dependencies).length <= 6, 'at most six runtime dependencies');
    assert.ok(fs.existsSync(path.join(ROOT, 'icons', 'upp-audit.svg')));
  });

  for (const name of ['upp-audit', 'upp-ops']) {
    it(`${name}: en-US and zh-CN have the same keys, none empty; the Chinese texts are Chinese`, () => {
      const en = keysOf(catalog('en-US', name)).sort();
      assert.deepEqual(keysOf(catalog('zh-CN', name)).sort(), en);
      for (const lang of LANGS) for (const key of en) assert.ok(String(lookup(catalog(lang, name), key)).trim() !== '', `${lang} ${key}`);
      const cjk = /[\u4e00-\u9fff]/;
      for (const key of en.filter((k) => !/\.lang$|^time\./.test(k)))
        assert.match(lookup(catalog('zh-CN', name), key), cjk, `zh-CN ${key}`);
    });
  }

  it('upp-audit: every key its HTML and runtime use exists in both languages', () => {
    const html = read('nodes', 'upp-audit.html');
    const used = new Set(['upp-audit.lang', 'upp-audit.status.records']);
    for (const m of html.matchAll(/data-i18n="(?:\[[a-z]+\])?([^"]+)"/g)) used.add(m[1]);
    for (const m of html.matchAll(/_\('([^']+)'\)/g)) used.add(m[1]);
    for (const e of [
      'network',
      'scanCode',
      'barCode',
      'faceCode',
      'query',
      'refund',
      'refundQuery',
      'close',
      'yuntaiBills',
      'channelBills',
    ])
      used.add(`upp-audit.endpoints.${e}`);
    assert.ok(used.size > 10);
    for (const key of used)
      for (const lang of LANGS) assert.equal(typeof lookup(catalog(lang, 'upp-audit'), key), 'string', `${lang} ${key}`);
  });

  it('upp-ops: every key the sidebar uses exists in both languages (literal keys and each value of the computed ones)', () => {
    const html = read('nodes', 'upp-ops.html');
    const used = new Set([...html.matchAll(/\bt\('([a-zA-Z_.]+)'/g)].map((m) => m[1]).filter((k) => !k.endsWith('.')));
    for (const kind of ['undetermined', 'assumed_refund', 'assumed_close', 'mismatch']) used.add(`kind.${kind}`);
    for (const r of ['yes', 'no', 'unknown']) used.add(`reachable.${r}`);
    for (const o of ['success', 'pending', 'failed', 'not_sent']) used.add(`outcome.${o}`);
    for (const r of ['gave_up', 'not_closed', 'refund_not_found', 'assumed_refunded', 'mismatch', 'timeout']) used.add(`reason.${r}`);
    assert.ok(used.size > 30);
    for (const key of used)
      for (const lang of LANGS) assert.equal(typeof lookup(catalog(lang, 'upp-ops'), key), 'string', `${lang} ${key}`);
  });

  for (const lang of LANGS) {
    it(`${lang}: upp-audit help: tooltip first, then inputs / outputs / details with message properties`, () => {
      const html = read('locales', lang, 'upp-audit.html');
      assert.match(html, /^<script type="text\/html" data-help-name="upp-audit">\n<p>/);
      for (const h of lang === 'en-US' ? ['Inputs', 'Outputs', 'Details'] : ['输入', '输出', '详细说明'])
        assert.ok(html.includes(`<h3>${h}</h3>`), h);
      assert.match(html, /<ol class="node-ports">/);
      assert.match(html, /<dl class="message-properties">/);
      for (const p of ['request', 'response', 'outcome', 'verified', 'paymentNo', 'requestNo', 'attempt', 'callId'])
        assert.ok(html.includes(`<code>${p}</code>`), `${lang} documents ${p}`);
    });
  }
});
