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
  /** One request's limit, headers and body included (default 30 s); a slower answer is retried. */
  timeoutMs?: number;
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
        { retryAfterMs, ...options.retry },
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

/** An HTTP answer worth retrying (429, 5xx), with the delay the server asked for. */
export class YahooHttpError extends Error {
  constructor(
    readonly code: number,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`HTTP ${code}${retryAfterMs !== undefined ? `, retry after ${Math.round(retryAfterMs / 1000)} s` : ''}`);
    this.name = 'YahooHttpError';
  }
}

/**
 * yahoo-finance2's `fetch` option, wrapped: a time limit on each request (body included),
 * rate limits and server errors raised with their Retry-After before the library reads the body,
 * and the host replaced when `baseUrl` is set.
 */
function buildFetch(options: YahooSourceOptions): typeof fetch {
  const base = options.fetch ?? globalThis.fetch;
  const target = options.baseUrl?.replace(/\/$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  return async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const limit = AbortSignal.timeout(timeoutMs);
    const response = await base(target ? url.replace(/^https?:\/\/[^/]+/, target) : url, {
      ...init,
      signal: init?.signal ? AbortSignal.any([init.signal, limit]) : limit,
    });
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel().catch(() => {});
      throw new YahooHttpError(response.status, parseRetryAfter(response.headers.get('retry-after')));
    }
    return response;
  };
}

/** Retry-After is either seconds or an HTTP date. */
function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function retryAfterMs(err: unknown): number | undefined {
  return err instanceof YahooHttpError ? err.retryAfterMs : undefined;
}

/**
 * Daily bars keyed by the exchange's local date: Yahoo stamps a bar with the session's open in
 * UTC, which for Asia-Pacific exchanges falls on the previous UTC day.
 */
function toSeries(ticker: string, result: ChartArrayResult, start: string | undefined, end: string): PriceSeries {
  if (result.quotes.length > 0 && result.quotes.every((q) => q.adjclose == null)) {
    // Unadjusted closes would splice splits and dividends into the returns the model learns from.
    throw new DataError(`Yahoo Finance sent no adjusted close for ${ticker}: refusing unadjusted prices`, { ticker });
  }
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

/** The HTTP status of a failed answer (ours or yahoo-finance2's HTTPError); DOMException codes are not statuses. */
function httpStatus(err: unknown): number | undefined {
  if (err instanceof YahooHttpError) return err.code;
  const code = (err as { code?: unknown; name?: unknown } | null)?.code;
  return (err as { name?: unknown } | null)?.name === 'HTTPError' && typeof code === 'number' ? code : undefined;
}

/**
 * Rate limits, server errors, network failures (a connection cut mid-body included), timeouts and
 * a body that is not JSON (a proxy's error page, an empty 200) are worth retrying; anything else —
 * an unknown symbol, a response that fails validation — is not.
 */
export function isRetryable(err: unknown): boolean {
  const status = httpStatus(err);
  if (status !== undefined) return status === 429 || status >= 500;
  if (err instanceof TypeError) return true; // fetch() rejects with TypeError on network errors
  if (err instanceof Error && err.name === 'TimeoutError') return true;
  return err instanceof Error && /response was not parsable/.test(err.message);
}

function describeError(ticker: string, err: unknown): Error {
  if (err instanceof DataError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  // A body echoed into an error (an HTML error page) is cut to one readable line.
  const message = raw.replace(/\s+/g, ' ').slice(0, 200) + (raw.length > 200 ? '…' : '');
  if (/no data found|delisted|not found/i.test(message) || httpStatus(err) === 404) {
    return new DataError(`unknown ticker ${ticker}: Yahoo Finance has no data (${message})`, { ticker });
  }
  const status = httpStatus(err);
  const kind = err instanceof Error && err.name === 'TimeoutError' ? ' (timed out)' : status ? ` (HTTP ${status})` : '';
  if (err instanceof TypeError && /terminated/.test(message)) {
    return new Error(`Yahoo Finance request for ${ticker} failed: the connection closed before the whole answer arrived (${message})`, {
      cause: err,
    });
  }
  return new Error(`Yahoo Finance request for ${ticker} failed${kind}: ${message}`, { cause: err });
}
