import { ConfigError } from '../util/errors';
import { isIsoDate } from './dates';

export const PERIOD_CHOICES = ['1y', '2y', '3y', '5y', '10y', 'max'] as const;
export type PeriodChoice = (typeof PERIOD_CHOICES)[number];

export interface DateRange {
  /** Inclusive; undefined for `max` (the source's full history). */
  start?: string;
  end: string;
}

/** `5y` ending 2024-06-28 → 2019-06-29 … 2024-06-28 (the same calendar day, one period back, exclusive). */
export function periodToRange(period: string, endDate: string): DateRange {
  if (!(PERIOD_CHOICES as readonly string[]).includes(period)) {
    throw new ConfigError(`period "${period}" is not one of: ${PERIOD_CHOICES.join(', ')}`, {
      period,
      choices: [...PERIOD_CHOICES],
    });
  }
  if (!isIsoDate(endDate)) throw new ConfigError(`end date "${endDate}" must be YYYY-MM-DD`, { endDate });
  if (period === 'max') return { end: endDate };
  const years = Number(period.slice(0, -1));
  const end = new Date(`${endDate}T00:00:00Z`);
  const start = new Date(end);
  start.setUTCFullYear(end.getUTCFullYear() - years);
  // Feb 29 minus a year rolls to Mar 1, which is what "one year of data" should mean anyway.
  start.setUTCDate(start.getUTCDate() + 1);
  return { start: start.toISOString().slice(0, 10), end: endDate };
}
