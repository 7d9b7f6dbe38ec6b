#!/usr/bin/env node
'use strict';
// `npm run bench`: runs each benchmark script in its own process, one after the other, and prints their tables.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const scripts = ['core.js', 'poll-scale.js', 'flow.js', 'cold-start.js'].filter((f) => fs.existsSync(path.join(__dirname, f)));
console.log(`# Benchmarks — ${new Date().toISOString()} — node ${process.version}, ${require('node:os').cpus().length} cores`);
for (const script of scripts) {
  console.log(`\n# ${script}`);
  execFileSync(process.execPath, ['--expose-gc', path.join(__dirname, script)], { stdio: 'inherit' });
}
