import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachePaths } from '../../../lib/data/cache';
import { fetchMarketData } from '../../../lib/data/fetchMarketData';
import { countNewTradingDays } from '../../../lib/data/newTradingDays';
import { readSeriesParquet } from '../../../lib/data/parquet';
import { createSyntheticSource } from '../../../lib/data/syntheticSource';
import type { FetchRequest, MarketDataSource } from '../../../lib/data/types';
import { sha256File } from '../../../lib/util/hash';
import { ConfigError, DataError } from '../../../lib/util/errors';

/** Wraps a source to record requests and optionally rewrite what it returns. */
function recording(inner: MarketDataSource, adjust?: (price: number) => number): MarketDataSource & { calls: FetchRequest[] } {
  const calls: FetchRequest[] = [];
  return {
    ...inner,
    calls,
    async fetch(req) {
      calls.push(req);
      const results = await inner.fetch(req);
      if (!adjust) return results;
      return results.map((r) => (r.ok ? { ...r, series: { ...r.series, adjClose: r.series.adjClose.map(adjust) } } : r));
    },
  };
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'market-data-'));

describe('fetchMarketData with the incremental cache', () => {
  it('caches per ticker, then fetches only the missing days and appends', async () => {
    const cacheDir = tmp();
    const source = recording(createSyntheticSource({ seed: 3 }));
    const first = await fetchMarketData({ source, tickers: ['SYN-A', 'SYN-B'], period: '2y', asOf: '2024-06-28', cacheDir });
    expect(first).toMatchObject({ source: 'synthetic', synthetic: true, failed: [] });
    expect(source.calls).toEqual([{ tickers: ['SYN-A', 'SYN-B'], start: '2022-06-29', end: '2024-06-28' }]);
    const a = first.tickers[0]!;
    expect(a).toMatchObject({ ticker: 'SYN-A', start: '2022-06-29', end: '2024-06-28', fetchedRows: a.rows });
    expect(await sha256File(a.path)).toBe(a.sha256);
    expect(existsSync(cachePaths(cacheDir, source, 'SYN-A').data)).toBe(true);

    source.calls.length = 0;
    const second = await fetchMarketData({ source, tickers: ['SYN-A', 'SYN-B'], period: '2y', asOf: '2024-07-12', cacheDir });
    // Only the tail, re-reading the last cached session to detect re-adjusted history.
    expect(source.calls).toEqual([{ tickers: ['SYN-A', 'SYN-B'], start: '2024-06-28', end: '2024-07-12' }]);
    expect(second.tickers[0]!.fetchedRows).toBe(11);
    expect(second.tickers[0]!.end).toBe('2024-07-12');
    // Same data as a fresh full fetch.
    const fresh = await fetchMarketData({
      source: createSyntheticSource({ seed: 3 }),
      tickers: ['SYN-A'],
      period: '2y',
      asOf: '2024-07-12',
      cacheDir: tmp(),
    });
    expect(second.tickers[0]!.sha256).toBe(fresh.tickers[0]!.sha256);
    // The first run's snapshot is untouched.
    expect(await sha256File(a.path)).toBe(a.sha256);

    source.calls.length = 0;
    await fetchMarketData({ source, tickers: ['SYN-A'], period: '5y', asOf: '2024-07-12', cacheDir });
    expect(source.calls).toEqual([{ tickers: ['SYN-A'], start: '2019-07-13', end: '2022-06-28' }]);
    source.calls.length = 0;
    const again = await fetchMarketData({ source, tickers: ['SYN-A'], period: '1y', asOf: '2024-07-14', cacheDir });
    expect(source.calls).toEqual([]); // weekend: nothing new to ask for
    expect(again.tickers[0]!.fetchedRows).toBe(0);
  });

  it('re-fetches the whole history when the overlapping session changed (dividend re-adjustment)', async () => {
    const cacheDir = tmp();
    const plain = createSyntheticSource({ seed: 4 });
    await fetchMarketData({ source: plain, tickers: ['SYN-A'], period: '1y', asOf: '2024-06-28', cacheDir });
    const readjusted = recording(plain, (p) => p * 0.99);
    const r = await fetchMarketData({ source: readjusted, tickers: ['SYN-A'], period: '1y', asOf: '2024-07-12', cacheDir });
    expect(readjusted.calls.map((c) => c.start)).toEqual(['2024-06-28', '2023-06-29']);
    const cached = await readSeriesParquet(cachePaths(cacheDir, plain, 'SYN-A').data, 'SYN-A');
    expect(cached.adjClose[0]).toBeCloseTo(cached.close[0]! * 0.99, 10);
    expect(r.tickers[0]!.end).toBe('2024-07-12');
  });

  it('reports failed tickers and enforces the minimum share', async () => {
    const cacheDir = tmp();
    const r = await fetchMarketData({ source: 'synthetic', tickers: ['SYN-A', 'MSFT'], period: '1y', asOf: '2024-06-28', cacheDir });
    expect(r.failed).toEqual([expect.objectContaining({ ticker: 'MSFT', type: 'DataError' })]);
    await expect(
      fetchMarketData({ source: 'synthetic', tickers: ['SYN-A', 'MSFT'], period: '1y', asOf: '2024-06-28', cacheDir, minTickerShare: 0.6 }),
    ).rejects.toBeInstanceOf(DataError);
    await expect(fetchMarketData({ source: 'synthetic', tickers: ['SYN-A'], period: '6m', cacheDir })).rejects.toBeInstanceOf(ConfigError);
    await expect(fetchMarketData({ source: 'bogus', tickers: ['SYN-A'], period: '1y', cacheDir })).rejects.toBeInstanceOf(ConfigError);
  });

  it('rejects too-short histories through the quality report', async () => {
    const cacheDir = tmp();
    const err = await fetchMarketData({ source: 'synthetic', tickers: ['SYN-A'], period: '1y', asOf: '2000-02-01', cacheDir }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(DataError);
    expect(JSON.stringify((err as DataError).details)).toMatch(/too_little_data/);
  });

  it('counts new trading days since a date, from a series or a cached file', async () => {
    const cacheDir = tmp();
    const r = await fetchMarketData({ source: 'synthetic', tickers: ['SYN-A'], period: '1y', asOf: '2024-06-28', cacheDir });
    const path = r.tickers[0]!.path;
    expect(await countNewTradingDays(path, '2024-06-21')).toBe(5);
    expect(await countNewTradingDays(path, '2024-06-28')).toBe(0);
    const series = await readSeriesParquet(path, 'SYN-A');
    expect(await countNewTradingDays(series, '2024-06-14')).toBe(10);
    expect(readFileSync(path).subarray(0, 4).toString()).toBe('PAR1');
  });
});
