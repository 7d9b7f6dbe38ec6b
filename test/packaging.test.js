'use strict';
// The package as a hospital installs it on an intranet: `npm pack`, then `npm install ./file.tgz` in a fresh
// Node-RED user directory, from the local npm cache first (--prefer-offline: what the cache lacks on a fresh
// machine, e.g. qrcode's dependencies, comes from the registry; docs/install.md's fully offline route fills the
// cache beforehand). The install
// prints no warning (no lifecycle script shipped that needs files the package leaves out), and Node-RED loads every
// node of the package from there without a warning.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { ROOT, freePort, startNodeRed } = require('../scripts/demo/lib');

const pkg = require('../package.json');

function npm(args, cwd) {
  const npmCli = process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath) ? process.env.npm_execpath : null;
  const [cmd, argv] = npmCli ? [process.execPath, [npmCli, ...args]] : ['npm', args];
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      argv,
      { cwd, env: { ...process.env, npm_config_update_notifier: 'false' }, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`npm ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
        else resolve({ stdout, stderr, all: `${stdout}\n${stderr}` });
      },
    );
  });
}

function getJson(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { accept: 'application/json' } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => {
          try {
            resolve(JSON.parse(body));
          } catch (err) {
            reject(err);
          }
        });
      })
      .on('error', reject);
  });
}

describe('packaging: a tarball installed into a fresh Node-RED user directory', function () {
  this.timeout(180000);
  let tmp;
  let tarball;
  let install;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'upp-pack-'));
    // dist/ is built by `npm test`; --ignore-scripts so this test does not rebuild it (prepack does for a real pack).
    const packed = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT);
    tarball = path.join(tmp, JSON.parse(packed.stdout)[0].filename);
    const userDir = path.join(tmp, 'user');
    fs.mkdirSync(userDir);
    fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true, version: '0.0.1' }));
    install = await npm(['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], userDir);
  });
  after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  it('ships no lifecycle script that runs on install and no script that needs scripts/', () => {
    const shipped = JSON.parse(fs.readFileSync(path.join(tmp, 'user', 'node_modules', ...pkg.name.split('/'), 'package.json'), 'utf8'));
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) assert.equal(shipped.scripts?.[hook], undefined, hook);
    assert.equal(
      fs.existsSync(path.join(tmp, 'user', 'node_modules', ...pkg.name.split('/'), 'scripts')),
      false,
      'scripts/ is not shipped',
    );
  });

  it('installs without a single warning', () => {
    const warnings = install.all.split('\n').filter((l) => /\bwarn/i.test(l));
    assert.deepEqual(warnings, [], install.all);
  });

  it('Node-RED loads every node of the package from the user directory, without warnings', async () => {
    const userDir = path.join(tmp, 'user');
    const port = await freePort();
    const settingsFile = path.join(userDir, 'settings.js');
    fs.writeFileSync(
      settingsFile,
      `module.exports = { uiHost: '127.0.0.1', uiPort: ${port}, flowFile: 'flows.json', credentialSecret: 'packaging-test', editorTheme: { tours: false }, telemetry: { enabled: false, updateNotification: false }, logging: { console: { level: 'info', metrics: false, audit: false } } };\n`,
    );
    const red = await startNodeRed({ userDir, settingsFile, port });
    try {
      const nodes = await getJson(`${red.url}nodes`);
      const ours = nodes.filter((set) => set.module === pkg.name);
      assert.deepEqual(
        ours
          .map((set) => set.types)
          .flat()
          .sort(),
        Object.keys(pkg['node-red'].nodes).sort(),
      );
      for (const set of ours) assert.equal(set.err, undefined, `${set.id}: ${set.err}`);
      // Node-RED's own notices about an empty user directory are not about the package.
      const own = /Projects disabled|Encrypted credentials not found|\[warn\] $/;
      const problems = red.log.filter((l) => /\[(warn|error)\]/.test(l) && !own.test(l));
      assert.deepEqual(problems, [], red.log.join('\n'));
    } finally {
      await red.stop();
    }
  });
});
