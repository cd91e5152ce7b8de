/**
 * Daily OHLCV history of one ticker, column-oriented so indicator kernels can run on typed arrays.
 * `close` is as quoted (split-adjusted on Yahoo); `adjClose` also folds in dividends.
 */
export interface PriceSeries {
  ticker: string;
  /** YYYY-MM-DD, strictly ascending once validated. */
  dates: string[];
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  adjClose: Float64Array;
  volume: Float64Array;
}

export interface FetchRequest {
  tickers: string[];
  /** Inclusive YYYY-MM-DD; undefined means as far back as the source goes. */
  start?: string;
  /** Inclusive YYYY-MM-DD; undefined means up to today. */
  end?: string;
}

export type TickerFetchResult = { ticker: string; ok: true; series: PriceSeries } | { ticker: string; ok: false; error: Error };

export interface MarketDataSource {
  /** Stable name used in cache paths and run metadata (`synthetic`, `yahoo`, `csv`). */
  readonly name: string;
  /** Distinguishes two sources of the same kind in the cache (e.g. two CSV directories). */
  readonly cacheKey: string;
  /** True when the data is generated, never real market prices. */
  readonly synthetic: boolean;
  /**
   * Whether a cached history may be extended by fetching only the missing days. A CSV
   * directory can be edited anywhere, so it is re-read in full instead.
   */
  readonly incremental: boolean;
  fetch(req: FetchRequest): Promise<TickerFetchResult[]>;
}
