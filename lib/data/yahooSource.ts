import YahooFinance from 'yahoo-finance2';
import { DataError } from '../util/errors';
import { addDays, todayIso } from './dates';
import { withRetry, type RetryOptions } from './retry';
import { emptySeries } from './series';
import type { FetchRequest, MarketDataSource, PriceSeries, TickerFetchResult } from './types';

export interface YahooSourceOptions {
  /**
   * Send requests here instead of https://query2.finance.yahoo.com (tests point it at a local
   * server). Implemented through yahoo-finance2's own `fetch` option, so responses still go
   * through its parsing and validation.
   */
  baseUrl?: string;
  /** Replaces the HTTP client entirely (yahoo-finance2's `fetch` option). */
  fetch?: typeof fetch;
  retry?: RetryOptions;
  /** Tickers fetched at the same time (default 2; Yahoo rate-limits bursts). */
  concurrency?: number;
  now?: () => Date;
}

/** What yahoo-finance2's chart() returns with the default `return: "array"`. */
interface ChartArrayResult {
  meta: { gmtoffset: number };
  quotes: {
    date: Date;
    open: number | null;
    high: number | null;
    low: number | null;
    close: number | null;
    adjclose?: number | null;
    volume: number | null;
  }[];
}

export function createYahooSource(options: YahooSourceOptions = {}): MarketDataSource {
  const yahoo = new YahooFinance({
    fetch: buildFetch(options),
    versionCheck: false,
    suppressNotices: ['yahooSurvey'],
    validation: { logErrors: false, logOptionsErrors: false },
    logger: { info() {}, warn() {}, error() {}, debug() {}, dir() {} },
  });
  const fetchOne = async (ticker: string, req: FetchRequest): Promise<TickerFetchResult> => {
    const end = req.end ?? todayIso(options.now?.());
    try {
      const result = (await withRetry(
        () =>
          yahoo.chart(ticker, {
            period1: req.start ?? '1970-01-02',
            // period2 is exclusive.
            period2: addDays(end, 1),
            interval: '1d',
          }),
        isRetryable,
        options.retry,
      )) as unknown as ChartArrayResult;
      return { ticker, ok: true, series: toSeries(ticker, result, req.start, end) };
    } catch (err) {
      return { ticker, ok: false, error: describeError(ticker, err) };
    }
  };
  return {
    name: 'yahoo',
    cacheKey: 'yahoo',
    synthetic: false,
    incremental: true,
    async fetch(req: FetchRequest): Promise<TickerFetchResult[]> {
      const results = new Array<TickerFetchResult>(req.tickers.length);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < req.tickers.length) {
          const i = next++;
          results[i] = await fetchOne(req.tickers[i]!, req);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
      return results;
    },
  };
}

function buildFetch(options: YahooSourceOptions): typeof fetch | undefined {
  const base = options.fetch ?? globalThis.fetch;
  if (!options.baseUrl) return options.fetch;
  const target = options.baseUrl.replace(/\/$/, '');
  return (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return base(url.replace(/^https?:\/\/[^/]+/, target), init);
  };
}

/**
 * Daily bars keyed by the exchange's local date: Yahoo stamps a bar with the session's open in
 * UTC, which for Asia-Pacific exchanges falls on the previous UTC day.
 */
function toSeries(ticker: string, result: ChartArrayResult, start: string | undefined, end: string): PriceSeries {
  const offsetMs = (result.meta.gmtoffset ?? 0) * 1000;
  const rows = result.quotes
    .filter((q) => q.open != null && q.high != null && q.low != null && q.close != null)
    .map((q) => ({ ...q, day: new Date(q.date.getTime() + offsetMs).toISOString().slice(0, 10) }))
    .filter((q) => (start === undefined || q.day >= start) && q.day <= end);
  const s = emptySeries(
    ticker,
    rows.map((q) => q.day),
  );
  rows.forEach((q, i) => {
    s.open[i] = q.open!;
    s.high[i] = q.high!;
    s.low[i] = q.low!;
    s.close[i] = q.close!;
    s.adjClose[i] = q.adjclose ?? q.close!;
    s.volume[i] = q.volume ?? 0;
  });
  return s;
}

function httpStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Rate limits, server errors and network failures are worth retrying; anything else is not. */
export function isRetryable(err: unknown): boolean {
  const status = httpStatus(err);
  if (status !== undefined) return status === 429 || status >= 500;
  return err instanceof TypeError; // fetch() rejects with TypeError on network errors
}

function describeError(ticker: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (/no data found|delisted|not found/i.test(message) || httpStatus(err) === 404) {
    return new DataError(`unknown ticker ${ticker}: Yahoo Finance has no data (${message})`, { ticker });
  }
  const status = httpStatus(err);
  return new Error(`Yahoo Finance request for ${ticker} failed${status ? ` (HTTP ${status})` : ''}: ${message}`, { cause: err });
}
