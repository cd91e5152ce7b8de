import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { describe, expect, it } from 'vitest';
import { fetchMarketData } from '../../../lib/data/fetchMarketData';
import { sliceSeries } from '../../../lib/data/series';
import { generateSyntheticMarket } from '../../../lib/data/syntheticMarket';
import { FEATURE_NAMES } from '../../../lib/features/definitions';
import { tickerFeatureColumns } from '../../../lib/features/featureFrame';
import { loadFeatureMatrix } from '../../../lib/features/matrix';
import { runSignals } from '../../../lib/features/runSignals';
import { buildFeatureSet } from '../../../lib/features/store';
import { SENTIMENT, syntheticSentiment } from '../../../lib/signals';
import { ConfigError } from '../../../lib/util/errors';

const root = mkdtempSync(join(tmpdir(), 'signals-features-'));
const asOf = '2024-06-28';
const tickers = ['SYN-A', 'SYN-B', 'SYN-C'];
const data = await fetchMarketData({ source: 'synthetic', tickers, period: '5y', asOf, cacheDir: join(root, 'data') });
const inputs = data.tickers.map(({ ticker, path, sha256 }) => ({ ticker, path, sha256 }));
const storeDir = join(root, 'features');
const config = { seed: 42, tickers, asOf, signalLagDays: 1 };

describe('signals in the feature set', () => {
  it('synthetic sentiment becomes a feature after the price features; schema, hash and key include it', async () => {
    const signals = await runSignals({ ...config, signals: 'synthetic' }, { now: new Date(), errorKind: 'config' });
    const plain = await buildFeatureSet({ inputs, storeDir });
    const withSignals = await buildFeatureSet({ inputs, storeDir, signals });
    expect(withSignals.featureNames).toEqual([...FEATURE_NAMES, 'sentiment']);
    expect(withSignals.schema.names).toContain('sentiment');
    expect(withSignals.schemaHash).not.toBe(plain.schemaHash);
    expect(withSignals.key).not.toBe(plain.key);
    const lag2 = await buildFeatureSet({ inputs, storeDir, signals: { ...signals!, lagDays: 2 } });
    expect(lag2.key).not.toBe(withSignals.key);
    expect(lag2.schemaHash).toBe(withSignals.schemaHash);
  });

  it('the planted relation is there, weak, and only in the future direction (SYNTHETIC)', async () => {
    const signals = await runSignals({ ...config, signals: 'synthetic' }, { now: new Date(), errorKind: 'config' });
    const set = await buildFeatureSet({ inputs, storeDir, signals });
    const m = await loadFeatureMatrix(set.path, { labelledOnly: true, featureNames: ['sentiment', 'ret_5'] });
    const s = Array.from({ length: m.X.rows }, (_, i) => m.X.data[i * 2]!);
    const past = Array.from({ length: m.X.rows }, (_, i) => m.X.data[i * 2 + 1]!);
    const ok = s.map((v) => !Number.isNaN(v));
    const missing = ok.filter((x) => !x).length / s.length;
    // About SENTIMENT.missingRate of the days are unpublished, and stay missing (NaN), not 0.
    expect(missing).toBeGreaterThan(0.01);
    expect(missing).toBeLessThan(0.06);
    const future = corr(
      s.filter((_, i) => ok[i]),
      Array.from(m.fwdReturn).filter((_, i) => ok[i]),
    );
    const backward = corr(
      s.filter((_, i) => ok[i]),
      past.filter((_, i) => ok[i]),
    );
    // ρ = 0.15 with z = (log return from t+1 to t+6) / 3%, the label's window at t+1 = the row. The
    // market's 5-day volatility is below 3%, which dilutes the correlation with the return itself to
    // ρ·s/√(ρ²s² + 1 − ρ²), s = σ₅/3% ≈ 0.75: about 0.11. Weak, present, and below ρ.
    expect(future).toBeGreaterThan(0.07);
    expect(future).toBeLessThan(SENTIMENT.rho);
    expect(Math.abs(backward)).toBeLessThan(0.05);
  });

  it('no look-ahead: the joined rows up to any cut are identical whether or not later prices exist', () => {
    const full = generateSyntheticMarket({ seed: 42, tickers: ['SYN-A'], start: '2019-01-01', end: asOf }).series[0]!;
    const table = syntheticSentiment({ seed: 42, tickers: ['SYN-A'], asOf });
    const signals = { table, lagDays: 1 };
    const all = tickerFeatureColumns(full, { labelHorizon: 5, labelThreshold: 0, signals });
    const j = all.featureNames.indexOf('sentiment');
    for (const cut of [60, 200, 777, full.dates.length - 3]) {
      const prefix = tickerFeatureColumns(sliceSeries(full, 0, cut), { labelHorizon: 5, labelThreshold: 0, signals });
      const a = prefix.values[j]!;
      const b = all.values[j]!.subarray(0, a.length);
      expect({ cut, firstDiff: a.findIndex((v, i) => !Object.is(v, b[i])) }).toEqual({ cut, firstDiff: -1 });
    }
  });

  it('a ticker without signal rows gets missing values, never zeros', async () => {
    const dir = join(root, 'only-a');
    mkdirSync(dir);
    writeFileSync(join(dir, 'sent.csv'), 'date,ticker,mood\n2024-06-20,SYN-A,0.7\n');
    const signals = await runSignals({ ...config, signals: `csv:${dir}` }, { now: new Date(), errorKind: 'config' });
    const set = await buildFeatureSet({ inputs, storeDir, signals });
    const df = pl.readParquet(set.path).select('date', 'ticker', 'mood');
    const values = df.filter(pl.col('mood').isNotNull()).toRecords();
    // Published after the close of Thu 20 June → the feature of Fri 21 June only.
    expect(values).toEqual([{ date: '2024-06-21', ticker: 'SYN-A', mood: 0.7 }]);
  });

  it('an unknown source is a configuration error', async () => {
    await expect(runSignals({ ...config, signals: 'parquet:x' }, { now: new Date(), errorKind: 'config' })).rejects.toThrow(ConfigError);
  });
});

function corr(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}
