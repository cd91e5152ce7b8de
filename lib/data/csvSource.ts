import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DataError } from '../util/errors';
import { sha256 } from '../util/hash';
import { parseYahooCsv } from './csvFile';
import { sliceByDate } from './series';
import type { FetchRequest, MarketDataSource, TickerFetchResult } from './types';

/** `csv:DIR` — one Yahoo-export file per ticker, `DIR/TICKER.csv`. */
export function createCsvSource(dir: string): MarketDataSource {
  const root = resolve(dir);
  return {
    name: 'csv',
    cacheKey: `csv-${sha256(root).slice(0, 12)}`,
    synthetic: false,
    incremental: false,
    async fetch(req: FetchRequest): Promise<TickerFetchResult[]> {
      return Promise.all(
        req.tickers.map(async (ticker): Promise<TickerFetchResult> => {
          const file = join(root, `${ticker}.csv`);
          try {
            if (!existsSync(file)) {
              throw new DataError(`unknown ticker ${ticker}: no file ${file}`, { ticker, file });
            }
            const series = parseYahooCsv(await readFile(file, 'utf8'), ticker, file);
            return { ticker, ok: true, series: sliceByDate(series, req.start, req.end) };
          } catch (err) {
            return { ticker, ok: false, error: err as Error };
          }
        }),
      );
    },
  };
}
