#!/usr/bin/env node
// Builds what Node-RED loads: tsc compiles nodes/ to dist/nodes/, then the node HTML files, icons and locales are
// copied next to the compiled node .js files (Node-RED looks for icons/ and locales/ only beside each node's .js).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'dist');

// dist/ is not wiped first: several test runs may share one checkout, and tsc overwrites what it emits.
// `npm run clean` removes it.
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], {
  stdio: 'inherit',
});

const nodesOut = path.join(out, 'nodes');
// The editor's field rules in upp-config.html are generated from the compiled schema before the HTML is copied,
// and so are the request-field rows, defaults and field lists of the action nodes' dialogs.
const { writeFieldRules } = require('./editor-fields');
const { writeActionForms } = require('./editor-forms');
const schema = require(path.join(nodesOut, 'core', 'schema.js'));
if (writeFieldRules(path.join(root, 'nodes', 'upp-config.html'), schema.ENDPOINTS)) {
  console.log('build: nodes/upp-config.html field rules regenerated from nodes/core/schema.ts');
}
const { ACTIONS } = require(path.join(nodesOut, 'lib', 'action.js'));
for (const file of writeActionForms(path.join(root, 'nodes'), schema.ENDPOINTS, ACTIONS)) {
  console.log(`build: ${path.relative(root, file)} request fields regenerated from nodes/core/schema.ts`);
}
for (const file of fs.readdirSync(path.join(root, 'nodes'))) {
  if (file.endsWith('.html')) fs.copyFileSync(path.join(root, 'nodes', file), path.join(nodesOut, file));
}
for (const dir of ['icons', 'locales']) {
  const src = path.join(root, dir);
  if (fs.existsSync(src)) fs.cpSync(src, path.join(nodesOut, dir), { recursive: true });
}
// The sandbox's cashier page and any other static assets live beside its sources.
const sandboxAssets = path.join(root, 'nodes', 'sandbox', 'assets');
if (fs.existsSync(sandboxAssets)) fs.cpSync(sandboxAssets, path.join(nodesOut, 'sandbox', 'assets'), { recursive: true });
