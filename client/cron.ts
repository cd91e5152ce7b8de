import { ConfigError } from '../lib/util/errors';

/** Cron and time-zone checks of schedules, without Temporal imports (the CLI registers its options with them). */
export const DEFAULT_RETRAIN_CRON = '0 2 * * 0';

/**
 * Validate a five-field cron expression (minute hour day-of-month month day-of-week) before the
 * server sees it, so the user gets a configuration error naming the field.
 */
export function validateCron(expr: string): void {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) throw new ConfigError(`--cron "${expr}" must have 5 fields (minute hour day-of-month month day-of-week)`);
  const names = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'];
  const ranges: [number, number][] = [
    [0, 59],
    [0, 23],
    [1, 31],
    [1, 12],
    [0, 7],
  ];
  fields.forEach((field, i) => {
    for (const part of field.split(',')) {
      const m = /^(\*|\d+(?:-\d+)?)(?:\/(\d+))?$/.exec(part);
      const bad = () =>
        new ConfigError(
          `--cron "${expr}": ${names[i]} field "${field}" is invalid (allowed ${ranges[i]![0]}–${ranges[i]![1]}, *, ranges a-b, steps /n, lists a,b)`,
        );
      if (!m) throw bad();
      if (m[1] !== '*') {
        const [a, b] = m[1]!.split('-').map(Number);
        const [lo, hi] = ranges[i]!;
        if (a! < lo || a! > hi || (b !== undefined && (b < a! || b > hi))) throw bad();
      }
      if (m[2] !== undefined && Number(m[2]) === 0) throw bad();
    }
  });
}

export function validateTimezone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new ConfigError(`--timezone "${tz}" is not an IANA time zone (e.g. UTC, America/New_York)`);
  }
}
