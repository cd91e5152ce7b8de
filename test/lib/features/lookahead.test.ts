import { describe, expect, it } from 'vitest';
import { sliceSeries } from '../../../lib/data/series';
import { generateSyntheticMarket } from '../../../lib/data/syntheticMarket';
import { SeededRandom } from '../../../lib/data/random';
import { computeTickerFeatures, FEATURE_NAMES } from '../../../lib/features/definitions';

const full = generateSyntheticMarket({ seed: 5, tickers: ['SYN-L'], start: '2016-01-01', end: '2020-12-31' }).series[0]!;
const fullFeatures = computeTickerFeatures(full);

describe('no look-ahead', () => {
  it('features of rows up to a random cut are identical whether or not later data exists', () => {
    const rng = new SeededRandom('lookahead-property');
    const n = full.dates.length;
    for (let trial = 0; trial < 25; trial++) {
      // Cuts anywhere, including inside the warm-up.
      const cut = 1 + Math.floor(rng.next() * (n - 1));
      const prefix = computeTickerFeatures(sliceSeries(full, 0, cut));
      FEATURE_NAMES.forEach((name, j) => {
        const a = prefix[j]!;
        const b = fullFeatures[j]!.subarray(0, cut);
        // Bit-identical, NaN positions included (Object.is treats NaN as equal to NaN).
        const firstDiff = a.findIndex((v, i) => !Object.is(v, b[i]));
        expect({ name, cut, firstDiff }).toEqual({ name, cut, firstDiff: -1 });
      });
    }
  });
});
