#!/usr/bin/env node
'use strict';
// npm run test:compat: runs the node tests (test/nodes, test/poll, test/his) and the reliability tests
// (test/reliability) on Node-RED 5 with Node.js 22, next to the main run on Node-RED 4 / Node 20. Node-RED 5 needs
// Node >= 22.9, which the npm package `node@22` provides as a binary; both live in .compat/ (git-ignored), installed
// on first use with npm and reinstalled when the versions below change. The tests pick that Node-RED through scripts/compat-register.js.
//   node scripts/compat.js [test paths...]     (default: test/nodes test/poll test/his test/reliability)
// Env: COMPAT_DIR (default .compat), RELIABILITY_MESSAGES etc. pass through to the tests.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const DIR = path.resolve(ROOT, process.env.COMPAT_DIR || '.compat');
const WANTED = {
  name: 'upp-compat',
  private: true,
  description: 'Node-RED 5 + Node 22 for npm run test:compat (written by scripts/compat.js)',
  dependencies: { 'node-red': '^5.0.0', 'node-red-node-test-helper': '^0.3.6', node: '^22.9.0' },
};
const DEFAULT_TESTS = ['test/nodes', 'test/poll', 'test/his', 'test/reliability'];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function installedVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(DIR, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function nodeBinary() {
  const bin = path.join(DIR, 'node_modules', 'node', 'bin', 'node');
  if (!fs.existsSync(bin)) return undefined;
  const r = spawnSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  return r.status === 0 && /^22\./.test(r.stdout.trim()) ? bin : undefined;
}

function ensureInstalled() {
  const pkgFile = path.join(DIR, 'package.json');
  const current = fs.existsSync(pkgFile) ? fs.readFileSync(pkgFile, 'utf8') : '';
  const wanted = `${JSON.stringify(WANTED, null, 2)}\n`;
  const redMajor = (installedVersion('node-red') || '').split('.')[0];
  if (current === wanted && redMajor === '5' && installedVersion('node-red-node-test-helper') && nodeBinary()) return;
  fs.mkdirSync(DIR, { recursive: true });
  fs.writeFileSync(pkgFile, wanted);
  console.log(
    `compat: installing ${Object.entries(WANTED.dependencies)
      .map(([n, v]) => `${n}@${v}`)
      .join(' ')} in ${path.relative(ROOT, DIR)}/`,
  );
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const status = run(npm, ['install', '--prefix', DIR, '--no-audit', '--no-fund', '--loglevel=error'], {
    env: { ...process.env, npm_config_engine_strict: 'false' },
  });
  if (status !== 0) throw new Error(`compat: npm install in ${DIR} failed (${status})`);
}

function main() {
  ensureInstalled();
  let node = nodeBinary();
  let prefix = [];
  if (!node) {
    // The binary of the `node` package did not install (e.g. its install script was not allowed): let npx fetch it.
    node = process.platform === 'win32' ? 'npx.cmd' : 'npx';
    prefix = ['-y', '-p', 'node@22', 'node'];
  }
  const tests = process.argv.slice(2).length ? process.argv.slice(2) : DEFAULT_TESTS.filter((t) => fs.existsSync(path.join(ROOT, t)));
  const mocha = require.resolve('mocha/bin/mocha.js', { paths: [ROOT] });
  console.log(
    `compat: Node-RED ${installedVersion('node-red')} on Node ${spawnSync(node, [...prefix, '-p', 'process.version'], { encoding: 'utf8' }).stdout.trim()}: ${tests.join(' ')}`,
  );
  const status = run(node, [...prefix, '--require', path.join(__dirname, 'compat-register.js'), mocha, ...tests], {
    env: { ...process.env, UPP_COMPAT_MODULES: path.join(DIR, 'node_modules'), UPP_COMPAT: '1' },
  });
  process.exit(status);
}

main();
