'use strict';
// The editor side, checked without a browser: each node's HTML (registerType with literal values, fields = the
// schema's request fields, validators), the editor helper's field rules = the core schema, the message catalogs
// (same keys in en-US and zh-CN, every key the HTML and the runtime use, labels = the schema's), help and icons.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { assert, OUTPUTS } = require('./support');
const core = require('../../dist/nodes/core');
const { ACTIONS } = require('../../dist/nodes/lib/action');

const ROOT = path.resolve(__dirname, '..', '..');
const read = (...p) => fs.readFileSync(path.join(ROOT, ...p), 'utf8');
const ENDPOINT = { 'upp-network': 'network', ...Object.fromEntries(Object.entries(ACTIONS).map(([t, a]) => [t, a.endpoint])) };
const TYPES = Object.keys(ENDPOINT);
const LANGS = ['en-US', 'zh-CN'];

const scripts = (html) => [...html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].map((m) => m[1]);

/** Runs the HTML's scripts with a minimal RED and jQuery; returns the definitions registered and the window. */
function evaluate(files) {
  const defs = {};
  const inputs = {};
  const $ = (sel) => ({ length: inputs[sel] !== undefined ? 1 : 0, val: () => inputs[sel] });
  const RED = {
    _: (key, params) => `${key}${params ? JSON.stringify(params) : ''}`,
    nodes: { registerType: (type, def) => (defs[type] = def) },
    utils: { validateTypedProperty: (v, type) => (type === 'jsonata' && /\($/.test(v) ? 'invalid jsonata' : true) },
  };
  const context = vm.createContext({ RED, $, window: {} });
  for (const file of files) for (const code of scripts(read(file))) vm.runInContext(code, context, { filename: file });
  context.UppEditor = context.window.UppEditor;
  return { defs, UppEditor: context.window.UppEditor, inputs };
}

const catalog = (lang, type) => JSON.parse(read('locales', lang, `${type}.json`));
function keysOf(obj, prefix = '') {
  return Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' ? keysOf(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}
function lookup(obj, key) {
  return key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);
}

describe('editor files', () => {
  const files = ['nodes/upp-config.html', ...TYPES.map((t) => `nodes/${t}.html`)];
  const { defs, UppEditor, inputs } = evaluate(files);

  it('every node HTML registers its type with literal category, colour, icon, inputs and outputs', () => {
    const colours = new Set();
    for (const type of TYPES) {
      const html = read('nodes', `${type}.html`);
      assert.match(html, new RegExp(`RED\\.nodes\\.registerType\\('${type}', \\{`));
      assert.match(html, new RegExp(`data-template-name="${type}"`));
      const def = defs[type];
      assert.equal(def.category, 'UPP');
      assert.match(html, /color: '#E2A04F'/);
      colours.add(def.color);
      assert.equal(def.icon, `${type}.svg`);
      assert.ok(fs.existsSync(path.join(ROOT, 'icons', def.icon)), def.icon);
      assert.equal(def.inputs, 1);
      assert.equal(def.outputs, OUTPUTS[type].length);
    }
    assert.deepEqual([...colours], ['#E2A04F'], 'one colour for all');
    assert.equal(defs['upp-config'].category, 'config');
    assert.deepEqual(JSON.parse(JSON.stringify(defs['upp-config'].credentials)), { key: { type: 'password' } });
  });

  it("the fields of each dialog are the schema's request fields, each with its typedInput type", () => {
    for (const type of TYPES) {
      const fields = core.ENDPOINTS[ENDPOINT[type]].request.map((f) => f.name);
      const expected = ['name', 'server', ...fields.flatMap((f) => [f, `${f}Type`])];
      if (fields.includes('expireTime')) expected.push('expireMinutes');
      if (type === 'upp-network') expected.push('onDeploy');
      else expected.push('fieldsFrom'); // where blank fields are read from (nodes/lib/fields.ts)
      if (ACTIONS[type] && ACTIONS[type].expectedAmount) expected.push('expectedAmount', 'expectedAmountType');
      assert.deepEqual(Object.keys(defs[type].defaults).sort(), expected.sort(), type);
      if (type !== 'upp-network')
        assert.equal(defs[type].defaults.fieldsFrom.value, 'payload', `${type}: blank fields read msg.payload by default`);
      assert.equal(defs[type].defaults.server.type, 'upp-config');
      const html = read('nodes', `${type}.html`);
      for (const f of fields) {
        assert.ok(html.includes(`id="node-input-${f}"`) && html.includes(`id="node-input-${f}Type"`), `${type}.${f} input`);
        assert.equal(defs[type].defaults[f].value, '', `${type}.${f} blank by default (msg.payload.${f})`);
      }
      const prepared = ACTIONS[type] && ACTIONS[type].expectedAmount ? [...fields, 'expectedAmount'] : fields;
      assert.match(html, new RegExp(`UppEditor\\.prepare\\(this, \\[${prepared.map((f) => `'${f}'`).join(', ')}\\]\\)`));
    }
  });

  it("the action dialogs' request fields are generated from the schema and current (scripts/editor-forms.js)", () => {
    const { withActionForm } = require('../../scripts/editor-forms');
    for (const [type, spec] of Object.entries(ACTIONS)) {
      const html = read('nodes', `${type}.html`);
      assert.match(html, /<!-- upp-form:start \(generated by scripts\/build\.js from nodes\/core\/schema\.ts/, type);
      assert.match(html, /\/\* upp-defaults:start \(generated by scripts\/build\.js from nodes\/core\/schema\.ts/, type);
      assert.equal(withActionForm(html, type, core.ENDPOINTS[spec.endpoint], spec), html, `${type}: regenerating changes nothing`);
    }
    // A hand edit between the markers does not survive the build; one outside them does.
    const html = read('nodes', 'upp-refund.html');
    const edited = html.replace('upp-refund.label.refundNo"', 'upp-refund.label.typo"').replace('category: ', 'category:  ');
    const rebuilt = withActionForm(edited, 'upp-refund', core.ENDPOINTS.refund, ACTIONS['upp-refund']);
    assert.ok(rebuilt.includes('upp-refund.label.refundNo"') && !rebuilt.includes('label.typo'));
    assert.ok(rebuilt.includes('category:  '));
    assert.throws(
      () => withActionForm(html.replace('<!-- upp-form:end -->', ''), 'upp-refund', core.ENDPOINTS.refund, ACTIONS['upp-refund']),
      /upp-form:start \/ upp-form:end markers are missing/,
    );
  });

  it("the editor's field rules are the core schema's", () => {
    const fromSchema = {};
    for (const ep of Object.values(core.ENDPOINTS)) {
      for (const f of ep.request) {
        // One rule per field name: the first endpoint that defines it (faceCode's channelProduct lists no values)
        if (fromSchema[f.name]) continue;
        const r = { type: f.type };
        if (f.max !== undefined) r.max = f.max;
        if (f.values) Object.assign(r, { values: [...f.values], enumKind: f.enumKind });
        if (f.noComma) r.noComma = true;
        fromSchema[f.name] = r;
      }
    }
    assert.deepEqual(JSON.parse(JSON.stringify(UppEditor.fields)), fromSchema);
    const html = fs.readFileSync(path.join(ROOT, 'nodes', 'upp-config.html'), 'utf8');
    assert.match(html, /upp-fields:start \(generated by scripts\/build\.js from nodes\/core\/schema\.ts: do not edit\)/);
  });

  it('validators: blank is fine, fixed values obey the rules, other types are checked as typedInputs', () => {
    const node = { tradeFeeType: 'num', subjectType: 'str' };
    const v = (name, value, type) => {
      inputs[`#node-input-${name}Type`] = type;
      return UppEditor.validateField(node, name, value, { label: name });
    };
    assert.equal(v('tradeFee', '', 'num'), true);
    assert.equal(v('tradeFee', '12.30', 'num'), true);
    assert.equal(v('tradeFee', '12345678.99', 'str'), true);
    for (const bad of ['0', '0.00', '1.234', '123456789', '-1', '1e3', 'abc'])
      assert.match(String(v('tradeFee', bad, 'num')), /validation\.amount/, bad);
    assert.equal(v('tradeFee', '${HIS_FEE}', 'str'), true, '${VAR} is replaced at deploy');
    assert.equal(v('tradeFee', 'payload.fee', 'msg'), true);
    assert.equal(v('tradeFee', '$sum(', 'jsonata'), 'invalid jsonata');
    assert.match(String(v('subject', 'a,b', 'str')), /validation\.comma/);
    assert.match(String(v('subject', 'x'.repeat(65), 'str')), /validation\.maxLength.*"max":64/);
    assert.equal(v('subject', 'x'.repeat(64), 'str'), true);
    assert.match(String(v('paymentNo', 'x'.repeat(33), 'str')), /maxLength/);
    assert.match(String(v('sourceType', 'er', 'str')), /validation\.enum/);
    assert.match(String(v('channelProduct', 'wx_scan_code', 'str')), /validation\.enumListed/, 'a listed field refuses a typo');
    assert.equal(v('channelProduct', 'unlisted:ali_app', 'str'), true, 'a value the manual does not list, marked as such');
    assert.equal(v('channelProduct', 'ten_scan_code', 'str'), true);
    // The face-pay order's channelProduct lists no values in the schema: no scan-code list in its dialog.
    const face = { type: 'upp-facecode' };
    inputs['#node-input-channelProductType'] = 'str';
    assert.equal(UppEditor.validateField(face, 'channelProduct', 'ali_face_code', { label: 'channelProduct' }), true);
    assert.equal(core.ENDPOINTS.faceCode.request.find((f) => f.name === 'channelProduct').values, undefined, 'as the schema says');
    assert.match(String(v('bizData', '{x', 'str')), /validation\.json/);
    assert.match(String(v('expireTime', '2026-1-1', 'str')), /validation\.datetime/);
    assert.equal(v('expireTime', '2030-01-01 12:00:00', 'str'), true);
    // Without opt a validator answers false (Node-RED < 3 style).
    inputs['#node-input-tradeFeeType'] = 'num';
    assert.equal(UppEditor.validateField(node, 'tradeFee', '0'), false);
    // The config node.
    const c = (kind, value) => UppEditor.validateConfig(kind, 'f', value, {});
    assert.equal(c('url', 'http://10.1.2.3:7000/hs-access-facepay'), true);
    assert.equal(c('url', 'https://upp.local'), true);
    assert.equal(c('url', '${UPP_URL}'), true);
    assert.match(String(c('url', 'ftp://x')), /validation\.url/);
    assert.match(String(c('url', '')), /validation\.required/);
    assert.equal(c('digits', '20000'), true);
    assert.equal(c('digits', '${UPP_ISV}'), true);
    assert.match(String(c('digits', '2000a')), /validation\.digits/);
    assert.match(String(c('digits', '1234567890123456')), /validation\.digits/);
    assert.equal(c('ms', ''), true);
    assert.equal(c('ms', '35000'), true);
    assert.match(String(c('ms', '0')), /validation\.ms/);
    assert.equal(UppEditor.validateMinutes('15', {}), true);
    assert.match(String(UppEditor.validateMinutes('0', {})), /validation\.minutes/);
  });

  describe('message catalogs', () => {
    const all = [...TYPES, 'upp-config'];
    it('en-US and zh-CN have the same keys and no empty texts, for every node', () => {
      for (const type of all) {
        const en = keysOf(catalog('en-US', type)).sort();
        const zh = keysOf(catalog('zh-CN', type)).sort();
        assert.deepEqual(zh, en, type);
        for (const lang of LANGS) {
          for (const key of en) assert.ok(String(lookup(catalog(lang, type), key)).trim() !== '', `${lang} ${type} ${key}`);
        }
      }
    });

    it('every key the HTML uses (data-i18n, this._) and the runtime uses exists in both languages', () => {
      const runtimeKeys = ['lang', 'status.requesting', 'status.requestingN', 'status.ok'];
      const actionRuntimeKeys = ['status.pending', 'status.closed', 'status.closedAssumed', 'status.notClosed'];
      for (const type of all) {
        const html = read('nodes', `${type}.html`);
        const used = new Set();
        for (const m of html.matchAll(/data-i18n="(?:\[[a-z]+\])?([^"]+)"/g)) used.add(m[1]);
        for (const m of html.matchAll(/this\._\('([^']+)'\)/g)) used.add(m[1]);
        if (type !== 'upp-config') {
          for (const k of runtimeKeys) used.add(`${type}.${k}`);
          if (type !== 'upp-network') for (const k of actionRuntimeKeys) used.add(`${type}.${k}`);
          if (!['upp-network', 'upp-poll'].includes(type))
            used.add(`${type}.status.rejected`); // nodes/lib/action.ts
          else ['log.deployOk', 'log.deployFailed'].forEach((k) => used.add(`${type}.${k}`));
          for (const o of OUTPUTS[type]) used.add(`${type}.outputs.${o}`);
          if (defs[type].defaults.bizType || defs[type].defaults.channelProduct || defs[type].defaults.sourceType)
            used.add(`${type}.types.enum`);
        }
        if (type === 'upp-config')
          for (const k of [
            'required',
            'url',
            'digits',
            'ms',
            'amount',
            'datetime',
            'json',
            'maxLength',
            'comma',
            'enum',
            'enumListed',
            'minutes',
          ])
            used.add(`upp-config.validation.${k}`);
        for (const key of used) {
          for (const lang of LANGS) assert.ok(typeof lookup(catalog(lang, type), key) === 'string', `${lang} ${type}: ${key}`);
        }
      }
      // The output labels the editor shows.
      for (const type of TYPES) {
        for (let i = 0; i < OUTPUTS[type].length; i++) {
          const key = defs[type].outputLabels.call({ _: (k) => k }, i);
          assert.equal(key, `${type}.outputs.${OUTPUTS[type][i]}`);
        }
      }
    });

    it("field labels are the schema's labels; placeholders say where a blank field is read from", () => {
      for (const type of TYPES) {
        for (const f of core.ENDPOINTS[ENDPOINT[type]].request) {
          assert.equal(catalog('en-US', type)[type].label[f.name], f.label.en, `${type}.${f.name}`);
          assert.equal(catalog('zh-CN', type)[type].label[f.name], f.label.zh, `${type}.${f.name}`);
          assert.match(catalog('en-US', type)[type].placeholder[f.name], new RegExp(`msg\\.payload\\.${f.name}`));
          assert.match(catalog('zh-CN', type)[type].placeholder[f.name], new RegExp(`msg\\.payload\\.${f.name}`));
        }
      }
    });

    it('the Chinese texts are Chinese (no English left in labels, outputs and status words)', () => {
      const cjk = /[\u4e00-\u9fff]/;
      for (const type of TYPES) {
        const zh = catalog('zh-CN', type)[type];
        for (const group of ['label', 'outputs']) {
          for (const [k, text] of Object.entries(zh[group])) assert.match(text, cjk, `${type}.${group}.${k}: ${text}`);
        }
        for (const k of ['requesting', 'ok']) assert.match(zh.status[k], cjk);
        assert.match(zh.paletteLabel, cjk);
      }
    });
  });

  describe('help', () => {
    for (const lang of LANGS) {
      it(`${lang}: every node has help, tooltip first, then inputs/outputs/details with message properties`, () => {
        const cjk = /[\u4e00-\u9fff]/;
        for (const type of [...TYPES, 'upp-config']) {
          const html = read('locales', lang, `${type}.html`);
          assert.match(
            html,
            new RegExp(`^<script type="text/html" data-help-name="${type}">\\n<p>`),
            `${type} starts with the tooltip paragraph`,
          );
          const first = /<p>([\s\S]*?)<\/p>/.exec(html)[1];
          if (lang === 'zh-CN') assert.match(first, cjk, `${type} tooltip in Chinese`);
          else
            assert.doesNotMatch(
              first.replace(/\([^)]*\)/g, ''),
              /[\u4e00-\u9fff]/,
              `${type} tooltip in English (Chinese terms only in brackets)`,
            );
          assert.match(html, /<dl class="message-properties">/);
          if (type !== 'upp-config') {
            for (const h of lang === 'en-US' ? ['Inputs', 'Outputs', 'Details'] : ['输入', '输出', '详细说明'])
              assert.ok(html.includes(`<h3>${h}</h3>`), `${type} ${h}`);
            assert.match(html, /<ol class="node-ports">/);
            for (const f of core.ENDPOINTS[ENDPOINT[type]].request)
              assert.ok(html.includes(`payload.${f.name} `), `${type} documents payload.${f.name}`);
          }
        }
      });
    }
    it("states each endpoint's business rule", () => {
      const en = (t) => read('locales', 'en-US', `${t}.html`);
      assert.match(en('upp-refund'), /Only <code>refund_failed<\/code> means the refund failed/);
      assert.match(en('upp-refund'), /never send a new refund with a new requestNo/);
      assert.match(en('upp-close'), /Only <code>isCloseOrder = N<\/code> means the close failed/);
      assert.match(en('upp-close'), /msg\.upp\.assumed/);
      assert.match(en('upp-query'), /only <code>pay_failed<\/code> is failed/);
      assert.match(en('upp-barcode'), /Only <code>tradeStatus = pay_success<\/code> means paid/);
      assert.match(en('upp-config'), /\$\{UPP_KEY\}/);
    });
  });

  it('icons: 40x60, white on transparent', () => {
    for (const type of TYPES) {
      const svg = read('icons', `${type}.svg`);
      assert.match(svg, /^<svg width="40" height="60" viewBox="0 0 40 60" xmlns="http:\/\/www\.w3\.org\/2000\/svg">/);
      const colours = [...svg.matchAll(/(?:fill|stroke)="([^"]+)"/g)].map((m) => m[1]).filter((c) => c !== 'none');
      assert.ok(colours.length > 0 && colours.every((c) => c === '#fff'), `${type}: ${colours}`);
      assert.doesNotMatch(svg, /<rect[^>]*width="40"/, 'no background');
    }
  });
});
