import { describe, expect, it } from 'vitest';
import { generateSyntheticMarket } from '../../../lib/data/syntheticMarket';

const END = '2021-12-31';
const AT = '2021-06-01';

function logReturns(close: Float64Array, from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = Math.max(1, from); t < to; t++) out.push(Math.log(close[t]! / close[t - 1]!));
  return out;
}
const sd = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
};

describe('synthetic market: changes planted at a known date (drift benchmark, monitoring tests)', () => {
  const base = generateSyntheticMarket({ end: END });

  it('leaves every bar before the date untouched, and an empty list changes nothing', () => {
    const planted = generateSyntheticMarket({ end: END, changes: [{ from: AT, volatility: 2, volume: 3, reversion: false }] });
    const none = generateSyntheticMarket({ end: END, changes: [] });
    base.series.forEach((s, i) => {
      const k = s.dates.indexOf(AT);
      expect(k).toBeGreaterThan(0);
      expect(Array.from(planted.series[i]!.close.subarray(0, k))).toEqual(Array.from(s.close.subarray(0, k)));
      expect(Array.from(planted.series[i]!.volume.subarray(0, k))).toEqual(Array.from(s.volume.subarray(0, k)));
      expect(Array.from(none.series[i]!.close)).toEqual(Array.from(s.close));
      expect(planted.series[i]!.close[k]).not.toBe(s.close[k]);
    });
  });

  it('volume ×3 multiplies volume from the date on and nothing else', () => {
    const planted = generateSyntheticMarket({ end: END, changes: [{ from: AT, volume: 3 }] });
    base.series.forEach((s, i) => {
      const k = s.dates.indexOf(AT);
      const p = planted.series[i]!;
      expect(Array.from(p.close)).toEqual(Array.from(s.close));
      for (let t = k; t < s.dates.length; t++) expect(Math.abs(p.volume[t]! - 3 * s.volume[t]!)).toBeLessThanOrEqual(2);
    });
  });

  it('volatility ×2 doubles the spread of daily returns after the date', () => {
    const planted = generateSyntheticMarket({ end: END, changes: [{ from: AT, volatility: 2 }] });
    base.series.forEach((s, i) => {
      const k = s.dates.indexOf(AT);
      const ratio = sd(logReturns(planted.series[i]!.close, k, s.dates.length)) / sd(logReturns(s.close, k, s.dates.length));
      expect(ratio).toBeGreaterThan(1.7);
      expect(ratio).toBeLessThan(2.3);
    });
  });

  it('switching the learnable effect off removes the reversal after large 5-day moves', () => {
    // The effect: after a 5-day move beyond the threshold the next day's return leans against it.
    const lean = (close: Float64Array, from: number) => {
      let sum = 0;
      let n = 0;
      for (let t = from + 6; t < close.length; t++) {
        const move = Math.log(close[t - 1]! / close[t - 6]!);
        if (Math.abs(move) > 0.03) {
          sum += Math.sign(move) * Math.log(close[t]! / close[t - 1]!);
          n++;
        }
      }
      return sum / n;
    };
    const off = generateSyntheticMarket({ end: '2029-12-31', changes: [{ from: '2020-01-02', reversion: false }] });
    const on = generateSyntheticMarket({ end: '2029-12-31' });
    const avg = (m: typeof on) => m.series.reduce((a, s) => a + lean(s.close, s.dates.indexOf('2020-01-02')), 0) / m.series.length;
    expect(avg(on)).toBeLessThan(-0.001);
    expect(Math.abs(avg(off))).toBeLessThan(Math.abs(avg(on)) / 3);
  });
});
