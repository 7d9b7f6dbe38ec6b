// Platform local time: China Standard Time, UTC+8, no daylight saving, whatever the host's time zone (docs/design.md §8).
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Formats an instant as "yyyy-MM-dd HH:mm:ss" in UTC+8. */
export function formatChinaTime(instant: Date | number): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  const d = new Date(ms + CHINA_OFFSET_MS);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Parses "yyyy-MM-dd HH:mm:ss" (UTC+8) to epoch ms, or undefined when the text is not a real date and time. */
export function parseChinaTime(text: string): number | undefined {
  const m = DATETIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - CHINA_OFFSET_MS;
  // Reject 2026-02-30 or 25:00:00, which Date.UTC would silently carry over.
  return formatChinaTime(ms) === text ? ms : undefined;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The China-time calendar day of an instant, "yyyy-MM-dd" (bill dates, spec 8). */
export function chinaDate(instant: Date | number): string {
  return formatChinaTime(instant).slice(0, 10);
}

/** A "yyyy-MM-dd" day moved by whole days ("2026-03-01", -1 -> "2026-02-28"), or undefined when not a real day. */
export function addDays(day: string, days: number): string | undefined {
  const m = DATE.exec(day);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== day) return undefined;
  return new Date(ms + days * 86_400_000).toISOString().slice(0, 10);
}
