'use strict';
// `npm start` stops with the process it was started as: SIGINT or SIGTERM sent to the npm process (as a CI job or a
// service manager does, to that one process rather than a terminal's whole process group) stops the demo's sandbox
// and its Node-RED; so does npm dying outright (SIGKILL), which the demo notices as its parent going away.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { ROOT, freePort } = require('../scripts/demo/lib');

function refused(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });
}

/** Polls until both ports refuse connections, or gives up after `ms` (a generous bound: the demo normally needs ~1 s). */
async function portsClosed(ports, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    const states = await Promise.all(ports.map(refused));
    if (states.every(Boolean) || Date.now() > end) return states;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `npm start` as a user runs it: the npm CLI running this package's start script. */
function npmStart(env) {
  const npmCli = process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath) ? process.env.npm_execpath : null;
  const [cmd, args] = npmCli ? [process.execPath, [npmCli, 'start']] : ['npm', ['start']];
  return spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('demo: npm start stops with its parent', function () {
  this.timeout(120000);
  let tmp;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'upp-demo-stop-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL']) {
    it(`${signal} to the npm start process stops the sandbox and Node-RED`, async () => {
      const ports = { demo: await freePort(), sandbox: await freePort() };
      const env = {
        ...process.env,
        DEMO_SKIP_BUILD: '1', // npm test has built dist/ already
        DEMO_PORT: String(ports.demo),
        SANDBOX_PORT: String(ports.sandbox),
        DEMO_DIR: path.join(tmp, signal),
      };
      delete env.UPP_KEY;
      const npm = npmStart(env);
      let output = '';
      npm.stdout.on('data', (d) => (output += d));
      npm.stderr.on('data', (d) => (output += d));
      const exited = new Promise((resolve) => npm.on('exit', (code, sig) => resolve({ code, sig })));
      try {
        const end = Date.now() + 90000;
        while (!/Press Ctrl-C to stop both/.test(output)) {
          if (Date.now() > end || npm.exitCode !== null) throw new Error(`the demo did not start:\n${output}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        assert.deepEqual(await Promise.all([refused(ports.demo), refused(ports.sandbox)]), [false, false], 'both are up');
        npm.kill(signal);
        await exited;
        assert.deepEqual(
          await portsClosed([ports.demo, ports.sandbox]),
          [true, true],
          `Node-RED and the sandbox stopped:\n${output.slice(-3000)}`,
        );
        if (signal !== 'SIGKILL') assert.match(output, /UPP demo: stopped\./);
      } finally {
        if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
      }
    });
  }
});
