// Which days a bill download asks for (vendor API §4.9, §8): blank start = yesterday on the China calendar, blank end
// = the start. Checked before anything is sent; each broken rule names its field (ERR_UPP_INPUT).
import { UppInputError } from '../core/errors';
import { describeValue } from '../core/messages';
import { addDays, chinaDate, parseChinaTime } from '../core/codec/time';

/** At most this many days in one download: a month of daily bills, so a bill held whole stays bounded in memory. */
export const MAX_RANGE_DAYS = 31;

export interface BillDates {
  startDate: string;
  endDate: string;
}

const blank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** A real `yyyy-MM-dd` day (or a Date, read on the China calendar). */
function readDay(field: string, value: unknown): string {
  if (value instanceof Date && Number.isFinite(value.getTime())) return chinaDate(value);
  const text = typeof value === 'string' ? value.trim() : value;
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text) || parseChinaTime(`${text} 00:00:00`) === undefined) {
    throw new UppInputError(field, 'date_format', { got: describeValue(value) });
  }
  return text;
}

/** Whole days from `start` to `end`, both counted ("2026-11-25".."2026-11-25" is 1). */
function daysBetween(start: string, end: string): number {
  return Math.round(((parseChinaTime(`${end} 00:00:00`) as number) - (parseChinaTime(`${start} 00:00:00`) as number)) / 86_400_000) + 1;
}

/**
 * The dates of one download. `now` is the clock (epoch ms): yesterday and today are China-calendar days of it,
 * whatever the host's time zone. Rules: real days, endDate not before startDate, neither after today, at most
 * MAX_RANGE_DAYS days.
 */
export function billDates(input: { startDate?: unknown; endDate?: unknown }, now: number): BillDates {
  const today = chinaDate(now);
  const startDate = blank(input.startDate) ? (addDays(today, -1) as string) : readDay('startDate', input.startDate);
  const endDate = blank(input.endDate) ? startDate : readDay('endDate', input.endDate);
  if (startDate > today) throw new UppInputError('startDate', 'date_future', { today, got: startDate });
  if (endDate > today) throw new UppInputError('endDate', 'date_future', { today, got: endDate });
  if (endDate < startDate) throw new UppInputError('endDate', 'date_order', { other: 'startDate', otherDate: startDate, got: endDate });
  const days = daysBetween(startDate, endDate);
  if (days > MAX_RANGE_DAYS) {
    throw new UppInputError('endDate', 'date_range', { max: MAX_RANGE_DAYS, days, got: `${startDate}..${endDate}` });
  }
  return { startDate, endDate };
}
