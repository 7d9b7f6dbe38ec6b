'use strict';
// upp-reconcile in Node-RED: where it reads its inputs, which output a day goes to, errors to Catch.
const assert = require('node:assert/strict');
const path = require('node:path');
const helper = require('node-red-node-test-helper');

helper.init(require.resolve('node-red'));
const reconcileNode = require(path.resolve(__dirname, '../../dist/nodes/upp-reconcile.js'));
const catchNode = require('@node-red/nodes/core/common/25-catch.js');

const DAY = '2026-11-25';
const row = (n, fee, type = 'pay') => ({
  tradeType: type,
  tradeFee: fee,
  tradeTime: `${DAY} 09:00:00`,
  outTradeNo: `YT${n}`,
  tradeNo: `HIS${n}`,
});

function flow(props = {}) {
  return [
    { id: 'r', type: 'upp-reconcile', z: 'f', wires: [['balanced'], ['attention']], ...props },
    { id: 'balanced', type: 'helper', z: 'f' },
    { id: 'attention', type: 'helper', z: 'f' },
    { id: 'c', type: 'catch', z: 'f', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'f' },
  ];
}

function next(ids) {
  return new Promise((resolve) => {
    for (const id of ids) helper.getNode(id).on('input', (msg) => resolve({ id, msg }));
  });
}

describe('upp-reconcile node', function () {
  afterEach(() => helper.unload());

  it('a balanced day leaves on output 1 with the report in msg.payload; the day comes from the bill download', async () => {
    await helper.load([reconcileNode, catchNode], flow());
    const got = next(['balanced', 'attention', 'caught']);
    helper.getNode('r').receive({
      bill: [row(1, '12.30')],
      payload: [row(1, 12.3)],
      upp: { endpoint: 'yuntaiBills', request: { startDate: DAY, endDate: DAY } },
    });
    const { id, msg } = await got;
    assert.equal(id, 'balanced');
    assert.equal(msg.payload.status, 'balanced');
    assert.equal(msg.payload.date, DAY);
    assert.equal(msg.payload.source, 'platform');
    assert.deepEqual(msg.upp.reconcile, { date: DAY, source: 'platform', status: 'balanced' });
  });

  it('a day with discrepancies leaves on output 2; the source follows a channel bill download', async () => {
    await helper.load([reconcileNode, catchNode], flow());
    const got = next(['balanced', 'attention', 'caught']);
    helper.getNode('r').receive({
      bill: [row(1, '12.30'), row(2, '1.00')],
      payload: [row(1, '12.30')],
      upp: { endpoint: 'channelBills', request: { startDate: DAY } },
    });
    const { id, msg } = await got;
    assert.equal(id, 'attention');
    assert.equal(msg.payload.source, 'channel');
    assert.deepEqual(
      msg.payload.discrepancies.map((d) => d.kind),
      ['platform_only'],
    );
  });

  it('an HIS query that returned nothing is an empty side on output 2, not a list of platform-only rows', async () => {
    await helper.load([reconcileNode, catchNode], flow({ date: DAY, dateType: 'str' }));
    const got = next(['balanced', 'attention', 'caught']);
    helper.getNode('r').receive({ bill: [row(1, '12.30')], payload: [] });
    const { id, msg } = await got;
    assert.equal(id, 'attention');
    assert.equal(msg.payload.status, 'empty_side');
    assert.equal(msg.payload.emptySide, 'his');
    assert.deepEqual(msg.payload.discrepancies, []);
  });

  it('reads the rows from the configured properties', async () => {
    await helper.load(
      [reconcileNode, catchNode],
      flow({ bill: 'downloaded.rows', billType: 'msg', his: 'his', hisType: 'msg', date: DAY, dateType: 'str' }),
    );
    const got = next(['balanced', 'attention', 'caught']);
    helper.getNode('r').receive({ downloaded: { rows: [row(1, '5.00')] }, his: [row(1, '5.00')], payload: 'ignored' });
    const { id } = await got;
    assert.equal(id, 'balanced');
  });

  it('rows that are not a list (a database error) go to Catch naming the field; nothing is reported', async () => {
    await helper.load([reconcileNode, catchNode], flow({ date: DAY, dateType: 'str' }));
    const got = next(['balanced', 'attention', 'caught']);
    helper.getNode('r').receive({ bill: [row(1, '1.00')], payload: { error: 'SQLITE_BUSY' } });
    const { id, msg } = await got;
    assert.equal(id, 'caught');
    assert.equal(msg.upp.error.code, 'ERR_UPP_INPUT');
    assert.equal(msg.upp.error.field, 'his');
    assert.equal(msg.upp.error.rule, 'rows');
  });

  it('a malformed day goes to Catch naming date', async () => {
    await helper.load([reconcileNode, catchNode], flow({ date: '2026-02-30', dateType: 'str' }));
    const got = next(['balanced', 'attention', 'caught']);
    helper.getNode('r').receive({ bill: [], payload: [] });
    const { id, msg } = await got;
    assert.equal(id, 'caught');
    assert.equal(msg.upp.error.field, 'date');
  });
});
