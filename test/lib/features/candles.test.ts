import { describe, expect, it } from 'vitest';
import { generateSyntheticMarket } from '../../../lib/data/syntheticMarket';
import { adjustedBars } from '../../../lib/features/adjust';
import type { Candles } from '../../../lib/features/kernels/candleSettings';
import { CANDLESTICK_PATTERNS, PATTERN_NAMES, computePatternFeatures } from '../../../lib/features/patterns';
import { runPythonJson } from '../../support/python';
import { patternRichCandles } from './candleSeries';

const TALIB = `
import sys, json, numpy as np, talib
d = json.load(sys.stdin)
out = {}
for key, bars in d['series'].items():
    o, h, l, c = (np.array(bars[k], dtype=float) for k in ('open', 'high', 'low', 'close'))
    out[key] = {n: getattr(talib, n)(o, h, l, c).tolist() for n in d['functions']}
print(json.dumps(out))
`;

const synthetic = adjustedBars(generateSyntheticMarket({ seed: 3, tickers: ['SYN-P'], start: '2000-01-01', end: '2020-12-31' }).series[0]!);
const rich = patternRichCandles('candles-rich', 20_000);
// Leading NaNs: TA-Lib's wrapper starts at the first complete bar; so must we.
const withGap: Candles = (() => {
  const b = patternRichCandles('candles-gap', 400);
  for (const k of ['open', 'high', 'low', 'close'] as const) b[k].fill(Number.NaN, 0, 7);
  return b;
})();
const tiny = patternRichCandles('candles-tiny', 12);
const SERIES = { synthetic, rich, withGap, tiny };
const toJson = (b: Candles) => ({ open: [...b.open], high: [...b.high], low: [...b.low], close: [...b.close] });

const ref = runPythonJson<Record<string, Record<string, number[]>>>(TALIB, {
  series: Object.fromEntries(Object.entries(SERIES).map(([k, b]) => [k, toJson(b)])),
  functions: PATTERN_NAMES.map((p) => CANDLESTICK_PATTERNS[p].talib),
});

describe('candlestick patterns equal TA-Lib 0.8.2 CDL* on every row', () => {
  for (const [key, bars] of Object.entries(SERIES)) {
    const ours = computePatternFeatures(bars, PATTERN_NAMES);
    for (const [j, p] of PATTERN_NAMES.entries()) {
      it(`${p} (${CANDLESTICK_PATTERNS[p].talib}) on ${key} (${bars.close.length} rows)`, () => {
        const expected = ref[key]![CANDLESTICK_PATTERNS[p].talib]!;
        const got = Array.from(ours[j]!);
        const mismatches = expected.flatMap((e, i) => (got[i] === e ? [] : [`[${i}] talib ${e} ours ${got[i]}`]));
        expect(mismatches.slice(0, 5)).toEqual([]);
        expect(got.length).toBe(expected.length);
      });
    }
  }

  it('the random series exercises every pattern and each signed/graded output TA-Lib gives', () => {
    // Guards against a comparison of zeros with zeros: every pattern fires many times on `rich`,
    // including the ±80 forms of engulfing and harami.
    for (const p of PATTERN_NAMES) {
      const values = ref.rich![CANDLESTICK_PATTERNS[p].talib]!;
      expect({ p, hits: values.filter((v) => v !== 0).length >= 20 }).toEqual({ p, hits: true });
    }
    for (const fn of ['CDLENGULFING', 'CDLHARAMI']) expect(new Set(ref.rich![fn])).toEqual(new Set([-100, -80, 0, 80, 100]));
  });
});
