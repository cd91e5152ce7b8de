import { ConfigError } from '../util/errors';
import { PATTERN_NAMES, type CandlestickPattern } from './patternNames';

/**
 * Bump when any feature, label or layout definition changes: it is part of the feature-store key,
 * so stale feature sets are never reused after a code change.
 */
export const FEATURE_CODE_VERSION = 'features-v1';

export interface FeatureConfig {
  labelHorizon: number;
  labelThreshold: number;
  /** TA-Lib candlestick patterns added as `cdl_<pattern>` features after the indicators, in this order. */
  candlestickPatterns?: CandlestickPattern[];
}

export const DEFAULT_FEATURE_CONFIG: FeatureConfig = { labelHorizon: 5, labelThreshold: 0 };

export function resolveFeatureConfig(input: Partial<FeatureConfig> = {}): FeatureConfig {
  const config = {
    ...DEFAULT_FEATURE_CONFIG,
    ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
  };
  if (!Number.isInteger(config.labelHorizon) || config.labelHorizon < 1 || config.labelHorizon > 60) {
    throw new ConfigError(`label horizon ${config.labelHorizon} must be an integer from 1 to 60`);
  }
  if (!Number.isFinite(config.labelThreshold)) throw new ConfigError('label threshold must be a finite number');
  const patterns = config.candlestickPatterns ?? [];
  const unknown = patterns.filter((p) => !(PATTERN_NAMES as readonly string[]).includes(p));
  if (unknown.length > 0)
    throw new ConfigError(`unknown candlestick pattern(s) ${unknown.join(', ')}; expected some of ${PATTERN_NAMES.join(', ')}`);
  const twice = patterns.filter((p, i) => patterns.indexOf(p) !== i);
  if (twice.length > 0) throw new ConfigError(`candlestick pattern(s) ${[...new Set(twice)].join(', ')} given more than once`);
  // An empty list is left out, so the default configuration keeps its feature-store key.
  if (patterns.length === 0) delete config.candlestickPatterns;
  return config;
}
