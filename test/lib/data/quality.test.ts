import { describe, expect, it } from 'vitest';
import { businessDays } from '../../../lib/data/dates';
import { assertSeriesQuality, checkSeriesQuality, type QualityCheck } from '../../../lib/data/quality';
import { emptySeries } from '../../../lib/data/series';
import type { PriceSeries } from '../../../lib/data/types';
import { DataError } from '../../../lib/util/errors';

function clean(n = 100): PriceSeries {
  const s = emptySeries('TEST', businessDays('2024-01-01', '2024-12-31').slice(0, n));
  for (let i = 0; i < n; i++) {
    const c = 100 + Math.sin(i / 4) * 5;
    s.open[i] = c - 0.5;
    s.close[i] = c;
    s.adjClose[i] = c;
    s.high[i] = c + 1;
    s.low[i] = c - 1;
    s.volume[i] = 1000;
  }
  return s;
}

const checks = (s: PriceSeries): [QualityCheck, string][] => checkSeriesQuality(s).issues.map((i) => [i.check, i.severity]);

describe('data-quality validation', () => {
  it('passes clean data with no issues', () => {
    expect(checkSeriesQuality(clean())).toMatchObject({ ticker: 'TEST', rows: 100, fatal: false, issues: [] });
  });
  it('fatal: duplicate dates, non-positive prices, high below low, too little data', () => {
    const dup = clean();
    dup.dates[10] = dup.dates[9]!;
    expect(checks(dup)).toContainEqual(['duplicate_dates', 'fatal']);
    const neg = clean();
    neg.close[5] = 0;
    expect(checks(neg)).toContainEqual(['non_positive_price', 'fatal']);
    const crossed = clean();
    crossed.high[7] = crossed.low[7]! - 1;
    expect(checks(crossed)).toContainEqual(['ohlc_inconsistent', 'fatal']);
    expect(checks(clean(30))).toContainEqual(['too_little_data', 'fatal']);
    const err = (() => {
      try {
        assertSeriesQuality(dup);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).details?.report).toMatchObject({ fatal: true, ticker: 'TEST' });
  });
  it('warnings: a few open/close outside the range, long gaps, zero-volume streaks, split-like jumps', () => {
    const s = clean();
    s.close[3] = s.high[3]! + 0.5;
    s.adjClose[3] = s.close[3]!;
    for (let i = 20; i < 26; i++) s.volume[i] = 0;
    for (let i = 60; i < 100; i++) {
      s.adjClose[i] = s.adjClose[i]! / 2;
      s.close[i] = s.close[i]! / 2;
      s.open[i] = s.open[i]! / 2;
      s.high[i] = s.high[i]! / 2;
      s.low[i] = s.low[i]! / 2;
    }
    const gap = { ...s, dates: [...s.dates.slice(0, 40), ...businessDays('2024-04-01', '2024-12-31').slice(0, 60)] };
    const found = checks(gap);
    expect(found).toContainEqual(['ohlc_inconsistent', 'warning']);
    expect(found).toContainEqual(['zero_volume_streak', 'warning']);
    expect(found).toContainEqual(['suspicious_jump', 'warning']);
    expect(found).toContainEqual(['missing_sessions', 'warning']);
    expect(checkSeriesQuality(gap).fatal).toBe(false);
    const jump = checkSeriesQuality(gap).issues.find((i) => i.check === 'suspicious_jump')!;
    expect(jump.message).toMatch(/split/);
  });
});
