'use strict';
// Fault matrix: every endpoint's node x every way the front-end machine can fail, through the NODES (the test
// helper, real HTTP to the sandbox). The rules checked in every cell (vendor API §6, docs/design.md "Outcomes"):
// - no pay or refund is reported failed unless the platform said pay_failed / refund_failed in a verified answer;
// - no pay, refund or close request is ever sent twice (the sandbox's request log); reads at most `attempts` times;
// - a close with no trustworthy answer is reported closed with msg.upp.assumed = true;
// - connection refused: the Catch node gets a not-sent error and no output leaves the node;
// - the network node turns every fault into a catchable error;
// - every input message leaves exactly once (one output or one error), and every request sent verifies.
// - an upp-audit node emits one record per HTTP attempt of every cell: the body the sandbox received, nothing
//   missing, nothing extra, the last attempt's outcome = the node's, and never the key.
// The cells run concurrently in `before` (bounded); each `it` then checks one cell. The figures are printed and
// written to test-artifacts/reliability/fault-matrix.json.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./support/harness');
const { helper, core, KEY, IDS, uid } = h;

const FAULTS = ['slow', 'reset', 'refused', 'http500', 'malformed', 'bad_sign', 'unsigned_error', 'rejected'];
const ENDPOINTS = ['network', 'scanCode', 'barCode', 'query', 'refund', 'refundQuery', 'close'];
const READS = new Set(['network', 'query', 'refundQuery']);
/** The core's reason code each fault must be reported with. */
const REASON = {
  slow: 'timeout',
  reset: 'connection_reset',
  http500: 'http_status',
  malformed: 'unparsable',
  bad_sign: 'bad_signature',
  unsigned_error: 'unsigned',
  rejected: 'rejected',
};
/** Faults after which the sandbox has applied the request (the order or refund exists). */
const APPLIED = new Set(['slow', 'reset', 'http500', 'malformed', 'bad_sign']);
/** Magic cents of each fault (docs/sandbox.md). */
const CENTS = { slow: '91', reset: '92', http500: '93', malformed: '94', bad_sign: '95', unsigned_error: '96', rejected: '97' };
const RETRY_ATTEMPTS = 3; // the client's default for reads
const TIMEOUT_MS = 300; // the nodes' pay and read timeouts (config node)
const SLOW_MS = 1500; // the sandbox's slow answer: well past those timeouts
const SETTLE_MS = 100; // after the first arrival, how long to watch for a second one
const LANES = 8; // cells in flight at once

const FINAL_FAILED = { query: ['pay_failed'], refund: ['refund_failed'], refundQuery: ['refund_failed'] };
/**
 * Mismatch faults per endpoint: the bound fields its answer carries (spec section 6, core/schema.ts binding). A query
 * or refund query binds the amount when it knows it: those cells give it as msg.payload.tradeFee / refundFee, where
 * the nodes read a blank expected amount from (docs/nodes.md).
 */
const BINDING_CELLS = {
  scanCode: ['mismatch_paymentNo', 'mismatch_amount'],
  barCode: ['mismatch_paymentNo', 'mismatch_amount'],
  query: ['mismatch_paymentNo', 'mismatch_amount'],
  refund: ['mismatch_paymentNo', 'mismatch_amount', 'mismatch_requestNo'],
  refundQuery: ['mismatch_requestNo', 'mismatch_amount'],
  close: ['mismatch_paymentNo'],
};
/** The answer field each mismatch fault changes, as msg.upp.mismatch names it. */
const MISMATCHED_FIELD = {
  mismatch_paymentNo: () => 'paymentNo',
  mismatch_requestNo: () => 'requestNo',
  mismatch_amount: (endpoint) => (endpoint === 'refund' || endpoint === 'refundQuery' ? 'refundFee' : 'tradeFee'),
};

describe('reliability: fault matrix (7 endpoints x 8 faults, plus answers about something else, through the nodes)', function () {
  this.timeout(120000);
  let sb;
  let client; // a plain core client that prepares orders and refunds
  let collector;
  const audit = [];
  const cells = [];
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);

  // ---- preparing each endpoint's request, so that the fault hides the answer that matters most ----

  const expireIn = () => Date.now() + 10 * 60_000;
  async function scanOrder(fee) {
    const paymentNo = uid('MS');
    const r = await client.scanCode({
      paymentNo,
      channelProduct: 'ali_scan_code',
      expireTime: expireIn(),
      tradeFee: fee,
      subject: '挂号费',
    });
    assert.equal(r.status, 'wait_pay');
    return paymentNo;
  }
  async function paidOrder(fee = '20.00') {
    const paymentNo = uid('MP');
    const r = await client.barCode({
      paymentNo,
      authCode: '283456789012345678',
      expireTime: expireIn(),
      tradeFee: fee,
      subject: '门诊缴费',
    });
    assert.equal(r.status, 'pay_success');
    return paymentNo;
  }

  /**
   * The request for one endpoint. Without a fault the sandbox would answer a success for pay (cents 01) and a
   * definite failure for query / refund / refund query (pay_failed, refund_failed), so that a fault turned into
   * "paid" or "failed" without a verified answer would show. `cents` replaces the amount's cents (magic faults).
   */
  async function prepare(endpoint, cents) {
    switch (endpoint) {
      case 'network':
        return { payload: 'ping' };
      case 'scanCode': {
        const paymentNo = uid('FS');
        return { paymentNo, payload: { paymentNo, channelProduct: 'ali_scan_code', tradeFee: `10.${cents ?? '01'}`, subject: '挂号费' } };
      }
      case 'barCode': {
        const paymentNo = uid('FB');
        return { paymentNo, payload: { paymentNo, authCode: '283456789012345678', tradeFee: `10.${cents ?? '01'}`, subject: '门诊缴费' } };
      }
      case 'query': {
        const paymentNo = await scanOrder('10.00');
        sb.decline(paymentNo); // the verified answer would be pay_failed
        return { paymentNo, payload: { paymentNo, bizType: 'scan_pay' } };
      }
      case 'refund': {
        const paymentNo = await paidOrder();
        const requestNo = uid('FR');
        return {
          paymentNo,
          requestNo,
          payload: { paymentNo, bizType: 'barcode_pay', requestNo, refundNo: uid('RN'), refundFee: `1.${cents ?? '03'}` },
        };
      }
      case 'refundQuery': {
        const paymentNo = await paidOrder();
        const requestNo = uid('FQ');
        const r = await client.refund({ paymentNo, bizType: 'barcode_pay', requestNo, refundNo: uid('RN'), refundFee: '1.03' });
        assert.equal(r.status, 'refund_failed');
        return { paymentNo, requestNo, payload: { requestNo } };
      }
      case 'close': {
        const paymentNo = await scanOrder('10.00');
        return { paymentNo, payload: { paymentNo, bizType: 'scan_pay' } };
      }
    }
    throw new Error(endpoint);
  }

  /** A close of a paid order: the verified answer is isCloseOrder N (not closed). */
  async function preparePaidClose() {
    const paymentNo = await paidOrder();
    return { paymentNo, payload: { paymentNo, bizType: 'barcode_pay' } };
  }

  /** The sandbox filter for this cell's requests. */
  function filterFor(endpoint, prepared) {
    if (endpoint === 'refund' || endpoint === 'refundQuery') return { endpoint, requestNo: prepared.requestNo };
    if (prepared.paymentNo) return { endpoint, paymentNo: prepared.paymentNo };
    return { endpoint };
  }

  /** Sends one message through a node; resolves with its single arrival after checking that no second one comes. */
  async function through(nodeId, payload) {
    const tag = uid('T');
    helper.getNode(nodeId).receive({ tag, topic: 'matrix', payload });
    const first = await collector.wait(tag, 15000);
    await h.sleep(SETTLE_MS);
    const all = collector.arrivals(tag);
    assert.equal(all.length, 1, `exactly one output or error per message, got ${all.map((a) => a.sink).join(', ')}`);
    assert.equal(all[0].msg.tag, tag);
    return first;
  }

  /** Rules that hold in every cell, whatever the fault. */
  function checkInvariants(endpoint, arrival, requests) {
    const { sink, msg } = arrival;
    if (/:failed$/.test(sink)) {
      assert.ok(msg.upp.verified, `${sink} without a verified answer`);
      assert.ok(FINAL_FAILED[endpoint]?.includes(msg.upp.tradeStatus), `${sink} with tradeStatus ${msg.upp.tradeStatus}`);
      assert.equal(msg.upp.result, true);
    }
    if (sink !== 'caught') {
      assert.ok(msg.upp && ['success', 'pending', 'failed'].includes(msg.upp.outcome), 'msg.upp.outcome');
      if (msg.upp.verified === false) assert.deepEqual(msg.payload, {}, 'unverified data never becomes msg.payload');
    }
    if (READS.has(endpoint)) assert.ok(requests.length <= RETRY_ATTEMPTS, `${endpoint} sent ${requests.length} times`);
    else assert.ok(requests.length <= 1, `${endpoint} (money or close) sent ${requests.length} times`);
    for (const r of requests) assert.equal(r.signatureValid, true, 'every request the node sent verifies in the sandbox');
  }

  /** Runs one cell: `arm` is 'persistent' (every attempt faulted), 'once' (the first only) or 'cents' (magic cents). */
  async function cell(endpoint, fault, arm) {
    const prepared =
      fault === 'insert_field' ? await preparePaidClose() : await prepare(endpoint, arm === 'cents' ? CENTS[fault] : undefined);
    if (arm === 'binding' && endpoint === 'query') prepared.payload.tradeFee = '10.00'; // the order's amount (scanOrder)
    if (arm === 'binding' && endpoint === 'refundQuery') prepared.payload.refundFee = '1.03'; // the refund's amount
    const filter = filterFor(endpoint, prepared);
    // Network requests carry no key to filter on: those cells run one at a time and count by sequence number.
    const seqBefore = Math.max(0, ...sb.requests(filter).map((r) => r.seq));
    if (arm === 'binding') {
      // A verified answer is not retried: one fault for the one request.
      sb.armFault(fault, { ...filter, times: 1, ...(fault === 'insert_field' ? { field: 'tradeStatus', value: '' } : {}) });
    } else if (fault !== 'refused' && arm !== 'cents') {
      // Exactly as many faults as the node's requests will meet, so none is left over for another cell.
      const times = arm === 'persistent' && READS.has(endpoint) && fault !== 'rejected' ? RETRY_ATTEMPTS : 1;
      sb.armFault(fault, { ...filter, times });
    }
    const arrival = await through(fault === 'refused' ? `${endpoint}Dead` : endpoint, prepared.payload);
    const requests = sb.requests(filter).filter((r) => r.seq > seqBefore);
    checkInvariants(endpoint, arrival, requests);
    const left =
      endpoint === 'refund'
        ? sb.refund(prepared.requestNo)
        : endpoint === 'scanCode' || endpoint === 'barCode'
          ? sb.order(prepared.paymentNo)
          : undefined;
    cells.push({
      kind: arm,
      endpoint,
      fault,
      output: arrival.sink,
      reason: arrival.msg.upp?.reason ?? arrival.msg.upp?.error?.reason,
      requests: requests.length,
    });
    return { arrival, requests, prepared, left };
  }

  const plan = [];
  for (const endpoint of ENDPOINTS) {
    for (const fault of FAULTS) plan.push([endpoint, fault, 'persistent']);
    if (READS.has(endpoint)) for (const fault of FAULTS) if (fault !== 'refused') plan.push([endpoint, fault, 'once']);
    if (['scanCode', 'barCode', 'refund'].includes(endpoint))
      for (const fault of FAULTS) if (fault !== 'refused') plan.push([endpoint, fault, 'cents']);
  }
  // Answers about something else (issue 10): a correctly signed answer for another paymentNo / amount / requestNo,
  // and a field inserted after signing by a keyless man-in-the-middle. Each cell names the endpoint, the fault and
  // what the answer would otherwise have decided.
  for (const [endpoint, faults] of Object.entries(BINDING_CELLS)) for (const fault of faults) plan.push([endpoint, fault, 'binding']);
  plan.push(['close', 'insert_field', 'binding']);
  const results = new Map();
  const keyOf = (endpoint, fault, arm) => `${endpoint}/${fault}/${arm}`;
  async function runLane(list) {
    for (const [endpoint, fault, arm] of list) {
      try {
        results.set(keyOf(endpoint, fault, arm), { ok: await cell(endpoint, fault, arm) });
      } catch (error) {
        results.set(keyOf(endpoint, fault, arm), { error });
      }
    }
  }
  function result(endpoint, fault, arm) {
    const r = results.get(keyOf(endpoint, fault, arm));
    if (!r) throw new Error('cell did not run');
    if (r.error) throw r.error;
    return r.ok;
  }

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    helper.settings({ uppCloseGraceMs: 200 });
    sb = await h.startSandbox({ port: 0, slowMs: SLOW_MS });
    client = new core.UppClient({ baseUrl: sb.url, ...IDS, key: KEY, proxy: 'none' });
    const dead = `http://127.0.0.1:${await h.closedPort()}`;
    const timeouts = { payTimeout: String(TIMEOUT_MS), readTimeout: String(TIMEOUT_MS) };
    const flow = [
      { id: 'f1', type: 'tab', label: 'fault matrix' },
      h.configNode('cfg', sb.url, timeouts),
      h.configNode('cfgDead', dead, timeouts),
    ];
    const sinkIds = [];
    for (const endpoint of ENDPOINTS) {
      for (const [id, server] of [
        [endpoint, 'cfg'],
        [`${endpoint}Dead`, 'cfgDead'],
      ]) {
        const { node, sinks } = h.withSinks({ id, type: h.TYPE_OF[endpoint], name: '', server }, 'f1');
        flow.push(node, ...sinks);
        sinkIds.push(...sinks.map((s) => s.id));
      }
    }
    flow.push(
      { id: 'catcher', type: 'catch', z: 'f1', name: '', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper', z: 'f1', wires: [] },
    );
    flow.push(
      { id: 'audit', type: 'upp-audit', z: 'f1', name: '', configs: ['cfg', 'cfgDead'], endpoints: [], wires: [['auditSink']] },
      { id: 'auditSink', type: 'helper', z: 'f1', wires: [] },
    );
    await helper.load(h.NODES, flow, { cfg: { key: KEY }, cfgDead: { key: KEY } });
    helper.getNode('auditSink').on('input', (msg) => audit.push(msg.payload));
    collector = new h.Collector();
    collector.attach([...sinkIds, 'caught']);

    const network = plan.filter(([e]) => e === 'network');
    const others = plan.filter(([e]) => e !== 'network');
    const lanes = Array.from({ length: LANES }, (_, i) => others.filter((_, j) => j % LANES === i));
    await Promise.all([runLane(network), ...lanes.map(runLane)]);
  });

  after(async () => {
    process.removeListener('unhandledRejection', onUnhandled);
    await helper.unload();
    await client?.destroy();
    await sb?.close();
    const summary = {
      endpoints: ENDPOINTS.length,
      faults: FAULTS.length,
      cells: cells.length,
      byKind: cells.reduce((acc, c) => ({ ...acc, [c.kind]: (acc[c.kind] ?? 0) + 1 }), {}),
      requestsChecked: cells.reduce((n, c) => n + c.requests, 0),
    };
    const dir = path.resolve(__dirname, '..', '..', 'test-artifacts', 'reliability');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'fault-matrix.json'), `${JSON.stringify({ summary, cells }, null, 2)}\n`);
    console.log(
      `      fault matrix: ${summary.cells} cells tried (${JSON.stringify(summary.byKind)}), ${summary.requestsChecked} sandbox requests checked`,
    );
  });

  it('audit: one record per HTTP attempt of every cell, the body as the sandbox got it, the outcome the node gave, no key', () => {
    assert.ok(!JSON.stringify(audit).includes(KEY), 'the key is in no audit record');
    let checked = 0;
    for (const [endpoint, fault, arm] of plan) {
      if (endpoint === 'network') continue; // counted together below (the cells carry no id to tell them apart)
      const { arrival, requests, prepared } = result(endpoint, fault, arm);
      const node = fault === 'refused' ? `${endpoint}Dead` : endpoint;
      const idField = endpoint === 'refund' || endpoint === 'refundQuery' ? 'requestNo' : 'paymentNo';
      const records = audit
        .filter((r) => r.node === node && r.endpoint === endpoint && r[idField] === prepared[idField])
        .sort((a, b) => a.attempt - b.attempt);
      const where = `${endpoint}/${fault}/${arm}`;
      if (fault === 'refused') {
        assert.ok(records.length >= 1, `${where}: the refused attempts are listed`);
        assert.ok(
          records.every((r) => r.transport === 'not_sent' && r.outcome === 'not_sent' && r.response === null),
          where,
        );
        assert.equal(records.at(-1).attempts, records.length, `${where}: every attempt listed`);
        continue;
      }
      assert.deepEqual(
        records.map((r) => r.request).sort(),
        requests.map((r) => r.raw).sort(),
        `${where}: one record per request the sandbox got`,
      );
      assert.deepEqual(
        records.map((r) => r.attempt),
        records.map((_, i) => i + 1),
        `${where}: attempts 1..n`,
      );
      const last = records.at(-1);
      assert.equal(last.final, true);
      if (arrival.sink !== 'caught') {
        assert.equal(last.outcome, arrival.msg.upp.outcome, `${where}: the last attempt's outcome is the node's`);
        assert.equal(last.reason, arrival.msg.upp.reason, where);
        assert.equal(last.verified, arrival.msg.upp.verified, where);
      }
      for (const r of records.slice(0, -1)) assert.equal(r.outcome, 'retried', `${where}: an earlier attempt was retried`);
      checked += records.length;
    }
    const networkRequests = plan
      .filter(([e, f]) => e === 'network' && f !== 'refused')
      .reduce((n, [e, f, a]) => n + result(e, f, a).requests.length, 0);
    assert.equal(
      audit.filter((r) => r.node === 'network' && r.endpoint === 'network').length,
      networkRequests,
      'network tests: one record per request',
    );
    assert.ok(checked > 100, `records checked: ${checked}`);
  });

  it('ran without unhandled rejections', () => {
    assert.deepEqual(
      unhandled.map((r) => String(r?.stack ?? r)),
      [],
      'unhandled promise rejections',
    );
  });

  for (const endpoint of ENDPOINTS) {
    describe(`${endpoint} (node ${h.TYPE_OF[endpoint]})`, () => {
      for (const fault of FAULTS) {
        it(`${fault}${READS.has(endpoint) && fault !== 'refused' ? ' on every attempt' : ''}`, () => {
          const { arrival, requests, prepared, left } = result(endpoint, fault, 'persistent');
          const { sink, msg } = arrival;

          if (fault === 'refused') {
            // Nothing reached the platform: a catchable error, no output, and nothing to follow up.
            assert.equal(sink, 'caught', `connection refused must go to Catch, went to ${sink}`);
            assert.ok(msg.error && msg.error.message, 'msg.error.message');
            assert.equal(msg.upp.error.notSent, true);
            assert.equal(msg.upp.error.code, endpoint === 'network' ? 'ERR_UPP_NETWORK' : 'ERR_UPP_NOT_SENT');
            assert.equal(requests.length, 0);
            return;
          }
          const expectedRequests = READS.has(endpoint) && fault !== 'rejected' ? RETRY_ATTEMPTS : 1;
          assert.equal(requests.length, expectedRequests, `${endpoint} requests sent`);
          if (endpoint === 'network') {
            assert.equal(sink, 'caught', 'network faults are catchable errors');
            assert.equal(msg.upp.error.code, 'ERR_UPP_NETWORK');
            assert.equal(msg.upp.error.reason, REASON[fault]);
            assert.equal(msg.upp.error.notSent, false);
            return;
          }
          if (endpoint === 'close') {
            // Only a verified isCloseOrder=N is "not closed": anything else, a timeout included, counts as closed.
            assert.equal(sink, 'close:closed');
            assert.equal(msg.upp.assumed, true, 'msg.upp.assumed');
            assert.equal(msg.upp.reason, REASON[fault]);
            assert.equal(msg.upp.paymentNo, prepared.paymentNo);
            return;
          }
          assert.equal(sink, `${endpoint}:pending`, `${endpoint} + ${fault} must be pending, went to ${sink}`);
          assert.equal(msg.upp.outcome, 'pending');
          assert.equal(msg.upp.reason, REASON[fault]);
          assert.equal(msg.upp.assumed, false);
          assert.equal(msg.upp.verified === false, fault !== 'rejected', 'only the rejection is a verified answer');
          if (fault === 'bad_sign') assert.ok(msg.upp.unverifiedData, 'the badly signed data is kept apart as unverifiedData');
          // What is needed to follow up is on the message.
          if (endpoint !== 'refundQuery') assert.equal(msg.upp.paymentNo, prepared.paymentNo);
          if (prepared.requestNo) assert.equal(msg.upp.requestNo, prepared.requestNo);
          // Pending was the only safe answer: the faults that apply the request left the order or refund behind.
          if (endpoint !== 'query' && endpoint !== 'refundQuery')
            assert.equal(Boolean(left), APPLIED.has(fault), `order/refund exists after ${fault}`);
        });
      }

      if (READS.has(endpoint)) {
        for (const fault of FAULTS.filter((f) => f !== 'refused')) {
          it(`${fault} on the first attempt only: a read is retried and the verified answer decides`, () => {
            const { arrival, requests } = result(endpoint, fault, 'once');
            const { sink, msg } = arrival;
            if (fault === 'rejected') {
              // A verified result:false is an answer, not a transport problem: not retried, still not final.
              assert.equal(requests.length, 1);
              assert.equal(sink, endpoint === 'network' ? 'caught' : `${endpoint}:pending`);
              return;
            }
            assert.equal(requests.length, 2, 'one retry');
            const expected = { network: 'network:ok', query: 'query:failed', refundQuery: 'refundQuery:failed' }[endpoint];
            assert.equal(sink, expected);
            assert.ok(msg.upp.verified);
          });
        }
      }

      for (const fault of BINDING_CELLS[endpoint] ?? []) {
        it(`${fault}: a correctly signed answer about something else is never success or failed (pending, mismatch)`, () => {
          const { arrival, requests } = result(endpoint, fault, 'binding');
          const { sink, msg } = arrival;
          assert.equal(requests.length, 1, 'sent once, not retried');
          assert.equal(requests[0].response.fault, fault, 'the sandbox applied the fault');
          assert.equal(sink, endpoint === 'close' ? 'close:notClosed' : `${endpoint}:pending`, `went to ${sink}`);
          assert.equal(msg.upp.outcome, 'pending');
          assert.equal(msg.upp.reason, 'mismatch');
          assert.equal(msg.upp.assumed, false);
          const field = MISMATCHED_FIELD[fault](endpoint);
          const differs = msg.upp.mismatch?.[field];
          assert.ok(differs, `msg.upp.mismatch names ${field}: ${JSON.stringify(msg.upp.mismatch)}`);
          assert.ok(differs.received !== null && differs.received !== differs.expected, JSON.stringify(differs));
          assert.equal(msg.upp.unboundData?.[field] === undefined, false, 'the answer is kept apart as msg.upp.unboundData');
          assert.equal(msg.payload?.[field], undefined, 'the answer about something else is not the payload');
        });
      }

      if (endpoint === 'close') {
        it('insert_field "tradeStatus":"" into a verified isCloseOrder N answer: still not closed', () => {
          const { arrival, requests } = result('close', 'insert_field', 'binding');
          assert.equal(requests.length, 1);
          assert.equal(requests[0].response.fault, 'insert_field');
          assert.equal(arrival.sink, 'close:notClosed', `went to ${arrival.sink}`);
          assert.ok(arrival.msg.upp.verified, 'the signature still verifies: an empty value is not signed');
          assert.notEqual(arrival.msg.upp.assumed, true);
        });
      }

      if (['scanCode', 'barCode', 'refund'].includes(endpoint)) {
        for (const fault of FAULTS.filter((f) => f !== 'refused')) {
          it(`${fault} by magic cents (.${CENTS[fault]})`, () => {
            const { arrival, requests, left } = result(endpoint, fault, 'cents');
            assert.equal(requests.length, 1, 'sent once');
            assert.equal(requests[0].response.fault, fault, 'the sandbox applied the fault');
            assert.equal(arrival.sink, `${endpoint}:pending`);
            assert.equal(arrival.msg.upp.reason, REASON[fault]);
            assert.equal(Boolean(left), APPLIED.has(fault), `order/refund exists after ${fault}`);
          });
        }
      }
    });
  }
});
