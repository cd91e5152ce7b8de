import { describe, expect, it } from 'vitest';
import { isBusinessDay, parseDay } from '../../../lib/data/dates';
import { generateSyntheticMarket, SYNTHETIC_TICKERS } from '../../../lib/data/syntheticMarket';
import { createSyntheticSource } from '../../../lib/data/syntheticSource';
import { DataError } from '../../../lib/util/errors';

const market = generateSyntheticMarket({ seed: 42, end: '2025-06-30' });

function logReturns(close: Float64Array): number[] {
  return Array.from(close.subarray(1), (c, i) => Math.log(c / close[i]!));
}

function corr(a: number[], b: number[]): number {
  const ma = a.reduce((s, x) => s + x, 0) / a.length;
  const mb = b.reduce((s, x) => s + x, 0) / b.length;
  let sab = 0,
    saa = 0,
    sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe('synthetic market', () => {
  it('is labelled synthetic, has the default SYN-* universe and ~10 years of business days', () => {
    expect(market).toMatchObject({ source: 'synthetic', synthetic: true, seed: 42 });
    expect(market.series.map((s) => s.ticker)).toEqual(SYNTHETIC_TICKERS);
    for (const s of market.series) {
      expect(s.dates.length).toBeGreaterThan(2550);
      expect(s.dates[0]! >= '2015-06-30').toBe(true);
      expect(s.dates.every((d) => isBusinessDay(parseDay(d)))).toBe(true);
      expect(s.dates.every((d, i) => i === 0 || d > s.dates[i - 1]!)).toBe(true);
    }
  });

  it('is deterministic per seed, differs across seeds, and a shorter window is a slice of a longer one', () => {
    const again = generateSyntheticMarket({ seed: 42, end: '2025-06-30' });
    expect(again.series[0]!.close).toEqual(market.series[0]!.close);
    const other = generateSyntheticMarket({ seed: 43, end: '2025-06-30' });
    expect(other.series[0]!.close[100]).not.toBe(market.series[0]!.close[100]);
    const short = generateSyntheticMarket({ seed: 42, tickers: ['SYN-C'], start: '2020-01-01', end: '2021-12-31' });
    const full = market.series[2]!;
    const from = full.dates.indexOf(short.series[0]!.dates[0]!);
    expect(Array.from(full.close.subarray(from, from + short.series[0]!.dates.length))).toEqual(Array.from(short.series[0]!.close));
  });

  it('has consistent OHLC and positive volume', () => {
    const bad: string[] = [];
    for (const s of market.series) {
      for (let i = 0; i < s.dates.length; i++) {
        const ok =
          s.high[i]! >= Math.max(s.open[i]!, s.close[i]!) &&
          s.low[i]! <= Math.min(s.open[i]!, s.close[i]!) &&
          s.low[i]! > 0 &&
          s.volume[i]! > 0;
        if (!ok) bad.push(`${s.ticker} ${s.dates[i]}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('shows volatility clustering, a common factor and volume rising with |return|', () => {
    const r = market.series.map((s) => logReturns(s.close));
    const abs = r[0]!.map(Math.abs);
    expect(corr(abs.slice(1), abs.slice(0, -1))).toBeGreaterThan(0.05);
    expect(corr(r[0]!, r[1]!)).toBeGreaterThan(0.1);
    const s = market.series[0]!;
    expect(corr(abs, Array.from(s.volume.subarray(1), Math.log))).toBeGreaterThan(0.3);
  });

  it('the source refuses non-synthetic symbols per ticker', async () => {
    const source = createSyntheticSource({ seed: 1 });
    expect(source).toMatchObject({ name: 'synthetic', synthetic: true });
    const [a, b] = await source.fetch({ tickers: ['SYN-A', 'AAPL'], start: '2024-01-01', end: '2024-02-01' });
    expect(a!.ok).toBe(true);
    expect(b!.ok).toBe(false);
    if (!b!.ok) expect(b!.error).toBeInstanceOf(DataError);
  });
});
