#!/usr/bin/env node
// `npm start`: the UPP sandbox (a simulated front-end machine) and a Node-RED 4 with this package loaded from the
// repo and every example flow deployed, in a fresh user directory (.demo/). Ctrl-C stops both.
// `npm start` is `exec node scripts/demo.js`: npm passes SIGINT/SIGTERM on to the shell it runs the script in, and a
// shell waiting for a child (dash, Debian's sh) keeps SIGINT to itself; `exec` makes this process that child. It
// builds here rather than in the npm script for the same reason. It also stops when the process that started it
// goes away (a service manager or CI job killing npm outright). On Windows (cmd has no `exec`) run
// `node scripts/demo.js`; Ctrl-C in a Windows console reaches every process in it.
//
// The demo HIS database (SQLite, scripts/demo/his-schema.sql) is created in the user directory; the sandbox plays
// the platform's side of the HIS views (example 07) with both URLs pointing at this Node-RED.
//
// The sandbox and the examples' connection run at front-end edition 2.1 (DEMO_EDITION), the first with bill downloads:
// yesterday's trades are seeded into the sandbox and the HIS database (scripts/demo/reconcile-day.js) and example 08
// reconciles that day once at start, so its page shows a few of each discrepancy.
//
// Environment: DEMO_SKIP_BUILD=1 (use dist/ as it is; the tests build once for all), DEMO_PORT (Node-RED, default 1880), SANDBOX_PORT (default 7000), DEMO_HOST (default 127.0.0.1),
// DEMO_DIR (user directory, default <repo>/.demo), UPP_KEY (the key, default the sandbox's test key),
// UPP_HTTP_SECRET (the X-UPP-Secret header the examples' POST endpoints require, default a random one per start),
// DEMO_EDITION (the front-end edition of the sandbox and the connection, default 2.1).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const { ROOT, CONFIG_ID, HIS_DB_FILE, prepareUserDir, startNodeRed } = require('./demo/lib');
const { createHisDatabase } = require('./demo/his-db');
const { seedReconciliationDay } = require('./demo/reconcile-day');

/** Example 08's daily inject: the demo presses it once at start (Node-RED's inject button, POST /inject/<id>). */
const DAILY_RECONCILE_INJECT = 'e0e8000000000002';

function port(name, fallback) {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw new Error(`${name} must be a port number (got ${JSON.stringify(text)})`);
  return Number(text);
}

function build() {
  if (process.env.DEMO_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], { stdio: 'inherit' });
}

async function main() {
  const parentPid = process.ppid;
  build();
  const built = path.join(ROOT, 'dist', 'nodes', 'upp-config.js');
  if (!fs.existsSync(built) || !fs.existsSync(path.join(ROOT, 'dist', 'nodes', 'sandbox', 'index.js'))) {
    throw new Error('the package is not built: run `npm run build` (npm start does it for you)');
  }
  const { startSandbox, SANDBOX_DEFAULTS } = require(path.join(ROOT, 'dist', 'nodes', 'sandbox'));
  const { editionHas } = require(path.join(ROOT, 'dist', 'nodes', 'core'));
  const host = process.env.DEMO_HOST || '127.0.0.1';
  const demoPort = port('DEMO_PORT', 1880);
  const sandboxPort = port('SANDBOX_PORT', 7000);
  const userDir = path.resolve(process.env.DEMO_DIR || path.join(ROOT, '.demo'));
  // The examples' config node reads its key from ${UPP_KEY}; the sandbox is started with the same key.
  const key = process.env.UPP_KEY || SANDBOX_DEFAULTS.key;
  const secret = process.env.UPP_HTTP_SECRET || crypto.randomBytes(12).toString('hex');
  const nodeRedBase = `http://${host.includes(':') ? `[${host}]` : host}:${demoPort}`;
  const edition = process.env.DEMO_EDITION || '2.1';

  const sandbox = await startSandbox({
    port: sandboxPort,
    host,
    key,
    edition,
    // The platform asks the HIS views of example 07 before refunding a late payment, and pulls the bill.
    hisOrderUrl: `${nodeRedBase}/his/order`,
    hisBillUrl: `${nodeRedBase}/his/bill`,
    log: (line) => process.stdout.write(`[sandbox] ${line}\n`),
  });
  let nodeRed;
  let stopping = false;
  const shutdown = async (why, code) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\nUPP demo: ${why}, stopping Node-RED and the sandbox...\n`);
    try {
      if (nodeRed) await nodeRed.stop();
    } finally {
      await sandbox.close().catch(() => undefined);
      process.stdout.write('UPP demo: stopped.\n');
      process.exit(code);
    }
  };
  process.on('SIGINT', () => void shutdown('Ctrl-C', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('SIGHUP', () => void shutdown('SIGHUP', 0));
  // Orphaned (the parent died without passing a signal on): the parent id changes when this process is re-parented.
  setInterval(() => {
    if (process.ppid !== parentPid) void shutdown('the process that started it has exited', 0);
  }, 1000).unref();

  let hisDb;
  let day;
  try {
    // The examples' shared connection speaks the sandbox's edition.
    const edit = (flows) => flows.map((n) => (n.id === CONFIG_ID ? { ...n, edition, pathStyle: '' } : n));
    const { settingsFile } = prepareUserDir({ userDir, port: demoPort, host, sandboxUrl: sandbox.url, deploy: true, edit });
    hisDb = await createHisDatabase(path.join(userDir, HIS_DB_FILE));
    if (editionHas(edition, 'yuntaiBills')) ({ date: day } = await seedReconciliationDay(sandbox, hisDb));
    process.stdout.write(`UPP demo: sandbox at ${sandbox.url}; starting Node-RED in ${userDir} ...\n`);
    nodeRed = await startNodeRed({
      userDir,
      settingsFile,
      port: demoPort,
      host,
      env: { UPP_KEY: key, UPP_HIS_DB: hisDb, UPP_HTTP_SECRET: secret },
      onLine: (line) => process.stdout.write(`[node-red] ${line}\n`),
    });
  } catch (err) {
    await sandbox.close().catch(() => undefined);
    throw err;
  }
  nodeRed.exited.then((r) => {
    if (!stopping) {
      process.stderr.write(`UPP demo: Node-RED exited (${r.code ?? r.signal}); stopping the sandbox.\n`);
      stopping = true;
      sandbox.close().finally(() => process.exit(1));
    }
  });
  const editor = nodeRed.url;
  if (day) {
    // The first reconciliation of the seeded day, as the inject button would start it.
    const res = await fetch(`${editor}inject/${DAILY_RECONCILE_INJECT}`, { method: 'POST' }).catch((err) => err);
    if (!res.ok) process.stderr.write(`UPP demo: could not start the reconciliation of ${day}: ${res.status || res.message}\n`);
  }
  process.stdout.write(
    [
      '',
      '================================================================================',
      ' UPP demo is running. Open:',
      `   Node-RED editor (example flows deployed)  ${editor}`,
      `   Try a scan-code payment                   ${editor}demo`,
      `   UPP sandbox (the simulated front-end)     ${sandbox.origin}/_sandbox/  (control API)`,
      `   HIS demo database (SQLite)                ${hisDb}`,
      `   HIS views the platform calls (example 07) ${editor}his/order  ${editor}his/bill`,
      `   Late payments and the platform's decisions ${sandbox.origin}/_sandbox/late-payments`,
      ...(day ? [`   Daily reconciliation of ${day} (example 08) ${editor}upp/reconcile`] : []),
      `   Front-end edition (sandbox and connection) ${edition}`,
      `   Header for POST /pay/scan, /pay/refund, /pay/close   X-UPP-Secret: ${secret}`,
      ' Press Ctrl-C to stop both.',
      '================================================================================',
      '',
    ].join('\n'),
  );
}

main().catch((err) => {
  process.stderr.write(`UPP demo: ${err && err.message ? err.message : err}\n`);
  process.exit(1);
});
