import { readSeriesParquet } from './parquet';
import { upperBound } from './series';
import type { PriceSeries } from './types';

/**
 * Sessions in the data strictly after `sinceDate` — what a scheduled run compares with its
 * "enough new data" threshold (e.g. since the production model's data end).
 */
export async function countNewTradingDays(input: PriceSeries | string, sinceDate: string): Promise<number> {
  const series = typeof input === 'string' ? await readSeriesParquet(input, '') : input;
  return series.dates.length - upperBound(series.dates, sinceDate);
}
