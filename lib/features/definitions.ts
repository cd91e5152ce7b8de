import { adjustedBars, type AdjustedBars } from './adjust';
import * as k from './kernels';
import type { FeatureConfig } from './config';
import { PATTERN_NAMES, patternFeatureName, type CandlestickPattern } from './patternNames';
import { computePatternFeatures } from './patterns';
import type { PriceSeries } from '../data/types';

/**
 * The feature set. Every feature is scale-free (ratios, percentages, oscillators), so one model
 * can be trained across tickers of very different price and volume levels. Each is computed from
 * bars up to and including t only.
 */
export const MA_LENGTHS = [5, 10, 20, 50] as const;
export const RETURN_HORIZONS = [1, 5, 10, 20] as const;

export const FEATURE_NAMES = [
  'rsi_14',
  'macd_12_26',
  'macd_signal_9',
  'macd_hist',
  'stoch_k_14',
  'stoch_d_3',
  'roc_10',
  'atr_14',
  'bb_width_20',
  'bb_pctb_20',
  'ret_std_20',
  'obv_flow_20',
  'vwap_ratio_20',
  'volume_ratio_20',
  'adx_14',
  ...MA_LENGTHS.map((n) => `sma_ratio_${n}`),
  ...MA_LENGTHS.map((n) => `ema_ratio_${n}`),
  ...RETURN_HORIZONS.map((n) => `ret_${n}`),
] as const;

/** Rows before this index lack some feature (SMA/EMA 50 need 50 bars) and are not emitted. */
export const FEATURE_WARMUP = 49;

/** Every feature name this code can compute from prices (indicators and all patterns): names a signal may not take. */
export const BUILT_IN_FEATURE_NAMES: readonly string[] = [...FEATURE_NAMES, ...PATTERN_NAMES.map(patternFeatureName)];

/**
 * The candlestick patterns among a model's feature names, in the model's column order (serving and
 * drift rebuild its features with them, and columns are matched by position).
 */
export function patternsInFeatures(names: readonly string[]): CandlestickPattern[] {
  return names.flatMap((n) => PATTERN_NAMES.filter((p) => patternFeatureName(p) === n));
}

/** The price features a configuration asks for: the indicators, then its candlestick patterns. */
export function priceFeatureNames(config: Pick<FeatureConfig, 'candlestickPatterns'> = {}): string[] {
  return [...FEATURE_NAMES, ...(config.candlestickPatterns ?? []).map(patternFeatureName)];
}

/**
 * Features of one ticker, one Float64Array per name of `priceFeatureNames(config)` (NaN =
 * undefined): FEATURE_NAMES first, so their positions do not depend on the configuration.
 */
export function computeTickerFeatures(series: PriceSeries, config: Pick<FeatureConfig, 'candlestickPatterns'> = {}): Float64Array[] {
  const bars = adjustedBars(series);
  return [...indicatorFeatures(bars), ...computePatternFeatures(bars, config.candlestickPatterns ?? [])];
}

function indicatorFeatures(bars: AdjustedBars): Float64Array[] {
  const { high, low, close, volume } = bars;
  const n = close.length;
  const macd = k.macd(close, 12, 26, 9);
  const stoch = k.stochFast(high, low, close, 14, 3);
  const bands = k.bollinger(close, 20, 2);
  const returns = pctChange(close, 1);
  const vwap = k.rollingVwap(high, low, close, volume, 20);
  const avgVolume = k.sma(volume, 20);
  const columns: Record<string, Float64Array> = {
    rsi_14: k.rsi(close, 14),
    // MACD is in price units; dividing by the close makes it comparable across tickers.
    macd_12_26: ratio(macd.macd, close),
    macd_signal_9: ratio(macd.signal, close),
    macd_hist: ratio(macd.hist, close),
    stoch_k_14: stoch.k,
    stoch_d_3: stoch.d,
    roc_10: k.roc(close, 10),
    // ATR as a fraction of the close (TA-Lib's NATR / 100).
    atr_14: ratio(k.atr(high, low, close, 14), close),
    bb_width_20: map(n, (i) => (bands.upper[i]! - bands.lower[i]!) / bands.middle[i]!),
    bb_pctb_20: map(n, (i) => {
      const width = bands.upper[i]! - bands.lower[i]!;
      return width > 0 ? (close[i]! - bands.lower[i]!) / width : Number.NaN;
    }),
    // Population standard deviation (TA-Lib STDDEV convention), not pandas' sample default.
    ret_std_20: k.stddev(returns, 20),
    obv_flow_20: obvFlow(bars, 20),
    vwap_ratio_20: ratioMinusOne(close, vwap),
    volume_ratio_20: map(n, (i) => (avgVolume[i]! > 0 ? volume[i]! / avgVolume[i]! : Number.NaN)),
    adx_14: k.adx(high, low, close, 14),
  };
  for (const len of MA_LENGTHS) {
    columns[`sma_ratio_${len}`] = ratioMinusOne(close, k.sma(close, len));
    columns[`ema_ratio_${len}`] = ratioMinusOne(close, k.ema(close, len));
  }
  for (const h of RETURN_HORIZONS) columns[`ret_${h}`] = pctChange(close, h);
  return FEATURE_NAMES.map((name) => columns[name]!);
}

/**
 * OBV is a running total whose level depends on where the history starts and on the ticker's
 * volume scale. Its 20-day change divided by the 20-day volume is neither: the share of recent
 * volume traded on up days minus down days, in [−1, 1].
 */
function obvFlow(bars: AdjustedBars, period: number): Float64Array {
  const total = k.obv(bars.close, bars.volume);
  const n = total.length;
  return map(n, (i) => {
    if (i < period) return Number.NaN;
    let volume = 0;
    for (let j = i - period + 1; j <= i; j++) volume += bars.volume[j]!;
    return volume > 0 ? (total[i]! - total[i - period]!) / volume : Number.NaN;
  });
}

export function pctChange(x: Float64Array, lag: number): Float64Array {
  return map(x.length, (i) => (i < lag ? Number.NaN : x[i]! / x[i - lag]! - 1));
}

function ratio(a: Float64Array, b: Float64Array): Float64Array {
  return map(a.length, (i) => a[i]! / b[i]!);
}

function ratioMinusOne(a: Float64Array, b: Float64Array): Float64Array {
  return map(a.length, (i) => a[i]! / b[i]! - 1);
}

function map(n: number, f: (i: number) => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(i);
  return out;
}
