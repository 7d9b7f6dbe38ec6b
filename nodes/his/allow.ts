// Which clients may call a HIS view: an optional list of addresses (the front-end machine's IP). The socket's
// address is used, never X-Forwarded-For (any caller can write that header).

/** "10.0.0.5, 10.0.0.6" or an array -> normalized addresses; empty means every caller is allowed. */
export function parseAllow(setting: unknown): string[] {
  const items = Array.isArray(setting) ? setting : typeof setting === 'string' ? setting.split(/[\s,;]+/) : [];
  return items.map((item) => normalizeAddress(String(item).trim())).filter((item) => item !== '');
}

/** IPv4-mapped IPv6 (::ffff:10.0.0.5) is the IPv4 address; IPv6 compared in lower case. */
export function normalizeAddress(address: string | undefined): string {
  if (!address) return '';
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : lower;
}

export function isAllowed(allow: readonly string[], remoteAddress: string | undefined): boolean {
  return allow.length === 0 || allow.includes(normalizeAddress(remoteAddress));
}

/** Bad entries in the setting (for the editor and a deploy warning): not an IPv4 or IPv6 address. */
export function badAddresses(allow: readonly string[]): string[] {
  return allow.filter((a) => !/^(\d{1,3}\.){3}\d{1,3}$/.test(a) && !/^[0-9a-f:]+$/.test(a));
}
