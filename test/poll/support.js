'use strict';
// Shared by the poll engine tests: results shaped as the core returns them, a scripted fake client, an engine with
// its finals and errors collected, and targets.
const core = require('../../dist/nodes/core');
const poll = require('../../dist/nodes/poll');
const { sleep } = require('../nodes/wait');

/** A result as the core returns it. */
function result(endpoint, status, extra = {}) {
  const outcome = core.decide(endpoint, { verified: true, result: true, kind: '0', status });
  return {
    endpoint,
    outcome: outcome.outcome,
    status,
    data: endpoint === 'close' ? { isCloseOrder: status } : { tradeStatus: status },
    envelope: { result: true, kind: '0', msg: '' },
    verified: 'v1',
    assumed: outcome.assumed,
    reason: outcome.reason,
    request: {},
    attempts: 1,
    elapsedMs: 1,
    ...extra,
  };
}
const timeout = (endpoint) => ({
  endpoint,
  outcome: endpoint === 'close' ? 'success' : 'pending',
  verified: false,
  assumed: endpoint === 'close',
  reason: 'timeout',
  request: {},
  attempts: 3,
  elapsedMs: 30,
});

/** A fake client answering from scripts: script(endpoint, fields, callIndex) returns a result or throws. */
function fakeClient(script, delayMs = 1) {
  const calls = [];
  const call = (endpoint) => async (fields, opts) => {
    calls.push({ endpoint, fields, opts, at: Date.now() });
    await sleep(delayMs);
    if (opts?.signal?.aborted) return { ...timeout(endpoint), reason: 'aborted' };
    return script(endpoint, fields, calls.filter((c) => c.endpoint === endpoint).length);
  };
  return { calls, client: { query: call('query'), refundQuery: call('refundQuery'), close: call('close') } };
}

function engine(client, settings = {}, extra = {}) {
  const finals = [];
  const errors = [];
  const e = new poll.PollEngine({
    scope: extra.scope ?? 'cfg',
    registry: extra.registry ?? new Map(),
    settings: { intervalMs: 5, attempts: 3, closeOnGiveUp: true, assumeRefunded: true, ...settings },
    client: typeof client === 'function' ? client : () => client,
    onFinish: (token, final) => {
      if (extra.throwOn === token) throw new Error('downstream threw');
      finals.push({ token, final });
    },
    onError: (token, err) => errors.push({ token, err }),
    onProgress: extra.onProgress,
    now: extra.now,
    clock: extra.clock,
  });
  return { e, finals, errors };
}

const pay = (paymentNo = 'P1', extra = {}) => ({ mode: 'payment', paymentNo, bizType: 'scan_pay', ...extra });
const refund = (requestNo = 'R1') => ({ mode: 'refund', requestNo });

module.exports = { result, timeout, fakeClient, engine, pay, refund };
