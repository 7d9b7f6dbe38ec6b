// Request fields of an action node. The list of fields comes from the core schema (ENDPOINTS[endpoint].request):
// each field is a node property named like the API field (`paymentNo`) with its typedInput type beside it
// (`paymentNoType`). A blank field reads `msg.payload.<field>`, so a HIS query row can flow straight in; the node's
// `fieldsFrom` setting names another msg property for that (e.g. `order`: a database node replaces msg.payload, so
// a flow keeps the order in msg.order and the blank fields read msg.order.<field>).
import { ENDPOINTS, type EndpointName, type FieldSpec } from '../core';
import type { Node, NodeAPI, NodeMessage } from './red';
import { UppSourceError } from './errors';

/** typedInput types a field accepts. `enum` is the editor's drop-down of known values (a fixed string). */
export const FIELD_TYPES = ['str', 'num', 'msg', 'flow', 'global', 'env', 'jsonata', 'enum'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Default expiry of a pay order when neither the node nor msg.payload gives expireTime. */
export const DEFAULT_EXPIRE_MINUTES = 15;

export interface FieldSetting {
  value: string;
  type: FieldType;
}

/** Reads the field settings of a node definition, for the endpoint's fields (unknown types count as str). */
export function fieldSettings(endpoint: EndpointName, def: Record<string, unknown>): Map<string, FieldSetting> {
  const out = new Map<string, FieldSetting>();
  for (const spec of ENDPOINTS[endpoint].request) {
    const raw = def[spec.name];
    const type = def[`${spec.name}Type`];
    out.set(spec.name, {
      value: raw === undefined || raw === null ? '' : String(raw),
      type: (FIELD_TYPES as readonly string[]).includes(type as string) ? (type as FieldType) : 'str',
    });
  }
  return out;
}

/** Where blank fields are read from when the node does not say: msg.payload. */
export const DEFAULT_FIELDS_FROM = 'payload';

/** The node's `fieldsFrom` setting: a msg property path, `payload` when blank. */
export function fieldsFromSetting(def: Record<string, unknown>): string {
  const raw = def.fieldsFrom;
  const path = typeof raw === 'string' ? raw.trim().replace(/^msg\./, '') : '';
  return path === '' ? DEFAULT_FIELDS_FROM : path;
}

/** The object blank fields are read from (msg.<fieldsFrom>), or null when it is not a plain object. */
function fieldSource(RED: NodeAPI, msg: NodeMessage, path: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    // msg.payload, the usual source, is read directly: getMessageProperty would parse the path for every message.
    value = path === DEFAULT_FIELDS_FROM ? msg.payload : RED.util.getMessageProperty(msg, path);
  } catch (err) {
    throw new UppSourceError('fieldsFrom', 'msg', String((err as Error)?.message ?? err).slice(0, 160));
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  return value as Record<string, unknown>;
}

function sourceField(source: Record<string, unknown> | null, name: string): unknown {
  return source && Object.prototype.hasOwnProperty.call(source, name) ? source[name] : undefined;
}

function evaluate(RED: NodeAPI, node: Node, field: string, setting: FieldSetting, msg: NodeMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    try {
      RED.util.evaluateNodeProperty(setting.value, setting.type, node, msg, (err, result) => {
        if (err) reject(new UppSourceError(field, setting.type, String((err as Error).message ?? err).slice(0, 160)));
        else resolve(result);
      });
    } catch (err) {
      reject(new UppSourceError(field, setting.type, String((err as Error)?.message ?? err).slice(0, 160)));
    }
  });
}

/**
 * One field's value for one message: its typed value, or msg.<fieldsFrom>.<field> (default msg.payload) when blank.
 * A promise only for the types Node-RED evaluates (msg, flow, global, env, jsonata); `await` it.
 */
export function readField(
  RED: NodeAPI,
  node: Node,
  spec: FieldSpec,
  setting: FieldSetting | undefined,
  msg: NodeMessage,
  source: Record<string, unknown> | null = fieldSource(RED, msg, DEFAULT_FIELDS_FROM),
): unknown {
  if (!setting || setting.value.trim() === '') return sourceField(source, spec.name);
  switch (setting.type) {
    case 'str':
    case 'enum':
      return setting.value;
    case 'num':
      // The literal text, not Number(text): "12.30" must stay exact and "1e3" must be refused by the amount rule.
      return setting.value.trim();
    default:
      return evaluate(RED, node, spec.name, setting, msg);
  }
}

/** A promise or anything else `await` would wait for. */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

export interface ReadOptions {
  /** The msg property blank fields are read from (default `payload`). */
  fieldsFrom?: string;
  /** expireTime = now + this many minutes when neither the node nor msg.payload gives one. */
  expireMinutes?: number;
  now?: () => number;
}

/**
 * All request fields for one message, plus the defaults: expireTime = now + N minutes; bizType from
 * msg.upp.bizType (set by the pay and poll nodes). There is no default bizType (issue 10 item 8): a barcode order
 * closed or refunded as scan_pay is refused, so without one the core's validation names bizType before sending.
 */
export async function readRequest(
  RED: NodeAPI,
  node: Node,
  endpoint: EndpointName,
  settings: Map<string, FieldSetting>,
  msg: NodeMessage,
  options: ReadOptions = {},
): Promise<Record<string, unknown>> {
  const input: Record<string, unknown> = {};
  const source = fieldSource(RED, msg, options.fieldsFrom ?? DEFAULT_FIELDS_FROM);
  const fields = ENDPOINTS[endpoint].request;
  for (const spec of fields) {
    const read = readField(RED, node, spec, settings.get(spec.name), msg, source);
    // Most fields are there at once: an `await` for each would cost a promise and a turn of the microtask queue.
    const value = isThenable(read) ? await read : read;
    if (value !== undefined) input[spec.name] = value;
  }
  const blank = (v: unknown) => v === undefined || v === null || v === '';
  if (blank(input.expireTime) && fields.some((f) => f.name === 'expireTime')) {
    const minutes = options.expireMinutes !== undefined && options.expireMinutes > 0 ? options.expireMinutes : DEFAULT_EXPIRE_MINUTES;
    input.expireTime = (options.now ?? Date.now)() + Math.round(minutes * 60_000);
  }
  if (blank(input.bizType) && fields.some((f) => f.name === 'bizType')) {
    const upp = msg.upp as { bizType?: unknown } | undefined;
    if (typeof upp?.bizType === 'string' && upp.bizType !== '') input.bizType = upp.bizType;
  }
  return input;
}

/** The node's "expected amount" setting (typedInput, `num` when the type is unknown), read once per node. */
export function expectedAmountSetting(def: Record<string, unknown>): FieldSetting {
  const raw = def.expectedAmount;
  const type = def.expectedAmountType;
  return {
    value: raw === undefined || raw === null ? '' : String(raw),
    type: (FIELD_TYPES as readonly string[]).includes(type as string) ? (type as FieldType) : 'num',
  };
}

const EXPECTED_AMOUNT_SPEC: FieldSpec = {
  name: 'expectedAmount',
  type: 'amount',
  required: false,
  label: { en: 'Expected amount', zh: '预期金额' },
};

/**
 * The amount an answer must be about, for the reads that send none (CallOptions.expectedAmount): the node's
 * `expectedAmount` setting (expectedAmountSetting), else `msg.<fieldsFrom>.<amountField>` (tradeFee for a payment
 * query, refundFee for a refund query; default msg.payload), else undefined (not compared). The core refuses a
 * malformed value before sending.
 */
export async function readExpectedAmount(
  RED: NodeAPI,
  node: Node,
  amountField: 'tradeFee' | 'refundFee',
  setting: FieldSetting,
  msg: NodeMessage,
  fieldsFrom: string = DEFAULT_FIELDS_FROM,
): Promise<unknown> {
  const value =
    setting.value.trim() === ''
      ? sourceField(fieldSource(RED, msg, fieldsFrom), amountField)
      : await readField(RED, node, EXPECTED_AMOUNT_SPEC, setting, msg);
  return value === null || value === '' ? undefined : value;
}
