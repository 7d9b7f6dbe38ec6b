// Control API routes of the bills (nodes/sandbox/bill-book.ts, bills.ts): settled trades on a chosen day, injected
// discrepancies, and the rows a bill answers. Under /_sandbox, so the Host / Origin / JSON checks of guard.ts apply.
//   POST   /_sandbox/bills/trades         {"date", "trades": [...]}        settles trades on the day; their platform rows
//   POST   /_sandbox/bills/discrepancies  {"date", "kind", ...}            injects one; as listed
//   GET    /_sandbox/bills/discrepancies                                   every injected discrepancy
//   DELETE /_sandbox/bills/discrepancies                                   forgets them (the seeded trades stay)
//   GET    /_sandbox/bills?source=platform|channel&startDate=&endDate=     the rows the bill download answers
import { isUppError } from '../core/errors';
import type { ControlReply } from './control';
import type { SandboxStateError } from './ledger';
import type { BillRowView, BillSource, DiscrepancySpec, DiscrepancyView, SeedTrade } from './types';

/** What the routes drive: the SandboxServer's own methods (the in-process API). */
export interface BillControls {
  seedTrades(date: string, trades: SeedTrade[]): BillRowView[];
  injectDiscrepancy(spec: DiscrepancySpec): DiscrepancyView;
  discrepancies(): DiscrepancyView[];
  clearDiscrepancies(): void;
  bill(source: BillSource, startDate: string, endDate?: string): BillRowView[];
}

export function billsControl(
  api: BillControls,
  method: string,
  pathname: string,
  query: URLSearchParams,
  body: string,
): ControlReply | undefined {
  const parts = pathname.split('/').filter(Boolean).slice(1).map(decodeURIComponent); // drop "_sandbox"
  if (parts[0] !== 'bills' || parts.length > 2) return undefined;
  try {
    if (parts.length === 1 && method === 'GET') {
      const source = query.get('source') ?? 'platform';
      if (source !== 'platform' && source !== 'channel')
        throw new TypeError(`source must be platform or channel (got ${JSON.stringify(source)})`);
      return reply(200, api.bill(source, query.get('startDate') ?? '', query.get('endDate') ?? undefined));
    }
    if (parts[1] === 'trades' && method === 'POST') {
      const spec = parseObject(body);
      return reply(200, { date: spec.date, rows: api.seedTrades(spec.date as string, spec.trades as SeedTrade[]) });
    }
    if (parts[1] === 'discrepancies') {
      if (method === 'POST') return reply(200, api.injectDiscrepancy(parseObject(body) as unknown as DiscrepancySpec));
      if (method === 'GET') return reply(200, api.discrepancies());
      if (method === 'DELETE') return (api.clearDiscrepancies(), reply(200, { ok: true }));
    }
  } catch (err) {
    if (err instanceof TypeError || err instanceof SyntaxError) return reply(400, { error: err.message });
    if (isUppError<SandboxStateError>(err, 'ERR_UPP_SANDBOX_STATE')) return reply(err.status, { error: err.message });
    throw err;
  }
  return undefined;
}

const reply = (status: number, json: unknown): ControlReply => ({ status, json });

function parseObject(body: string): Record<string, unknown> {
  const value: unknown = body.trim() === '' ? {} : JSON.parse(body);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('Expected a JSON object');
  return value as Record<string, unknown>;
}
