/**
 * The candlestick patterns a run may add as features (`candlestickPatterns`). Names only, with no
 * imports, so the configuration schema (which workflows load) can list them.
 */
export const PATTERN_NAMES = [
  'engulfing',
  'hammer',
  'hanging_man',
  'doji',
  'morning_star',
  'evening_star',
  'three_white_soldiers',
  'three_black_crows',
  'harami',
  'shooting_star',
  'inverted_hammer',
  'dragonfly_doji',
  'gravestone_doji',
  'piercing',
  'dark_cloud_cover',
] as const;

export type CandlestickPattern = (typeof PATTERN_NAMES)[number];

export const patternFeatureName = (p: CandlestickPattern): string => `cdl_${p}`;
