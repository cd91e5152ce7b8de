import { averagesFrom, CANDLE_SETTINGS as S, type CandleShape, lookbackOf, patternStart } from './candleSettings';

/**
 * Three- and four-candle patterns, with TA-Lib's rules (ta_CDLMORNINGSTAR, ta_CDLEVENINGSTAR,
 * ta_CDL3WHITESOLDIERS, ta_CDL3BLACKCROWS).
 */

/** TA-Lib's default penetration of the third candle into the first one's body. */
export const STAR_PENETRATION = 0.3;

/**
 * Morning (evening) star: a long black (white) body, a short body gapping away from it, then a
 * white (black) body that is not short and closes at least `penetration` of the way back into
 * the first body.
 */
function star(shape: CandleShape, kind: 'morning' | 'evening', penetration: number): Float64Array {
  const out = new Float64Array(shape.n);
  const start = patternStart(shape, lookbackOf([S.bodyShort, S.bodyLong], 2));
  const average = averagesFrom(shape, start);
  const long = average(S.bodyLong, 2);
  const short = average(S.bodyShort, 1);
  const shortNow = average(S.bodyShort, 0);
  const { realBody, color } = shape;
  const { open, close } = shape.bars;
  const first = kind === 'morning' ? -1 : 1;
  for (let i = start; i < shape.n; i++) {
    if (color[i - 2] !== first || color[i] !== -first) continue;
    const gap =
      kind === 'morning'
        ? Math.max(open[i - 1]!, close[i - 1]!) < Math.min(open[i - 2]!, close[i - 2]!)
        : Math.min(open[i - 1]!, close[i - 1]!) > Math.max(open[i - 2]!, close[i - 2]!);
    const within =
      kind === 'morning'
        ? close[i]! > close[i - 2]! + realBody[i - 2]! * penetration
        : close[i]! < close[i - 2]! - realBody[i - 2]! * penetration;
    if (gap && within && realBody[i - 2]! > long[i]! && realBody[i - 1]! <= short[i]! && realBody[i]! > shortNow[i]!) out[i] = -first * 100;
  }
  return out;
}

export const cdlMorningStar = (shape: CandleShape, penetration = STAR_PENETRATION): Float64Array => star(shape, 'morning', penetration);
export const cdlEveningStar = (shape: CandleShape, penetration = STAR_PENETRATION): Float64Array => star(shape, 'evening', penetration);

/**
 * Three white soldiers: three white candles with rising closes, each with (almost) no upper
 * shadow, each opening within or near the prior body, none far shorter than the one before, the
 * last not short (which tells it from an advance block).
 */
export function cdl3WhiteSoldiers(shape: CandleShape): Float64Array {
  const out = new Float64Array(shape.n);
  const start = patternStart(shape, lookbackOf([S.shadowVeryShort, S.bodyShort, S.far, S.near], 2));
  const average = averagesFrom(shape, start);
  const vs2 = average(S.shadowVeryShort, 2);
  const vs1 = average(S.shadowVeryShort, 1);
  const vs0 = average(S.shadowVeryShort, 0);
  const near2 = average(S.near, 2);
  const near1 = average(S.near, 1);
  const far2 = average(S.far, 2);
  const far1 = average(S.far, 1);
  const short = average(S.bodyShort, 0);
  const { realBody, upperShadow, color } = shape;
  const { open, close } = shape.bars;
  for (let i = start; i < shape.n; i++) {
    out[i] =
      color[i - 2] === 1 &&
      upperShadow[i - 2]! < vs2[i]! &&
      color[i - 1] === 1 &&
      upperShadow[i - 1]! < vs1[i]! &&
      color[i] === 1 &&
      upperShadow[i]! < vs0[i]! &&
      close[i]! > close[i - 1]! &&
      close[i - 1]! > close[i - 2]! &&
      open[i - 1]! > open[i - 2]! &&
      open[i - 1]! <= close[i - 2]! + near2[i]! &&
      open[i]! > open[i - 1]! &&
      open[i]! <= close[i - 1]! + near1[i]! &&
      realBody[i - 1]! > realBody[i - 2]! - far2[i]! &&
      realBody[i]! > realBody[i - 1]! - far1[i]! &&
      realBody[i]! > short[i]!
        ? 100
        : 0;
  }
  return out;
}

/**
 * Three black crows: after a white candle, three black candles with falling closes, each opening
 * within the prior body, each with (almost) no lower shadow, the first closing under the white
 * candle's high.
 */
export function cdl3BlackCrows(shape: CandleShape): Float64Array {
  const out = new Float64Array(shape.n);
  const start = patternStart(shape, lookbackOf([S.shadowVeryShort], 3));
  const average = averagesFrom(shape, start);
  const vs2 = average(S.shadowVeryShort, 2);
  const vs1 = average(S.shadowVeryShort, 1);
  const vs0 = average(S.shadowVeryShort, 0);
  const { lowerShadow, color } = shape;
  const { open, close, high } = shape.bars;
  for (let i = start; i < shape.n; i++) {
    out[i] =
      color[i - 3] === 1 &&
      color[i - 2] === -1 &&
      color[i - 1] === -1 &&
      color[i] === -1 &&
      open[i - 1]! < open[i - 2]! &&
      open[i - 1]! > close[i - 2]! &&
      open[i]! < open[i - 1]! &&
      open[i]! > close[i - 1]! &&
      high[i - 3]! > close[i - 2]! &&
      close[i - 2]! > close[i - 1]! &&
      close[i - 1]! > close[i]! &&
      lowerShadow[i - 2]! < vs2[i]! &&
      lowerShadow[i - 1]! < vs1[i]! &&
      lowerShadow[i]! < vs0[i]!
        ? -100
        : 0;
  }
  return out;
}
