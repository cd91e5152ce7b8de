import { DataError } from '../util/errors';
import { todayIso } from './dates';
import { generateSyntheticMarket, SYNTHETIC_DEFAULT_SEED, SYNTHETIC_ORIGIN } from './syntheticMarket';
import type { FetchRequest, MarketDataSource, TickerFetchResult } from './types';

/**
 * Only `SYN-…` symbols are generated, so a synthetic run can never produce data that looks like a
 * real listing (e.g. a fake AAPL).
 */
export const SYNTHETIC_SYMBOL = /^SYN-[A-Z0-9]{1,12}$/;

export function createSyntheticSource(options: { seed?: number; now?: () => Date } = {}): MarketDataSource {
  const seed = options.seed ?? SYNTHETIC_DEFAULT_SEED;
  return {
    name: 'synthetic',
    cacheKey: `synthetic-seed${seed}`,
    synthetic: true,
    incremental: true,
    async fetch(req: FetchRequest): Promise<TickerFetchResult[]> {
      const valid = req.tickers.filter((t) => SYNTHETIC_SYMBOL.test(t));
      const market = generateSyntheticMarket({
        seed,
        tickers: valid,
        start: req.start ?? SYNTHETIC_ORIGIN,
        end: req.end ?? todayIso(options.now?.()),
      });
      const byTicker = new Map(market.series.map((s) => [s.ticker, s]));
      return req.tickers.map((ticker) => {
        const series = byTicker.get(ticker);
        if (series) return { ticker, ok: true, series };
        return {
          ticker,
          ok: false,
          error: new DataError(`unknown ticker ${ticker}: the synthetic source only generates SYN-* symbols`, { ticker }),
        };
      });
    },
  };
}
