'use strict';
// The sandbox's bills (nodes/sandbox/bills.ts, bill-book.ts, bills-control.ts): the channel bill is what the simulated
// channel moved, so a late payment refunded automatically shows on both bills; settled trades seeded on a chosen day
// ("yesterday" for a demo); each injected discrepancy visible in the right bill and only there; the control routes
// behind the same Host / Origin / JSON checks as the rest of /_sandbox, and the same methods in process.
const http = require('node:http');
const h = require('./support/helpers');
const { assert, core, send, dataOf, KEY, IDS } = h;

const DAY = '2026-11-25';
const NEXT = '2026-11-26';

/** A sandbox of edition 2.1 whose clock starts at noon China time on DAY and moves one second per reading. */
async function sandboxAt(options = {}) {
  let tick = Date.parse(`${DAY}T04:00:00Z`);
  const sb = await h.startSandbox({ port: 0, edition: '2.1', now: () => (tick += 1000), ...options });
  sb.clock = () => tick;
  return sb;
}

const control = async (sb, method, path, json, headers = {}) => {
  const res = await fetch(`${sb.origin}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return { status: res.status, body: await res.json() };
};

/** Downloads a bill through the core client (signed, verified, decoded): its rows. */
async function download(sb, source, startDate, endDate = startDate) {
  const c = new core.UppClient({ baseUrl: sb.url, ...IDS, key: KEY, edition: '2.1', proxy: 'none' });
  try {
    const r = await c[source === 'platform' ? 'yuntaiBills' : 'channelBills']({ startDate, endDate });
    assert.equal(r.outcome, 'success', JSON.stringify(r));
    return r.rows;
  } finally {
    await c.destroy();
  }
}

const serials = (rows) => rows.map((r) => `${r.tradeType}:${r.outTradeNo}:${r.tradeFee}`).sort();

/** A stand-in HIS order view answering every question with `json`. */
async function fakeHis(json) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(json));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/his/order`,
    close: () => (server.closeAllConnections(), new Promise((resolve) => server.close(resolve))),
  };
}

describe('sandbox: bills', function () {
  describe('a late payment after a close', function () {
    for (const [title, hisAnswer, refunded] of [
      ['refunded automatically (the HIS has no paid record): pay and refund on the channel bill and the platform bill alike', [], true],
      ['kept (the HIS has it paid): the payment on both bills, no refund', 'paid', false],
    ]) {
      it(title, async () => {
        let his;
        let sb;
        try {
          sb = await sandboxAt();
          const input = h.scanInput('5.00', { expireTime: core.formatChinaTime(sb.clock() + 600_000) });
          const order = dataOf(await send(sb, 'scanCode', input, { now: sb.clock(), style: 'v2' }));
          dataOf(await send(sb, 'close', { paymentNo: input.paymentNo, bizType: 'scan_pay' }, { style: 'v2' }));
          const row = {
            tradeType: 'pay',
            tradeFee: '5.00',
            tradeTime: '2026-11-25 12:00:10',
            outTradeNo: order.outPaymentNo,
            tradeNo: input.paymentNo,
          };
          his = await fakeHis({ result: true, msg: '', data: hisAnswer === 'paid' ? [row] : [] });
          assert.equal((await control(sb, 'POST', '/_sandbox/his', { orderUrl: his.url })).status, 200);
          const late = await control(sb, 'POST', `/_sandbox/orders/${encodeURIComponent(input.paymentNo)}/late-pay`, { wait: true });
          assert.equal(late.body.kind, 'after_close');
          assert.equal(late.body.state, refunded ? 'refunded' : 'kept');
          const expected = [`pay:${order.outPaymentNo}:5.00`];
          if (refunded) expected.push(`refund:${late.body.outRefundNo}:5.00`);
          for (const source of ['platform', 'channel']) {
            const rows = await download(sb, source, DAY);
            assert.deepEqual(serials(rows), expected.sort(), source);
            const pay = rows.find((r) => r.tradeType === 'pay');
            assert.deepEqual(
              [pay.tradeNo, pay.inTradeNo, pay.channelProduct, pay.billsDate],
              [input.paymentNo, late.body.inPaymentNo, 'ali_scan_code', DAY],
            );
            if (refunded) assert.equal(rows.find((r) => r.tradeType === 'refund').tradeNo, late.body.refundNo);
          }
          // The sandbox's own reconciliation reads the same platform bill.
          assert.deepEqual(serials(sb.bill('platform', DAY)), expected.sort());
        } finally {
          await sb?.close();
          await his?.close();
        }
      });
    }
  });

  describe('seeding and discrepancies', function () {
    let sb;
    beforeEach(async () => {
      sb = await sandboxAt();
    });
    afterEach(() => sb.close());

    it('settled trades on "yesterday" become paid orders and refunds: on both bills of that day, queryable, refundable', async () => {
      const res = await control(sb, 'POST', '/_sandbox/bills/trades', {
        date: 'yesterday',
        trades: [
          {
            tradeType: 'pay',
            tradeNo: 'HIS-P1',
            tradeFee: '12.3',
            tradeTime: '09:10:11',
            channelProduct: 'ten_bar_code',
            outTradeNo: 'YT-P1',
            inTradeNo: 'TEN-P1',
          },
          { tradeType: 'pay', tradeNo: 'HIS-P2', tradeFee: 30 },
          { tradeType: 'refund', tradeNo: 'HIS-R1', paymentNo: 'HIS-P1', tradeFee: '2.30', tradeTime: '2026-11-24 11:00:00' },
        ],
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.rows.length, 3);
      assert.deepEqual(res.body.rows[0], {
        partnerId: '12345',
        isvId: '20000',
        tradeType: 'pay',
        bizType: 'barcode_pay',
        channelType: 'ten',
        channelProduct: 'ten_bar_code',
        billsDate: '2026-11-24',
        derateFee: '0.00',
        tradeFee: '12.30',
        tradeTime: '2026-11-24 09:10:11',
        outTradeNo: 'YT-P1',
        inTradeNo: 'TEN-P1',
        tradeNo: 'HIS-P1',
      });
      const refundRow = res.body.rows[2];
      assert.deepEqual(
        [refundRow.tradeType, refundRow.tradeNo, refundRow.tradeFee, refundRow.tradeTime],
        ['refund', 'HIS-R1', '2.30', '2026-11-24 11:00:00'],
      );
      for (const source of ['platform', 'channel']) {
        const rows = await download(sb, source, '2026-11-24');
        assert.deepEqual(
          rows.map((r) => [r.tradeType, r.tradeNo, r.tradeFee, r.tradeTime]),
          [
            ['pay', 'HIS-P1', '12.30', '2026-11-24 09:10:11'],
            ['pay', 'HIS-P2', '30.00', '2026-11-24 10:00:01'],
            ['refund', 'HIS-R1', '2.30', '2026-11-24 11:00:00'],
          ],
          source,
        );
        assert.equal('derateFee' in rows[0], source === 'platform');
      }
      assert.deepEqual(await download(sb, 'platform', DAY), [], 'nothing on the day after');
      assert.equal(sb.order('HIS-P1').tradeStatus, 'pay_success');
      assert.equal(sb.order('HIS-P1').refundedFee, '2.30');
      const refund = dataOf(
        await send(sb, 'refund', { paymentNo: 'HIS-P2', refundFee: '30.00', bizType: 'scan_pay', requestNo: 'RQ-X', refundNo: 'RN-X' }),
      );
      assert.equal(refund.tradeStatus, 'refund_success');
    });

    it('each discrepancy shows in the right bill only, and only on its day', async () => {
      sb.seedTrades(DAY, [
        { tradeNo: 'A1', tradeFee: '10.00', outTradeNo: 'YT-A1' },
        { tradeNo: 'A2', tradeFee: '20.00', outTradeNo: 'YT-A2' },
      ]);
      sb.seedTrades(NEXT, [{ tradeNo: 'B1', tradeFee: '7.00', outTradeNo: 'YT-B1' }]);
      const never = await control(sb, 'POST', '/_sandbox/bills/discrepancies', {
        date: DAY,
        kind: 'his_never_recorded',
        tradeNo: 'GHOST',
        tradeFee: '88.00',
        tradeTime: '15:00:00',
      });
      assert.equal(never.status, 200, JSON.stringify(never.body));
      assert.deepEqual(
        [never.body.kind, never.body.row.tradeNo, never.body.row.tradeFee, never.body.row.billsDate],
        ['his_never_recorded', 'GHOST', '88.00', DAY],
      );
      const chan = await control(sb, 'POST', '/_sandbox/bills/discrepancies', {
        date: DAY,
        kind: 'channel_only_refund',
        paymentNo: 'A1',
        tradeFee: '3.00',
        tradeNo: 'CR1',
      });
      assert.equal(chan.status, 200, JSON.stringify(chan.body));
      assert.deepEqual(chan.body.bills, ['channel']);
      const mismatch = await control(sb, 'POST', '/_sandbox/bills/discrepancies', {
        date: DAY,
        kind: 'amount_mismatch',
        outTradeNo: 'YT-A2',
        tradeFee: '19.90',
      });
      assert.equal(mismatch.status, 200, JSON.stringify(mismatch.body));
      const channelMismatch = sb.injectDiscrepancy({
        date: DAY,
        kind: 'amount_mismatch',
        tradeNo: 'A1',
        tradeFee: '10.01',
        bills: 'channel',
      });
      assert.deepEqual(channelMismatch.bills, ['channel']);

      const platform = await download(sb, 'platform', DAY);
      const channel = await download(sb, 'channel', DAY);
      const fee = (rows, tradeType, tradeNo) => rows.find((r) => r.tradeType === tradeType && r.tradeNo === tradeNo)?.tradeFee;
      assert.deepEqual(
        ['A1', 'A2', 'GHOST'].map((n) => fee(platform, 'pay', n)),
        ['10.00', '19.90', '88.00'],
      );
      assert.deepEqual(
        ['A1', 'A2', 'GHOST'].map((n) => fee(channel, 'pay', n)),
        ['10.01', '19.90', '88.00'],
      );
      assert.equal(fee(platform, 'refund', 'CR1'), undefined, 'a channel-only refund is not on the platform bill');
      const refund = channel.find((r) => r.tradeType === 'refund');
      assert.deepEqual([refund.tradeNo, refund.tradeFee, refund.channelProduct, refund.billsDate], ['CR1', '3.00', 'ali_scan_code', DAY]);
      assert.equal(sb.order('A2').tradeFee, '20.00', "the ledger keeps its amount: only the bill's differs");

      // a missing day: that day's rows are gone from both bills, the next day's stay
      assert.equal((await control(sb, 'POST', '/_sandbox/bills/discrepancies', { date: DAY, kind: 'missing_day' })).status, 200);
      for (const source of ['platform', 'channel']) {
        assert.deepEqual(await download(sb, source, DAY), [], source);
        assert.deepEqual(
          (await download(sb, source, DAY, NEXT)).map((r) => r.tradeNo),
          ['B1'],
          source,
        );
      }
      const listed = await control(sb, 'GET', '/_sandbox/bills/discrepancies');
      assert.deepEqual(
        listed.body.map((d) => d.kind),
        ['his_never_recorded', 'channel_only_refund', 'amount_mismatch', 'amount_mismatch', 'missing_day'],
      );
      assert.deepEqual(sb.discrepancies(), listed.body, 'the in-process list is the control list');
      assert.equal((await control(sb, 'DELETE', '/_sandbox/bills/discrepancies')).status, 200);
      assert.deepEqual(
        serials(await download(sb, 'channel', DAY)),
        ['pay:YT-A1:10.00', 'pay:YT-A2:20.00', `pay:${never.body.row.outTradeNo}:88.00`].sort(),
      );
      const viaControl = await control(sb, 'GET', `/_sandbox/bills?source=channel&startDate=${DAY}`);
      assert.deepEqual(viaControl.body, sb.bill('channel', DAY));
    });

    it('a missing day on one bill only; a mismatch on another day changes nothing', async () => {
      sb.seedTrades(DAY, [{ tradeNo: 'C1', tradeFee: '1.00', outTradeNo: 'YT-C1' }]);
      sb.injectDiscrepancy({ date: NEXT, kind: 'amount_mismatch', outTradeNo: 'YT-C1', tradeFee: '9.00' });
      sb.injectDiscrepancy({ date: DAY, kind: 'missing_day', bills: ['channel'] });
      assert.deepEqual(serials(await download(sb, 'platform', DAY)), ['pay:YT-C1:1.00']);
      assert.deepEqual(await download(sb, 'channel', DAY), []);
    });

    it('bad input is a 400 naming the field, and nothing is written', async () => {
      const cases = [
        [{ date: '2026-02-30', trades: [{ tradeNo: 'X', tradeFee: '1.00' }] }, /date must be a real day/],
        [{ date: DAY, trades: [] }, /trades must be a non-empty array/],
        [{ date: DAY, trades: [{ tradeNo: 'X', tradeFee: '1.001' }] }, /trades\[0\]\.tradeFee/],
        [{ date: DAY, trades: [{ tradeNo: 'X', tradeFee: '1.00', tradeTime: '25:00:00' }] }, /trades\[0\]\.tradeTime/],
        [
          { date: DAY, trades: [{ tradeNo: 'X', tradeFee: '1.00', tradeTime: `${NEXT} 10:00:00` }] },
          /trades\[0\]\.tradeTime .* on 2026-11-25/,
        ],
        [
          {
            date: DAY,
            trades: [
              { tradeNo: 'X', tradeFee: '1.00' },
              { tradeType: 'refund', tradeNo: 'R', paymentNo: 'NOPE', tradeFee: '1.00' },
            ],
          },
          /trades\[1\]\.paymentNo "NOPE": no such payment/,
        ],
        [{ date: DAY, trades: [{ tradeNo: 'X', tradeFee: '1.00', channelProduct: 'foo' }] }, /trades\[0\]\.channelProduct/],
        [{ date: DAY, trades: [{ tradeType: 'sale', tradeNo: 'X', tradeFee: '1.00' }] }, /trades\[0\]\.tradeType/],
      ];
      for (const [body, message] of cases) {
        const res = await control(sb, 'POST', '/_sandbox/bills/trades', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.match(res.body.error, message);
      }
      assert.deepEqual(sb.orders(), [], 'a list with one bad trade writes none of it');
      const bad = [
        [{ date: DAY, kind: 'lost' }, /kind must be one of/],
        [{ date: DAY, kind: 'amount_mismatch', tradeFee: '1.00' }, /one of outTradeNo or tradeNo/],
        [{ date: DAY, kind: 'amount_mismatch', tradeNo: 'A', tradeFee: '-1' }, /tradeFee/],
        [{ date: DAY, kind: 'missing_day', bills: ['his'] }, /bills must be/],
        [{ date: 'tomorrow', kind: 'missing_day' }, /date must be/],
        [{ date: DAY, kind: 'channel_only_refund', paymentNo: 'NOPE', tradeFee: '1.00' }, /paymentNo "NOPE": no such payment/],
      ];
      for (const [body, message] of bad) {
        const res = await control(sb, 'POST', '/_sandbox/bills/discrepancies', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.match(res.body.error, message);
      }
      assert.deepEqual(sb.discrepancies(), []);
      assert.equal((await control(sb, 'GET', `/_sandbox/bills?source=bank&startDate=${DAY}`)).status, 400);
      assert.throws(() => sb.bill('platform', NEXT, DAY), /endDate 2026-11-25 is before startDate 2026-11-26/);
    });

    it('the bill routes refuse a foreign Origin, a foreign Host and a non-JSON POST, like every /_sandbox route', async () => {
      const body = { date: DAY, kind: 'missing_day' };
      assert.equal((await control(sb, 'POST', '/_sandbox/bills/discrepancies', body, { Origin: 'http://evil.example' })).status, 403);
      assert.equal((await control(sb, 'POST', '/_sandbox/bills/discrepancies', body, { 'Content-Type': 'text/plain' })).status, 415);
      const foreignHost = await new Promise((resolve, reject) => {
        const req = http.request(
          `${sb.origin}/_sandbox/bills/discrepancies`,
          { method: 'POST', headers: { Host: 'evil.example', 'Content-Type': 'application/json' } },
          (res) => {
            res.resume();
            resolve(res.statusCode);
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });
      assert.equal(foreignHost, 403);
      assert.deepEqual(sb.discrepancies(), []);
    });

    it('reset forgets seeded trades and discrepancies', async () => {
      sb.seedTrades(DAY, [{ tradeNo: 'Z1', tradeFee: '1.00' }]);
      sb.injectDiscrepancy({ date: DAY, kind: 'missing_day' });
      sb.reset();
      assert.deepEqual([sb.orders(), sb.discrepancies(), sb.bill('platform', DAY)], [[], [], []]);
    });
  });
});
