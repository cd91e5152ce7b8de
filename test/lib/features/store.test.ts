import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchMarketData } from '../../../lib/data/fetchMarketData';
import { FEATURE_CODE_VERSION } from '../../../lib/features/config';
import { FEATURE_NAMES } from '../../../lib/features/definitions';
import { loadFeatureMatrix } from '../../../lib/features/matrix';
import { buildFeatureSet } from '../../../lib/features/store';
import { sha256File } from '../../../lib/util/hash';
import { DataError } from '../../../lib/util/errors';

const root = mkdtempSync(join(tmpdir(), 'feature-store-'));
const data = await fetchMarketData({
  source: 'synthetic',
  tickers: ['SYN-A', 'SYN-B', 'SYN-C'],
  period: '2y',
  asOf: '2024-06-28',
  cacheDir: join(root, 'data'),
});
const inputs = data.tickers.map(({ ticker, path, sha256 }) => ({ ticker, path, sha256 }));
const storeDir = join(root, 'features');
const first = await buildFeatureSet({ inputs, config: {}, storeDir });

describe('feature store', () => {
  it('writes Parquet with the schema beside it and summarises the set', async () => {
    expect(first.cacheHit).toBe(false);
    expect(first.featureNames).toEqual([...FEATURE_NAMES]);
    expect(first.schema.names).toEqual(['date', 'ticker', ...FEATURE_NAMES, 'label', 'fwd_return', 'next_return']);
    expect(first.schema.dtypes.slice(0, 3)).toEqual(['String', 'String', 'Float64']);
    expect(first.schema.dtypes.at(-3)).toBe('Int8');
    expect(await sha256File(first.path)).toBe(first.sha256);
    const schema = JSON.parse(readFileSync(join(dirname(first.path), 'schema.json'), 'utf8'));
    expect(schema).toMatchObject({
      names: first.schema.names,
      dtypes: first.schema.dtypes,
      schemaHash: first.schemaHash,
      codeVersion: FEATURE_CODE_VERSION,
    });
    expect(first.rows).toBe(data.tickers.reduce((t, d) => t + d.rows - 49, 0));
    expect(first.labelledRows).toBe(first.rows - 3 * 5);
    const { positive, negative, positiveRate } = first.classBalance;
    expect(positive + negative).toBe(first.labelledRows);
    expect(positiveRate).toBeCloseTo(positive / first.labelledRows, 12);
    expect(first.start < first.end).toBe(true);
  });

  it('serves an identical request from the store; a different config or input is a new key', async () => {
    const again = await buildFeatureSet({ inputs: [...inputs].reverse(), config: { labelHorizon: 5 }, storeDir });
    expect(again).toEqual({ ...first, cacheHit: true });
    const other = await buildFeatureSet({ inputs, config: { labelHorizon: 10 }, storeDir });
    expect(other.cacheHit).toBe(false);
    expect(other.key).not.toBe(first.key);
    expect(other.schemaHash).toBe(first.schemaHash);
    const fewer = await buildFeatureSet({ inputs: inputs.slice(0, 2), config: {}, storeDir });
    expect(fewer.key).not.toBe(first.key);
  });

  it('rebuilds a corrupted entry and refuses inputs whose content changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'feature-store-corrupt-'));
    const built = await buildFeatureSet({ inputs, storeDir: dir });
    writeFileSync(built.path, 'garbage');
    const rebuilt = await buildFeatureSet({ inputs, storeDir: dir });
    expect(rebuilt.cacheHit).toBe(false);
    expect(rebuilt.sha256).toBe(built.sha256);
    const bad = [{ ...inputs[0]!, sha256: '0'.repeat(64) }];
    await expect(buildFeatureSet({ inputs: bad, storeDir: dir })).rejects.toBeInstanceOf(DataError);
  });

  it('loads a row-major Float32 matrix sorted by (date, ticker) with filters', async () => {
    const all = await loadFeatureMatrix(first.path);
    expect(all.X.rows).toBe(first.rows);
    expect(all.X.cols).toBe(FEATURE_NAMES.length);
    expect(all.X.data).toBeInstanceOf(Float32Array);
    expect(all.X.data.length).toBe(all.X.rows * all.X.cols);
    for (let i = 1; i < all.dates.length; i++) {
      const prev = `${all.dates[i - 1]} ${all.tickers[i - 1]}`;
      expect(prev < `${all.dates[i]} ${all.tickers[i]}`).toBe(true);
    }
    expect(Number.isNaN(all.y[all.y.length - 1]!)).toBe(true);

    const m = await loadFeatureMatrix(first.path, {
      featureNames: ['ret_5', 'rsi_14'],
      labelledOnly: true,
      from: '2023-01-01',
      to: '2023-12-31',
    });
    expect(m.X.cols).toBe(2);
    expect(m.X.featureNames).toEqual(['ret_5', 'rsi_14']);
    expect(m.dates[0]! >= '2023-01-01' && m.dates.at(-1)! <= '2023-12-31').toBe(true);
    expect(m.y.every((v) => v === 0 || v === 1)).toBe(true);
    // Row i, column j = feature j of that (date, ticker); check one against the full matrix.
    const i = 17;
    const k = all.dates.findIndex((d, r) => d === m.dates[i] && all.tickers[r] === m.tickers[i]);
    expect(m.X.data[i * 2 + 1]).toBe(all.X.data[k * all.X.cols + FEATURE_NAMES.indexOf('rsi_14')]);
    expect(m.fwdReturn[i]).toBe(all.fwdReturn[k]);
    expect(m.nextReturn[i]).toBe(all.nextReturn[k]);
    await expect(loadFeatureMatrix(first.path, { featureNames: ['nope'] })).rejects.toThrow(/nope/);
    expect(existsSync(join(dirname(first.path), 'manifest.json'))).toBe(true);
  });
});
