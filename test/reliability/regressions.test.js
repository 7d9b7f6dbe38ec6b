'use strict';
// Bugs found by the reliability tests (fuzz.test.js), fixed in the core (commit 7baa737), pinned down here by a test
// of the right behaviour each, in the core and through a node.
const assert = require('node:assert/strict');
const h = require('./support/harness');
const { helper, core, KEY, uid } = h;

/** A regression test named after the bug it guards against. */
function fixedBug(id, title, fn) {
  it(`${title} [${id}]`, fn);
}

const scan = (extra) => ({
  paymentNo: uid('KB'),
  channelProduct: 'ali_scan_code',
  tradeFee: '12.30',
  subject: '挂号费',
  expireTime: Date.now() + 600_000,
  ...extra,
});

describe('reliability: regressions of bugs found by fuzzing', function () {
  describe('core validation', () => {
    fixedBug(
      'expireTime-beyond-9999',
      'expireTime as epoch ms or a Date past year 9999 is refused naming expireTime (not sent as "NaN-NaN-NaN ..." or a 5-digit year)',
      () => {
        for (const expireTime of [1e20, 3e14, 253402272000000, new Date(8.64e15)]) {
          assert.throws(
            () => core.validateRequest('scanCode', scan({ expireTime })),
            { code: 'ERR_UPP_INPUT', field: 'expireTime' },
            `expireTime ${String(expireTime)}`,
          );
        }
      },
    );

    fixedBug(
      'amount-fake-decimal',
      'an amount object that only looks like a Decimal ({toStringTag: "[object Decimal]"}) is refused naming the field',
      () => {
        assert.throws(() => core.validateRequest('scanCode', scan({ tradeFee: { toStringTag: '[object Decimal]' } })), {
          code: 'ERR_UPP_INPUT',
          field: 'tradeFee',
        });
        assert.throws(() => core.normalizeAmount('refundFee', { toStringTag: '[object Decimal]' }), {
          code: 'ERR_UPP_INPUT',
          field: 'refundFee',
        });
      },
    );

    fixedBug(
      'json-tojson-undefined',
      'bizData / expandData objects that JSON.stringify turns into nothing are refused naming the field',
      () => {
        assert.throws(() => core.validateRequest('scanCode', scan({ bizData: { toJSON: () => undefined } })), {
          code: 'ERR_UPP_INPUT',
          field: 'bizData',
        });
        assert.throws(() => core.validateRequest('scanCode', scan({ expandData: { toJSON: () => undefined } })), {
          code: 'ERR_UPP_INPUT',
          field: 'expandData',
        });
      },
    );
  });

  describe('through a node (sandbox over HTTP)', () => {
    let sb;
    let collector;
    before(async () => {
      sb = await h.startSandbox({ port: 0 });
      const { node, sinks } = h.withSinks({ id: 'scan', type: 'upp-scancode', name: '', server: 'cfg' }, 'f1');
      await helper.load(
        h.NODES,
        [
          { id: 'f1', type: 'tab', label: 'regressions' },
          h.configNode('cfg', sb.url),
          node,
          ...sinks,
          { id: 'catcher', type: 'catch', z: 'f1', name: '', scope: null, uncaught: false, wires: [['caught']] },
          { id: 'caught', type: 'helper', z: 'f1', wires: [] },
        ],
        { cfg: { key: KEY } },
      );
      collector = new h.Collector();
      collector.attach([...sinks.map((s) => s.id), 'caught']);
    });
    after(async () => {
      await helper.unload();
      await sb.close();
    });

    fixedBug(
      'expireTime-beyond-9999',
      'upp-scancode: expireTime = 1e20 goes to Catch naming expireTime and nothing is sent (was: sent, refused by the platform, reported pending)',
      async () => {
        const payload = scan({ expireTime: 1e20 });
        helper.getNode('scan').receive({ tag: 'kb1', payload });
        const { sink, msg } = await collector.wait('kb1');
        const sent = sb.requests({ paymentNo: payload.paymentNo });
        assert.equal(sink, 'caught', `went to ${sink} after sending ${sent.map((r) => r.raw).join(' ')} (platform said ${msg.upp?.msg})`);
        assert.equal(msg.upp.error.field, 'expireTime');
        assert.equal(sent.length, 0);
      },
    );

    fixedBug(
      'amount-fake-decimal',
      'upp-scancode: a fake Decimal amount is an input error naming tradeFee (was: ERR_UPP_UNEXPECTED "value.isFinite is not a function")',
      async () => {
        helper.getNode('scan').receive({ tag: 'kb2', payload: scan({ tradeFee: { toStringTag: '[object Decimal]' } }) });
        const { sink, msg } = await collector.wait('kb2');
        assert.equal(sink, 'caught');
        assert.equal(msg.upp.error.code, 'ERR_UPP_INPUT', `${msg.upp.error.code}: ${msg.upp.error.message}`);
        assert.equal(msg.upp.error.field, 'tradeFee');
      },
    );
  });
});
