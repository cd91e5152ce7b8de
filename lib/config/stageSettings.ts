import { z } from 'zod';
import { ConfigError } from '../util/errors';
import { formatProblem, pipelineConfigSchema, problemsOf, type PipelineConfig } from './schema';

/**
 * The settings each stage's activity uses, picked from the run's configuration by the workflow
 * (`settings: fetchSettings(config)`), so an activity's input, its Web UI summary and its recorded
 * history carry what the stage reads, not all of PipelineConfig. Every set has `modelName`: the
 * model line the stage works for (the Web UI names it). Pure, so workflows may import it.
 */
const FETCH = ['modelName', 'source', 'tickers', 'period', 'asOf', 'seed'] as const;
const FEATURES = [
  'modelName',
  'tickers',
  'asOf',
  'seed',
  'labelHorizon',
  'labelThreshold',
  'candlestickPatterns',
  'signals',
  'signalLagDays',
] as const;
/** The holdout cut (lib/evaluation/folds runHoldoutSplit): train, backtest and search cut the same rows. */
const HOLDOUT = ['holdout', 'labelHorizon', 'minHoldoutRows'] as const;
const TRAIN = ['modelName', 'modelType', 'seed', ...HOLDOUT, 'useBest', 'warmStart', 'compareFull'] as const;
const BACKTEST = ['modelName', ...HOLDOUT, 'backtest'] as const;
const TRIAL = ['modelName', 'modelType', 'seed', ...HOLDOUT] as const;
const COMPARE = [
  'modelName',
  'seed',
  'holdout',
  'labelHorizon',
  'labelThreshold',
  'criteria',
  'backtest',
  'trials',
  'force',
  'skipValidation',
  'candlestickPatterns',
  'signals',
  'signalLagDays',
] as const;
const VALIDATION_REPORT = ['modelName', 'seed', 'labelHorizon', 'criteria', 'backtest'] as const;

export type FetchSettings = Pick<PipelineConfig, (typeof FETCH)[number]>;
export type FeatureSettings = Pick<PipelineConfig, (typeof FEATURES)[number]>;
export type HoldoutSettings = Pick<PipelineConfig, (typeof HOLDOUT)[number]>;
export type TrainSettings = Pick<PipelineConfig, (typeof TRAIN)[number]>;
export type BacktestSettings = Pick<PipelineConfig, (typeof BACKTEST)[number]>;
export type TrialSettings = Pick<PipelineConfig, (typeof TRIAL)[number]>;
export type CompareSettings = Pick<PipelineConfig, (typeof COMPARE)[number]>;
export type ValidationReportSettings = Pick<PipelineConfig, (typeof VALIDATION_REPORT)[number]>;

export const fetchSettings = (config: PipelineConfig): FetchSettings => pick(config, FETCH);
export const featureSettings = (config: PipelineConfig): FeatureSettings => pick(config, FEATURES);
export const trainSettings = (config: PipelineConfig): TrainSettings => pick(config, TRAIN);
export const backtestSettings = (config: PipelineConfig): BacktestSettings => pick(config, BACKTEST);
export const trialSettings = (config: PipelineConfig): TrialSettings => pick(config, TRIAL);
export const compareSettings = (config: PipelineConfig): CompareSettings => pick(config, COMPARE);
export const validationReportSettings = (config: PipelineConfig): ValidationReportSettings => pick(config, VALIDATION_REPORT);

/** Which keys each stage reads (what its activity validates). */
export const STAGE_SETTING_KEYS = {
  fetch: FETCH,
  features: FEATURES,
  train: TRAIN,
  backtest: BACKTEST,
  trial: TRIAL,
  compare: COMPARE,
  validationReport: VALIDATION_REPORT,
} as const;
export type SettingsStage = keyof typeof STAGE_SETTING_KEYS;

/** Absent optional settings stay absent (a payload without `asOf: undefined`). */
function pick<K extends keyof PipelineConfig>(config: PipelineConfig, keys: readonly K[]): Pick<PipelineConfig, K> {
  const out: Partial<Pick<PipelineConfig, K>> = {};
  for (const k of keys) if (config[k] !== undefined) out[k] = config[k];
  return out as Pick<PipelineConfig, K>;
}

/**
 * An activity's check of the settings it received, against the same schema as the whole
 * configuration (ranges, enums, no unknown keys): a ConfigError (non-retryable) names each problem.
 * The settings come from a workflow's history, which a schedule may have frozen long ago.
 */
export function checkStageSettings<S extends SettingsStage>(
  stage: S,
  settings: unknown,
): Pick<PipelineConfig, (typeof STAGE_SETTING_KEYS)[S][number]> {
  const shape = pipelineConfigSchema.shape as Record<string, z.ZodType>;
  const schema = z.object(Object.fromEntries(STAGE_SETTING_KEYS[stage].map((k) => [k, shape[k]!]))).strict();
  const result = schema.safeParse(settings);
  if (!result.success) {
    const problems = problemsOf(result.error, settings).map((p) => formatProblem(p));
    throw new ConfigError(`invalid ${stage} settings: ${problems.join('; ')}`, { problems });
  }
  return result.data as Pick<PipelineConfig, (typeof STAGE_SETTING_KEYS)[S][number]>;
}
