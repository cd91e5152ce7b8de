import { averagesFrom, CANDLE_SETTINGS as S, type CandleShape, lookbackOf, patternStart } from './candleSettings';

/**
 * One-candle patterns, with TA-Lib's rules (ta_CDLDOJI, ta_CDLHAMMER, ta_CDLHANGINGMAN,
 * ta_CDLSHOOTINGSTAR). Like TA-Lib they ignore the trend the pattern should appear in. Each
 * pattern runs its own loop over plain arrays: a shared driver calling a per-pattern test made
 * the set ~3× slower (one megamorphic call per row).
 */

/** Doji: open and close (almost) equal — body at most a tenth of the average high–low range. */
export function cdlDoji(shape: CandleShape): Float64Array {
  const out = new Float64Array(shape.n);
  const start = patternStart(shape, lookbackOf([S.bodyDoji], 0));
  const average = averagesFrom(shape, start);
  const doji = average(S.bodyDoji, 0);
  const { realBody } = shape;
  for (let i = start; i < shape.n; i++) out[i] = realBody[i]! <= doji[i]! ? 100 : 0;
  return out;
}

/**
 * Small body, lower shadow longer than the body, (almost) no upper shadow. The body's position
 * against the prior candle tells a hammer (body at or near the prior low) from a hanging man
 * (body at or near the prior high).
 */
function smallBodyLongLowerShadow(shape: CandleShape, side: 'low' | 'high'): Float64Array {
  const out = new Float64Array(shape.n);
  const start = patternStart(shape, lookbackOf([S.bodyShort, S.shadowLong, S.shadowVeryShort, S.near], 1));
  const average = averagesFrom(shape, start);
  const short = average(S.bodyShort, 0);
  const long = average(S.shadowLong, 0);
  const veryShort = average(S.shadowVeryShort, 0);
  const near = average(S.near, 1);
  const { realBody, lowerShadow, upperShadow } = shape;
  const { open, close, low, high } = shape.bars;
  for (let i = start; i < shape.n; i++) {
    if (!(realBody[i]! < short[i]! && lowerShadow[i]! > long[i]! && upperShadow[i]! < veryShort[i]!)) continue;
    const bodyLow = Math.min(close[i]!, open[i]!);
    if (side === 'low') out[i] = bodyLow <= low[i - 1]! + near[i]! ? 100 : 0;
    else out[i] = bodyLow >= high[i - 1]! - near[i]! ? -100 : 0;
  }
  return out;
}

export const cdlHammer = (shape: CandleShape): Float64Array => smallBodyLongLowerShadow(shape, 'low');
export const cdlHangingMan = (shape: CandleShape): Float64Array => smallBodyLongLowerShadow(shape, 'high');

/**
 * Small body, long upper shadow, (almost) no lower shadow, with the body gapping away from the
 * prior body: up for a shooting star (bearish), down for an inverted hammer (bullish).
 */
function smallBodyLongUpperShadow(shape: CandleShape, gap: 'up' | 'down'): Float64Array {
  const out = new Float64Array(shape.n);
  const start = patternStart(shape, lookbackOf([S.bodyShort, S.shadowLong, S.shadowVeryShort], 1));
  const average = averagesFrom(shape, start);
  const short = average(S.bodyShort, 0);
  const long = average(S.shadowLong, 0);
  const veryShort = average(S.shadowVeryShort, 0);
  const { realBody, lowerShadow, upperShadow } = shape;
  const { open, close } = shape.bars;
  for (let i = start; i < shape.n; i++) {
    const gapped =
      gap === 'up'
        ? Math.min(open[i]!, close[i]!) > Math.max(open[i - 1]!, close[i - 1]!)
        : Math.max(open[i]!, close[i]!) < Math.min(open[i - 1]!, close[i - 1]!);
    if (gapped && realBody[i]! < short[i]! && upperShadow[i]! > long[i]! && lowerShadow[i]! < veryShort[i]!)
      out[i] = gap === 'up' ? -100 : 100;
  }
  return out;
}

export const cdlShootingStar = (shape: CandleShape): Float64Array => smallBodyLongUpperShadow(shape, 'up');
export const cdlInvertedHammer = (shape: CandleShape): Float64Array => smallBodyLongUpperShadow(shape, 'down');

/**
 * Dragonfly (gravestone) doji: a doji with (almost) no upper (lower) shadow and a lower (upper)
 * shadow that is not very short.
 */
function oneSidedDoji(shape: CandleShape, kind: 'dragonfly' | 'gravestone'): Float64Array {
  const out = new Float64Array(shape.n);
  const start = patternStart(shape, lookbackOf([S.bodyDoji, S.shadowVeryShort], 0));
  const average = averagesFrom(shape, start);
  const doji = average(S.bodyDoji, 0);
  const veryShort = average(S.shadowVeryShort, 0);
  const { realBody, lowerShadow, upperShadow } = shape;
  const [none, some] = kind === 'dragonfly' ? [upperShadow, lowerShadow] : [lowerShadow, upperShadow];
  for (let i = start; i < shape.n; i++) {
    if (realBody[i]! <= doji[i]! && none[i]! < veryShort[i]! && some[i]! > veryShort[i]!) out[i] = 100;
  }
  return out;
}

export const cdlDragonflyDoji = (shape: CandleShape): Float64Array => oneSidedDoji(shape, 'dragonfly');
export const cdlGravestoneDoji = (shape: CandleShape): Float64Array => oneSidedDoji(shape, 'gravestone');
