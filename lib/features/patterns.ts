import { CandleShape, type Candles } from './kernels/candleSettings';
import {
  cdlDoji,
  cdlDragonflyDoji,
  cdlGravestoneDoji,
  cdlHammer,
  cdlHangingMan,
  cdlInvertedHammer,
  cdlShootingStar,
} from './kernels/candlesSingle';
import { cdlDarkCloudCover, cdlEngulfing, cdlHarami, cdlPiercing } from './kernels/candlesTwo';
import { cdl3BlackCrows, cdl3WhiteSoldiers, cdlEveningStar, cdlMorningStar } from './kernels/candlesThree';
import type { CandlestickPattern } from './patternNames';

export { PATTERN_NAMES, patternFeatureName, type CandlestickPattern } from './patternNames';

/**
 * The candlestick patterns a run may add to its features (`candlestickPatterns`), each equal to
 * TA-Lib's CDL* function with default settings on every row: 100 bullish, −100 bearish, ±80 for
 * the weaker engulfing/harami forms, 0 none. Each is a feature named `cdl_<pattern>`.
 */
export const CANDLESTICK_PATTERNS = {
  engulfing: { talib: 'CDLENGULFING', kernel: cdlEngulfing },
  hammer: { talib: 'CDLHAMMER', kernel: cdlHammer },
  hanging_man: { talib: 'CDLHANGINGMAN', kernel: cdlHangingMan },
  doji: { talib: 'CDLDOJI', kernel: cdlDoji },
  morning_star: { talib: 'CDLMORNINGSTAR', kernel: (s: CandleShape) => cdlMorningStar(s) },
  evening_star: { talib: 'CDLEVENINGSTAR', kernel: (s: CandleShape) => cdlEveningStar(s) },
  three_white_soldiers: { talib: 'CDL3WHITESOLDIERS', kernel: cdl3WhiteSoldiers },
  three_black_crows: { talib: 'CDL3BLACKCROWS', kernel: cdl3BlackCrows },
  harami: { talib: 'CDLHARAMI', kernel: cdlHarami },
  shooting_star: { talib: 'CDLSHOOTINGSTAR', kernel: cdlShootingStar },
  inverted_hammer: { talib: 'CDLINVERTEDHAMMER', kernel: cdlInvertedHammer },
  dragonfly_doji: { talib: 'CDLDRAGONFLYDOJI', kernel: cdlDragonflyDoji },
  gravestone_doji: { talib: 'CDLGRAVESTONEDOJI', kernel: cdlGravestoneDoji },
  piercing: { talib: 'CDLPIERCING', kernel: cdlPiercing },
  dark_cloud_cover: { talib: 'CDLDARKCLOUDCOVER', kernel: (s: CandleShape) => cdlDarkCloudCover(s) },
} as const satisfies Record<CandlestickPattern, { talib: string; kernel: (s: CandleShape) => Float64Array }>;

/** The pattern columns of one ticker, in the order given (the configuration's order). */
export function computePatternFeatures(bars: Candles, patterns: readonly CandlestickPattern[]): Float64Array[] {
  if (patterns.length === 0) return [];
  const shape = new CandleShape(bars);
  return patterns.map((p) => CANDLESTICK_PATTERNS[p].kernel(shape));
}
