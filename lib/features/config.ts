import { ConfigError } from '../util/errors';

/**
 * Bump when any feature, label or layout definition changes: it is part of the feature-store key,
 * so stale feature sets are never reused after a code change.
 */
export const FEATURE_CODE_VERSION = 'features-v1';

export interface FeatureConfig {
  labelHorizon: number;
  labelThreshold: number;
}

export const DEFAULT_FEATURE_CONFIG: FeatureConfig = { labelHorizon: 5, labelThreshold: 0 };

export function resolveFeatureConfig(input: Partial<FeatureConfig> = {}): FeatureConfig {
  const config = { ...DEFAULT_FEATURE_CONFIG, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) };
  if (!Number.isInteger(config.labelHorizon) || config.labelHorizon < 1 || config.labelHorizon > 60) {
    throw new ConfigError(`label horizon ${config.labelHorizon} must be an integer from 1 to 60`);
  }
  if (!Number.isFinite(config.labelThreshold)) throw new ConfigError('label threshold must be a finite number');
  return config;
}
