'use strict';
const path = require('node:path');
const fs = require('node:fs');

/** The shared spec folder beside the repo (CI lays ../shared next to the clone). */
const SHARED = path.resolve(__dirname, '..', '..', 'shared');
const core = require('../dist/nodes/core');

function signVectors() {
  return JSON.parse(fs.readFileSync(path.join(SHARED, 'spec', 'sign-vectors.json'), 'utf8'));
}

module.exports = { SHARED, core, signVectors };
