import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchMarketData } from '../../../lib/data/fetchMarketData';
import {
  clearSearchFolds,
  runHoldoutSplit,
  searchFolds,
  walkForwardFolds,
  SEARCH_FOLDS_IDLE_MS,
  WALK_FORWARD_FOLDS,
} from '../../../lib/evaluation';
import { loadFeatureMatrix } from '../../../lib/features/matrix';
import { selectLabelledRows } from '../../../lib/features/rows';
import { buildFeatureSet } from '../../../lib/features/store';

const root = mkdtempSync(join(tmpdir(), 'search-folds-'));
const data = await fetchMarketData({
  source: 'synthetic',
  tickers: ['SYN-A', 'SYN-B'],
  period: '2y',
  asOf: '2024-06-28',
  cacheDir: join(root, 'data'),
});
const set = await buildFeatureSet({
  inputs: data.tickers.map(({ ticker, path, sha256 }) => ({ ticker, path, sha256 })),
  config: {},
  storeDir: join(root, 'features'),
});
const input = { path: set.path, sha256: set.sha256, holdout: '6m', labelHorizon: 5, minHoldoutRows: 50 };

afterEach(() => {
  clearSearchFolds();
  vi.useRealTimers();
});

describe('searchFolds', () => {
  it('gives exactly the training window and folds a fold activity used to cut for itself', async () => {
    const all = await loadFeatureMatrix(set.path, { labelledOnly: true });
    const train = selectLabelledRows(all, runHoldoutSplit(all, input).trainIdx);
    const folds = walkForwardFolds({ dates: train.dates, nFolds: WALK_FORWARD_FOLDS, purgeGap: 5 });
    const cached = await searchFolds(input);
    expect(cached.folds).toEqual(folds);
    expect(cached.train.dates).toEqual(train.dates);
    expect(Buffer.from(cached.train.X.data.buffer).equals(Buffer.from(train.X.data.buffer))).toBe(true);
    expect(Array.from(cached.train.y)).toEqual(Array.from(train.y));
  });

  it('loads once per feature set and settings, and lets go after the idle time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const a = await searchFolds(input);
    expect(await searchFolds(input)).toBe(a);
    expect(await searchFolds({ ...input, labelHorizon: 10 })).not.toBe(a);
    vi.advanceTimersByTime(SEARCH_FOLDS_IDLE_MS + 1);
    expect(await searchFolds(input)).not.toBe(a);
  });

  it('does not keep a failed load', async () => {
    const missing = { ...input, path: join(root, 'missing.parquet'), sha256: 'x' };
    await expect(searchFolds(missing)).rejects.toThrow();
    await expect(searchFolds({ ...missing, path: set.path })).resolves.toBeTruthy();
  });
});
