'use strict';
// Loaded with `node --require` by scripts/compat.js: makes `node-red`, `@node-red/*` and node-red-node-test-helper
// resolve from the compatibility install (UPP_COMPAT_MODULES, e.g. .compat/node_modules with Node-RED 5) instead of
// the repository's node_modules, for every test file, whatever way it initialises the helper
// (`helper.init(require.resolve('node-red'))` included). Everything else (mocha, undici, our dist/) is unchanged.
const Module = require('node:module');
const path = require('node:path');

const modules = process.env.UPP_COMPAT_MODULES;
if (!modules) throw new Error('compat-register: UPP_COMPAT_MODULES is not set');
const root = path.resolve(modules);
const REDIRECTED = /^(node-red|node-red-node-test-helper)(\/|$)|^@node-red\//;
const original = Module._resolveFilename;

Module._resolveFilename = function resolveFromCompat(request, parent, isMain, options) {
  if (REDIRECTED.test(request)) {
    return original.call(this, request, parent, isMain, { ...options, paths: [root] });
  }
  return original.call(this, request, parent, isMain, options);
};
// Child processes started by the tests (e.g. a real Node-RED) use the same Node-RED.
process.env.UPP_NODE_RED_PATH = path.join(root, 'node-red');
