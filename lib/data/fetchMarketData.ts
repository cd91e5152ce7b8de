import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import { ConfigError, DataError } from '../util/errors';
import { sha256 } from '../util/hash';
import { todayIso } from './dates';
import { updateCache } from './cache';
import { seriesToParquet } from './parquet';
import { parseSource, type SourceOptions } from './parseSource';
import { periodToRange } from './period';
import { assertSeriesQuality, qualityWarnings, type QualityOptions, type QualityReport } from './quality';
import { sliceByDate } from './series';
import type { MarketDataSource } from './types';

export interface FetchMarketDataOptions {
  /** `synthetic`, `yahoo`, `csv:DIR`, or a source object (tests). */
  source: string | MarketDataSource;
  tickers: string[];
  /** `1y|2y|3y|5y|10y|max`. */
  period: string;
  cacheDir: string;
  /** Last day of data (YYYY-MM-DD); defaults to today (UTC). */
  asOf?: string;
  /** Share of tickers that must succeed (default 0.5). */
  minTickerShare?: number;
  /** Seed of the synthetic market. */
  seed?: number;
  quality?: QualityOptions;
  sourceOptions?: SourceOptions;
  onProgress?: (progress: { step: 'fetch' | 'validate' | 'snapshot'; done: number; total: number; ticker?: string }) => void;
}

export interface TickerData {
  ticker: string;
  /** An immutable snapshot of exactly this window; later fetches never modify it. */
  path: string;
  sha256: string;
  rows: number;
  start: string;
  end: string;
  /** Rows newly obtained from the source in this call (0 = all from cache). */
  fetchedRows: number;
}

export interface MarketDataResult {
  source: string;
  synthetic: boolean;
  tickers: TickerData[];
  failed: { ticker: string; error: string; type: string }[];
  quality: { reports: QualityReport[]; warnings: string[] };
  warnings: string[];
  /** Requested window (start undefined for `max`). */
  range: { start?: string; end: string };
}

/**
 * Fetch (incrementally, via the cache), validate and snapshot price histories. Per-ticker failures
 * — unknown symbols, malformed files, fatal quality issues — are collected; the call fails with a
 * DataError only when fewer than `minTickerShare` of the tickers succeed.
 */
/** Tickers fetched (or read from the cache) together. */
export const FETCH_BATCH = 50;

export async function fetchMarketData(options: FetchMarketDataOptions): Promise<MarketDataResult> {
  const source =
    typeof options.source === 'string' ? parseSource(options.source, { seed: options.seed, ...options.sourceOptions }) : options.source;
  const tickers = [...new Set(options.tickers.map((t) => t.trim()).filter((t) => t.length > 0))];
  if (tickers.length === 0) throw new ConfigError('at least one ticker is needed');
  const minShare = options.minTickerShare ?? 0.5;
  if (!(minShare > 0 && minShare <= 1)) throw new ConfigError(`minTickerShare ${minShare} must be in (0, 1]`);
  const range = periodToRange(options.period, options.asOf ?? todayIso());
  const progress = options.onProgress ?? (() => {});

  progress({ step: 'fetch', done: 0, total: tickers.length });
  // A batch of tickers at a time, with progress (an activity's heartbeat) and a turn of the event
  // loop between batches: a universe of a thousand read or generated in one go held the loop for
  // seconds, longer than a heartbeat timeout on a loaded worker. Sources see the same requests
  // per ticker either way (the synthetic market draws each ticker from its own seed).
  const cached: Awaited<ReturnType<typeof updateCache>> = [];
  for (let from = 0; from < tickers.length; from += FETCH_BATCH) {
    const batch = tickers.slice(from, from + FETCH_BATCH);
    cached.push(
      ...(await updateCache({
        source,
        tickers: batch,
        start: range.start,
        end: range.end,
        cacheDir: options.cacheDir,
        // Prices that fail the quality checks are refused before they are cached, not only before use.
        accept: (_ticker, series) => void assertSeriesQuality(sliceByDate(series, range.start, range.end), options.quality),
      })),
    );
    progress({ step: 'fetch', done: from + batch.length, total: tickers.length });
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  const ok: TickerData[] = [];
  const failed: MarketDataResult['failed'] = [];
  const reports: QualityReport[] = [];
  for (const [i, result] of cached.entries()) {
    progress({ step: 'validate', done: i, total: cached.length, ticker: result.ticker });
    if (!result.ok) {
      const report = (result.error as DataError).details?.report as QualityReport | undefined;
      if (report) reports.push(report);
      failed.push({ ticker: result.ticker, error: result.error.message, type: errorType(result.error) });
      continue;
    }
    const window = sliceByDate(result.series, range.start, range.end);
    try {
      reports.push(assertSeriesQuality(window, options.quality));
    } catch (err) {
      const report = (err as DataError).details?.report as QualityReport | undefined;
      if (report) reports.push(report);
      failed.push({ ticker: result.ticker, error: (err as Error).message, type: errorType(err) });
      continue;
    }
    const bytes = seriesToParquet(window);
    const hash = sha256(bytes);
    const start = window.dates[0]!;
    const end = window.dates.at(-1)!;
    const path = join(options.cacheDir, source.cacheKey, 'snapshots', result.ticker, `${start}_${end}_${hash.slice(0, 16)}.parquet`);
    if (!existsSync(path)) await writeFileAtomic(path, bytes);
    ok.push({ ticker: result.ticker, path, sha256: hash, rows: window.dates.length, start, end, fetchedRows: result.fetchedRows });
  }

  const warnings = reports.flatMap(qualityWarnings);
  if (ok.length === 0 || ok.length / tickers.length < minShare) {
    throw new DataError(
      `only ${ok.length} of ${tickers.length} tickers have usable data (at least ${Math.ceil(minShare * tickers.length)} needed): ` +
        failed.map((f) => `${f.ticker}: ${f.error}`).join('; '),
      { failed, quality: { reports, warnings } },
    );
  }
  return {
    source: typeof options.source === 'string' ? options.source : source.name,
    synthetic: source.synthetic,
    tickers: ok,
    failed,
    quality: { reports, warnings },
    warnings,
    range,
  };
}

function errorType(err: unknown): string {
  return (err as { type?: string }).type ?? (err as Error).name ?? 'Error';
}
