import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../util/atomic';
import { addDays, countBusinessDaysAfter } from './dates';
import { readSeriesParquet, writeSeriesParquet } from './parquet';
import { concatSeries } from './series';
import type { FetchRequest, MarketDataSource, PriceSeries } from './types';
import { z } from 'zod';
import { parseJsonText } from '../util/jsonFile';

/**
 * Per-ticker raw history cache: `<cacheDir>/<source key>/<TICKER>.parquet` plus a `.meta.json`
 * recording which *requested* range has been fetched (a ticker listed in 2015 asked for from 2010
 * has no data before 2015, and must not be re-asked every run).
 */
const cacheMetaSchema = z.looseObject({
  ticker: z.string(),
  source: z.string(),
  coveredFrom: z.string().nullable(),
  coveredTo: z.string(),
  rows: z.number().int().min(0),
  updatedAt: z.string(),
});

interface CacheMeta {
  ticker: string;
  source: string;
  /** null: fetched from the beginning of the source's history. */
  coveredFrom: string | null;
  coveredTo: string;
  rows: number;
  updatedAt: string;
}

export interface CacheUpdate {
  ticker: string;
  ok: true;
  series: PriceSeries;
  /** Rows obtained from the source in this call (0 = served from cache). */
  fetchedRows: number;
  requests: FetchRequest[];
}

export type CacheResult = CacheUpdate | { ticker: string; ok: false; error: Error };

export function cachePaths(cacheDir: string, source: MarketDataSource, ticker: string): { data: string; meta: string } {
  const dir = join(cacheDir, source.cacheKey);
  return { data: join(dir, `${ticker}.parquet`), meta: join(dir, `${ticker}.meta.json`) };
}

/** Make the cache cover [start, end] for every ticker, fetching only what is missing. */
export async function updateCache(args: {
  source: MarketDataSource;
  tickers: string[];
  start?: string;
  end: string;
  cacheDir: string;
  now?: () => Date;
  /**
   * Checks a ticker's merged history before it is written: one that throws (prices that fail the
   * quality checks) is reported as that ticker's failure and never reaches the cache.
   */
  accept?: (ticker: string, series: CacheUpdate['series']) => void;
}): Promise<CacheResult[]> {
  const { source, end, cacheDir } = args;
  const plans = await Promise.all(args.tickers.map((ticker) => planTicker({ source, ticker, start: args.start, end, cacheDir })));
  let merged = await runPlans(source, plans);
  const readjusted = plans.filter((p, i) => merged[i] === 'readjusted');
  if (readjusted.length > 0) {
    const refreshed = await runPlans(
      source,
      readjusted.map((p) => fullPlan(p.ticker, p.coveredFrom, p.coveredTo)),
    );
    const byTicker = new Map(readjusted.map((p, i) => [p.ticker, refreshed[i]!]));
    merged = merged.map((m, i) => (m === 'readjusted' ? byTicker.get(plans[i]!.ticker)! : m));
  }
  return Promise.all(
    plans.map(async (plan, i): Promise<CacheResult> => {
      const result = merged[i]!;
      if (result === 'readjusted') return { ticker: plan.ticker, ok: false, error: new Error(`history of ${plan.ticker} keeps changing`) };
      if (result.ok && result.requests.length > 0) {
        try {
          args.accept?.(plan.ticker, result.series);
        } catch (err) {
          return { ticker: plan.ticker, ok: false, error: err as Error };
        }
        const paths = cachePaths(cacheDir, source, plan.ticker);
        await writeSeriesParquet(paths.data, result.series);
        const meta: CacheMeta = {
          ticker: plan.ticker,
          source: source.cacheKey,
          coveredFrom: plan.coveredFrom,
          coveredTo: plan.coveredTo,
          rows: result.series.dates.length,
          updatedAt: (args.now?.() ?? new Date()).toISOString(),
        };
        await writeJsonAtomic(paths.meta, meta);
      }
      return result;
    }),
  );
}

/** Fetch every plan's requests (tickers needing the same range share one call) and merge. */
async function runPlans(source: MarketDataSource, plans: TickerPlan[]): Promise<(CacheResult | 'readjusted')[]> {
  const keyOf = (req: FetchRequest): string => `${req.start ?? ''}|${req.end ?? ''}`;
  const groups = new Map<string, { req: FetchRequest; tickers: string[] }>();
  for (const plan of plans) {
    for (const req of plan.requests) {
      const group = groups.get(keyOf(req)) ?? { req, tickers: [] };
      group.tickers.push(plan.ticker);
      groups.set(keyOf(req), group);
    }
  }
  const fetched = new Map<string, Map<string, PriceSeries | Error>>();
  for (const [key, group] of groups) {
    const results = await source.fetch({ ...group.req, tickers: group.tickers });
    fetched.set(key, new Map(results.map((r) => [r.ticker, r.ok ? r.series : r.error])));
  }
  return plans.map((plan) => {
    let series = plan.cached;
    let fetchedRows = 0;
    for (const req of plan.requests) {
      const got = fetched.get(keyOf(req))?.get(plan.ticker);
      if (got === undefined) return { ticker: plan.ticker, ok: false, error: new Error(`source returned nothing for ${plan.ticker}`) };
      if (got instanceof Error) return { ticker: plan.ticker, ok: false, error: got };
      fetchedRows += got.dates.length;
      if (!series || plan.replace) series = got;
      else if (got.dates.length > 0 && series.dates.length > 0 && got.dates[0]! < series.dates[0]!) {
        series = concatSeries(got, series);
      } else {
        if (overlapDiffers(series, got)) return 'readjusted';
        series = concatSeries(series, got);
      }
    }
    if (!series) return { ticker: plan.ticker, ok: false, error: new Error(`no data for ${plan.ticker}`) };
    return { ticker: plan.ticker, ok: true, series, fetchedRows, requests: plan.requests };
  });
}

interface TickerPlan {
  ticker: string;
  cached?: PriceSeries;
  requests: FetchRequest[];
  /** The fetched data replaces the cache instead of extending it. */
  replace: boolean;
  coveredFrom: string | null;
  coveredTo: string;
}

async function planTicker(args: {
  source: MarketDataSource;
  ticker: string;
  start?: string;
  end: string;
  cacheDir: string;
}): Promise<TickerPlan> {
  const { source, ticker, start, end } = args;
  const full = (from: string | null, to: string): TickerPlan => fullPlan(ticker, from, to);
  const paths = cachePaths(args.cacheDir, source, ticker);
  if (!source.incremental || !existsSync(paths.data) || !existsSync(paths.meta)) return full(start ?? null, end);
  let meta: CacheMeta;
  let cached: PriceSeries;
  try {
    // Checked like every file we read; an unreadable or foreign one means the cache starts over.
    meta = parseJsonText({ text: await readFile(paths.meta, 'utf8'), file: paths.meta, schema: cacheMetaSchema });
    cached = await readSeriesParquet(paths.data, ticker);
  } catch {
    return full(start ?? null, end); // unreadable cache: start over
  }
  const coveredFrom = earlier(meta.coveredFrom, start ?? null);
  const coveredTo = end > meta.coveredTo ? end : meta.coveredTo;
  const requests: FetchRequest[] = [];
  if (meta.coveredFrom !== null && (start === undefined || start < meta.coveredFrom)) {
    requests.push({ tickers: [ticker], start, end: addDays(meta.coveredFrom, -1) });
  }
  if (countBusinessDaysAfter(meta.coveredTo, end) > 0) {
    // Re-fetch the last cached session too: if it changed, a dividend or split has re-adjusted
    // history since, and appending would splice two adjustment bases together.
    const last = cached.dates.at(-1) ?? meta.coveredTo;
    requests.push({ tickers: [ticker], start: last < meta.coveredTo ? last : meta.coveredTo, end });
  }
  return { ticker, cached, requests, replace: false, coveredFrom, coveredTo };
}

function fullPlan(ticker: string, from: string | null, to: string): TickerPlan {
  return { ticker, requests: [{ tickers: [ticker], start: from ?? undefined, end: to }], replace: true, coveredFrom: from, coveredTo: to };
}

function earlier(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return null;
  return a < b ? a : b;
}

/** True when `tail` starts on a session `cached` also has, with different prices. */
export function overlapDiffers(cached: PriceSeries, tail: PriceSeries): boolean {
  if (tail.dates.length === 0 || cached.dates.length === 0) return false;
  const i = cached.dates.lastIndexOf(tail.dates[0]!);
  if (i < 0) return false;
  const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
  return rel(tail.adjClose[0]!, cached.adjClose[i]!) > 1e-9 || rel(tail.close[0]!, cached.close[i]!) > 1e-9;
}
