// The HTTP side: routing (the endpoint paths under the prefix, the control API and cashier at the root), reading
// bodies, recording every endpoint request, and delivering answers — including the faults, which only change how
// an answer is delivered (late, never, as a 500, broken, badly signed, about something else) once the request has
// done its work. One SandboxServer per sandbox; startSandbox() starts one and hands it out as the Sandbox API.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { EDITIONS, endpointPath, type EndpointName } from '../core/schema';
import { verifyTree } from '../core/codec/canonical';
import { isJsonObject, parseLossless, writeJson, type JsonObject } from '../core/codec/json';
import { isUppError } from '../core/errors';
import { dropUndefined } from '../core/objects';
import { BillBook, type Discrepancy, type Trade } from './bill-book';
import { billRow, billRows, plainRow } from './bills';
import { billsControl, type BillControls } from './bills-control';
import { cashierPage, lateMessage, notFoundPage } from './cashier';
import { control, type Controls } from './control';
import { answerRequest, MSG, servedEndpoint, type Answer } from './endpoints';
import { envelopeOf, malformedText, signedText, signedTree, UNSIGNED_BUSY, type Signer } from './envelope';
import { FaultBoard } from './faults';
import { HisDesk } from './his';
import { hisControl } from './his-control';
import { allowedHosts, hostText, refusal } from './guard';
import { Ledger, type Order } from './ledger';
import { resolveOptions, type ResolvedOptions, type SandboxOptions } from './options';
import { plainBody, Recorder } from './recorder';
import { mismatchedData, withInsertedField } from './tamper';
import {
  FAULTS_APPLYING_STATE,
  type FaultName,
  type FaultOptions,
  type FaultTaken,
  type OrderView,
  type RecordedRequest,
  type RefundView,
  type RequestFilter,
  type Sandbox,
  type BillRowView,
  type BillSource,
  type DiscrepancySpec,
  type DiscrepancyView,
  type SeedTrade,
} from './types';

const JSON_TYPE = 'application/json;charset=UTF-8';
const MAX_BODY = 1024 * 1024;

class BodyTooLarge extends Error {}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = new SandboxServer(resolveOptions(options));
  await sandbox.listen();
  return sandbox;
}

export class SandboxServer implements Sandbox, Controls, BillControls {
  url = '';
  origin = '';
  port = 0;

  protected readonly o: ResolvedOptions;
  protected readonly signer: Signer;
  protected readonly routes = new Map<string, EndpointName>();
  protected readonly ledger: Ledger;
  /** The platform's side of the HIS views: late and second payments, decisions, reconciliation (his.ts). */
  readonly his: HisDesk;
  /** Seeded trades and injected discrepancies of the bills (bill-book.ts). */
  protected readonly book: BillBook;
  protected readonly recorder = new Recorder();
  protected readonly faults = new FaultBoard();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly server: http.Server;
  private publicBase = ''; // known once listening (port 0 picks one)
  private hosts: ReadonlySet<string> = new Set();
  private closing?: Promise<void>;

  constructor(options: ResolvedOptions) {
    this.o = options;
    this.signer = { key: options.key, variant: options.signVariant };
    // Only this edition's endpoints at this edition's paths: a client set to another edition gets 404, as on a real one.
    for (const name of EDITIONS[options.edition].endpoints.filter(servedEndpoint)) {
      this.routes.set(endpointPath(name, options.edition, options.prefix), name);
    }
    const cashierUrl = (order: Order) =>
      `${this.publicBase}/_sandbox/cashier?order=${encodeURIComponent(order.outPaymentNo)}&t=${order.token}`;
    this.ledger = new Ledger(options.now, cashierUrl);
    const hisSettings = { timeoutMs: options.hisTimeoutMs, retryMs: options.hisRetryMs };
    this.book = new BillBook(this.ledger, options.now);
    this.his = new HisDesk(
      this.ledger,
      hisSettings,
      options.now,
      (text) => this.log(text),
      (date) => this.bill('platform', date, date),
    );
    this.his.configure({ orderUrl: options.hisOrderUrl, billUrl: options.hisBillUrl }); // checks the URLs
    this.server = http.createServer((req, res) => this.onRequest(req, res));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.port, this.o.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as { port: number }).port;
    this.origin = `http://${displayHost(this.o.host)}:${this.port}`;
    this.url = `${this.origin}${this.o.prefix}`;
    this.publicBase = this.o.publicUrl ?? this.origin;
    this.hosts = allowedHosts(this.o.host, this.port, this.o.publicUrl);
  }

  // ---- the programmatic API (the control API calls the same methods) ----

  requests(filter?: RequestFilter): RecordedRequest[] {
    return this.recorder.list(filter);
  }

  clearRequests(): void {
    this.recorder.clear();
  }

  order(paymentNo: string): OrderView | undefined {
    const order = this.ledger.order(paymentNo);
    return order && this.ledger.orderView(order);
  }

  orders(): OrderView[] {
    return this.ledger.allOrders().map((order) => this.ledger.orderView(order));
  }

  refund(requestNo: string): RefundView | undefined {
    const refund = this.ledger.refund(requestNo);
    return refund && this.ledger.refundView(refund);
  }

  refunds(): RefundView[] {
    return this.ledger.allRefunds().map((refund) => this.ledger.refundView(refund));
  }

  pay(paymentNo: string): void {
    this.ledger.pay(paymentNo);
  }

  decline(paymentNo: string): void {
    this.ledger.decline(paymentNo);
  }

  expire(paymentNo: string): void {
    this.ledger.expire(paymentNo);
  }

  armFault(fault: FaultName, opts: FaultOptions = {}): void {
    this.faults.arm(fault, opts);
  }

  seedTrades(date: string, trades: SeedTrade[]): BillRowView[] {
    return this.book.seed(date, trades).map((trade) => this.billRowOf(trade));
  }

  injectDiscrepancy(spec: DiscrepancySpec): DiscrepancyView {
    return this.discrepancyView(this.book.inject(spec));
  }

  discrepancies(): DiscrepancyView[] {
    return this.book.list().map((item) => this.discrepancyView(item));
  }

  clearDiscrepancies(): void {
    this.book.clear();
  }

  bill(source: BillSource, startDate: string, endDate: string = startDate): BillRowView[] {
    const start = this.book.day(startDate, 'startDate');
    const end = this.book.day(endDate, 'endDate');
    if (end < start) throw new TypeError(`endDate ${end} is before startDate ${start}`);
    return billRows(source, this.billInputs(), start, end).map(plainRow);
  }

  /** What the bills are built from (nodes/sandbox/bills.ts). */
  protected billInputs() {
    return {
      ledger: this.ledger,
      late: this.his.latePayments(),
      book: this.book,
      ids: { isvId: this.o.isvId, partnerId: this.o.partnerId },
    };
  }

  /** A seeded or injected trade as its first bill shows it (the platform's, or the channel's for a channel-only one). */
  private billRowOf(trade: Trade): BillRowView {
    return plainRow(billRow(trade.bills[0], { isvId: this.o.isvId, partnerId: this.o.partnerId }, trade));
  }

  private discrepancyView(item: Discrepancy): DiscrepancyView {
    const { trade, bills, ...rest } = item;
    return dropUndefined({ ...rest, bills: [...bills], row: trade && this.billRowOf(trade) });
  }

  reset(): void {
    this.book.clear();
    this.his.reset();
    this.ledger.reset();
    this.faults.clear();
    this.recorder.clear();
  }

  close(): Promise<void> {
    return (this.closing ??= new Promise<void>((resolve) => {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      this.his.close();
      this.server.close(() => resolve());
      this.server.closeAllConnections(); // idle keep-alive sockets and those of slow answers still waiting
    }));
  }

  info(): Record<string, unknown> {
    return {
      url: this.url,
      origin: this.origin,
      prefix: this.o.prefix,
      edition: this.o.edition,
      endpoints: Object.fromEntries([...this.routes].map(([path, name]) => [name, path])),
      isvId: this.o.isvId,
      partnerId: this.o.partnerId,
      profile: this.o.profile,
      signVariant: this.o.signVariantName,
      dataSignInCanonical: this.o.dataSignInCanonical,
      requireBody: this.o.requireBody,
      slowMs: this.o.slowMs,
      hisOrderUrl: this.his.settings.orderUrl ?? null,
      hisBillUrl: this.his.settings.billUrl ?? null,
      faults: this.faults.list(),
    };
  }

  // ---- routing ----

  protected onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const endpoint = this.routes.get(url.pathname);
    const work =
      url.pathname === '/_sandbox' || url.pathname.startsWith('/_sandbox/')
        ? this.onSandboxPath(req, res, url)
        : endpoint
          ? this.onEndpoint(req, res, endpoint, url.pathname)
          : readBody(req).then(() => this.sendText(res, 404, 'Not Found'));
    work.catch((err: unknown) => {
      this.log(`${new Date().toISOString()} ${req.method} ${url.pathname} -> 500 internal error: ${(err as Error)?.message}`);
      if (!res.headersSent && !res.destroyed) this.sendText(res, 500, 'Internal Server Error');
      else res.destroy();
    });
  }

  // ---- endpoint requests ----

  protected async onEndpoint(req: IncomingMessage, res: ServerResponse, endpoint: EndpointName, path: string): Promise<void> {
    const o = this.o;
    const method = req.method ?? 'GET';
    const time = o.now();
    let raw = '';
    let problem: number | undefined;
    try {
      raw = await readBody(req);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      problem = 413;
    }
    if (method !== 'POST') problem = 405;
    const tree = problem ? undefined : tryParse(raw);
    const signatureValid = tree !== undefined && verifyTree(tree, o.key, o.profile, 'strict').verified !== false;
    const record = this.recorder.add({ time, method, endpoint, path, body: plainBody(tree), raw, signatureValid });
    if (problem) {
      record.response = { httpStatus: problem };
      if (problem === 405) res.setHeader('Allow', 'POST');
      return this.sendText(res, problem, problem === 405 ? 'Method Not Allowed: POST only' : 'Payload Too Large', record);
    }
    const armed = this.faults.take(endpoint, record.body);
    let answer: Answer;
    if (armed && !FAULTS_APPLYING_STATE.has(armed.fault))
      answer = { result: false, msg: '' }; // nothing is applied
    else if (!tree) answer = { result: false, msg: MSG.malformed };
    else {
      const rules = { edition: o.edition, requireBody: o.requireBody };
      const bills = () => this.billInputs();
      const context = { ledger: this.ledger, bills, now: o.now(), isvId: o.isvId, partnerId: o.partnerId, ...rules };
      answer = answerRequest(endpoint, tree, signatureValid, { ...context, magicFaults: !armed });
    }
    this.deliver(res, record, answer, armed ?? (answer.fault && { fault: answer.fault }));
  }

  protected deliver(res: ServerResponse, record: RecordedRequest, answer: Answer, taken: FaultTaken | undefined): void {
    const fault = taken?.fault;
    if (fault === 'rejected') answer = { result: false, msg: MSG.rejected };
    if (fault === 'unsigned_error') answer = { result: false, msg: MSG.busy };
    const tradeStatus = answer.data && !Array.isArray(answer.data) ? answer.data.tradeStatus : undefined;
    record.response = {
      fault,
      result: answer.result,
      msg: answer.msg || undefined,
      tradeStatus: typeof tradeStatus === 'string' ? tradeStatus : undefined,
    };
    dropUndefined(record.response);
    if (fault?.startsWith('mismatch_')) answer = { ...answer, data: mismatchedData(fault, answer.data) };
    const tree = envelopeOf(answer, this.o.now());
    switch (fault) {
      case 'unsigned_error':
        return this.sendJson(res, UNSIGNED_BUSY, record);
      case 'reset':
        this.log(line(record, 'reset'));
        res.socket?.resetAndDestroy();
        return;
      case 'http500':
        return this.sendText(res, 500, 'Internal Server Error (UPP sandbox fault http500)', record);
      case 'malformed':
        return this.sendJson(res, malformedText(signedText(tree, this.signer)), record);
      case 'bad_sign':
        return this.sendJson(res, signedText(tree, this.signer, true), record);
      case 'insert_field': {
        const inserted = withInsertedField(signedTree(tree, this.signer), taken?.field as string, taken?.value ?? null);
        return this.sendJson(res, writeJson(inserted, { canonical: false }), record);
      }
      case 'slow':
        return this.sendLater(res, signedText(tree, this.signer), record);
      default:
        return this.sendJson(res, signedText(tree, this.signer), record);
    }
  }

  /** The `slow` fault: the answer after slowMs, unless the client gave up (or the sandbox closed) first. */
  private sendLater(res: ServerResponse, text: string, record: RecordedRequest): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.sendJson(res, text, record);
    }, this.o.slowMs);
    this.timers.add(timer);
    res.on('close', () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    });
  }

  protected sendJson(res: ServerResponse, text: string, record: RecordedRequest): void {
    if (res.destroyed || res.writableEnded) return;
    record.response.httpStatus = 200;
    res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    this.log(line(record, '200'));
  }

  protected sendText(res: ServerResponse, status: number, text: string, record?: RecordedRequest): void {
    if (res.destroyed || res.writableEnded) return;
    if (record) record.response.httpStatus = status;
    res.writeHead(status, { 'Content-Type': 'text/plain;charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    if (record) this.log(line(record, String(status)));
  }

  protected log(text: string): void {
    this.o.log?.(text);
  }

  // ---- cashier page and control API (origin root) ----

  protected async onSandboxPath(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    const cashier = url.pathname === '/_sandbox/cashier' || url.pathname.startsWith('/_sandbox/cashier/');
    const refused = refusal(req, this.hosts, !cashier);
    if (refused) {
      this.log(`${new Date().toISOString()} ${method} ${url.pathname} -> ${refused.status} refused: ${refused.error}`);
      return this.sendControl(res, refused.status, { error: refused.error });
    }
    if (cashier) return this.onCashier(res, method, url, body);
    const reply =
      (await hisControl(this.his, method, url.pathname, body)) ??
      billsControl(this, method, url.pathname, url.searchParams, body) ??
      control(this, method, url.pathname, url.searchParams, body);
    if (!reply) return this.sendText(res, 404, 'Not Found');
    this.sendControl(res, reply.status, reply.json ?? null);
  }

  protected async onCashier(res: ServerResponse, method: string, url: URL, body: string): Promise<void> {
    if (url.pathname === '/_sandbox/cashier' && method === 'GET') {
      const order = this.cashierOrder(url.searchParams);
      return sendHtml(res, order ? 200 : 404, order ? cashierPage(order, '', this.latePaymentsOf(order)) : notFoundPage());
    }
    if (url.pathname === '/_sandbox/cashier/late' && method === 'POST') return this.onLatePayment(res, body);
    const move = /^\/_sandbox\/cashier\/(pay|decline)$/.exec(url.pathname);
    if (!move || method !== 'POST') return this.sendText(res, 404, 'Not Found');
    const form = new URLSearchParams(body);
    const order = this.cashierOrder(form.get('order') ? form : url.searchParams);
    if (!order) return sendHtml(res, 404, notFoundPage());
    try {
      if (move[1] === 'pay') this.ledger.pay(order.paymentNo);
      else this.ledger.decline(order.paymentNo);
      this.log(`${new Date().toISOString()} cashier ${move[1]} ${order.paymentNo} -> ${order.status}`);
      return sendHtml(res, 200, cashierPage(order, move[1] === 'pay' ? '支付成功 Payment done' : '已拒绝支付 Payment declined'));
    } catch (err) {
      if (!isUppError(err, 'ERR_UPP_SANDBOX_STATE')) throw err;
      return sendHtml(res, 409, cashierPage(order, `订单当前状态不允许此操作 This order can no longer be changed (${order.status})`));
    }
  }

  /** "Pay anyway" / "Pay again through another channel": the platform asks the HIS, the page shows its decision. */
  protected async onLatePayment(res: ServerResponse, body: string): Promise<void> {
    const order = this.cashierOrder(new URLSearchParams(body));
    if (!order) return sendHtml(res, 404, notFoundPage());
    try {
      const late = this.his.latePay(order.paymentNo);
      await this.his.settled();
      return sendHtml(res, 200, cashierPage(order, lateMessage(this.his.latePayment(late.id) ?? late), this.latePaymentsOf(order)));
    } catch (err) {
      if (!isUppError(err, 'ERR_UPP_SANDBOX_STATE')) throw err;
      return sendHtml(res, 409, cashierPage(order, `订单当前状态不允许此操作 This order can no longer be changed (${order.status})`));
    }
  }

  protected latePaymentsOf(order: Order) {
    return this.his.latePayments().filter((late) => late.paymentNo === order.paymentNo);
  }

  /** The order behind a cashier link: its platform serial plus the unguessable token of the pay URL. */
  protected cashierOrder(params: URLSearchParams): Order | undefined {
    const order = this.ledger.orderByOutPaymentNo(params.get('order') ?? '');
    return order && order.kind === 'scan' && order.token === params.get('t') ? order : undefined;
  }

  private sendControl(res: ServerResponse, status: number, json: unknown): void {
    const text = JSON.stringify(json, null, 2);
    res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }
}

// The access log names the request and its outcome, never the body's secrets (there are none) or the key.
function line(record: RecordedRequest, status: string): string {
  const r = record.response;
  const subject = record.body.paymentNo ?? record.body.requestNo ?? '';
  return `${new Date().toISOString()} ${record.method} ${record.path} ${record.endpoint ?? '-'} ${subject} -> ${status}${
    r.result === undefined ? '' : ` result=${r.result}`
  }${r.tradeStatus ? ` ${r.tradeStatus}` : ''}${r.msg ? ` "${r.msg}"` : ''}${r.fault ? ` fault=${r.fault}` : ''}${record.signatureValid ? '' : ' (bad sign)'}`;
}

function tryParse(raw: string): JsonObject | undefined {
  try {
    const tree = parseLossless(raw);
    return isJsonObject(tree) ? tree : undefined;
  } catch {
    return undefined;
  }
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html;charset=UTF-8', 'Content-Length': Buffer.byteLength(html) });
  res.end(html);
}

/** Reads a request body as UTF-8 text, refusing anything over 1 MiB. */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => (size > MAX_BODY ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

/** The host as clients should write it: a wildcard listen address is reached through loopback. */
function displayHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return hostText(host);
}
