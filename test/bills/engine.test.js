'use strict';
// The bill engine without Node-RED (nodes/bills): the days asked for (China calendar, whatever the UTC date), the
// rules that name their field, and a signed bill from a stand-in front-end read whole or not at all: a row of another
// merchant, of a day outside the range, with an amount that is not a decimal or a date that is not a date holds the
// whole bill back (pending, unreadable_row), as a row lacking a required field does (missing_field).
const assert = require('node:assert/strict');
const http = require('node:http');
const core = require('../../dist/nodes/core');
const bills = require('../../dist/nodes/bills');
const { signedText } = require('../../dist/nodes/sandbox/envelope');

const KEY = 'bills-engine-key-0001';
const DAY = '2026-11-25';
const at = (iso) => Date.parse(iso);

describe('bills: dates', () => {
  it('blank start: yesterday on the China calendar; blank end: the start', () => {
    const cases = [
      ['2026-11-25T15:59:59Z', '2026-11-24'], // 23:59:59 on the 25th in China
      ['2026-11-25T16:00:00Z', '2026-11-25'], // 00:00:00 on the 26th in China, still the 25th in UTC
      ['2026-11-25T23:59:59Z', '2026-11-25'],
      ['2026-03-01T01:00:00Z', '2026-02-28'], // across a month end (no 29 February in 2026)
      ['2028-03-01T01:00:00Z', '2028-02-29'],
      ['2027-01-01T00:00:00Z', '2026-12-31'], // across a year end
    ];
    for (const [now, yesterday] of cases) {
      for (const blank of [undefined, null, '', '  ']) {
        assert.deepEqual(bills.billDates({ startDate: blank, endDate: blank }, at(now)), { startDate: yesterday, endDate: yesterday }, now);
      }
    }
    assert.deepEqual(bills.billDates({ startDate: '2026-11-20' }, at('2026-11-25T04:00:00Z')), {
      startDate: '2026-11-20',
      endDate: '2026-11-20',
    });
  });

  it('a Date is read on the China calendar; text is trimmed', () => {
    const now = at('2026-11-27T04:00:00Z');
    assert.equal(bills.billDates({ startDate: new Date('2026-11-24T16:30:00Z') }, now).startDate, DAY);
    assert.equal(bills.billDates({ startDate: ` ${DAY} ` }, now).startDate, DAY);
  });

  it('each rule names its field: date_format, date_order, date_future, date_range (31 days at most)', () => {
    const now = at('2026-11-27T04:00:00Z'); // the 27th in China
    const refused = (input, field, rule) =>
      assert.throws(
        () => bills.billDates(input, now),
        (err) =>
          err.code === 'ERR_UPP_INPUT' &&
          err.field === field &&
          err.rule === rule &&
          err.message.startsWith(field) &&
          /[\u4e00-\u9fff]/.test(err.messageZh),
        JSON.stringify(input),
      );
    refused({ startDate: '2026-11-31' }, 'startDate', 'date_format');
    refused({ startDate: '26-11-25' }, 'startDate', 'date_format');
    refused({ startDate: 20261125 }, 'startDate', 'date_format');
    refused({ startDate: new Date('x') }, 'startDate', 'date_format');
    refused({ startDate: DAY, endDate: '2026-11-25 00:00:00' }, 'endDate', 'date_format');
    refused({ startDate: DAY, endDate: '2026-11-24' }, 'endDate', 'date_order');
    refused({ startDate: '2026-11-28' }, 'startDate', 'date_future');
    refused({ startDate: DAY, endDate: '2026-11-28' }, 'endDate', 'date_future');
    refused({ startDate: '2026-10-27', endDate: '2026-11-27' }, 'endDate', 'date_range');
    assert.equal(bills.MAX_RANGE_DAYS, 31);
    assert.deepEqual(bills.billDates({ startDate: '2026-10-28', endDate: '2026-11-27' }, now), {
      startDate: '2026-10-28',
      endDate: '2026-11-27',
    });
    assert.deepEqual(bills.billDates({ startDate: '2026-11-27' }, now).endDate, '2026-11-27', 'today is allowed (a partial day)');
  });
});

describe('bills: a signed bill read whole or not at all', () => {
  let server;
  let base;
  let answer; // () => data of the next answer
  let sent;
  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        sent.push(JSON.parse(body));
        const tree = { result: true, kind: '0', msg: '', version: '1.0.0', timestamp: new core.LosslessNumber('1764151200999') };
        const data = answer();
        if (data !== undefined) tree.data = data;
        const text = signedText(tree, { key: KEY, variant: { profile: 'v1', dataSign: true, time: 'wire' } });
        res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8' });
        res.end(text);
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => server.close());
  beforeEach(() => (sent = []));

  const client = () => new core.UppClient({ baseUrl: base, isvId: 20000, partnerId: 12345, key: KEY, edition: '2.1', proxy: 'none' });
  const n = (text) => new core.LosslessNumber(text);
  const row = (extra = {}) => ({
    partnerId: n('12345'),
    isvId: n('20000'),
    tradeType: 'pay',
    bizType: 'scan_pay',
    channelType: 'ali',
    channelProduct: 'ali_scan_code',
    billsDate: DAY,
    derateFee: n('0.00'),
    tradeFee: n('12.30'),
    tradeTime: `${DAY} 09:10:11`,
    outTradeNo: 'YT01',
    tradeNo: 'HIS01',
    ...extra,
  });
  async function download(rows, source = 'platform', dates = { startDate: DAY, endDate: DAY }) {
    answer = () => rows;
    const c = client();
    try {
      return await bills.downloadBill(c, source, dates);
    } finally {
      await c.destroy();
    }
  }

  it("the rows with exact amounts (12.30, 0.10, the manual's long BigDecimal text), totals exact, the request as sent", async () => {
    const long = '0.01000000000000000020816681711721685132943093776702880859375';
    const got = await download([
      row(),
      row({ tradeFee: n('0.10'), outTradeNo: 'YT02' }),
      row({ tradeType: 'refund', tradeFee: n(long), outTradeNo: 'YTR01' }),
    ]);
    assert.equal(got.outcome, 'success', JSON.stringify(got.upp));
    assert.deepEqual(
      got.rows.map((r) => r.tradeFee),
      ['12.30', '0.10', long],
    );
    assert.deepEqual(got.upp.totals, { pay: { count: 2, amount: '12.40' }, refund: { count: 1, amount: '0.01' } });
    assert.equal(got.upp.rows, 3);
    assert.equal(got.upp.verified, 'v1');
    assert.deepEqual([sent[0].startDate, sent[0].endDate], [DAY, DAY]);
    assert.equal(got.upp.request.startDate, DAY);
  });

  it('a single row object (not a list) is one row; no data is an empty bill', async () => {
    assert.equal((await download(row())).rows.length, 1);
    const empty = await download(undefined);
    assert.deepEqual([empty.outcome, empty.rows, empty.upp.rows], ['success', [], 0]);
  });

  const held = [
    ['another merchant', { partnerId: n('99999') }, 'partnerId', 'merchant'],
    ['another ISV', { isvId: n('1') }, 'isvId', 'merchant'],
    ['a trade type that is neither pay nor refund', { tradeType: 'reversal' }, 'tradeType', 'trade_type'],
    ['an amount that is text but not a decimal', { tradeFee: 'twelve' }, 'tradeFee', 'amount'],
    ['an amount as an exponent', { tradeFee: n('1.2e1') }, 'tradeFee', 'amount'],
    ['a discount that is not a decimal', { derateFee: true }, 'derateFee', 'amount'],
    ['a bill date that is not a day', { billsDate: '2026-11-31' }, 'billsDate', 'date'],
    ['a bill date outside the range asked for', { billsDate: '2026-11-24' }, 'billsDate', 'date_range'],
    ['a trade time that is not a time', { tradeTime: '2026-11-25T09:10:11' }, 'tradeTime', 'time'],
  ];
  for (const [title, bad, field, rule] of held) {
    it(`${title}: the whole bill is held back (pending, unreadable_row naming row and field)`, async () => {
      const got = await download([row(), row({ ...bad, outTradeNo: 'YT02' }), row({ outTradeNo: 'YT03' })]);
      assert.equal(got.outcome, 'pending');
      assert.equal(got.rows, undefined, 'no rows at all');
      assert.equal(got.upp.reason, 'unreadable_row');
      assert.deepEqual([got.upp.problem.row, got.upp.problem.field, got.upp.problem.rule], [1, field, rule]);
      assert.match(got.upp.detail, new RegExp(`^row 1: ${field} ${rule}`));
      assert.equal(got.upp.totals, undefined);
    });
  }

  it('a row lacking a required field (derateFee on the platform bill; outTradeNo anywhere): pending, missing_field', async () => {
    const { derateFee: _d, ...channelRow } = row();
    const platform = await download([row(), channelRow]);
    assert.deepEqual([platform.outcome, platform.upp.reason, platform.upp.missing], ['pending', 'missing_field', ['data[1].derateFee']]);
    // the same row is a whole channel bill row
    const channel = await download([channelRow], 'channel');
    assert.equal(channel.outcome, 'success');
    const { outTradeNo: _o, ...noSerial } = channelRow;
    const missing = await download([noSerial], 'channel');
    assert.deepEqual([missing.outcome, missing.upp.missing], ['pending', ['data[0].outTradeNo']]);
  });

  it('a list holding something that is not a row: pending', async () => {
    const got = await download([row(), 'not a row']);
    assert.deepEqual([got.outcome, got.upp.reason], ['pending', 'missing_field']);
  });

  it('editions before 2.1: ERR_UPP_CONFIG naming the edition, nothing sent', async () => {
    for (const edition of ['1.0', '2.0']) {
      const c = new core.UppClient({ baseUrl: base, isvId: 20000, partnerId: 12345, key: KEY, edition, proxy: 'none' });
      await assert.rejects(bills.downloadBill(c, 'channel', { startDate: DAY, endDate: DAY }), {
        code: 'ERR_UPP_CONFIG',
        field: 'edition',
      });
      await c.destroy();
    }
    assert.deepEqual(sent, []);
  });
});
