import { firstFinite } from './common';

/**
 * TA-Lib's candle vocabulary. "Long", "short", "near" … are relative to the average size of the
 * preceding candles: each setting names what is measured (real body, high–low range or the two
 * shadows), over how many prior candles it is averaged (0 = the candle itself) and a factor.
 * These are TA-Lib's defaults (TA_CandleDefaultSettings); the reference tests depend on them.
 */
export type RangeType = 'realBody' | 'highLow' | 'shadows';

export interface CandleSetting {
  rangeType: RangeType;
  avgPeriod: number;
  factor: number;
}

export const CANDLE_SETTINGS = {
  bodyLong: { rangeType: 'realBody', avgPeriod: 10, factor: 1 },
  bodyVeryLong: { rangeType: 'realBody', avgPeriod: 10, factor: 3 },
  bodyShort: { rangeType: 'realBody', avgPeriod: 10, factor: 1 },
  bodyDoji: { rangeType: 'highLow', avgPeriod: 10, factor: 0.1 },
  shadowLong: { rangeType: 'realBody', avgPeriod: 0, factor: 1 },
  shadowVeryLong: { rangeType: 'realBody', avgPeriod: 0, factor: 2 },
  shadowShort: { rangeType: 'shadows', avgPeriod: 10, factor: 1 },
  shadowVeryShort: { rangeType: 'highLow', avgPeriod: 10, factor: 0.1 },
  near: { rangeType: 'highLow', avgPeriod: 5, factor: 0.2 },
  far: { rangeType: 'highLow', avgPeriod: 5, factor: 0.6 },
  equal: { rangeType: 'highLow', avgPeriod: 5, factor: 0.05 },
} as const satisfies Record<string, CandleSetting>;

export interface Candles {
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
}

/** Per-candle measures, computed once per series with TA-Lib's exact expressions. */
export class CandleShape {
  readonly realBody: Float64Array;
  readonly highLow: Float64Array;
  readonly shadows: Float64Array;
  readonly upperShadow: Float64Array;
  readonly lowerShadow: Float64Array;
  /** TA-Lib's candle colour: 1 white (close ≥ open), −1 black. */
  readonly color: Int8Array;

  readonly n: number;

  constructor(readonly bars: Candles) {
    const { open, high, low, close } = bars;
    const n = close.length;
    this.n = n;
    this.realBody = new Float64Array(n);
    this.highLow = new Float64Array(n);
    this.shadows = new Float64Array(n);
    this.upperShadow = new Float64Array(n);
    this.lowerShadow = new Float64Array(n);
    this.color = new Int8Array(n);
    for (let i = 0; i < n; i++) {
      const white = close[i]! >= open[i]!;
      this.color[i] = white ? 1 : -1;
      this.realBody[i] = Math.abs(close[i]! - open[i]!);
      this.highLow[i] = high[i]! - low[i]!;
      this.upperShadow[i] = high[i]! - (white ? close[i]! : open[i]!);
      this.lowerShadow[i] = (white ? open[i]! : close[i]!) - low[i]!;
      this.shadows[i] = this.upperShadow[i]! + this.lowerShadow[i]!;
    }
  }

  range(type: RangeType): Float64Array {
    return type === 'realBody' ? this.realBody : type === 'highLow' ? this.highLow : this.shadows;
  }
}

/**
 * `average(setting, offset)`: per output row i ≥ start (the pattern's first output), the average
 * of a setting for the candle `offset` bars back, kept as TA-Lib keeps it: a running total over the
 * `avgPeriod` candles before that candle, seeded at the first output and then moved by
 * `+= range(new) − range(old)` after each row. Pattern outputs are threshold comparisons, so a
 * total summed any other way (fresh each row, pairwise, or seeded at another row) flips rows that
 * sit on a threshold in the last bit.
 */
export function averagesFrom(shape: CandleShape, start: number): (setting: CandleSetting, offset: number) => Float64Array {
  return (setting, offset) => trailingAverage(shape, { setting, offset, start });
}

function trailingAverage(shape: CandleShape, o: { setting: CandleSetting; offset: number; start: number }): Float64Array {
  const { setting, offset, start } = o;
  const n = shape.n;
  const out = new Float64Array(n);
  if (start >= n) return out;
  const range = shape.range(setting.rangeType);
  const { avgPeriod, factor } = setting;
  const divisor = setting.rangeType === 'shadows' ? 2 : 1;
  let trailing = start - offset - avgPeriod;
  let total = 0;
  for (let j = trailing; j < start - offset; j++) total += range[j]!;
  for (let i = start; i < n; i++) {
    const at = i - offset;
    out[i] = (factor * (avgPeriod !== 0 ? total / avgPeriod : range[at]!)) / divisor;
    total += range[at]! - range[trailing++]!;
  }
  return out;
}

/**
 * The first row a pattern has a value for, like TA-Lib's Python wrapper: its lookback after the
 * first row where open, high, low and close are all finite. Rows before it are 0.
 */
export function patternStart(shape: CandleShape, lookback: number): number {
  const { open, high, low, close } = shape.bars;
  return firstFinite(open, high, low, close) + lookback;
}

/** TA-Lib's lookback for a set of settings: the longest averaging period plus the pattern's extra candles. */
export function lookbackOf(settings: readonly CandleSetting[], extra: number): number {
  return Math.max(...settings.map((s) => s.avgPeriod)) + extra;
}
