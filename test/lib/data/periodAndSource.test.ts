import { describe, expect, it } from 'vitest';
import { parseSource } from '../../../lib/data/parseSource';
import { periodToRange } from '../../../lib/data/period';
import { ConfigError } from '../../../lib/util/errors';

describe('periodToRange', () => {
  it('maps each period to a window ending at the end date', () => {
    expect(periodToRange('1y', '2024-06-28')).toEqual({ start: '2023-06-29', end: '2024-06-28' });
    expect(periodToRange('5y', '2024-06-28')).toEqual({ start: '2019-06-29', end: '2024-06-28' });
    expect(periodToRange('10y', '2024-02-29')).toEqual({ start: '2014-03-02', end: '2024-02-29' });
    expect(periodToRange('2y', '2024-01-01').start).toBe('2022-01-02');
    expect(periodToRange('3y', '2024-01-01').start).toBe('2021-01-02');
    expect(periodToRange('max', '2024-01-01')).toEqual({ end: '2024-01-01' });
  });
  it('rejects other periods with a ConfigError listing the choices', () => {
    expect(() => periodToRange('6m', '2024-01-01')).toThrow(ConfigError);
    expect(() => periodToRange('6m', '2024-01-01')).toThrow(/1y, 2y, 3y, 5y, 10y, max/);
    expect(() => periodToRange('1y', '2024-13-01')).toThrow(ConfigError);
  });
});

describe('parseSource', () => {
  it('resolves the three forms', () => {
    expect(parseSource('synthetic')).toMatchObject({ name: 'synthetic', synthetic: true });
    expect(parseSource('yahoo')).toMatchObject({ name: 'yahoo', synthetic: false, incremental: true });
    expect(parseSource('csv:/tmp/prices')).toMatchObject({ name: 'csv', synthetic: false, incremental: false });
  });
  it('keys the synthetic cache by seed and CSV caches by directory', () => {
    expect(parseSource('synthetic', { seed: 1 }).cacheKey).not.toBe(parseSource('synthetic', { seed: 2 }).cacheKey);
    expect(parseSource('csv:/a').cacheKey).not.toBe(parseSource('csv:/b').cacheKey);
  });
  it('rejects anything else with the valid forms', () => {
    for (const bad of ['', 'csv:', 'google', 'Yahoo']) {
      expect(() => parseSource(bad)).toThrow(ConfigError);
      expect(() => parseSource(bad)).toThrow(/synthetic, yahoo, csv:DIR/);
    }
  });
});
