'use strict';
// Example 08 "Daily reconciliation" deployed alone (its tab, the shared connection and HIS database nodes) in a real
// Node-RED as npm start lays it out, against a sandbox of edition 2.1 (the first with bill downloads) with the
// connection set to 2.1 as npm start does; a demo day seeded in both by scripts/demo/reconcile-day.js.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const lib = require('../../scripts/demo/lib');
const { createHisDatabase, queryHisDatabase } = require('../../scripts/demo/his-db');

const FILE = '08 - Daily reconciliation.json';
const KEY = 'reconcile-example-key-0808';
const SECRET = 'reconcile-example-secret-08';

const flowOf = () => lib.loadExamples().find((e) => e.file === FILE).flow;

async function startReconcileStack() {
  const { startSandbox } = require(path.join(lib.ROOT, 'dist', 'nodes', 'sandbox'));
  const sandbox = await startSandbox({ port: 0, key: KEY, edition: '2.1' });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'upp-reconcile-example-'));
  try {
    const port = await lib.freePort();
    const ours = new Set(flowOf().map((n) => n.id));
    const z = flowOf().find((n) => n.z).z;
    // The test reads the debug summary from a file node it adds behind the summary function (the last step of a run).
    const summary = flowOf().find((n) => n.type === 'function' && n.name === 'summary');
    const edit = (flows) => [
      ...flows
        .filter((n) => ours.has(n.id) || n.id === z)
        .map((n) => (n.type === 'upp-config' ? { ...n, edition: '2.1', pathStyle: '' } : n))
        .map((n) => (n.id === summary.id ? { ...n, wires: [[...n.wires[0], 'test-summary-file']] } : n)),
      {
        id: 'test-summary-file',
        type: 'file',
        z,
        name: 'test',
        filename: 'summaries.txt',
        filenameType: 'str',
        appendNewline: true,
        createDir: false,
        overwriteFile: 'false',
        encoding: 'utf8',
        wires: [[]],
      },
    ];
    const { userDir, settingsFile } = lib.prepareUserDir({
      userDir: path.join(tmp, 'userdir'),
      port,
      sandboxUrl: sandbox.url,
      deploy: true,
      edit,
    });
    const hisDb = await createHisDatabase(path.join(userDir, lib.HIS_DB_FILE));
    const nodeRed = await lib.startNodeRed({
      userDir,
      settingsFile,
      port,
      env: { UPP_KEY: KEY, UPP_HIS_DB: hisDb, UPP_HTTP_SECRET: SECRET },
    });
    const base = nodeRed.url;
    const stack = {
      sandbox,
      nodeRed,
      hisDb,
      base,
      flow: flowOf(),
      query: (sql, params) => queryHisDatabase(hisDb, sql, params),
      /** POST /upp/reconcile/run as the HIS's own caller (or with `headers` instead). */
      async run(body, headers = { 'X-UPP-Secret': SECRET }) {
        const res = await fetch(`${base}upp/reconcile/run`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...headers },
          body: JSON.stringify(body),
        });
        return { status: res.status, body: await res.json() };
      },
      /** The debug summary lines so far (one per finished reconciliation: written after its table rows). */
      summaries() {
        const file = path.join(userDir, 'summaries.txt');
        return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
      },
      /** Waits until `count` reconciliations of `day` have finished (summary lines), then returns the day's runs. */
      async finished(day, count) {
        const end = Date.now() + 30000;
        for (;;) {
          const lines = stack.summaries().filter((l) => l.startsWith(`${day} `));
          if (lines.length >= count) return stack.query('SELECT * FROM upp_reconcile_run WHERE day = $day ORDER BY source', { $day: day });
          if (Date.now() > end)
            throw new Error(`${lines.length} of ${count} reconciliations of ${day} finished:\n${nodeRed.log.join('\n')}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      },
      discrepancies: (day, source) =>
        stack.query('SELECT * FROM upp_reconcile_discrepancy WHERE day = $day AND source = $source ORDER BY id', {
          $day: day,
          $source: source,
        }),
      page: (query, language) => fetch(`${base}upp/reconcile${query}`, { headers: language ? { 'Accept-Language': language } : {} }),
      async stop() {
        await nodeRed.stop().catch(() => undefined);
        await sandbox.close().catch(() => undefined);
        fs.rmSync(tmp, { recursive: true, force: true });
      },
    };
    return stack;
  } catch (err) {
    await sandbox.close();
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

module.exports = { startReconcileStack, FILE, KEY, SECRET };
