'use strict';
// A real Node-RED (the one in node_modules, or UPP_NODE_RED_PATH's) in a child process, for what the test helper
// does not serve: the admin API (GET /flows, /credentials, /nodes), the editor HTML, files on disk and the
// runtime's own log. The user directory links this package the way `npm install <path>` would; everything the
// child prints is kept (stdout and stderr) so a test can search it.
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { request } = require('undici');

const ROOT = path.resolve(__dirname, '..', '..', '..');

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function nodeRedMain() {
  const base = process.env.UPP_NODE_RED_PATH
    ? path.resolve(process.env.UPP_NODE_RED_PATH)
    : path.dirname(require.resolve('node-red/package.json'));
  return path.join(base, 'red.js');
}

/**
 * Starts Node-RED with an empty flow; resolves once it listens. Returns { url, userDir, output(), request(), stop() }.
 * `credentialSecret` encrypts flows_cred.json; the log level is `trace` so that everything the runtime logs is seen.
 */
async function startNodeRed({ credentialSecret, logLevel = 'trace', settings = {} } = {}) {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'upp-reliability-red-'));
  const link = path.join(userDir, 'node_modules', '@hisflow', 'node-red-upp');
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(ROOT, link, 'dir');
  fs.writeFileSync(
    path.join(userDir, 'package.json'),
    JSON.stringify({ name: 'upp-reliability-userdir', version: '0.0.0', private: true }),
  );
  const port = await freePort();
  const settingsFile = path.join(userDir, 'settings.js');
  const all = {
    uiHost: '127.0.0.1',
    uiPort: port,
    flowFile: 'flows.json',
    credentialSecret,
    httpNodeRoot: '/api',
    editorTheme: { tours: false, projects: { enabled: false } },
    telemetry: { enabled: false, updateNotification: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false } },
    logging: { console: { level: logLevel, metrics: false, audit: true } },
    uppCloseGraceMs: 300,
    ...settings,
  };
  fs.writeFileSync(settingsFile, `module.exports = ${JSON.stringify(all, null, 2)};\n`);
  const child = spawn(process.execPath, [nodeRedMain(), '--userDir', userDir, '--settings', settingsFile], {
    cwd: userDir,
    env: { ...process.env, NODE_RED_HOME: userDir, http_proxy: '', https_proxy: '', HTTP_PROXY: '', HTTPS_PROXY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Node-RED did not start within 30 s:\n${out.slice(-3000)}`)), 30000);
    const check = () => {
      if (/Server now running at/.test(out)) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve();
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Node-RED exited (${code}):\n${out.slice(-3000)}`));
    });
  });

  /** An admin or http-in request; resolves { status, headers, text, json }. */
  async function call(method, pathname, { body, headers = {} } = {}) {
    const res = await request(`${url}${pathname}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      headersTimeout: 20000,
      bodyTimeout: 20000,
    });
    const text = await res.body.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, text, json };
  }

  async function stop() {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(userDir, { recursive: true, force: true });
  }

  return { url, userDir, output: () => out, request: call, stop, version: () => /Node-RED version: v?(\S+)/.exec(out)?.[1] };
}

module.exports = { startNodeRed, freePort };
