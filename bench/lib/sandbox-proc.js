'use strict';
// The sandbox in a process of its own, so the CPU a benchmark reports belongs to the contender alone.
// Started by `startSandboxProcess()` (parent side, below) through child_process.fork; speaks over IPC:
//   -> {cmd:'cpu'}   <- {cpu:{user,system}}   (process.cpuUsage, µs)
//   -> {cmd:'clear'} <- {ok:true}             (forgets recorded requests, so memory stays flat over long runs)
//   -> {cmd:'stop'}  closes and exits
const { fork } = require('node:child_process');

const KEY = 'sandbox-key-0001';

async function child() {
  const { startSandbox } = require('../../dist/nodes/sandbox');
  const sb = await startSandbox({ port: 0, key: KEY });
  process.on('message', async (m) => {
    if (m.cmd === 'cpu') process.send({ id: m.id, cpu: process.cpuUsage(), rssMB: process.memoryUsage().rss / 1048576 });
    else if (m.cmd === 'clear') {
      sb.clearRequests();
      if (global.gc) global.gc();
      process.send({ id: m.id, ok: true });
    } else if (m.cmd === 'stop') {
      await sb.close();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ ready: true, url: sb.url, origin: sb.origin });
}

/** Parent side: forks the sandbox; resolves to { url, origin, cpu(), clear(), stop() }. */
function startSandboxProcess() {
  const proc = fork(__filename, ['--child'], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let seq = 0;
  const waiting = new Map();
  const ask = (cmd) =>
    new Promise((resolve) => {
      const id = ++seq;
      waiting.set(id, resolve);
      proc.send({ cmd, id });
    });
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`sandbox process exited early (${code})`)));
    proc.on('message', (m) => {
      if (m.ready) {
        resolve({
          url: m.url,
          origin: m.origin,
          key: KEY,
          pid: proc.pid,
          /** CPU µs used by the sandbox process so far (user + system). */
          cpu: async () => {
            const r = await ask('cpu');
            return r.cpu.user + r.cpu.system;
          },
          clear: () => ask('clear'),
          stop: () =>
            new Promise((done) => {
              proc.removeAllListeners('exit');
              proc.once('exit', () => done());
              proc.send({ cmd: 'stop' });
            }),
        });
      } else if (waiting.has(m.id)) {
        waiting.get(m.id)(m);
        waiting.delete(m.id);
      }
    });
  });
}

if (require.main === module && process.argv.includes('--child')) {
  child().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
module.exports = { startSandboxProcess, KEY };
