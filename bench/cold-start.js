#!/usr/bin/env node
'use strict';
// Cold start (issue 6): how much later Node-RED is ready with this package installed. Each run spawns
// `node node_modules/node-red/red.js -u <fresh userDir> -s <settings>` (editor and admin API on, as users run it)
// and measures the wall time from spawn to the "Started flows" log line, and the process's CPU time (user + system,
// from /proc: less disturbed by other load than wall time) and RSS at that moment.
// Variants, alternating (order rotated each round), medians:
//   bare Node-RED       no extra package in the user directory, empty flow
//   + package           the package linked into <userDir>/node_modules (what npm install gives), empty flow
//   + package and flow  the same with a flow that uses it (upp-config, upp-query, upp-poll when present)
//   + every node        the same with one node of every type the package registers, deployed (issue 17)
// Env: BENCH_COLD_ROUNDS (default 7); BENCH_PACKAGE_ROOT=<dir> adds the variants with that build (lib/try-fixes.js).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { makeUserDir, baseSettings, ROOT, ALT_PACKAGE_ROOT } = require('./lib/nodered');

const ROUNDS = Number(process.env.BENCH_COLD_ROUNDS || 7);
const RED_JS = require.resolve('node-red/red.js');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function packageFlow() {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const types = Object.keys(pkg['node-red'].nodes).filter((t) => fs.existsSync(path.join(ROOT, pkg['node-red'].nodes[t])));
  const tab = { id: 'cold.tab', type: 'tab', label: 'cold start' };
  const config = {
    id: 'cold.config',
    type: 'upp-config',
    name: 'front-end',
    baseUrl: 'http://127.0.0.1:9',
    isvId: '20000',
    partnerId: '12345',
    profile: 'v1',
  };
  const flows = [tab, config];
  if (types.includes('upp-query'))
    flows.push({
      id: 'cold.query',
      type: 'upp-query',
      z: 'cold.tab',
      server: config.id,
      bizType: '',
      bizTypeType: 'str',
      paymentNo: '',
      paymentNoType: 'str',
      x: 200,
      y: 100,
      wires: [[], [], []],
    });
  if (types.includes('upp-poll'))
    flows.push({ id: 'cold.poll', type: 'upp-poll', z: 'cold.tab', server: config.id, x: 200, y: 200, wires: [[], [], []] });
  return { flows, credentials: { [config.id]: { key: 'sandbox-key-0001' } } };
}

/** One node of every type in package.json's node-red.nodes, all on one config node, editor defaults otherwise. */
function everyNodeFlow() {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const { flows, credentials } = packageFlow();
  const config = flows.find((n) => n.type === 'upp-config');
  const present = new Set(flows.map((n) => n.type));
  let y = 300;
  for (const type of Object.keys(pkg['node-red'].nodes)) {
    if (present.has(type)) continue;
    const node = { id: `cold.${type}`, type, z: 'cold.tab', server: config.id, x: 200, y: (y += 60), wires: [] };
    if (type === 'upp-his-in') Object.assign(node, { kind: 'order', url: '/his/order' }); // no editor defaults for these
    flows.push(node);
  }
  return { flows, credentials };
}

const VARIANTS = {
  'bare Node-RED': () => makeUserDir({ withPackage: false, prefix: 'upp-cold-' }),
  '+ package': () => makeUserDir({ withPackage: true, prefix: 'upp-cold-' }),
  '+ package and flow': () => makeUserDir({ withPackage: true, prefix: 'upp-cold-', ...packageFlow() }),
  '+ every node deployed': () => makeUserDir({ withPackage: true, prefix: 'upp-cold-', ...everyNodeFlow() }),
};
if (ALT_PACKAGE_ROOT) {
  VARIANTS['+ package@fixed'] = () => makeUserDir({ withPackage: true, packageRoot: ALT_PACKAGE_ROOT, prefix: 'upp-cold-' });
  VARIANTS['+ package@fixed and flow'] = () =>
    makeUserDir({ withPackage: true, packageRoot: ALT_PACKAGE_ROOT, prefix: 'upp-cold-', ...packageFlow() });
}

let ticksPerSecond;
/** CPU ms (user + system) the process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuMs(pid) {
  try {
    ticksPerSecond ??= Number(require('node:child_process').execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return NaN;
  }
}

function rssMB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function startOnce(variant) {
  const userDir = VARIANTS[variant]();
  const settings = {
    ...baseSettings(userDir),
    uiPort: await freePort(),
    httpAdminRoot: '/',
    disableEditor: false,
    logging: { console: { level: 'info', metrics: false, audit: false } },
  };
  delete settings.httpNodeRoot;
  const settingsFile = path.join(userDir, 'settings.js');
  fs.writeFileSync(settingsFile, `module.exports = ${JSON.stringify(settings, null, 2)};\n`);
  const t0 = performance.now();
  const child = spawn(process.execPath, [RED_JS, '-u', userDir, '-s', settingsFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  try {
    return await new Promise((resolve, reject) => {
      const limit = setTimeout(() => reject(new Error(`${variant}: no "Started flows" within 60 s\n${out.slice(-2000)}`)), 60000);
      const onData = (chunk) => {
        out += chunk;
        if (/Started flows/.test(out)) {
          const ms = performance.now() - t0;
          clearTimeout(limit);
          const problems = out
            .split('\n')
            .filter(
              (l) =>
                /\[(error|warn)\]/.test(l) &&
                !/Projects disabled|unencrypted credentials|settings file|Flows file|Your flow credentials/i.test(l),
            );
          resolve({ ms, cpu: cpuMs(child.pid), rss: rssMB(child.pid), problems });
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`${variant}: Node-RED exited (${code}) before starting flows\n${out.slice(-2000)}`)));
    });
  } finally {
    child.removeAllListeners('exit');
    await new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    fs.rmSync(userDir, { recursive: true, force: true });
  }
}

async function measure({ rounds = ROUNDS, log = () => {} } = {}) {
  const names = Object.keys(VARIANTS);
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  const problems = new Set();
  await startOnce(names[0]); // warm the file system cache for everyone
  for (let round = 0; round < rounds; round++) {
    const order = names.map((_, k) => names[(k + round) % names.length]);
    for (const name of order) {
      const r = await startOnce(name);
      runs[name].push(r);
      for (const p of r.problems) problems.add(`${name}: ${p.replace(/^.*?\[(warn|error)\]/, '[$1]')}`);
      log(`  round ${round + 1}/${rounds} ${name}: ${r.ms.toFixed(0)} ms, CPU ${r.cpu.toFixed(0)} ms, RSS ${r.rss.toFixed(0)} MB`);
    }
  }
  // Differences and ratios are paired per round (median over rounds of variant minus/over bare in the same round).
  const base = runs[names[0]];
  const pairedDiff = (name, field) => median(runs[name].map((r, k) => r[field] - base[k][field]));
  const rows = names.map((name) => ({
    variant: name,
    'to "Started flows" ms': median(runs[name].map((r) => r.ms)).toFixed(0),
    '+ms vs bare': pairedDiff(name, 'ms').toFixed(0),
    ratio: median(runs[name].map((r, k) => r.ms / base[k].ms)).toFixed(2),
    'CPU ms': median(runs[name].map((r) => r.cpu)).toFixed(0),
    '+CPU ms': pairedDiff(name, 'cpu').toFixed(0),
    'RSS MB': median(runs[name].map((r) => r.rss)).toFixed(0),
    '+MB vs bare': pairedDiff(name, 'rss').toFixed(1),
    'all rounds ms': runs[name].map((r) => r.ms.toFixed(0)).join(' '),
  }));
  return {
    rows,
    problems: [...problems],
    note: `${rounds} rounds, spawn of red.js to its "Started flows" log line (editor and admin API on), order rotated each round; medians, differences and ratios paired per round. CPU ms = user + system of the Node-RED process (10 ms ticks), less disturbed by other load than wall time`,
  };
}

async function main() {
  console.log('\n## Cold start: Node-RED with and without the package\n');
  const r = await measure({ log: (line) => console.log(line) });
  console.log('');
  console.table(r.rows);
  console.log(r.note);
  if (r.problems.length) console.log(`warnings seen while starting:\n  ${r.problems.join('\n  ')}`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
module.exports = { measure };
