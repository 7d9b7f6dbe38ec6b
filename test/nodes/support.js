'use strict';
// Shared support for the node tests: node-red-node-test-helper with our nodes from dist/, a real sandbox over HTTP,
// flow builders, and a capture of everything the nodes produce (messages, statuses, log lines, errors) so that each
// test file can check that the signing key never appears in any of it.
const assert = require('node:assert/strict');
const util = require('node:util');
const path = require('node:path');
const helper = require('node-red-node-test-helper');

const DIST = path.resolve(__dirname, '..', '..', 'dist', 'nodes');
helper.init(require.resolve('node-red'));

/** A distinctive key, so a search for it cannot hit anything by chance. */
const KEY = 'K3y-must-NEVER-leak-7f2c91';
const IDS = { isvId: '20000', partnerId: '12345' };
/** Every node type of the package (package.json), each loaded into the helper. */
const { NODE_TYPES: TYPES, nodeModulePath } = require('../support/node-types');
const NODES = TYPES.map((t) => require(nodeModulePath(t)));
/** Ports of each action node, in order. */
const OUTPUTS = {
  'upp-network': ['ok'],
  'upp-scancode': ['paid', 'pending'],
  'upp-barcode': ['paid', 'pending'],
  'upp-facecode': ['paid', 'pending'],
  'upp-query': ['paid', 'pending', 'failed'],
  'upp-refund': ['refunded', 'pending', 'failed'],
  'upp-refund-query': ['refunded', 'pending', 'failed'],
  'upp-close': ['closed', 'notClosed'],
};

function startSandbox(opts = {}) {
  const { startSandbox: start } = require(path.join(DIST, 'sandbox'));
  return start({ port: 0, key: KEY, slowMs: 1000, ...opts });
}

let counter = 0;
/** A paymentNo / requestNo no other test uses (<= 32 characters). */
const uid = (prefix = 'P') => `${prefix}${Date.now().toString(36)}${process.pid % 1000}${++counter}`;

// ---------------------------------------------------------------------------------------------------------------
// Capture of everything produced, searched for the key.
const captured = [];
function capture(kind, value) {
  captured.push({ kind, value });
}
function render(value) {
  const seen = new WeakSet();
  let json;
  try {
    json = JSON.stringify(value, (k, v) => {
      if (v instanceof Error) {
        const out = { name: v.name, message: v.message, stack: v.stack };
        for (const p of Object.getOwnPropertyNames(v)) out[p] = v[p];
        return out;
      }
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[circular]';
        seen.add(v);
      }
      if (typeof v === 'bigint') return v.toString();
      return v;
    });
  } catch (err) {
    json = `unserializable: ${err.message}`;
  }
  const inspected = util.inspect(value, {
    depth: 12,
    breakLength: Infinity,
    maxStringLength: Infinity,
    maxArrayLength: Infinity,
    showHidden: true,
  });
  return `${json}\n${inspected}`;
}
/** Asserts the key appears in nothing captured since the last check; returns how many items were checked. */
function assertKeyNeverLeaked(key = KEY) {
  const items = captured.splice(0);
  for (const item of items) {
    const text = render(item.value);
    assert.ok(!text.includes(key), `the key leaked in a ${item.kind}: ${text.slice(0, 400)}`);
  }
  return items.length;
}
let checkedTotal = 0;

/** Wraps status/error/warn/log of every node in the flow (instance properties shadow the helper's spies). */
function instrument(flow) {
  for (const def of flow) {
    const node = helper.getNode(def.id);
    if (!node || node.__uppInstrumented) continue;
    node.__uppInstrumented = true;
    node.statuses = [];
    node.errors = [];
    for (const method of ['status', 'error', 'warn', 'log']) {
      const original = node[method];
      node[method] = function (...args) {
        capture(`node.${method}`, args);
        if (method === 'status') node.statuses.push(args[0]);
        if (method === 'error') node.errors.push(args);
        return original.apply(this, args);
      };
    }
  }
}

/** Loads a flow with all our nodes (plus extra node modules), instruments it, returns the helper. */
async function load(flow, credentials = {}, extra = []) {
  await helper.load([...NODES, ...extra], flow, credentials);
  instrument(flow);
  return helper;
}

async function unload() {
  const log = helper.log();
  if (log) for (const call of log.getCalls()) capture('log', call.args);
  await helper.unload();
}

// ---------------------------------------------------------------------------------------------------------------
// Flow builders.
function configNode(sb, extra = {}) {
  return {
    id: 'cfg',
    type: 'upp-config',
    name: 'sandbox',
    baseUrl: sb ? sb.url : 'http://127.0.0.1:1',
    isvId: IDS.isvId,
    partnerId: IDS.partnerId,
    profile: 'v1',
    verify: 'auto',
    pathStyle: 'manual-1.0',
    connectTimeout: 500,
    payTimeout: 500,
    readTimeout: 500,
    proxy: 'none',
    ...extra,
  };
}
const configCredentials = (key = KEY) => ({ cfg: { key } });

/**
 * One action node wired to a helper node per output, plus a Catch node (scope: the action node) into `caught`.
 * Returns the flow; the helper nodes are `out0`, `out1`, ... and `caught`.
 */
function actionFlow(type, props = {}, cfg) {
  const ports = OUTPUTS[type];
  return [
    { id: 'f1', type: 'tab', label: 'test' },
    { ...cfg, z: undefined },
    { id: 'n1', z: 'f1', type, name: '', server: 'cfg', wires: ports.map((_, i) => [`out${i}`]), ...props },
    ...ports.map((_, i) => ({ id: `out${i}`, z: 'f1', type: 'helper' })),
    { id: 'c1', z: 'f1', type: 'catch', scope: ['n1'], uncaught: false, wires: [['caught']] },
    { id: 'caught', z: 'f1', type: 'helper' },
  ].map((n) => {
    const copy = { ...n };
    if (copy.z === undefined) delete copy.z;
    return copy;
  });
}

/**
 * Sends `msg` into node `n1` and resolves with the first thing that comes out: { port, msg } from an output helper
 * or { error: msg } from the Catch node. Rejects after `ms`. Every message is captured for the key search.
 */
function sendAndWait(msg, ports, ms = 5000) {
  return new Promise((resolve, reject) => {
    const listeners = [];
    const finish = (value) => {
      clearTimeout(timer);
      for (const [node, fn] of listeners) node.removeListener('input', fn);
      resolve(value);
    };
    const timer = setTimeout(() => {
      for (const [node, fn] of listeners) node.removeListener('input', fn);
      reject(new Error('nothing came out in time'));
    }, ms);
    for (let i = 0; i < ports; i++) {
      const node = helper.getNode(`out${i}`);
      const fn = (m) => {
        capture('msg', m);
        finish({ port: i, msg: m });
      };
      node.on('input', fn);
      listeners.push([node, fn]);
    }
    const caught = helper.getNode('caught');
    const onError = (m) => {
      capture('caught', m);
      finish({ error: m });
    };
    caught.on('input', onError);
    listeners.push([caught, onError]);
    helper.getNode('n1').receive(msg);
  });
}

/** Collects everything arriving at the output helpers and the Catch until stop(). */
function collect(ports) {
  const got = [];
  const listeners = [];
  for (let i = 0; i < ports; i++) {
    const node = helper.getNode(`out${i}`);
    const fn = (m) => {
      capture('msg', m);
      got.push({ port: i, msg: m });
    };
    node.on('input', fn);
    listeners.push([node, fn]);
  }
  const caught = helper.getNode('caught');
  const fn = (m) => {
    capture('caught', m);
    got.push({ error: m });
  };
  caught.on('input', fn);
  listeners.push([caught, fn]);
  return {
    got,
    stop() {
      for (const [node, f] of listeners) node.removeListener('input', f);
    },
  };
}

const { sleep: delay, waitFor } = require('./wait');
/** Waits until predicate() is true (at most `ms`). */
async function until(predicate, ms = 5000, step = 10) {
  await waitFor(predicate, 'a condition', ms, step);
}

/** Fails the current test on an unhandled rejection. */
function guardUnhandled() {
  const seen = [];
  const onRejection = (reason) => seen.push(reason);
  before(() => process.on('unhandledRejection', onRejection));
  after(() => process.removeListener('unhandledRejection', onRejection));
  afterEach(() => {
    const list = seen.splice(0);
    assert.deepEqual(
      list.map((r) => String(r?.stack ?? r)),
      [],
      'unhandled promise rejections',
    );
  });
}

/** Standard hooks for a node test file: settings, unload after each test, key search, unhandled rejections. */
function standardHooks() {
  before(() => helper.settings({ uppCloseGraceMs: 300 }));
  guardUnhandled();
  afterEach(async () => {
    await unload();
    // A test's stopped flow is not the next test's predecessor: calls it left in flight must not reach the next test.
    require(path.join(DIST, 'lib', 'handover.js')).resetHandovers();
    checkedTotal += assertKeyNeverLeaked();
  });
}

module.exports = {
  assert,
  helper,
  KEY,
  IDS,
  TYPES,
  NODES,
  OUTPUTS,
  DIST,
  startSandbox,
  uid,
  capture,
  assertKeyNeverLeaked,
  checked: () => checkedTotal,
  load,
  unload,
  configNode,
  configCredentials,
  actionFlow,
  sendAndWait,
  collect,
  delay,
  until,
  guardUnhandled,
  standardHooks,
};
