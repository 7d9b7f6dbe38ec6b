'use strict';
// Shared helpers to run the real Node-RED runtime for benchmarks: a throw-away user directory with this package
// installed the way npm would (a link in <userDir>/node_modules), a flow file, plain-text credentials, and
// RED.init + RED.start in the current process (no editor, no admin API, no HTTP listener).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
// BENCH_PACKAGE_ROOT: another build of the package (e.g. a patched copy from try-fixes.js), which the flow and
// cold-start benchmarks measure as an extra contender beside this checkout's build.
const ALT_PACKAGE_ROOT = process.env.BENCH_PACKAGE_ROOT ? path.resolve(process.env.BENCH_PACKAGE_ROOT) : undefined;
const PACKAGE_NAME = '@hisflow/node-red-upp';

/**
 * Makes a user directory. `withPackage` links the package into node_modules (what `npm install` in ~/.node-red
 * gives); `flows` and `credentials` ({ nodeId: { key } }) are written as the flow file and its plain credentials.
 */
function makeUserDir({ withPackage = true, packageRoot = ROOT, flows = [], credentials = {}, prefix = 'upp-bench-' } = {}) {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flows));
  fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify(credentials));
  const pkg = { name: 'node-red-project', private: true, dependencies: {} };
  if (withPackage) {
    const scope = path.join(userDir, 'node_modules', '@hisflow');
    fs.mkdirSync(scope, { recursive: true });
    fs.symlinkSync(packageRoot, path.join(scope, 'node-red-upp'), 'dir');
    pkg.dependencies[PACKAGE_NAME] = `file:${packageRoot}`;
  }
  fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify(pkg, null, 2));
  return userDir;
}

/** Settings shared by the benchmark runtimes (and written into settings files for the red.js cold start). */
function baseSettings(userDir) {
  return {
    userDir,
    flowFile: 'flows.json',
    credentialSecret: false,
    httpAdminRoot: false,
    httpNodeRoot: false,
    disableEditor: true,
    uiHost: '127.0.0.1',
    logging: { console: { level: 'warn', metrics: false, audit: false } },
    externalModules: { autoInstall: false, palette: { allowInstall: false } },
    editorTheme: { projects: { enabled: false } },
    telemetry: { enabled: false },
    diagnostics: { enabled: false },
  };
}

/**
 * Starts Node-RED in this process with the given user directory; resolves once the flows have started.
 * `extra` is merged into the settings (e.g. functionGlobalContext). Rejects if a node type is missing.
 */
async function startNodeRed(userDir, extra = {}) {
  const http = require('node:http');
  const RED = require('node-red');
  const server = http.createServer();
  RED.init(server, { ...baseSettings(userDir), ...extra });
  const started = new Promise((resolve, reject) => {
    RED.events.on('flows:started', () => resolve());
    RED.events.on('runtime-event', (e) => {
      if (e && e.payload && e.payload.state === 'stop' && e.payload.error) {
        reject(
          new Error(`Node-RED did not start the flows: ${e.payload.error} ${JSON.stringify(e.payload.types || e.payload.modules || '')}`),
        );
      }
    });
  });
  await RED.start();
  await started;
  return {
    RED,
    stop: async () => {
      await RED.stop();
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
}

module.exports = { ROOT, ALT_PACKAGE_ROOT, PACKAGE_NAME, makeUserDir, baseSettings, startNodeRed };
