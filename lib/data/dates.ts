/**
 * Calendar helpers on UTC day numbers (days since 1970-01-01). Trading calendars differ per
 * exchange, so "business day" here means Monday–Friday; holidays show up as missing sessions.
 */
const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a strict YYYY-MM-DD string, or NaN when malformed or not a real date. */
export function parseDay(text: string): number {
  const m = ISO_DATE.exec(text);
  if (!m) return Number.NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return Number.NaN;
  return ms / DAY_MS;
}

export function isIsoDate(text: string): boolean {
  return !Number.isNaN(parseDay(text));
}

export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function todayIso(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isBusinessDay(day: number): boolean {
  const w = weekday(day);
  return w !== 0 && w !== 6;
}

export function addDays(date: string, days: number): string {
  return formatDay(parseDay(date) + days);
}

/** Monday–Friday dates in [start, end], both inclusive. */
export function businessDays(start: string, end: string): string[] {
  const out: string[] = [];
  for (let d = parseDay(start), last = parseDay(end); d <= last; d++) if (isBusinessDay(d)) out.push(formatDay(d));
  return out;
}

/** Number of Monday–Friday days strictly after `after` and up to `end` inclusive. */
export function countBusinessDaysAfter(after: string, end: string): number {
  let n = 0;
  for (let d = parseDay(after) + 1, last = parseDay(end); d <= last; d++) if (isBusinessDay(d)) n++;
  return n;
}
