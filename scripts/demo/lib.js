// Shared by scripts/demo.js (npm start) and the browser tests: lays out a Node-RED user directory that loads this
// package from the repo, optionally with every example flow deployed, and starts Node-RED 4 in a child process.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE = require(path.join(ROOT, 'package.json'));
const EXAMPLES_DIR = path.join(ROOT, 'examples');
/** The upp-config node every example shares (same id in each file, so importing several reuses one). */
const CONFIG_ID = 'c0f1a0000000a0c1';
const EXAMPLE_SANDBOX_URL = 'http://127.0.0.1:7000';
/** The sqlite config node of the demo HIS database, shared by the examples like CONFIG_ID; its file is ${UPP_HIS_DB}. */
const HIS_DB_ID = 'd0b1a0000000d0b1';
/** Config nodes every example may carry (the same node in each file): kept once. */
const SHARED_CONFIG = new Map([
  [CONFIG_ID, 'upp-config'],
  [HIS_DB_ID, 'sqlitedb'],
]);
/** The demo HIS database inside the user directory (scripts/demo/his-schema.sql). */
const HIS_DB_FILE = 'his.sqlite';
/** Marks a directory this code created, so it never wipes anything else. */
const MARKER = '.upp-demo';

/** The example files in menu order: [{ file, title, flow }]. */
function loadExamples() {
  return fs
    .readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      title: file.replace(/\.json$/, '').replace(/^\d+\s*-\s*/, ''),
      flow: JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')),
    }));
}

/**
 * All examples as one flows file: a tab per example (the example's own `z`), one shared config node pointing at
 * `sandboxUrl`, and the credentials split off (Node-RED keeps them in flows_cred.json, never in flows.json).
 */
function exampleFlows({ sandboxUrl = EXAMPLE_SANDBOX_URL } = {}) {
  const flows = [];
  const credentials = {};
  const seen = new Map();
  for (const { file, title, flow } of loadExamples()) {
    const tabs = new Set(flow.filter((n) => n.z).map((n) => n.z));
    if (tabs.size !== 1) throw new Error(`${file}: expected every flow node on one tab, found ${tabs.size}`);
    const [z] = tabs;
    const info = flow.find((n) => n.type === 'comment' && n.info);
    flows.push({ id: z, type: 'tab', label: title, disabled: false, info: info ? info.info : '' });
    for (const node of flow) {
      if (seen.has(node.id)) {
        if (SHARED_CONFIG.get(node.id) === node.type) continue; // a shared config node, kept once
        throw new Error(`${file}: node id ${node.id} is also used in ${seen.get(node.id)}`);
      }
      seen.set(node.id, file);
      const copy = { ...node };
      if (copy.credentials) {
        credentials[copy.id] = copy.credentials;
        delete copy.credentials;
      }
      if (copy.type === 'upp-config') copy.baseUrl = sandboxUrl;
      flows.push(copy);
    }
  }
  return { flows, credentials };
}

/** flows_cred.json content as Node-RED writes it: AES-256-CTR with sha256(credentialSecret), hex IV + base64. */
function encryptCredentials(secret, credentials) {
  const key = crypto.createHash('sha256').update(secret).digest();
  const iv = crypto.randomBytes(16);
  const cipher = crypto.createCipheriv('aes-256-ctr', key, iv);
  return { $: iv.toString('hex') + cipher.update(JSON.stringify(credentials), 'utf8', 'base64') + cipher.final('base64') };
}

function settingsSource({ port, host, credentialSecret, extraSettings = {} }) {
  return `// Written by scripts/demo (npm start); recreated on every start.
module.exports = {
    uiHost: ${JSON.stringify(host)},
    uiPort: ${Number(port)},
    flowFile: 'flows.json',
    flowFilePretty: true,
    // A random secret per fresh demo directory; the deployed key is only the reference \${UPP_KEY}.
    credentialSecret: ${JSON.stringify(credentialSecret)},
    editorTheme: {
        tours: false,
        projects: { enabled: false },
    },
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: true, ui: true },
    runtimeState: { enabled: false, ui: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false, allowUpload: false } },
    functionExternalModules: false,
    logging: { console: { level: 'info', metrics: false, audit: false } },
    // Pending polls (upp-poll) survive a restart only in a persistent store; the memory default warns (docs/poll.md).
    contextStorage: { default: { module: 'localfilesystem' } },
${Object.entries(extraSettings)
  .map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)},\n`)
  .join('')}};
`;
}

/**
 * Creates (fresh) a Node-RED user directory in `userDir`: node_modules/@hisflow/node-red-upp links the repo (so
 * Node-RED lists the package's examples under Import > Examples), settings.js, and with `deploy: true` every
 * example deployed (`edit(flows)` may change them first; `extraSettings` adds settings.js entries, e.g. adminAuth). Refuses to wipe a non-empty directory it did not create.
 */
function prepareUserDir({
  userDir,
  port,
  host = '127.0.0.1',
  sandboxUrl = EXAMPLE_SANDBOX_URL,
  deploy = true,
  edit = (flows) => flows,
  extraSettings,
}) {
  userDir = path.resolve(userDir);
  if (fs.existsSync(userDir)) {
    const entries = fs.readdirSync(userDir);
    if (entries.length && !entries.includes(MARKER)) {
      throw new Error(`${userDir} exists and was not made by the demo: refusing to wipe it (choose another DEMO_DIR)`);
    }
    fs.rmSync(userDir, { recursive: true, force: true });
  }
  fs.mkdirSync(path.join(userDir, 'node_modules', '@hisflow'), { recursive: true });
  fs.writeFileSync(path.join(userDir, MARKER), 'Created by scripts/demo; deleted and recreated on every start.\n');
  const link = path.join(userDir, 'node_modules', ...PACKAGE.name.split('/'));
  fs.symlinkSync(path.relative(path.dirname(link), ROOT) || '.', link, 'dir');
  // The examples' HIS database nodes: node-red-node-sqlite, a devDependency of this repo, loaded like a user's install.
  const sqliteDir = path.dirname(require.resolve('node-red-node-sqlite/package.json', { paths: [ROOT] }));
  fs.symlinkSync(sqliteDir, path.join(userDir, 'node_modules', 'node-red-node-sqlite'), 'dir');
  fs.writeFileSync(
    path.join(userDir, 'package.json'),
    `${JSON.stringify({ name: 'upp-demo-userdir', description: 'Node-RED user directory of the UPP demo', version: '0.0.0', private: true, dependencies: { [PACKAGE.name]: `file:${ROOT}`, 'node-red-node-sqlite': PACKAGE.devDependencies['node-red-node-sqlite'] } }, null, 2)}\n`,
  );
  const settingsFile = path.join(userDir, 'settings.js');
  const credentialSecret = crypto.randomBytes(24).toString('hex');
  fs.writeFileSync(settingsFile, settingsSource({ port, host, credentialSecret, extraSettings }), { mode: 0o600 });
  // Without examples: an empty workspace (and an empty credentials file, so Node-RED does not warn it is missing).
  const { flows: all, credentials } = deploy ? exampleFlows({ sandboxUrl }) : { flows: [], credentials: {} };
  const flows = edit(all); // tests may shorten timings
  fs.writeFileSync(path.join(userDir, 'flows.json'), `${JSON.stringify(flows, null, 4)}\n`);
  fs.writeFileSync(
    path.join(userDir, 'flows_cred.json'),
    `${JSON.stringify(encryptCredentials(credentialSecret, credentials), null, 4)}\n`,
    { mode: 0o600 },
  );
  return { userDir, settingsFile };
}

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts Node-RED (this repo's devDependency) on the prepared user directory. Resolves once the flows have started,
 * with { child, url, log (all output lines so far, kept up to date), stop() }.
 */
function startNodeRed({ userDir, settingsFile, port, host = '127.0.0.1', env = {}, onLine = () => {}, timeoutMs = 60000 }) {
  const redJs = require.resolve('node-red/red.js', { paths: [ROOT] });
  const child = spawn(process.execPath, [redJs, '--userDir', userDir, '--settings', settingsFile, '--port', String(port)], {
    cwd: userDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = [];
  const url = `http://${host}:${port}/`;
  let exited = null;
  // If this process exits without stopping it (a crash, process.exit), do not leave Node-RED running.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const exitedPromise = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      process.removeListener('exit', killOnExit);
      resolve((exited = { code, signal }));
    }),
  );
  let onReady;
  const feed = (stream) => {
    let buffer = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      buffer += chunk;
      let i;
      while ((i = buffer.indexOf('\n')) !== -1) {
        const text = buffer.slice(0, i).replace(/\r$/, '');
        buffer = buffer.slice(i + 1);
        log.push(text);
        onLine(text);
        if (
          onReady &&
          /Started flows|Stopped flows|Flows stopped due to missing node types/.test(text) &&
          /Server now running/.test(log.join('\n'))
        )
          onReady();
      }
    });
  };
  feed(child.stdout);
  feed(child.stderr);
  const stop = async (graceMs = 10000) => {
    if (exited) return exited;
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const result = await exitedPromise;
    clearTimeout(timer);
    return result;
  };
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Node-RED did not start within ${timeoutMs} ms:\n${log.join('\n')}`)), timeoutMs);
    onReady = () => {
      clearTimeout(timer);
      onReady = undefined;
      resolve();
    };
    exitedPromise.then((r) => {
      clearTimeout(timer);
      reject(new Error(`Node-RED exited (${r.code ?? r.signal}) before it was ready:\n${log.join('\n')}`));
    });
  });
  return ready.then(
    () => ({ child, url, log, stop, exited: exitedPromise }),
    async (err) => {
      await stop(2000);
      throw err;
    },
  );
}

module.exports = {
  ROOT,
  CONFIG_ID,
  HIS_DB_ID,
  HIS_DB_FILE,
  EXAMPLE_SANDBOX_URL,
  loadExamples,
  exampleFlows,
  prepareUserDir,
  startNodeRed,
  freePort,
};
