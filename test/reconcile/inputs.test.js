'use strict';
// Which day and which rows upp-reconcile reads: the node's setting, else the bill download's day, else yesterday in
// China time (UTC+8) whatever the host's clock zone.
const assert = require('node:assert/strict');
const { readSources } = require('../../dist/nodes/reconcile');
const { addDays, chinaDate } = require('../../dist/nodes/core');

const base = { bill: [], his: [], date: '', upp: undefined, source: '', now: Date.UTC(2026, 10, 25, 12) };

describe('reconcile inputs', () => {
  it('yesterday is taken in China time across midnight UTC', () => {
    // 2026-11-25 16:30 UTC is 00:30 on the 26th in China: yesterday there is the 25th.
    assert.equal(readSources({ ...base, now: Date.UTC(2026, 10, 25, 16, 30) }).date, '2026-11-25');
    // 2026-11-25 15:59 UTC is 23:59 on the 25th in China: yesterday is the 24th.
    assert.equal(readSources({ ...base, now: Date.UTC(2026, 10, 25, 15, 59) }).date, '2026-11-24');
  });

  it('the node setting wins over the bill download, which wins over yesterday', () => {
    const upp = { endpoint: 'yuntaiBills', request: { startDate: '2026-11-20' } };
    assert.equal(readSources({ ...base, upp }).date, '2026-11-20');
    assert.equal(readSources({ ...base, upp, date: '2026-11-21' }).date, '2026-11-21');
  });

  it('names the field of a bad day or a list that is not an array', () => {
    assert.throws(
      () => readSources({ ...base, date: '2026-13-01' }),
      (e) => e.code === 'ERR_UPP_INPUT' && e.field === 'date' && e.rule === 'date_format',
    );
    assert.throws(
      () => readSources({ ...base, bill: null }),
      (e) => e.field === 'bill' && e.rule === 'rows' && /list of rows/.test(e.message) && /数组/.test(e.messageZh),
    );
  });

  it('source: setting, else a channel download, else platform', () => {
    assert.equal(readSources({ ...base, upp: { endpoint: 'channelBills' } }).source, 'channel');
    assert.equal(readSources({ ...base, upp: { endpoint: 'channelBills' }, source: 'platform' }).source, 'platform');
    assert.equal(readSources(base).source, 'platform');
  });

  it('day arithmetic keeps to the calendar', () => {
    assert.equal(addDays('2026-03-01', -1), '2026-02-28');
    assert.equal(addDays('2028-03-01', -1), '2028-02-29');
    assert.equal(addDays('2026-02-30', 0), undefined);
    assert.equal(chinaDate(Date.UTC(2026, 11, 31, 16)), '2027-01-01');
  });
});
