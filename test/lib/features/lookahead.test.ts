import { describe, expect, it } from 'vitest';
import { sliceSeries } from '../../../lib/data/series';
import { generateSyntheticMarket } from '../../../lib/data/syntheticMarket';
import { SeededRandom } from '../../../lib/data/random';
import { computeTickerFeatures, priceFeatureNames } from '../../../lib/features/definitions';
import { PATTERN_NAMES } from '../../../lib/features/patternNames';

// Every candlestick pattern included: their trailing averages are running totals, the kind of
// state where a look-ahead (or a dependence on where the series ends) would hide.
const config = { candlestickPatterns: [...PATTERN_NAMES] };
const names = priceFeatureNames(config);
const full = generateSyntheticMarket({ seed: 5, tickers: ['SYN-L'], start: '2016-01-01', end: '2020-12-31' }).series[0]!;
const fullFeatures = computeTickerFeatures(full, config);

describe('no look-ahead', () => {
  it('features of rows up to a random cut are identical whether or not later data exists', () => {
    const rng = new SeededRandom('lookahead-property');
    const n = full.dates.length;
    for (let trial = 0; trial < 25; trial++) {
      // Cuts anywhere, including inside the warm-up.
      const cut = 1 + Math.floor(rng.next() * (n - 1));
      const prefix = computeTickerFeatures(sliceSeries(full, 0, cut), config);
      expect(prefix.length).toBe(names.length);
      names.forEach((name, j) => {
        const a = prefix[j]!;
        const b = fullFeatures[j]!.subarray(0, cut);
        // Bit-identical, NaN positions included (Object.is treats NaN as equal to NaN).
        const firstDiff = a.findIndex((v, i) => !Object.is(v, b[i]));
        expect({ name, cut, firstDiff }).toEqual({ name, cut, firstDiff: -1 });
      });
    }
  });
});
