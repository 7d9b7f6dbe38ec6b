#!/usr/bin/env node
// Catalogue readiness, offline. `node-red-dev validate` stops at P08 without the internet, so this script runs
// node-red-dev's own check modules (src/libs/checkpackage.js, checknodes.js, checkdeps.js) the way its validate
// command does, on the package exactly as `npm pack` ships it, and fails on any warning or error.
//
// Only the parts that need the internet are replaced, and the report says so:
//   P08  similar package names        needs catalogue.nodered.org/catalogue.json   -> skipped (online only)
//   N01  node type names unique       needs catalogue.nodered.org/catalogue.json   -> skipped (online only)
//   D03  dependencies at latest       needs the npm registry (npm-check)           -> skipped (online only)
//   P06  Node-RED versions supported  needs the registry's node-red dist-tags      -> checked against the installed node-red
//   P07  Node.js engine compatible    needs the registry's latest node-red engines -> checked against the installed node-red
//   D02  no known-bad packages        walks the tree with npm-remote-ls             -> walked in package-lock.json instead
//
// Usage: node scripts/catalogue-check.js [--path <unpacked package dir>] [--json <scorecard file>]
//   (default: build must exist; runs `npm pack --ignore-scripts` into a temporary folder and checks the unpacked copy)
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');
const { execFileSync } = require('node:child_process');
const { parseArgs } = require('node:util');

const root = path.resolve(__dirname, '..');
const devLibs = path.join(root, 'node_modules', 'node-red-dev', 'src', 'libs');

const ONLINE_ONLY = {
  P08: 'similar package names on catalogue.nodered.org (needs the catalogue)',
  N01: 'node type names unique across the catalogue (needs the catalogue)',
  D03: 'production dependencies at their latest versions (needs the npm registry)',
};
const OFFLINE_SUBSTITUTE = {
  P06: 'Node-RED compatibility checked against the installed node-red, not the registry\'s latest/maintenance tags',
  P07: 'Node.js engine checked against the installed node-red\'s engines, not the registry\'s latest',
  D02: 'dependency tree read from package-lock.json instead of npm-remote-ls',
};
// Warnings the project has decided to accept, each with its reason (printed on every run; --strict fails on them).
const ACCEPTED = {
  P07: 'engines.node is >=20.18.1 because undici 7 requires it; Node-RED 4 itself starts on Node 18.5. ' +
    'The catalogue flags this as a SHOULD; lowering it would mean moving the transport to undici 6.',
};

function stubModule(request, fromDir, exports) {
  const file = require.resolve(request, { paths: [fromDir] });
  const m = new Module(file);
  m.filename = file;
  m.loaded = true;
  m.exports = exports;
  require.cache[file] = m;
}

/** The production dependency tree of `name` as npm-remote-ls lists it ("name@version"), from package-lock.json. */
function lockTree(lock, name) {
  const packages = lock.packages || {};
  const seen = new Set();
  const out = [];
  const locate = (dep, fromLoc) => {
    // Node's resolution inside the lock: <from>/node_modules/<dep>, then up the tree.
    let loc = fromLoc;
    for (;;) {
      const candidate = loc ? `${loc}/node_modules/${dep}` : `node_modules/${dep}`;
      if (packages[candidate]) return candidate;
      if (!loc) return undefined;
      const idx = loc.lastIndexOf('/node_modules/');
      loc = idx === -1 ? '' : loc.slice(0, idx);
    }
  };
  const visit = (dep, fromLoc) => {
    const loc = locate(dep, fromLoc);
    if (!loc) throw new Error(`D02: ${dep} is not in package-lock.json (run npm install)`);
    if (seen.has(loc)) return;
    seen.add(loc);
    out.push(`${dep}@${packages[loc].version}`);
    for (const child of Object.keys(packages[loc].dependencies || {})) visit(child, loc);
  };
  visit(name, '');
  return out;
}

function packPackage() {
  for (const file of Object.values(require(path.join(root, 'package.json'))['node-red'].nodes)) {
    if (!fs.existsSync(path.join(root, file))) throw new Error(`${file} is missing: run \`npm run build\` first`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'upp-catalogue-'));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const json = execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [info] = JSON.parse(json);
  execFileSync('tar', ['-xzf', path.join(tmp, info.filename), '-C', tmp]);
  return { dir: path.join(tmp, 'package'), tmp, files: info.files.map((f) => f.path), tarball: info.filename };
}

async function run({ pkgPath, log = console.log, strict = false }) {
  const messages = [];
  const problems = [];
  // node-red-dev prints a tick for the stubbed checks too: say on the same line that they did not really run.
  const NOTES = [
    [/No similar named packages found/, '(P08 not run offline)'],
    [/Nodes all have unique names/, '(N01 not run offline)'],
    [/All prod dependencies using latest versions/, '(D03 not run offline)'],
    [/Compatible with Node-RED v/, '(P06 against the installed node-red)'],
    [/Compatible NodeJS Version found/, '(P07 against the installed node-red)'],
    [/No incompatible packages found/, '(D02 tree from package-lock.json)'],
  ];
  const cli = {
    log: (text) => {
      let t = String(text);
      for (const [re, note] of NOTES) if (re.test(t)) t = `${t}  ${note}`;
      messages.push(t);
      log(t);
    },
    warn: (text) => { const t = String(text); messages.push(`WARN ${t}`); problems.push(t); log(`⚠️  ${t}`); },
    error: (err) => { const t = err && err.stack ? err.stack : String(err); problems.push(t); log(`❌ ${t}`); throw err instanceof Error ? err : new Error(t); },
  };

  // Replace only the network: axios (catalogue + registry), npm-remote-ls (D02) and npm-check (D03); and the
  // readline interface the modules open on stdin at load time (it would keep the process alive and read the tty).
  const nodeRedPkg = require(require.resolve('node-red/package.json', { paths: [root] }));
  const axios = require(require.resolve('axios', { paths: [devLibs] }));
  const fetched = [];
  axios.get = async (url) => {
    fetched.push(url);
    if (url === 'https://catalogue.nodered.org/catalogue.json') return { data: { modules: [] } };
    if (url === 'https://registry.npmjs.org/node-red') {
      return { data: { 'dist-tags': { latest: nodeRedPkg.version }, versions: { [nodeRedPkg.version]: { engines: nodeRedPkg.engines } } } };
    }
    throw new Error(`catalogue-check: unexpected network request ${url}`);
  };
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  stubModule('npm-remote-ls', devLibs, {
    config: () => {},
    ls: (name, _version, _flatten, cb) => cb(lockTree(lock, name)),
  });
  stubModule('npm-check', devLibs, async () => ({ get: () => [] }));
  const readline = require('node:readline');
  const createInterface = readline.createInterface;
  readline.createInterface = () => ({ close() {}, on() { return this; }, question() {} });
  let checkpackage, checknodes, checkdeps;
  try {
    checkpackage = require(path.join(devLibs, 'checkpackage.js'));
    checknodes = require(path.join(devLibs, 'checknodes.js'));
    checkdeps = require(path.join(devLibs, 'checkdeps.js'));
  } finally {
    readline.createInterface = createInterface;
  }

  // checknodes reports an unparsable node HTML with console.log only (and then silently finds no node types).
  const consoleLog = console.log;
  console.log = (...args) => {
    const text = args.join(' ');
    if (/Unable to parse/.test(text)) problems.push(`checknodes: ${text}`);
    consoleLog(...args);
  };
  const scorecard = {};
  try {
    // As node-red-dev's validate command does it (src/commands/validate.js), npm_metadata=false as with --path.
    await checkpackage(pkgPath, cli, scorecard, false);
    const pkg = JSON.parse(fs.readFileSync(path.join(pkgPath, 'package.json'), 'utf8'));
    if (!pkg['node-red'] || !pkg['node-red'].nodes) cli.warn('No nodes declared in package.json');
    else await checknodes(pkgPath, cli, scorecard, false);
    await checkdeps(pkgPath, cli, scorecard, false);
    // checknodes' example walk (N02) is not awaited by its own promise chain: let it settle.
    await new Promise((resolve) => setTimeout(resolve, 50));
  } catch (err) {
    if (!problems.length) problems.push(String(err && err.stack ? err.stack : err));
  } finally {
    console.log = consoleLog;
  }

  // Our own additions: D02 over every production dependency (node-red-dev's loop stops after the first one),
  // and the declared node files are in the package.
  const bad = JSON.parse(fs.readFileSync(path.join(devLibs, '..', 'badpackages.json'), 'utf8'));
  const semver = require(require.resolve('semver', { paths: [devLibs] }));
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgPath, 'package.json'), 'utf8'));
  for (const dep of Object.keys(pkg.dependencies || {})) {
    for (const entry of lockTree(lock, dep)) {
      const at = entry.lastIndexOf('@');
      const [n, v] = [entry.slice(0, at), entry.slice(at + 1)];
      if (bad[n] && semver.satisfies(v, bad[n])) problems.push(`D02 incompatible package ${entry} under ${dep}`);
    }
  }
  for (const [type, file] of Object.entries(pkg['node-red'].nodes || {})) {
    for (const f of [file, file.replace(/\.js$/, '.html')]) {
      if (!fs.existsSync(path.join(pkgPath, f))) problems.push(`${type}: ${f} is not in the package`);
    }
  }
  for (const [id, entry] of Object.entries(scorecard)) {
    if (entry && entry.test === false && !ONLINE_ONLY[id]) problems.push(`${id} failed: ${JSON.stringify(entry)}`);
  }
  for (const id of ['P01', 'P03', 'P04', 'P05', 'P06', 'P07', 'N02', 'D01', 'D02']) {
    if (!scorecard[id]) problems.push(`${id} did not run`);
  }
  const accepted = strict ? {} : ACCEPTED;
  const isAccepted = (text) => Object.keys(accepted).some((id) => text.startsWith(`${id} `));
  const unique = [...new Set(problems)];
  return { scorecard, problems: unique.filter((p) => !isAccepted(p)), acceptedWarnings: unique.filter(isAccepted), fetched };
}

async function main() {
  const { values } = parseArgs({ options: { path: { type: 'string' }, json: { type: 'string' }, strict: { type: 'boolean' } } });
  let pkgPath = values.path ? path.resolve(values.path) : undefined;
  let packed;
  if (!pkgPath) {
    packed = packPackage();
    pkgPath = packed.dir;
    console.log(`Checking ${packed.tarball} as packed (${packed.files.length} files), unpacked in ${pkgPath}`);
  }
  const { scorecard, problems, acceptedWarnings } = await run({ pkgPath, strict: values.strict });
  if (values.json) fs.writeFileSync(values.json, JSON.stringify(scorecard, null, 2));
  console.log('');
  console.log('Only the online run (`npx node-red-dev validate`) can do:');
  for (const [id, text] of Object.entries(ONLINE_ONLY)) console.log(`  ${id} ${text}`);
  console.log('Checked offline with a local substitute:');
  for (const [id, text] of Object.entries(OFFLINE_SUBSTITUTE)) console.log(`  ${id} ${text}`);
  if (scorecard.N02 && scorecard.N02.nodes) console.log(`Examples cover: ${scorecard.N02.nodes.join(', ')}`);
  if (acceptedWarnings.length) {
    console.log('Accepted warnings (documented decisions; --strict fails on them):');
    for (const p of acceptedWarnings) console.log(`  - ${p}\n      reason: ${ACCEPTED[p.slice(0, 3)]}`);
  }
  if (packed) fs.rmSync(packed.tmp, { recursive: true, force: true });
  if (problems.length) {
    console.log(`\nCatalogue check FAILED (${problems.length}):`);
    for (const p of problems) console.log(`  - ${p}`);
    process.exit(1);
  }
  console.log('\nCatalogue check passed.');
  process.exit(0);
}

module.exports = { run, lockTree, ONLINE_ONLY, OFFLINE_SUBSTITUTE, ACCEPTED };

if (require.main === module) {
  main().catch((err) => {
    console.error(`catalogue-check: ${err && err.stack ? err.stack : err}`);
    process.exit(1);
  });
}
