'use strict';
// Waiting in tests, one copy for every node test file: a sleep, and a poll until a check comes true.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with check()'s first truthy value; rejects naming `what` once timeoutMs has passed. */
async function waitFor(check, what = 'condition', timeoutMs = 8000, stepMs = 5) {
  const start = Date.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(stepMs);
  }
}

module.exports = { sleep, waitFor };
