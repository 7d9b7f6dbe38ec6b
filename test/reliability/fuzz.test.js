'use strict';
// Property-based tests (fast-check) over every node's inputs: random types, lengths, unicode, numbers such as 1e3,
// 0.1+0.2 and -0, huge strings, prototype-polluting keys. What must hold:
// - no crash and no unhandled rejection: either a valid request (a normal output) or a catchable error that names
//   the field (err.field, and the message contains it);
// - every accepted request is signed over exactly what is sent: core sign() of the encoded body equals its sign,
//   the sandbox's strict verification accepts it (v1 and v2), and the sandbox records signatureValid = true;
// - what the client accepts, the front-end machine's field checks accept too (else a request is sent that can only
//   be refused), and amounts go on the wire exactly (never rounded);
// - Object.prototype is never polluted.
// Sizes: FUZZ_RUNS (default 200) cases per core property and endpoint; fewer through the sandbox and the nodes.
// The counts are printed and written to test-artifacts/reliability/fuzz.json.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./support/harness');
const { fc, requestInput, hostileValue, hostileObject, HOSTILE_KEYS, scanProducts, show } = require('./support/arbitraries');
const { checkFields } = require('../../dist/nodes/sandbox/wire-checks');
const { helper, core, KEY, IDS, uid } = h;

const RUNS = Number(process.env.FUZZ_RUNS || 200);
const SANDBOX_RUNS = Math.max(20, Math.round(RUNS / 2));
const NODE_RUNS = Math.max(10, Math.round(RUNS / 4));
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const ACTION_ENDPOINTS = ['scanCode', 'barCode', 'query', 'refund', 'refundQuery', 'close'];
const AMOUNT_FIELDS = ['tradeFee', 'refundFee'];

const counts = { core: 0, coreAccepted: 0, coreRejected: 0, sandbox: 0, sandboxSent: 0, nodes: 0, nodeOutputs: 0, nodeErrors: 0 };
const params = (numRuns) => ({ numRuns, ...(SEED !== undefined ? { seed: SEED } : {}) });

/** A rejection by the platform of a field the client accepted (`字段 <name> 非法`), except a channelProduct the schema
 * passes through on purpose (products newer than the schema). */
function refusedField(platformMsg, request) {
  const m = /^字段 (\S+) 非法$/.exec(platformMsg ?? '');
  if (!m) return undefined;
  if (m[1] === 'channelProduct' && !scanProducts.includes(request.channelProduct)) return undefined;
  return m[1];
}

/** Asserts an error is the catchable kind that names a field of the request. */
function assertNamesField(err, fieldNames) {
  assert.ok(err instanceof core.UppError, `not an UppError: ${err && err.stack}`);
  assert.equal(err.code, 'ERR_UPP_INPUT', `code ${err.code}: ${err.message}`);
  assert.ok(fieldNames.includes(err.field), `field ${err.field} is not one of ${fieldNames.join(', ')}`);
  assert.ok(err.message.includes(err.field), `message does not name ${err.field}: ${err.message}`);
  assert.ok(err.messageZh.includes(err.field), `Chinese message does not name ${err.field}: ${err.messageZh}`);
}

function prototypeIsClean() {
  assert.deepEqual(
    Object.getOwnPropertyNames(Object.prototype).filter((k) => !PROTO_KEYS.includes(k)),
    [],
    'Object.prototype gained keys',
  );
  assert.equal({}.polluted, undefined);
}
const PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype);

describe('reliability: fuzzing every input (fast-check)', function () {
  this.timeout(180000);
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  before(() => process.on('unhandledRejection', onUnhandled));
  after(() => {
    process.removeListener('unhandledRejection', onUnhandled);
    const dir = path.resolve(__dirname, '..', '..', 'test-artifacts', 'reliability');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'fuzz.json'), `${JSON.stringify({ runsPerCoreProperty: RUNS, ...counts }, null, 2)}\n`);
    console.log(
      `      fuzz: ${counts.core} core cases (${counts.coreAccepted} accepted, ${counts.coreRejected} refused with a named field), ` +
        `${counts.sandbox} through a client to the sandbox (${counts.sandboxSent} sent), ${counts.nodes} through the nodes ` +
        `(${counts.nodeOutputs} outputs, ${counts.nodeErrors} errors)`,
    );
  });
  afterEach(() => {
    const list = unhandled.splice(0);
    assert.deepEqual(
      list.map((r) => String(r?.stack ?? r)),
      [],
      'unhandled promise rejections',
    );
    prototypeIsClean();
  });

  describe('core: validateRequest + encodeRequest', () => {
    for (const endpoint of ACTION_ENDPOINTS) {
      const names = core.ENDPOINTS[endpoint].request.map((s) => s.name);
      it(`${endpoint}: a named input error, or a body signed over exactly what is sent that the platform's checks accept`, () => {
        fc.assert(
          fc.property(requestInput(endpoint), fc.constantFrom('v1', 'v2'), (input, profile) => {
            counts.core += 1;
            const now = Date.now();
            let fields;
            try {
              fields = core.validateRequest(endpoint, input, now);
            } catch (err) {
              counts.coreRejected += 1;
              assertNamesField(err, names);
              return;
            }
            counts.coreAccepted += 1;
            const encoded = core.encodeRequest(IDS, fields, KEY, profile, now);
            // The signature is over exactly the body sent, and verifies the way the platform checks it.
            assert.equal(core.sign(encoded.body, KEY, profile), encoded.sign);
            const tree = core.parseLossless(encoded.body);
            assert.deepEqual(core.verifyTree(tree, KEY, profile, 'strict'), { verified: profile }, encoded.body);
            assert.equal(core.canonicalString(encoded.body, profile).includes(KEY), false);
            assert.equal(encoded.body.includes(KEY), false, 'the key is never in the body');
            // What the client accepts, the front-end machine accepts (except an unknown channelProduct, passed
            // through on purpose for products newer than the schema).
            const problem = checkFields(endpoint, tree, now, false);
            const unknownProduct = problem === '字段 channelProduct 非法' && !scanProducts.includes(fields.channelProduct);
            if (problem && !unknownProduct) {
              assert.fail(`the client accepted what the platform refuses (${problem}): ${encoded.body.slice(0, 300)} from ${show(input)}`);
            }
            // Amounts are exact: the wire value equals the input, never rounded.
            for (const name of AMOUNT_FIELDS) {
              if (fields[name] === undefined) continue;
              const wire = fields[name].value;
              assert.match(wire, /^\d{1,8}\.\d{2}$/);
              assert.ok(
                new core.Decimal(wire).equals(new core.Decimal(String(input[name]))),
                `${name}: ${show(input[name])} went out as ${wire}`,
              );
            }
          }),
          params(RUNS),
        );
      });
    }

    it('any value at all as the whole input: a named error or a request, never a crash', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...ACTION_ENDPOINTS),
          fc.oneof(hostileValue, fc.anything(), hostileObject(hostileValue)),
          (endpoint, input) => {
            counts.core += 1;
            try {
              core.validateRequest(endpoint, input);
              counts.coreAccepted += 1;
            } catch (err) {
              counts.coreRejected += 1;
              assertNamesField(err, ['payload', ...core.ENDPOINTS[endpoint].request.map((s) => s.name)]);
            }
          },
        ),
        params(RUNS),
      );
    });

    it('amounts: 1e3, 0.1+0.2, -0 and friends are taken exactly or refused naming the field', () => {
      fc.assert(
        fc.property(
          fc.oneof(hostileValue, fc.double(), fc.float(), fc.stringMatching(/^-?\d{0,10}(\.\d{0,4})?([eE][+-]?\d{1,3})?$/)),
          (amount) => {
            counts.core += 1;
            let text;
            try {
              text = core.normalizeAmount('tradeFee', amount);
            } catch (err) {
              counts.coreRejected += 1;
              assertNamesField(err, ['tradeFee']);
              return;
            }
            counts.coreAccepted += 1;
            assert.match(text, /^\d{1,8}\.\d{2}$/);
            assert.ok(new core.Decimal(text).equals(new core.Decimal(String(amount))), `${show(amount)} -> ${text}`);
          },
        ),
        params(RUNS),
      );
      assert.equal(core.normalizeAmount('tradeFee', 1e3), '1000.00');
      assert.throws(() => core.normalizeAmount('tradeFee', 0.1 + 0.2), { field: 'tradeFee', rule: 'amount_scale' });
      assert.throws(() => core.normalizeAmount('tradeFee', -0), { field: 'tradeFee' });
      assert.throws(() => core.normalizeAmount('tradeFee', '1e3'), { field: 'tradeFee' });
    });
  });

  describe('client -> sandbox over HTTP', () => {
    for (const profile of ['v1', 'v2']) {
      it(`profile ${profile}: every request the client sends is recorded with signatureValid = true`, async () => {
        const sb = await h.startSandbox({ port: 0, profile, slowMs: 20 });
        const client = new core.UppClient({
          baseUrl: sb.url,
          ...IDS,
          key: KEY,
          profile,
          proxy: 'none',
          timeouts: { payMs: 2000, readMs: 2000 },
        });
        try {
          await fc.assert(
            fc.asyncProperty(fc.constantFrom(...ACTION_ENDPOINTS), fc.nat(), async (endpoint, n) => {
              const [input] = fc.sample(requestInput(endpoint), { numRuns: 1, seed: n });
              counts.sandbox += 1;
              sb.clearRequests();
              let result;
              try {
                result = await client.call(endpoint, input);
              } catch (err) {
                assertNamesField(
                  err,
                  core.ENDPOINTS[endpoint].request.map((s) => s.name),
                );
                assert.equal(sb.requests().length, 0, 'nothing is sent after an input error');
                return;
              }
              counts.sandboxSent += 1;
              const recorded = sb.requests({ endpoint });
              assert.equal(recorded.length, 1, `${endpoint} sent once`);
              assert.equal(recorded[0].signatureValid, true, `signature refused for ${recorded[0].raw.slice(0, 300)}`);
              assert.equal(recorded[0].raw.includes(KEY), false);
              assert.ok(['success', 'pending', 'failed'].includes(result.outcome));
              const refused = refusedField(result.envelope?.msg, result.request);
              assert.equal(refused, undefined, `the client sent a ${refused} the platform refuses: ${recorded[0].raw.slice(0, 300)}`);
              if (result.outcome === 'failed')
                assert.ok(result.verified && ['pay_failed', 'refund_failed', 'N'].includes(result.status), result.status);
            }),
            params(SANDBOX_RUNS),
          );
        } finally {
          await client.destroy();
          await sb.close();
        }
      });
    }
  });

  describe('through the nodes (test helper, sandbox over HTTP)', () => {
    let sb;
    let collector;
    const NODE_IDS = {
      network: 'network',
      scanCode: 'scanCode',
      barCode: 'barCode',
      query: 'query',
      refund: 'refund',
      refundQuery: 'refundQuery',
      close: 'close',
      poll: 'poll',
    };
    const tags = [];

    before(async () => {
      helper.settings({ uppCloseGraceMs: 200 });
      sb = await h.startSandbox({ port: 0, slowMs: 20 });
      const flow = [{ id: 'f1', type: 'tab', label: 'fuzz' }, h.configNode('cfg', sb.url, { payTimeout: '2000', readTimeout: '2000' })];
      const sinkIds = [];
      const add = (def) => {
        const { node, sinks } = h.withSinks(def, 'f1');
        flow.push(node, ...sinks);
        sinkIds.push(...sinks.map((s) => s.id));
      };
      for (const endpoint of ['network', ...ACTION_ENDPOINTS])
        add({ id: NODE_IDS[endpoint], type: h.TYPE_OF[endpoint], name: '', server: 'cfg' });
      add({
        id: 'poll',
        type: 'upp-poll',
        name: '',
        server: 'cfg',
        mode: 'auto',
        interval: '0.01',
        attempts: '2',
        closeOnGiveUp: true,
        assumeRefunded: true,
      });
      flow.push(
        { id: 'catcher', type: 'catch', z: 'f1', name: '', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'caught', type: 'helper', z: 'f1', wires: [] },
      );
      await helper.load(h.NODES, flow, { cfg: { key: KEY } });
      collector = new h.Collector();
      collector.attach([...sinkIds, 'caught']);
    });
    after(async () => {
      await helper.unload();
      await sb.close();
    });

    /** Sends a msg into a node and checks its one arrival: an output whose requests verified, or a named error. */
    async function one(nodeId, msg, fieldNames) {
      const tag = uid('Z');
      tags.push(tag);
      msg.tag = tag;
      counts.nodes += 1;
      const before = Math.max(0, ...sb.requests().map((r) => r.seq));
      helper.getNode(nodeId).receive(msg);
      const first = await collector.wait(tag, 10000);
      const sent = sb.requests().filter((r) => r.seq > before);
      for (const r of sent) assert.equal(r.signatureValid, true, `a request from ${nodeId} did not verify: ${r.raw.slice(0, 300)}`);
      if (first.sink === 'caught') {
        counts.nodeErrors += 1;
        const info = first.msg.upp && first.msg.upp.error;
        assert.ok(info, 'msg.upp.error describes the error');
        assert.equal(info.code, 'ERR_UPP_INPUT', `${info.code}: ${info.message}`);
        assert.ok(fieldNames.includes(info.field), `field ${info.field} is one of the node's inputs`);
        assert.ok(first.msg.error.message.includes(info.field), `the error message names ${info.field}: ${first.msg.error.message}`);
        if (nodeId !== 'poll') assert.equal(sent.length, 0, 'nothing is sent after an input error');
      } else {
        counts.nodeOutputs += 1;
        assert.ok(first.msg.upp && first.msg.upp.outcome, 'msg.upp.outcome');
        if (nodeId !== 'network' && nodeId !== 'poll') assert.ok(sent.length >= 1, 'an output means a request was sent');
        if (/:failed$/.test(first.sink) && nodeId !== 'poll') assert.ok(first.msg.upp.verified, 'failed only on a verified answer');
        if (nodeId !== 'poll' && nodeId !== 'network') {
          const refused = refusedField(first.msg.upp.msg, first.msg.upp.request ?? {});
          assert.equal(
            refused,
            undefined,
            `${nodeId} sent a ${refused} the platform refuses: ${sent.map((r) => r.raw.slice(0, 300)).join(' ')}`,
          );
        }
      }
    }

    const msgOf = (endpoint) =>
      fc.oneof(
        { weight: 6, arbitrary: requestInput(endpoint, 2).map((payload) => ({ payload })) },
        { weight: 1, arbitrary: fc.oneof(hostileValue, fc.anything()).map((payload) => ({ payload })) },
        { weight: 1, arbitrary: fc.tuple(requestInput(endpoint), hostileObject(hostileValue)).map(([payload, upp]) => ({ payload, upp })) },
      );

    for (const endpoint of ACTION_ENDPOINTS) {
      it(`${h.TYPE_OF[endpoint]}: one output or one named error per message`, async () => {
        const names = core.ENDPOINTS[endpoint].request.map((s) => s.name);
        await fc.assert(
          fc.asyncProperty(msgOf(endpoint), async (msg) => {
            // A unique paymentNo / requestNo where one is given, so no case is a duplicate of another.
            await one(NODE_IDS[endpoint], msg, names);
          }),
          params(NODE_RUNS),
        );
      });
    }

    it('upp-network: any msg at all gives an ok output', async () => {
      await fc.assert(
        fc.asyncProperty(fc.anything(), async (payload) => {
          await one('network', { payload }, []);
        }),
        params(Math.max(5, Math.round(NODE_RUNS / 4))),
      );
    });

    it('upp-poll: any msg.upp / msg.payload gives one final output or one named error', async () => {
      const target = fc.record(
        {
          endpoint: fc.oneof(fc.constantFrom('scanCode', 'barCode', 'query', 'refund', 'refundQuery', 'close', 'network'), hostileValue),
          paymentNo: fc.oneof(fc.stringMatching(/^[A-Z0-9]{1,32}$/), hostileValue),
          requestNo: fc.oneof(fc.stringMatching(/^[A-Z0-9]{1,32}$/), hostileValue),
          bizType: fc.oneof(fc.constantFrom('scan_pay', 'barcode_pay'), hostileValue),
          expireTime: fc.oneof(fc.integer({ min: Date.now() + 60_000, max: Date.now() + 3600_000 }), hostileValue),
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            target.map((upp) => ({ upp })),
            target.map((payload) => ({ payload })),
            fc.anything().map((payload) => ({ payload })),
          ),
          async (msg) => {
            await one('poll', msg, ['mode', 'paymentNo', 'requestNo', 'bizType', 'expireTime']);
          },
        ),
        params(Math.max(10, Math.round(NODE_RUNS / 2))),
      );
    });

    it('every fuzzed message left exactly once (no late second output or error)', async () => {
      await h.sleep(300);
      const wrong = tags
        .filter((t) => collector.arrivals(t).length !== 1)
        .map(
          (t) =>
            `${t}: ${collector
              .arrivals(t)
              .map((a) => a.sink)
              .join(', ')}`,
        );
      assert.deepEqual(wrong, []);
      assert.ok(tags.length > 0);
    });
  });

  it('hostile keys were really own properties of the inputs (the generator works)', () => {
    const [obj] = fc.sample(
      hostileObject(fc.constant(1)).filter((o) => Object.keys(o).length > 0),
      { numRuns: 1, seed: 1 },
    );
    assert.ok(Object.keys(obj).length > 0);
    const o = {};
    Object.defineProperty(o, '__proto__', { value: { polluted: 1 }, enumerable: true });
    assert.ok(Object.prototype.hasOwnProperty.call(o, '__proto__'));
    assert.ok(HOSTILE_KEYS.includes('__proto__'));
  });
});
