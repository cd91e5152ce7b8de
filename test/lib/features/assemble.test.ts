import { describe, expect, it } from 'vitest';
import { generateSyntheticMarket } from '../../../lib/data/syntheticMarket';
import { assembleFeatureFrame, tickerFeatureColumns } from '../../../lib/features/featureFrame';
import { resolveFeatureConfig } from '../../../lib/features/config';

describe('assembling a universe in (date, ticker) order', () => {
  // Tickers out of name order and with different histories (listings start on different days).
  const market = generateSyntheticMarket({
    seed: 7,
    tickers: ['SYN-Q', 'SYN-B', 'SYN-M', 'SYN-A'],
    start: '2022-01-03',
    end: '2024-06-28',
  });
  const series = market.series.map((s, i) => ({
    ...s,
    dates: s.dates.slice(i * 37),
    open: s.open.slice(i * 37),
    high: s.high.slice(i * 37),
    low: s.low.slice(i * 37),
    close: s.close.slice(i * 37),
    adjClose: s.adjClose.slice(i * 37),
    volume: s.volume.slice(i * 37),
  }));
  const config = resolveFeatureConfig({});
  const parts = () => series.map((s) => tickerFeatureColumns(s, config));

  it('gives the frame polars sorts, without sorting it, and lets each part go as it is copied', () => {
    const sortedByPolars = assembleFeatureFrame(parts()).sort(['date', 'ticker']);
    const consumed = parts();
    const direct = assembleFeatureFrame(consumed, { sorted: true, release: true });
    expect(direct.height).toBe(sortedByPolars.height);
    expect(direct.columns).toEqual(sortedByPolars.columns);
    expect(direct.dtypes.map(String)).toEqual(sortedByPolars.dtypes.map(String));
    for (const c of direct.columns) expect(direct.getColumn(c).toArray(), c).toEqual(sortedByPolars.getColumn(c).toArray());
    expect(consumed.every((p) => p.values.every((v) => v.length === 0))).toBe(true);
  });
});
