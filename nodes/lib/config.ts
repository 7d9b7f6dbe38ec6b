// What the action nodes need from an upp-config node, and how its settings become UppClient options.
import { UppConfigError, type CallerInfo, type UppClient, type UppClientOptions } from '../core';
import type { Node, NodeAPI, NodeDef, TlsConfigNode } from './red';
import { resolveEnv } from './env';

/** The runtime API of an upp-config node (the poll node depends on exactly this). */
export interface UppConfigNode extends Node {
  /** The config node's single client (one undici pool), created on first use; throws UppConfigError if incomplete. */
  getClient(): UppClient;
}

/**
 * Defaults of the settings a flow may leave out. No request profile here: left out (or blank), it follows the
 * edition (v2 for 2.3, else v1; nodes/core/schema.ts EDITIONS). No edition either: left out, a legacy `pathStyle`
 * says which (manual-1.0 -> 1.0, v2 -> 2.0), else 1.0.
 */
export const CONFIG_DEFAULTS = {
  verify: 'auto',
  connectTimeout: 5000,
  payTimeout: 35000,
  readTimeout: 10000,
  proxy: 'env',
} as const;

function text(RED: NodeAPI, node: Node, def: NodeDef, field: string): string | undefined {
  const raw = resolveEnv(RED, node, field, def[field]);
  if (raw === undefined || raw === null) return undefined;
  const value = String(raw).trim();
  return value === '' ? undefined : value;
}

function milliseconds(RED: NodeAPI, node: Node, def: NodeDef, field: string, fallback: number): number {
  const value = text(RED, node, def, field);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) throw new UppConfigError(field, 'type_integer', { max: 9 });
  return n;
}

function tlsOptions(RED: NodeAPI, def: NodeDef): UppClientOptions['tls'] {
  const id = typeof def.tls === 'string' ? def.tls : '';
  if (id === '') return undefined;
  const tlsNode = RED.nodes.getNode(id) as TlsConfigNode | null;
  if (!tlsNode || typeof tlsNode.addTLSOptions !== 'function') throw new UppConfigError('tls', 'required');
  const opts: Record<string, unknown> = {};
  tlsNode.addTLSOptions(opts);
  const out: Record<string, unknown> = {};
  for (const k of ['ca', 'cert', 'key', 'passphrase', 'rejectUnauthorized', 'servername']) {
    if (opts[k] !== undefined && opts[k] !== '') out[k] = Buffer.isBuffer(opts[k]) ? (opts[k] as Buffer).toString('utf8') : opts[k];
  }
  return out as UppClientOptions['tls'];
}

/** A checkbox setting: true only when set (true or "true"). */
function flag(value: unknown): boolean {
  return value === true || value === 'true';
}

/**
 * The answer signing variant pinned by the strict-verification settings (profile, time text, data.sign), or
 * undefined when none is set (the client then uses the request profile, wire time, data.sign covered).
 */
function verifyVariant(RED: NodeAPI, node: Node, def: NodeDef): UppClientOptions['verifyVariant'] {
  const profile = text(RED, node, def, 'verifyProfile') as 'v1' | 'v2' | 'v2-mixed' | undefined;
  const time = text(RED, node, def, 'verifyTime') as 'wire' | 'iso' | undefined;
  const dataSign = def.verifyDataSign === undefined || def.verifyDataSign === '' ? undefined : flag(def.verifyDataSign);
  if (profile === undefined && time === undefined && dataSign === undefined) return undefined;
  return { profile, time, dataSign };
}

/**
 * Builds the client options from the node's properties and credentials, resolving `${VAR}` everywhere.
 * Throws UppConfigError naming the field (never a value of the key).
 */
export function clientOptions(
  RED: NodeAPI,
  node: Node,
  def: NodeDef,
  credentials: Record<string, unknown> | undefined,
  closeGraceMs: number,
): UppClientOptions {
  const key = resolveEnv(RED, node, 'key', credentials?.key);
  if (typeof key !== 'string' || key === '') throw new UppConfigError('key', 'required');
  const baseUrl = text(RED, node, def, 'baseUrl');
  if (baseUrl === undefined) throw new UppConfigError('baseUrl', 'required');
  const isvId = text(RED, node, def, 'isvId');
  if (isvId === undefined) throw new UppConfigError('isvId', 'required');
  const partnerId = text(RED, node, def, 'partnerId');
  if (partnerId === undefined) throw new UppConfigError('partnerId', 'required');
  return {
    baseUrl,
    isvId,
    partnerId,
    key,
    edition: text(RED, node, def, 'edition') as UppClientOptions['edition'],
    pathStyle: text(RED, node, def, 'pathStyle') as UppClientOptions['pathStyle'],
    profile: text(RED, node, def, 'profile') as UppClientOptions['profile'],
    verify: (text(RED, node, def, 'verify') ?? CONFIG_DEFAULTS.verify) as UppClientOptions['verify'],
    verifyVariant: verifyVariant(RED, node, def),
    dataSignUnsigned: flag(def.dataSignUnsigned),
    timeouts: {
      connectMs: milliseconds(RED, node, def, 'connectTimeout', CONFIG_DEFAULTS.connectTimeout),
      payMs: milliseconds(RED, node, def, 'payTimeout', CONFIG_DEFAULTS.payTimeout),
      readMs: milliseconds(RED, node, def, 'readTimeout', CONFIG_DEFAULTS.readTimeout),
    },
    tls: tlsOptions(RED, def),
    proxy: (text(RED, node, def, 'proxy') ?? CONFIG_DEFAULTS.proxy) as UppClientOptions['proxy'],
    closeGraceMs,
  };
}

/** The config node an action node refers to, or a config error naming `server`. */
export function configNodeOf(RED: NodeAPI, def: NodeDef): UppConfigNode {
  const id = typeof def.server === 'string' ? def.server : '';
  const node = id ? (RED.nodes.getNode(id) as UppConfigNode | null) : null;
  if (!node || typeof node.getClient !== 'function') throw new UppConfigError('server', 'required');
  return node;
}

/** The node and config node ids a call carries into the client's diagnostics events (nodes/core/events.ts). */
export function callerOf(node: Node, def: NodeDef): CallerInfo {
  return { node: node.id, config: typeof def.server === 'string' ? def.server : undefined };
}
