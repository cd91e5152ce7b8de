import { readFile } from 'node:fs/promises';
import pl from 'nodejs-polars';
import { writeFileAtomic } from '../util/atomic';
import { DataError } from '../util/errors';
import { columnAsFloat64 } from './polarsColumns';
import type { PriceSeries } from './types';

/** On-disk column names (snake_case, as other tools expect) for each PriceSeries field. */
const COLUMNS = [
  ['open', 'open'],
  ['high', 'high'],
  ['low', 'low'],
  ['close', 'close'],
  ['adjClose', 'adj_close'],
  ['volume', 'volume'],
] as const;

export function seriesToFrame(s: PriceSeries): pl.DataFrame {
  const columns: Record<string, unknown> = { date: s.dates, ticker: s.dates.map(() => s.ticker) };
  for (const [field, column] of COLUMNS) columns[column] = s[field];
  return pl.DataFrame(columns);
}

export function frameToSeries(df: pl.DataFrame, ticker: string): PriceSeries {
  const missing = ['date', ...COLUMNS.map(([, c]) => c)].filter((c) => !df.columns.includes(c));
  if (missing.length > 0) throw new DataError(`price data for ${ticker} lacks columns ${missing.join(', ')}`, { ticker, missing });
  const out = { ticker, dates: df.getColumn('date').toArray() as string[] } as PriceSeries;
  for (const [field, column] of COLUMNS) {
    out[field] = Float64Array.from(columnAsFloat64(df, column));
  }
  return out;
}

/** Parquet bytes for a series; deterministic for equal content, so equal data hashes equally. */
export function seriesToParquet(s: PriceSeries): Buffer {
  return seriesToFrame(s).writeParquet();
}

export async function writeSeriesParquet(path: string, s: PriceSeries): Promise<Buffer> {
  const bytes = seriesToParquet(s);
  await writeFileAtomic(path, bytes);
  return bytes;
}

export async function readSeriesParquet(path: string, ticker: string): Promise<PriceSeries> {
  const bytes = await readFile(path);
  return frameToSeries(pl.readParquet(bytes), ticker);
}
