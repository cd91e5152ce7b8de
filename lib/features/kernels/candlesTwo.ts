import { averagesFrom, CANDLE_SETTINGS as S, type CandleShape, lookbackOf, patternStart } from './candleSettings';

/** Two-candle patterns, with TA-Lib's rules (ta_CDLENGULFING, ta_CDLHARAMI). */

/**
 * Engulfing: a candle of the opposite colour whose body covers the prior body. ±100 when it
 * exceeds it at both ends, ±80 when one end matches (TA-Lib ≥ 0.6 grades it so).
 */
export function cdlEngulfing(shape: CandleShape): Float64Array {
  const out = new Float64Array(shape.n);
  const start = patternStart(shape, 2);
  const { color } = shape;
  const { open, close } = shape.bars;
  for (let i = start; i < shape.n; i++) {
    const o = open[i]!;
    const c = close[i]!;
    const po = open[i - 1]!;
    const pc = close[i - 1]!;
    const bullish = color[i] === 1 && color[i - 1] === -1 && ((c >= po && o < pc) || (c > po && o <= pc));
    const bearish = color[i] === -1 && color[i - 1] === 1 && ((o >= pc && c < po) || (o > pc && c <= po));
    if (bullish || bearish) out[i] = color[i]! * (o !== pc && c !== po ? 100 : 80);
  }
  return out;
}

/**
 * Harami: a long body followed by a short one inside it; the sign is opposite to the first
 * candle's colour. ±100 strictly inside, ±80 when one end matches.
 */
export function cdlHarami(shape: CandleShape): Float64Array {
  const out = new Float64Array(shape.n);
  const start = patternStart(shape, lookbackOf([S.bodyShort, S.bodyLong], 1));
  const average = averagesFrom(shape, start);
  const long = average(S.bodyLong, 1);
  const short = average(S.bodyShort, 0);
  const { realBody, color } = shape;
  const { open, close } = shape.bars;
  for (let i = start; i < shape.n; i++) {
    if (!(realBody[i - 1]! > long[i]! && realBody[i]! <= short[i]!)) continue;
    const top = Math.max(close[i]!, open[i]!);
    const bottom = Math.min(close[i]!, open[i]!);
    const priorTop = Math.max(close[i - 1]!, open[i - 1]!);
    const priorBottom = Math.min(close[i - 1]!, open[i - 1]!);
    if (top < priorTop && bottom > priorBottom) out[i] = -color[i - 1]! * 100;
    else if (top <= priorTop && bottom >= priorBottom) out[i] = -color[i - 1]! * 80;
  }
  return out;
}

/** TA-Lib's default penetration of the second candle into the first one's body (dark cloud cover). */
export const DARK_CLOUD_PENETRATION = 0.5;

/**
 * Piercing: a long black candle, then a long white one opening below its low and closing above
 * the middle of its body (but below its open).
 */
export function cdlPiercing(shape: CandleShape): Float64Array {
  const out = new Float64Array(shape.n);
  const start = patternStart(shape, lookbackOf([S.bodyLong], 1));
  const average = averagesFrom(shape, start);
  const long1 = average(S.bodyLong, 1);
  const long0 = average(S.bodyLong, 0);
  const { realBody, color } = shape;
  const { open, close, low } = shape.bars;
  for (let i = start; i < shape.n; i++) {
    if (
      color[i - 1] === -1 &&
      realBody[i - 1]! > long1[i]! &&
      color[i] === 1 &&
      realBody[i]! > long0[i]! &&
      open[i]! < low[i - 1]! &&
      close[i]! < open[i - 1]! &&
      close[i]! > close[i - 1]! + realBody[i - 1]! * 0.5
    )
      out[i] = 100;
  }
  return out;
}

/**
 * Dark cloud cover: a long white candle, then a black one opening above its high and closing
 * `penetration` of the way into its body (but above its open).
 */
export function cdlDarkCloudCover(shape: CandleShape, penetration = DARK_CLOUD_PENETRATION): Float64Array {
  const out = new Float64Array(shape.n);
  const start = patternStart(shape, lookbackOf([S.bodyLong], 1));
  const average = averagesFrom(shape, start);
  const long1 = average(S.bodyLong, 1);
  const { realBody, color } = shape;
  const { open, close, high } = shape.bars;
  for (let i = start; i < shape.n; i++) {
    if (
      color[i - 1] === 1 &&
      realBody[i - 1]! > long1[i]! &&
      color[i] === -1 &&
      open[i]! > high[i - 1]! &&
      close[i]! > open[i - 1]! &&
      close[i]! < close[i - 1]! - realBody[i - 1]! * penetration
    )
      out[i] = -100;
  }
  return out;
}
