// Protects the control API and the cashier (everything under /_sandbox) from a developer's own browser: a page on
// another site must not steer the sandbox. DNS rebinding arrives with a foreign Host header, CSRF with a foreign
// Origin, and a "simple" cross-site POST can only send text/plain or a form, never application/json (which needs a
// CORS preflight the sandbox never grants). The signed endpoints (/access/...) are not guarded: they need the key.
import { networkInterfaces } from 'node:os';
import type { IncomingMessage } from 'node:http';

export interface Refusal {
  status: 403 | 415;
  error: string;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** The Host values (host[:port], lower case) the sandbox answers to: loopback names, its bound host, its public URL. */
export function allowedHosts(boundHost: string, port: number, publicUrl?: string): Set<string> {
  const names = ['127.0.0.1', 'localhost', '[::1]', hostText(boundHost)];
  // Listening on every interface: the machine's own addresses are its names too (an IP literal cannot be rebound).
  if (WILDCARDS.has(boundHost)) {
    for (const list of Object.values(networkInterfaces())) for (const address of list ?? []) names.push(hostText(address.address));
  }
  const hosts = new Set<string>();
  for (const name of names) {
    hosts.add(`${name.toLowerCase()}:${port}`);
    if (port === 80) hosts.add(name.toLowerCase());
  }
  if (publicUrl) hosts.add(new URL(publicUrl).host.toLowerCase());
  return hosts;
}

/** Why a request to /_sandbox is refused, or undefined when it may go on. `control`: a control route, not the cashier. */
export function refusal(req: IncomingMessage, hosts: ReadonlySet<string>, control: boolean): Refusal | undefined {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!hosts.has(host))
    return {
      status: 403,
      error: `Host ${JSON.stringify(host)} is not a name of this sandbox (DNS rebinding?); use one of ${[...hosts].join(', ')}`,
    };
  const origin = req.headers.origin;
  if (origin !== undefined && !sameSite(origin, hosts))
    return { status: 403, error: `Cross-origin request from ${JSON.stringify(origin)} refused` };
  const method = req.method ?? 'GET';
  if (control && method !== 'GET' && method !== 'HEAD' && !isJson(req.headers['content-type'])) {
    return { status: 415, error: 'Control requests other than GET need Content-Type: application/json' };
  }
  return undefined;
}

function sameSite(origin: string, hosts: ReadonlySet<string>): boolean {
  try {
    const url = new URL(origin); // "null" (sandboxed frames, file:) does not parse: refused
    return (url.protocol === 'http:' || url.protocol === 'https:') && hosts.has(url.host.toLowerCase());
  } catch {
    return false;
  }
}

const isJson = (type: string | undefined): boolean => (type ?? '').split(';')[0].trim().toLowerCase() === 'application/json';

/** A host as written in a Host header: IPv6 in brackets. */
export function hostText(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
