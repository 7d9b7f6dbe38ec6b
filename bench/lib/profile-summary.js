#!/usr/bin/env node
'use strict';
// Summarizes .cpuprofile files (from BENCH_CPU_PROFILE=<dir> npm run bench, or node --cpu-prof):
//   node bench/lib/profile-summary.js <file.cpuprofile> [top=30] [calls]
// With `calls` (the requests the profiled run made: BENCH_FLOW_REQUESTS), each line also says µs per call.
// Prints self time by function and by owner (this package's dist/, node-red, undici, got, node internals, GC),
// and inclusive ("total") time of this package's functions, so what is ours can be told from what is Node-RED's.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

function owner(url) {
  if (!url) return '(native/vm)';
  const u = url.replace(/^file:\/\//, '');
  const ours = u.indexOf('/dist/nodes/');
  if (ours >= 0 && !u.includes('node_modules/'))
    return (
      'ours: ' +
      u
        .slice(ours + 6)
        .split('/')
        .slice(0, 2)
        .join('/')
        .replace(/\.js$/, '')
    );
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u.split('node_modules/').length > 2 ? u.slice(u.lastIndexOf('node_modules/')) : u);
  if (m) return m[1];
  if (u.startsWith('node:')) return 'node core';
  if (u.includes('evalmachine') || u.startsWith('vm')) return 'function node (vm)';
  return u.startsWith(ROOT) ? path.relative(ROOT, u) : u;
}

function summarize(file, top = 30, calls = 0) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const self = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) || 0) + (deltas[i] || 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map();
  const byOwner = new Map();
  const inclusive = new Map();
  for (const [id, t] of self) {
    const n = nodes.get(id);
    const cf = n.callFrame;
    const key = `${cf.functionName || '(anonymous)'} ${cf.url ? path.basename(cf.url) : ''}:${cf.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) || 0) + t);
    const o = ['(garbage collector)', '(idle)', '(program)'].includes(cf.functionName) ? cf.functionName : owner(cf.url);
    byOwner.set(o, (byOwner.get(o) || 0) + t);
    // inclusive time of our functions: walk up the stack once per distinct frame
    const seen = new Set();
    for (let p = id; p !== undefined; p = parent.get(p)) {
      const f = nodes.get(p).callFrame;
      if (!f.url || !f.url.includes('/dist/nodes/')) continue;
      const k = `${f.functionName || '(anonymous)'} ${f.url.slice(f.url.indexOf('/dist/nodes/') + 6)}:${f.lineNumber + 1}`;
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) || 0) + t);
    }
  }
  const pct = (t) => ((t / total) * 100).toFixed(1) + '%' + (calls ? ` ${(t / calls).toFixed(1).padStart(6)} µs` : '');
  const sortDesc = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  console.log(`\n# ${path.basename(file)} — ${(total / 1000).toFixed(0)} ms sampled${calls ? `, ${calls} calls` : ''}`);
  console.log('\n## self time by owner');
  const w = calls ? 16 : 6;
  for (const [k, t] of sortDesc(byOwner).slice(0, 20)) console.log(`${pct(t).padStart(w)}  ${k}`);
  console.log('\n## self time by function');
  for (const [k, t] of sortDesc(byFn).slice(0, top)) console.log(`${pct(t).padStart(w)}  ${k}`);
  console.log('\n## inclusive time of our functions (dist/nodes)');
  for (const [k, t] of sortDesc(inclusive).slice(0, top)) console.log(`${pct(t).padStart(w)}  ${k}`);
}

if (require.main === module) {
  const [file, top, calls] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node bench/lib/profile-summary.js <file.cpuprofile> [top]');
    process.exit(2);
  }
  summarize(file, Number(top || 30), Number(calls || 0));
}
module.exports = { summarize };
