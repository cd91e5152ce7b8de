import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readSeriesParquet } from '../data/parquet';
import type { PriceSeries } from '../data/types';

/** A ticker's cached price history and a token that changes whenever the file does. */
export type SeriesLoader = (ticker: string) => Promise<{ series: PriceSeries; token: string } | null>;

/**
 * Reads the per-ticker Parquet cache the fetch stage keeps (`<dataCacheDir>/<sourceKey>/<T>.parquet`),
 * the same bars training snapshots are cut from. Null when the ticker has never been fetched.
 */
export function dataCacheSeriesLoader(o: {
  dataCacheDir: string;
  sourceKey: string;
}): SeriesLoader & { stat: (t: string) => Promise<string | null> } {
  const pathOf = (ticker: string) => join(o.dataCacheDir, o.sourceKey, `${ticker}.parquet`);
  const token = async (ticker: string): Promise<string | null> => {
    const s = await stat(pathOf(ticker)).catch(() => null);
    return s ? `${s.mtimeMs}:${s.size}` : null;
  };
  const load = async (ticker: string) => {
    const t = await token(ticker);
    if (t === null) return null;
    return { series: await readSeriesParquet(pathOf(ticker), ticker), token: t };
  };
  return Object.assign(load, { stat: token });
}
