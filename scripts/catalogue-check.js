#!/usr/bin/env node
// Catalogue readiness. `node-red-dev validate` stops at P08 here (it fetches catalogue.nodered.org, which this
// network cannot reach), so this script runs node-red-dev's own check modules (src/libs/checkpackage.js,
// checknodes.js, checkdeps.js) the way its validate command does, on the package exactly as `npm pack` ships it, and
// fails on any warning or error that is not an accepted, documented one.
//
// The npm registry is reachable (npm ci needs it), so the checks that need only the registry run for real:
//   P06  Node-RED versions supported  the registry's node-red dist-tags
//   P07  Node.js engine compatible    the registry's latest node-red engines
//   D03  dependencies at latest       npm-check against the registry
// Only what needs catalogue.nodered.org is replaced, and the report says so:
//   P08  similar package names        -> skipped (online only)
//   N01  node type names unique       -> skipped (online only)
//   D02  no known-bad packages        -> walked in package-lock.json (npm-remote-ls would walk the same tree)
// With --offline (or when the registry does not answer), P06/P07 are checked against the installed node-red and D03
// is skipped, and the report says that too.
//
// Usage: node scripts/catalogue-check.js [--path <unpacked package dir>] [--json <scorecard file>] [--offline] [--strict]
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
};
const REGISTRY_CHECKS = {
  P06: "Node-RED compatibility against the registry's node-red latest/maintenance tags",
  P07: "Node.js engines against the registry's latest node-red",
  D03: 'production dependencies at their latest versions (npm-check)',
};
const OFFLINE_SUBSTITUTE = {
  D02: 'dependency tree read from package-lock.json instead of npm-remote-ls',
};
const OFFLINE_ONLY_SUBSTITUTE = {
  P06: "Node-RED compatibility checked against the installed node-red, not the registry's tags",
  P07: "Node.js engine checked against the installed node-red's engines, not the registry's latest",
  D03: 'not run (needs the npm registry)',
};
// Warnings the project has decided to accept, each with its reason (printed on every run; --strict fails on them).
const ACCEPTED = [
  {
    id: 'D03',
    match: /^D03 undici is not at latest version/,
    reason:
      'undici 8 requires Node.js >= 22.19, while Node-RED 4 runs on Node 18/20 (where most hospital installs are); ' +
      'undici 7 is maintained (7.30.2, November 2026) and runs on Node >= 20.18.1. Move to undici 8 when Node 22 is the floor.',
  },
  {
    id: 'P07',
    offlineOnly: true,
    match: /^P07 Minimum Node version is not compatible/,
    reason:
      'offline substitute only: the installed Node-RED 4 declares Node >= 18.5 while engines.node is >=20.18.1 (undici 7 needs it); ' +
      "the catalogue checks against the registry's latest Node-RED, which needs Node >= 22.9 and passes.",
  },
];

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
  const json = execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [info] = JSON.parse(json);
  execFileSync('tar', ['-xzf', path.join(tmp, info.filename), '-C', tmp]);
  return { dir: path.join(tmp, 'package'), tmp, files: info.files.map((f) => f.path), tarball: info.filename };
}

async function run({ pkgPath, log = console.log, strict = false, offline = false }) {
  const messages = [];
  const problems = [];
  // node-red-dev prints a tick for the stubbed checks too: say on the same line that they did not really run.
  const NOTES = [
    [/No similar named packages found/, '(P08 not run: needs catalogue.nodered.org)'],
    [/Nodes all have unique names/, '(N01 not run: needs catalogue.nodered.org)'],
    [/No incompatible packages found/, '(D02 tree from package-lock.json)'],
  ];
  const cli = {
    log: (text) => {
      let t = String(text);
      for (const [re, note] of NOTES) if (re.test(t)) t = `${t}  ${note}`;
      messages.push(t);
      log(t);
    },
    warn: (text) => {
      const t = String(text);
      messages.push(`WARN ${t}`);
      problems.push(t);
      log(`⚠️  ${t}`);
    },
    error: (err) => {
      const t = err && err.stack ? err.stack : String(err);
      problems.push(t);
      log(`❌ ${t}`);
      throw err instanceof Error ? err : new Error(t);
    },
  };

  // Replace only what cannot be reached: catalogue.nodered.org (axios), npm-remote-ls (D02, read from the lock
  // instead) and, offline, the registry (axios) and npm-check (D03); and the readline interface the modules open on
  // stdin at load time (it would keep the process alive and read the tty).
  const nodeRedPkg = require(require.resolve('node-red/package.json', { paths: [root] }));
  const axios = require(require.resolve('axios', { paths: [devLibs] }));
  const realGet = axios.get.bind(axios);
  const registry = offline ? undefined : await fetchNodeRedPackument(realGet);
  const fetched = [];
  axios.get = async (url) => {
    fetched.push(url);
    if (url === 'https://catalogue.nodered.org/catalogue.json') return { data: { modules: [] } };
    if (url === 'https://registry.npmjs.org/node-red') {
      if (registry) return registry;
      return { data: { 'dist-tags': { latest: nodeRedPkg.version }, versions: { [nodeRedPkg.version]: { engines: nodeRedPkg.engines } } } };
    }
    throw new Error(`catalogue-check: unexpected network request ${url}`);
  };
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  stubModule('npm-remote-ls', devLibs, {
    config: () => {},
    ls: (name, _version, _flatten, cb) => cb(lockTree(lock, name)),
  });
  if (!registry) {
    stubModule('npm-check', devLibs, async () => ({ get: () => [] }));
    NOTES.push(
      [/All prod dependencies using latest versions/, '(D03 not run: offline)'],
      [/Compatible with Node-RED v/, '(P06 against the installed node-red: offline)'],
      [/Compatible NodeJS Version found/, '(P07 against the installed node-red: offline)'],
    );
  }
  const readline = require('node:readline');
  const createInterface = readline.createInterface;
  readline.createInterface = () => ({
    close() {},
    on() {
      return this;
    },
    question() {},
  });
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
  // A failed check normally printed its warning (already a problem, or accepted); one that failed silently is too.
  for (const [id, entry] of Object.entries(scorecard)) {
    const warned = problems.some((p) => p.startsWith(`${id} `));
    if (entry && entry.test === false && !ONLINE_ONLY[id] && !warned) problems.push(`${id} failed: ${JSON.stringify(entry)}`);
  }
  for (const id of ['P01', 'P03', 'P04', 'P05', 'P06', 'P07', 'N02', 'D01', 'D02']) {
    if (!scorecard[id]) problems.push(`${id} did not run`);
  }
  const accepted = strict ? [] : ACCEPTED.filter((a) => !a.offlineOnly || !registry);
  const acceptance = (text) => accepted.find((a) => a.match.test(text));
  const unique = [...new Set(problems)];
  return {
    scorecard,
    problems: unique.filter((p) => !acceptance(p)),
    acceptedWarnings: unique.filter(acceptance).map((text) => ({ text, reason: acceptance(text).reason })),
    fetched,
    registry: Boolean(registry),
  };
}

/** The registry's node-red document (as axios returns it), or undefined when the registry does not answer. */
async function fetchNodeRedPackument(get) {
  try {
    const response = await get('https://registry.npmjs.org/node-red', { timeout: 30000 });
    return response && response.data && response.data['dist-tags'] ? response : undefined;
  } catch {
    return undefined;
  }
}

async function main() {
  const { values } = parseArgs({
    options: { path: { type: 'string' }, json: { type: 'string' }, strict: { type: 'boolean' }, offline: { type: 'boolean' } },
  });
  let pkgPath = values.path ? path.resolve(values.path) : undefined;
  let packed;
  if (!pkgPath) {
    packed = packPackage();
    pkgPath = packed.dir;
    console.log(`Checking ${packed.tarball} as packed (${packed.files.length} files), unpacked in ${pkgPath}`);
  }
  const { scorecard, problems, acceptedWarnings, registry } = await run({ pkgPath, strict: values.strict, offline: values.offline });
  if (values.json) fs.writeFileSync(values.json, JSON.stringify(scorecard, null, 2));
  console.log('');
  console.log('Only the online run (`npx node-red-dev validate`) can do:');
  for (const [id, text] of Object.entries(ONLINE_ONLY)) console.log(`  ${id} ${text}`);
  if (registry) {
    console.log('Checked against the npm registry:');
    for (const [id, text] of Object.entries(REGISTRY_CHECKS)) console.log(`  ${id} ${text}`);
  } else {
    console.log(`Not checked against the npm registry (${values.offline ? '--offline' : 'it did not answer'}):`);
    for (const [id, text] of Object.entries(OFFLINE_ONLY_SUBSTITUTE)) console.log(`  ${id} ${text}`);
  }
  console.log('Checked with a local substitute:');
  for (const [id, text] of Object.entries(OFFLINE_SUBSTITUTE)) console.log(`  ${id} ${text}`);
  if (scorecard.N02 && scorecard.N02.nodes) console.log(`Examples cover: ${scorecard.N02.nodes.join(', ')}`);
  if (acceptedWarnings.length) {
    console.log('Accepted warnings (documented decisions; --strict fails on them):');
    for (const { text, reason } of acceptedWarnings) console.log(`  - ${text}\n      reason: ${reason}`);
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

module.exports = { run, lockTree, ONLINE_ONLY, REGISTRY_CHECKS, OFFLINE_SUBSTITUTE, ACCEPTED };

if (require.main === module) {
  main().catch((err) => {
    console.error(`catalogue-check: ${err && err.stack ? err.stack : err}`);
    process.exit(1);
  });
}
