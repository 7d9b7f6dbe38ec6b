// The HTTP side: routing (both path styles under the prefix, the control API and cashier at the root), reading
// bodies, recording every endpoint request, and delivering answers — including the faults, which only change how
// an answer is delivered (late, never, as a 500, broken, badly signed) once the request has done its work.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { ENDPOINT_NAMES, endpointPath, type EndpointName } from '../core/schema';
import { verifyTree } from '../core/codec/canonical';
import { isJsonObject, parseLossless, type JsonObject } from '../core/codec/json';
import { isUppError } from '../core/errors';
import { dropUndefined } from '../core/objects';
import { cashierPage, lateMessage, notFoundPage } from './cashier';
import { control, type Controls } from './control';
import { answerRequest, MSG, servedEndpoint, type Answer } from './endpoints';
import { envelopeOf, malformedText, signedText, UNSIGNED_BUSY, type Signer } from './envelope';
import { FaultBoard } from './faults';
import { HisDesk } from './his';
import { hisControl } from './his-control';
import { Ledger, type Order } from './ledger';
import { resolveOptions, type SandboxOptions } from './options';
import { plainBody, Recorder } from './recorder';
import { FAULTS_APPLYING_STATE, type FaultName, type RecordedRequest, type Sandbox } from './types';

const JSON_TYPE = 'application/json;charset=UTF-8';
const MAX_BODY = 1024 * 1024;

class BodyTooLarge extends Error {}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const o = resolveOptions(options);
  const signer: Signer = { key: o.key, profile: o.profile, dataSignInCanonical: o.dataSignInCanonical };
  const routes = new Map<string, EndpointName>();
  for (const name of ENDPOINT_NAMES.filter(servedEndpoint)) {
    routes.set(endpointPath(name, 'manual-1.0', o.prefix), name);
    routes.set(endpointPath(name, 'v2', o.prefix), name);
  }

  let publicBase = ''; // known once listening (port 0 picks one)
  const ledger = new Ledger(
    o.now,
    (order) => `${publicBase}/_sandbox/cashier?order=${encodeURIComponent(order.outPaymentNo)}&t=${order.token}`,
  );
  const recorder = new Recorder();
  const faults = new FaultBoard();
  const timers = new Set<NodeJS.Timeout>();
  const log = (line: string) => o.log?.(line);
  const hisSettings = { orderUrl: o.hisOrderUrl, billUrl: o.hisBillUrl, timeoutMs: o.hisTimeoutMs, retryMs: o.hisRetryMs };
  const his = new HisDesk(ledger, hisSettings, o.now, log);
  if (o.hisOrderUrl || o.hisBillUrl) his.configure({ orderUrl: o.hisOrderUrl, billUrl: o.hisBillUrl }); // checks the URLs

  // ---- endpoint requests ----

  async function onEndpoint(req: IncomingMessage, res: ServerResponse, endpoint: EndpointName, path: string): Promise<void> {
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
    const record = recorder.add({ time, method, endpoint, path, body: plainBody(tree), raw, signatureValid });
    if (problem) {
      record.response = { httpStatus: problem };
      if (problem === 405) res.setHeader('Allow', 'POST');
      return sendText(res, problem, problem === 405 ? 'Method Not Allowed: POST only' : 'Payload Too Large', record);
    }
    const armed = faults.take(endpoint, record.body);
    let answer: Answer;
    if (armed && !FAULTS_APPLYING_STATE.has(armed)) answer = { result: false, msg: '' }; // nothing is applied
    else if (!tree) answer = { result: false, msg: MSG.malformed };
    else
      answer = answerRequest(endpoint, tree, signatureValid, {
        ledger,
        now: o.now(),
        isvId: o.isvId,
        partnerId: o.partnerId,
        requireBody: o.requireBody,
        magicFaults: !armed,
      });
    deliver(res, record, answer, armed ?? answer.fault);
  }

  function deliver(res: ServerResponse, record: RecordedRequest, answer: Answer, fault: FaultName | undefined): void {
    if (fault === 'rejected') answer = { result: false, msg: MSG.rejected };
    if (fault === 'unsigned_error') answer = { result: false, msg: MSG.busy };
    const tradeStatus = answer.data?.tradeStatus;
    record.response = {
      fault,
      result: answer.result,
      msg: answer.msg || undefined,
      tradeStatus: typeof tradeStatus === 'string' ? tradeStatus : undefined,
    };
    dropUndefined(record.response);
    const tree = envelopeOf(answer, o.now());
    switch (fault) {
      case 'unsigned_error':
        return sendJson(res, UNSIGNED_BUSY, record);
      case 'reset':
        log(line(record, 'reset'));
        res.socket?.resetAndDestroy();
        return;
      case 'http500':
        return sendText(res, 500, 'Internal Server Error (UPP sandbox fault http500)', record);
      case 'malformed':
        return sendJson(res, malformedText(signedText(tree, signer)), record);
      case 'bad_sign':
        return sendJson(res, signedText(tree, signer, true), record);
      case 'slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          sendJson(res, signedText(tree, signer), record);
        }, o.slowMs);
        timers.add(timer);
        res.on('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
        });
        return;
      }
      default:
        return sendJson(res, signedText(tree, signer), record);
    }
  }

  function tryParse(raw: string): JsonObject | undefined {
    try {
      const tree = parseLossless(raw);
      return isJsonObject(tree) ? tree : undefined;
    } catch {
      return undefined;
    }
  }

  function sendJson(res: ServerResponse, text: string, record: RecordedRequest): void {
    if (res.destroyed || res.writableEnded) return;
    record.response.httpStatus = 200;
    res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    log(line(record, '200'));
  }

  function sendText(res: ServerResponse, status: number, text: string, record?: RecordedRequest): void {
    if (res.destroyed || res.writableEnded) return;
    if (record) record.response.httpStatus = status;
    res.writeHead(status, { 'Content-Type': 'text/plain;charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    if (record) log(line(record, String(status)));
  }

  // The access log names the request and its outcome, never the body's secrets (there are none) or the key.
  function line(record: RecordedRequest, status: string): string {
    const r = record.response;
    const subject = record.body.paymentNo ?? record.body.requestNo ?? '';
    return `${new Date().toISOString()} ${record.method} ${record.path} ${record.endpoint ?? '-'} ${subject} -> ${status}${
      r.result === undefined ? '' : ` result=${r.result}`
    }${r.tradeStatus ? ` ${r.tradeStatus}` : ''}${r.msg ? ` "${r.msg}"` : ''}${r.fault ? ` fault=${r.fault}` : ''}${record.signatureValid ? '' : ' (bad sign)'}`;
  }

  // ---- cashier page and control API (origin root) ----

  async function onSandboxPath(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    if (url.pathname === '/_sandbox/cashier' && method === 'GET') {
      const order = cashierOrder(url.searchParams);
      return sendHtml(res, order ? 200 : 404, order ? cashierPage(order, '', his.latePayments().filter((l) => l.paymentNo === order.paymentNo)) : notFoundPage());
    }
    if (url.pathname === '/_sandbox/cashier/late' && method === 'POST') {
      const order = cashierOrder(new URLSearchParams(body));
      if (!order) return sendHtml(res, 404, notFoundPage());
      try {
        const late = his.latePay(order.paymentNo);
        await his.settled(); // the page shows what the platform decided
        const decided = his.latePayment(late.id);
        const ofOrder = his.latePayments().filter((l) => l.paymentNo === order.paymentNo);
        return sendHtml(res, 200, cashierPage(order, lateMessage(decided ?? late), ofOrder));
      } catch (err) {
        if (!isUppError(err, 'ERR_UPP_SANDBOX_STATE')) throw err;
        return sendHtml(res, 409, cashierPage(order, `订单当前状态不允许此操作 This order can no longer be changed (${order.status})`));
      }
    }
    const move = /^\/_sandbox\/cashier\/(pay|decline)$/.exec(url.pathname);
    if (move && method === 'POST') {
      const form = new URLSearchParams(body);
      const order = cashierOrder(form.get('order') ? form : url.searchParams);
      if (!order) return sendHtml(res, 404, notFoundPage());
      try {
        if (move[1] === 'pay') ledger.pay(order.paymentNo);
        else ledger.decline(order.paymentNo);
        log(`${new Date().toISOString()} cashier ${move[1]} ${order.paymentNo} -> ${order.status}`);
        return sendHtml(res, 200, cashierPage(order, move[1] === 'pay' ? '支付成功 Payment done' : '已拒绝支付 Payment declined'));
      } catch (err) {
        if (!isUppError(err, 'ERR_UPP_SANDBOX_STATE')) throw err;
        return sendHtml(res, 409, cashierPage(order, `订单当前状态不允许此操作 This order can no longer be changed (${order.status})`));
      }
    }
    const reply = (await hisControl(his, method, url.pathname, body)) ?? control(controls, method, url.pathname, url.searchParams, body);
    if (!reply) return sendText(res, 404, 'Not Found');
    const text = JSON.stringify(reply.json ?? null, null, 2);
    res.writeHead(reply.status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  /** The order behind a cashier link: its platform serial plus the unguessable token of the pay URL. */
  function cashierOrder(params: URLSearchParams): Order | undefined {
    const order = ledger.orderByOutPaymentNo(params.get('order') ?? '');
    return order && order.kind === 'scan' && order.token === params.get('t') ? order : undefined;
  }

  function sendHtml(res: ServerResponse, status: number, html: string): void {
    res.writeHead(status, { 'Content-Type': 'text/html;charset=UTF-8', 'Content-Length': Buffer.byteLength(html) });
    res.end(html);
  }

  // ---- the server ----

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const endpoint = routes.get(url.pathname);
    const work = url.pathname === '/_sandbox' || url.pathname.startsWith('/_sandbox/')
      ? onSandboxPath(req, res, url)
      : endpoint
        ? onEndpoint(req, res, endpoint, url.pathname)
        : readBody(req).then(() => sendText(res, 404, 'Not Found'));
    work.catch((err: unknown) => {
      log(`${new Date().toISOString()} ${req.method} ${url.pathname} -> 500 internal error: ${(err as Error)?.message}`);
      if (!res.headersSent && !res.destroyed) sendText(res, 500, 'Internal Server Error');
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  const origin = `http://${displayHost(o.host)}:${port}`;
  publicBase = o.publicUrl ?? origin;

  let closing: Promise<void> | undefined;
  const sandbox: Sandbox = {
    url: `${origin}${o.prefix}`,
    origin,
    port,
    requests: (filter) => recorder.list(filter),
    clearRequests: () => recorder.clear(),
    order: (paymentNo) => {
      const order = ledger.order(paymentNo);
      return order && ledger.orderView(order);
    },
    orders: () => ledger.allOrders().map((order) => ledger.orderView(order)),
    refund: (requestNo) => {
      const refund = ledger.refund(requestNo);
      return refund && ledger.refundView(refund);
    },
    refunds: () => ledger.allRefunds().map((refund) => ledger.refundView(refund)),
    pay: (paymentNo) => void ledger.pay(paymentNo),
    decline: (paymentNo) => void ledger.decline(paymentNo),
    expire: (paymentNo) => void ledger.expire(paymentNo),
    armFault: (fault, opts = {}) => faults.arm(fault, opts),
    his,
    reset: () => {
      his.reset();
      ledger.reset();
      faults.clear();
      recorder.clear();
    },
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        his.close();
        server.close(() => resolve());
        server.closeAllConnections(); // idle keep-alive sockets and those of slow answers still waiting
      })),
  };
  const controls: Controls = {
    ...sandbox,
    info: () => ({
      url: sandbox.url,
      origin,
      prefix: o.prefix,
      isvId: o.isvId,
      partnerId: o.partnerId,
      profile: o.profile,
      dataSignInCanonical: o.dataSignInCanonical,
      requireBody: o.requireBody,
      slowMs: o.slowMs,
      hisOrderUrl: his.settings.orderUrl ?? null,
      hisBillUrl: his.settings.billUrl ?? null,
      faults: faults.list(),
    }),
  };
  return sandbox;
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
  return host.includes(':') ? `[${host}]` : host;
}
