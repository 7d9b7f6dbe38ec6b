'use strict';
// The node types the package registers: package.json's node-red.nodes is the one list (Node-RED loads exactly
// these). The groups the tests need are read from each node's editor definition (nodes/<type>.html), not written
// out again.
const fs = require('node:fs');
const path = require('node:path');
const pkg = require('../../package.json');

const ROOT = path.resolve(__dirname, '..', '..');
const editorHtml = (type) => fs.readFileSync(path.join(ROOT, 'nodes', `${type}.html`), 'utf8');

/** Every node type, in package.json's order. */
const NODE_TYPES = Object.keys(pkg['node-red'].nodes);
/** Config nodes (category 'config'): shown in the configuration-nodes sidebar, not in the palette. */
const CONFIG_TYPES = NODE_TYPES.filter((type) => /\bcategory:\s*['"]config['"]/.test(editorHtml(type)));
/** Every palette entry of the package. */
const PALETTE_TYPES = NODE_TYPES.filter((type) => !CONFIG_TYPES.includes(type));
/** Palette entries with a connection: a `server` field that names a config node. */
const CONNECTED_TYPES = PALETTE_TYPES.filter((type) =>
  CONFIG_TYPES.some((config) => new RegExp(`\\bserver:\\s*\\{[^}]*\\btype:\\s*['"]${config}['"]`).test(editorHtml(type))),
);
// A derived group that came out empty would drop the tests run per type without a word: fail loudly instead.
if (!CONFIG_TYPES.length || !CONNECTED_TYPES.length) throw new Error('test/support/node-types.js: no config or connected node types found');
/** The module file of a node type in dist/, as package.json names it. */
const nodeModulePath = (type) => path.join(ROOT, pkg['node-red'].nodes[type]);

module.exports = { NODE_TYPES, CONFIG_TYPES, PALETTE_TYPES, CONNECTED_TYPES, nodeModulePath };
