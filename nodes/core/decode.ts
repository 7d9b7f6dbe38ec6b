// Turns a verified lossless tree into plain values for users: amounts stay exact strings ("100.00"), other numbers
// become JS numbers when they are safe integers and strings otherwise (a Long id must never lose digits).
import { ENDPOINTS, type EndpointName } from './schema';
import { isJsonObject, isLosslessNumber, type JsonObject, type JsonTree } from './codec/json';

export interface Envelope {
  result?: boolean;
  kind?: string;
  msg?: string;
  version?: string;
  timestamp?: number | string;
  sign?: string;
}

function plainNumber(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) && String(n) === text ? n : text;
}

function toPlain(value: JsonTree, amountFields: ReadonlySet<string>, key = ''): unknown {
  if (isLosslessNumber(value)) return amountFields.has(key) ? value.value : plainNumber(value.value);
  if (Array.isArray(value)) return value.map((item) => toPlain(item, amountFields));
  if (isJsonObject(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) {
      const plain = toPlain(value[k], amountFields, k);
      // defineProperty keeps a hostile "__proto__" key an ordinary property (assignment would set the prototype)
      if (k === '__proto__') Object.defineProperty(out, k, { value: plain, enumerable: true, writable: true, configurable: true });
      else out[k] = plain;
    }
    return out;
  }
  return value;
}

/** The amount fields of each endpoint's answer, from the schema (built once). */
const AMOUNT_FIELDS = new Map(
  (Object.keys(ENDPOINTS) as EndpointName[]).map((name) => [
    name,
    new Set(ENDPOINTS[name].response.filter((f) => f.type === 'amount').map((f) => f.name)),
  ]),
);

export function decodeData(endpoint: EndpointName, tree: JsonObject): Record<string, unknown> | undefined {
  const data = tree.data;
  if (!isJsonObject(data) || ENDPOINTS[endpoint].dataShape === 'list') return undefined;
  return toPlain(data, AMOUNT_FIELDS.get(endpoint) as ReadonlySet<string>) as Record<string, unknown>;
}

/** The rows of a list-shaped answer (bill downloads), each decoded like an object's data; a single row object is one row. */
export function decodeRows(endpoint: EndpointName, tree: JsonObject): Array<Record<string, unknown>> | undefined {
  if (ENDPOINTS[endpoint].dataShape !== 'list') return undefined;
  const data = tree.data;
  const rows = Array.isArray(data) ? data : isJsonObject(data) ? [data] : [];
  const amounts = AMOUNT_FIELDS.get(endpoint) as ReadonlySet<string>;
  return rows.filter(isJsonObject).map((row) => toPlain(row, amounts) as Record<string, unknown>);
}

export function decodeEnvelope(tree: JsonObject): Envelope {
  const envelope: Envelope = {};
  if (typeof tree.result === 'boolean') envelope.result = tree.result;
  if (typeof tree.kind === 'string') envelope.kind = tree.kind;
  else if (isLosslessNumber(tree.kind)) envelope.kind = tree.kind.value;
  if (typeof tree.msg === 'string') envelope.msg = tree.msg;
  if (typeof tree.version === 'string') envelope.version = tree.version;
  if (isLosslessNumber(tree.timestamp)) envelope.timestamp = plainNumber(tree.timestamp.value);
  if (typeof tree.sign === 'string') envelope.sign = tree.sign;
  return envelope;
}

/** The fields of a request as sent, for msg.upp.request: amounts and ids as exact strings; no sign, no key. */
export function describeRequest(fields: JsonObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    out[key] = isLosslessNumber(value) ? value.value : value;
  }
  return out;
}
