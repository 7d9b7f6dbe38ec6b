#!/usr/bin/env node
// Writes docs/flow-reference.md: every node's flow-file properties (names, defaults, the `<field>Type` companions and
// their allowed values, drop-down and checkbox settings, credentials), read from the node HTML itself (the
// registerType defaults, the dialog's <select> options, the editor's typedInput types) and the en-US/zh-CN catalogs.
// `node scripts/flow-reference.js --check` exits 1 when the file is not what the sources give (test/flow-reference
// runs it), so the reference cannot drift from the nodes.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'docs', 'flow-reference.md');
const read = (...p) => fs.readFileSync(path.join(ROOT, ...p), 'utf8');
const catalogOf = (lang, type) => JSON.parse(read('locales', lang, `${type}.json`))[type];
const lookup = (obj, key) => key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);

/** The package's node types in package.json order, with their HTML. */
function nodeTypes() {
  const pkg = JSON.parse(read('package.json'));
  return Object.keys(pkg['node-red'].nodes).map((type) => ({ type, html: read('nodes', `${type}.html`) }));
}

/** Runs every node HTML's scripts with a minimal RED (registerType records the definitions). */
function definitions(types) {
  const defs = {};
  const RED = {
    _: (key) => key,
    nodes: { registerType: (type, def) => (defs[type] = def) },
    utils: { validateTypedProperty: () => true, validatePropertyExpression: () => true },
    validators: { number: () => () => true, regex: () => () => true, typedInput: () => () => true },
  };
  const $ = () => ({ length: 0, val: () => undefined });
  const context = vm.createContext({ RED, $, window: {} });
  for (const { type, html } of types) {
    for (const m of html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g))
      vm.runInContext(m[1], context, { filename: `${type}.html` });
  }
  return { defs, UppEditor: context.window.UppEditor };
}

/** <select id="node-input-X"> (or node-config-input-X) options in the dialog: { X: ['a', 'b'] }. */
function selects(html) {
  const out = {};
  for (const m of html.matchAll(/<select id="node-(?:config-)?input-(\w+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    out[m[1]] = [...m[2].matchAll(/<option value="([^"]*)"/g)].map((o) => o[1]);
  }
  return out;
}
const checkboxes = (html) => new Set([...html.matchAll(/<input type="checkbox" id="node-(?:config-)?input-(\w+)"/g)].map((m) => m[1]));

const code = (v) => `\`${v}\``;
const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
function shownDefault(value) {
  if (value === undefined) return '(none)';
  if (value === '') return '`""`';
  return code(JSON.stringify(value));
}
function typeList(types) {
  return types.map((t) => (typeof t === 'string' ? code(t) : `${code(t.value)} (one of ${t.options.map(code).join(', ')})`)).join(', ');
}

function describeNode({ type, html }, def, UppEditor) {
  const en = catalogOf('en-US', type);
  const zh = catalogOf('zh-CN', type);
  const label = (prop) => {
    const text = lookup(en, `label.${prop}`);
    const zhText = lookup(zh, `label.${prop}`);
    return typeof text === 'string' ? `${text}${typeof zhText === 'string' ? ` / ${zhText}` : ''}` : '';
  };
  const options = selects(html);
  const boxes = checkboxes(html);
  const stub = { type, _: (k) => k };
  const rows = [];
  const props = Object.keys(def.defaults);
  for (const prop of props) {
    const spec = def.defaults[prop];
    const value = spec.value;
    let kind;
    let allowed = '';
    const field = prop.endsWith('Type') ? prop.slice(0, -4) : null;
    if (field && props.includes(field) && UppEditor.fields[field]) {
      kind = 'string';
      allowed = `how \`${field}\` is read: ${typeList(UppEditor.typesFor(stub, field))}`;
    } else if (UppEditor.fields[prop] && props.includes(`${prop}Type`)) {
      kind = 'string';
      allowed = props.includes('fieldsFrom')
        ? `request field; blank: read from the message (see \`fieldsFrom\`)`
        : `request field; blank: read from \`msg.payload.${prop}\``;
    } else if (spec.type) {
      kind = 'string';
      allowed = `id of a \`${spec.type}\` config node`;
    } else if (options[prop]) {
      kind = 'string';
      allowed = `one of ${options[prop].map(code).join(', ')}`;
    } else if (boxes.has(prop) || typeof value === 'boolean') {
      kind = 'boolean';
    } else if (typeof value === 'number') {
      kind = 'number (a numeric string is accepted)';
    } else {
      kind = 'string';
    }
    if (prop === 'fieldsFrom')
      allowed = 'a msg property path (`payload`, `order`, `his.row`); blank fields read `msg.<fieldsFrom>.<field>`';
    if (prop === 'outputs')
      allowed = "Node-RED's own output count, which the node sets from its other settings; write it as the editor would";
    if (prop === 'name') allowed = "label on the canvas; blank shows the node's name";
    rows.push(
      `| ${code(prop)} | ${kind} | ${shownDefault(value)} | ${spec.required ? 'yes' : ''} | ${cell(label(prop))} | ${cell(allowed)} |`,
    );
  }
  const lines = [];
  const names = `${en.paletteLabel} / ${zh.paletteLabel}`;
  lines.push(`## ${code(type)}: ${names}`, '');
  const shape = [];
  if (def.category === 'config') shape.push('a config node (no `z`, `wires` or `x`/`y` needed)');
  else shape.push(`${def.inputs ?? 0} input(s), ${def.outputs ?? 0} output(s)`);
  if (typeof def.outputs === 'number' && def.outputs > 0 && en.outputs) {
    const outs = Object.values(en.outputs);
    if (outs.length === def.outputs) shape.push(`outputs in order: ${outs.map((o) => `"${o}"`).join(', ')}`);
  }
  lines.push(`${shape.join('; ')}.`, '');
  lines.push('| Property | Type | Default | Required | Label (en / zh) | Allowed values |', '|---|---|---|---|---|---|');
  lines.push(...rows, '');
  if (def.credentials) {
    const creds = Object.entries(def.credentials).map(([k, c]) => `${code(k)} (${c.type})`);
    lines.push(
      `Credentials (kept by Node-RED in \`flows_cred.json\`, never in \`flows.json\`; through the Admin API send them as the node's \`credentials\` object): ${creds.join(', ')}.`,
      '',
    );
  }
  return lines.join('\n');
}

function render() {
  const types = nodeTypes();
  const { defs, UppEditor } = definitions(types);
  const out = [
    '# Flow-file reference',
    '',
    '<!-- Generated by scripts/flow-reference.js from the node HTML (registerType defaults, dialog options) and the',
    '     catalogs: do not edit by hand; run `npm run docs:flow-reference`. test/flow-reference.test.js checks it. -->',
    '',
    'Every property each node keeps in a flow file, for flows written by a program, reviewed in git or deployed',
    'through the Admin API (`POST /flows`). A node in a flow file is `{ "id", "type", "z", "name", ...properties,',
    '"x", "y", "wires" }`; properties left out take the default below when the flow is deployed.',
    '',
    'Request fields (`paymentNo`, `tradeFee`, ...) come in pairs: the value and its `<field>Type`, how the value is read:',
    '',
    '| `<field>Type` | The value is |',
    '|---|---|',
    '| `str` | the text itself (`${VAR}` is replaced from the environment at deploy) |',
    '| `num` | a number, kept as written (amounts are never rounded) |',
    "| `enum` | one of the listed values (the editor's drop-down; stored as the text) |",
    '| `msg` | a msg property path, e.g. `his.fee` for `msg.his.fee` |',
    '| `flow`, `global` | a context key |',
    '| `env` | an environment variable name |',
    '| `jsonata` | a JSONata expression over the message |',
    '',
    'A request field left blank (`""`) is read from the message: `msg.payload.<field>`, or `msg.<fieldsFrom>.<field>`',
    "when the node's `fieldsFrom` says so. `channelProduct` takes the listed values, or `unlisted:<value>` for a",
    'channel the manual does not list (sent as `<value>`).',
    '',
  ];
  for (const t of types) out.push(describeNode(t, defs[t.type], UppEditor));
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

module.exports = { render, definitions, nodeTypes, OUT };

if (require.main === module) {
  const text = render();
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
    if (current !== text) {
      process.stderr.write('docs/flow-reference.md is out of date with the node HTML: run `npm run docs:flow-reference`\n');
      process.exit(1);
    }
  } else {
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, text);
    process.stdout.write(`wrote ${path.relative(ROOT, OUT)}\n`);
  }
}
