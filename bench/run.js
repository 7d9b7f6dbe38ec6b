#!/usr/bin/env node
'use strict';
// `npm run bench`: runs each benchmark script in its own process, one after the other, and prints their tables.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

// poll-scale runs twice: at the 10 000 polls, and at 2 500, a load this kind of machine can answer on time
// (its table shows the offered load beside the measured ceiling), so scheduling and capacity can be told apart.
const runs = [
  { script: 'core.js' },
  { script: 'poll-scale.js' },
  { script: 'poll-scale.js', env: { POLL_JOBS: '2500' } },
  { script: 'flow.js' },
  { script: 'cold-start.js' },
  { script: 'reconcile.js' },
  { script: 'bills.js' },
];
console.log(`# Benchmarks — ${new Date().toISOString()} — node ${process.version}, ${require('node:os').cpus().length} cores`);
for (const { script, env = {} } of runs) {
  const vars = Object.entries(env)
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  console.log(`\n# ${vars}${script}`);
  execFileSync(process.execPath, ['--expose-gc', path.join(__dirname, script)], { stdio: 'inherit', env: { ...process.env, ...env } });
}
