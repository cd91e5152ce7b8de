import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSyntheticSource, updateCache } from '../../../lib/data';
import { FEATURE_NAMES } from '../../../lib/features';
import { FeatureRowProvider } from '../../../lib/serving/featureRows';
import { dataCacheSeriesLoader } from '../../../lib/serving/seriesLoader';

describe('FeatureRowProvider', () => {
  it('follows the price cache as it grows, without changing the rows it already served', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'feature-rows-'));
    const source = createSyntheticSource();
    await updateCache({ source, tickers: ['SYN-A'], start: '2025-01-01', end: '2026-11-13', cacheDir });
    const loader = dataCacheSeriesLoader({ dataCacheDir: cacheDir, sourceKey: source.cacheKey });
    let now = 0;
    const rows = new FeatureRowProvider({ load: loader, stat: loader.stat, recheckMs: 1000, now: () => now });
    const q = { ticker: 'SYN-A', windowStart: '2025-01-01', featureNames: [...FEATURE_NAMES] };
    const before = await rows.row(q);
    expect(before.date).toBe('2026-11-13');
    expect(before.values.some(Number.isNaN)).toBe(false);

    await updateCache({ source, tickers: ['SYN-A'], start: '2025-01-01', end: '2026-11-20', cacheDir });
    expect((await rows.row(q)).date).toBe('2026-11-13'); // within recheckMs: the cached entry
    now = 1500;
    // The request that notices the re-check is due still gets the cached rows; the check runs behind it.
    expect((await rows.row(q)).date).toBe('2026-11-13');
    await rows.settled();
    expect((await rows.row(q)).date).toBe('2026-11-20');
    // Features use bars up to their day only: the earlier row is unchanged bit for bit.
    expect(Array.from((await rows.row({ ...q, date: '2026-11-13' })).values)).toEqual(Array.from(before.values));

    await expect(rows.row({ ...q, ticker: 'SYN-Q' })).rejects.toThrow('field "ticker": unknown ticker SYN-Q (not in the data)');
    await expect(rows.row({ ...q, date: '2026-11-15' })).rejects.toThrow(
      'field "date": 2026-11-15 is not a trading day in the data for SYN-A',
    );
    await expect(rows.row({ ...q, date: '2025-01-06' })).rejects.toThrow(
      /field "date": 2025-01-06 is outside the data \(2025-03-\d\d … 2026-11-20\)/,
    );
  });
});
