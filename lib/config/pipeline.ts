import { SearchSpaceError } from '../hyperopt/distributions';
import { xgboostSearchSpace, type SearchSpaceConfig } from '../xgboost/searchSpace';

/**
 * The training pipeline's configuration: defaults, parsing and validation. Pure TypeScript with
 * no Node imports, because the workflow uses the same types and the CLI the same validation.
 */
export const MODEL_TYPES = ['xgb', 'rf', 'linear'] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

export const PERIODS = ['1y', '2y', '3y', '5y', '10y', 'max'] as const;
export type Period = (typeof PERIODS)[number];

export const TRIGGERS = ['manual', 'schedule', 'drift'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export interface PromotionCriteria {
  minAccuracy: number;
  minPrecision: number;
  minRecall: number;
  minF1: number;
  /** How much worse than production the candidate may be on `primaryMetric`. */
  tolerance: number;
  primaryMetric: 'accuracy' | 'f1' | 'rocAuc' | 'balancedAccuracy';
  /** Significance level of the skill test against the naive baseline and the paired test against production. */
  alpha: number;
  /** `non-inferior`: not worse than production (point estimate) and not significantly worse; `significant`: also significantly better. */
  policy: PromotionPolicy;
}

export const PROMOTION_POLICIES = ['non-inferior', 'significant'] as const;
export type PromotionPolicy = (typeof PROMOTION_POLICIES)[number];

export interface PipelineConfig {
  /** Name of the model line in the registry (one registry per model line). */
  modelName: string;
  tickers: string[];
  /** `synthetic` (embedded default), `yahoo`, or `csv:DIR`. */
  source: string;
  period: Period;
  modelType: ModelType;
  /** Use `best_hyperparameters.json` from a previous search when present. */
  useBest: boolean;
  /** Run a hyperparameter search (child workflow) before training. */
  optimize: boolean;
  trials: number;
  /** Trials of the hyperparameter search evaluated at once (constant liar keeps them apart). */
  hpoParallel: number;
  /** Time limit of one search trial, all its folds and retries (duration, e.g. `1h`). */
  trialTimeout: string;
  /** Ranges for the hyperparameter search over the defaults (see lib/xgboost/searchSpace.ts). */
  searchSpace?: SearchSpaceConfig;
  /** Holdout window at the end of the data, never seen by training or tuning (e.g. `6m`, `90d`). */
  holdout: string;
  /** Fewer holdout rows than this fails validation (exit 2): too few to judge a model on. */
  minHoldoutRows: number;
  labelHorizon: number;
  labelThreshold: number;
  criteria: PromotionCriteria;
  backtest: { threshold: number; costBps: number };
  /** How long the approval gate waits (Temporal duration string, e.g. `7d`, `30s`). */
  approvalTimeout: string;
  /** Send a reminder this long before the approval gate expires. */
  approvalReminder: string;
  /** Minimum new trading days since the production model's data end (scheduled runs). */
  minNewDays: number;
  force: boolean;
  /** Stop after the comparison: no approval gate, no promotion. */
  dryRun: boolean;
  seed: number;
  /** Last date of data to use (YYYY-MM-DD); defaults to today. Fixed in tests for determinism. */
  asOf?: string;
  trigger: Trigger;
  reason?: string;
}

export const DEFAULT_TICKERS = ['SYN-A', 'SYN-B', 'SYN-C', 'SYN-D', 'SYN-E'];

export const DEFAULT_CRITERIA: PromotionCriteria = {
  minAccuracy: 0.6,
  minPrecision: 0.55,
  minRecall: 0.5,
  minF1: 0.52,
  tolerance: 0.01,
  primaryMetric: 'accuracy',
  alpha: 0.05,
  policy: 'non-inferior',
};

export const DEFAULT_PIPELINE_CONFIG: PipelineConfig = {
  modelName: 'direction-classifier',
  tickers: DEFAULT_TICKERS,
  source: 'synthetic',
  period: '10y',
  modelType: 'xgb',
  useBest: false,
  optimize: false,
  trials: 30,
  hpoParallel: 2,
  trialTimeout: '1h',
  holdout: '6m',
  minHoldoutRows: 50,
  labelHorizon: 5,
  labelThreshold: 0,
  criteria: DEFAULT_CRITERIA,
  backtest: { threshold: 0.5, costBps: 5 },
  approvalTimeout: '7d',
  approvalReminder: '1d',
  minNewDays: 5,
  force: false,
  dryRun: false,
  seed: 42,
  trigger: 'manual',
};

export type PipelineConfigInput = Partial<Omit<PipelineConfig, 'criteria' | 'backtest'>> & {
  criteria?: Partial<PromotionCriteria>;
  backtest?: Partial<PipelineConfig['backtest']>;
};

/** Merge user input over the defaults and validate; throws a plain Error with every problem. */
export function resolvePipelineConfig(input: PipelineConfigInput = {}): PipelineConfig {
  const config: PipelineConfig = {
    ...DEFAULT_PIPELINE_CONFIG,
    ...stripUndefined(input),
    criteria: { ...DEFAULT_CRITERIA, ...stripUndefined(input.criteria ?? {}) },
    backtest: { ...DEFAULT_PIPELINE_CONFIG.backtest, ...stripUndefined(input.backtest ?? {}) },
  };
  const problems = validatePipelineConfig(config);
  if (problems.length > 0) throw new PipelineConfigError(problems);
  return config;
}

export class PipelineConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'ConfigError';
  }
}

export function validatePipelineConfig(c: PipelineConfig): string[] {
  const problems: string[] = [];
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(c.modelName)) {
    problems.push(`model name "${c.modelName}" must be lowercase letters, digits and dashes`);
  }
  if (c.tickers.length === 0) problems.push('at least one ticker is needed (--tickers AAPL,MSFT)');
  for (const t of c.tickers) {
    if (!/^[A-Za-z0-9.^=-]{1,20}$/.test(t)) problems.push(`ticker "${t}" is not a valid symbol`);
  }
  if (!(c.source === 'synthetic' || c.source === 'yahoo' || /^csv:.+/.test(c.source))) {
    problems.push(`source "${c.source}" is not one of: synthetic, yahoo, csv:DIR`);
  }
  if (!PERIODS.includes(c.period)) problems.push(`period "${c.period}" is not one of: ${PERIODS.join(', ')}`);
  if (!MODEL_TYPES.includes(c.modelType)) {
    problems.push(`model type "${c.modelType}" is not one of: ${MODEL_TYPES.join(', ')}`);
  }
  if (!/^\d+[mdw]$/.test(c.holdout)) problems.push(`holdout "${c.holdout}" must look like 6m, 12w or 90d`);
  if (!Number.isInteger(c.minHoldoutRows) || c.minHoldoutRows < 10) problems.push('min holdout rows must be an integer ≥ 10');
  if (!Number.isInteger(c.labelHorizon) || c.labelHorizon < 1 || c.labelHorizon > 60) {
    problems.push(`label horizon ${c.labelHorizon} must be an integer from 1 to 60`);
  }
  if (!Number.isFinite(c.labelThreshold)) problems.push('label threshold must be a number');
  for (const key of ['minAccuracy', 'minPrecision', 'minRecall', 'minF1'] as const) {
    const v = c.criteria[key];
    if (!(v >= 0 && v <= 1)) problems.push(`${key} ${v} must be between 0 and 1`);
  }
  if (!(c.criteria.tolerance >= 0 && c.criteria.tolerance <= 1)) problems.push('tolerance must be between 0 and 1');
  if (!(c.criteria.alpha > 0 && c.criteria.alpha <= 0.5)) problems.push(`--alpha ${c.criteria.alpha} must be in (0, 0.5]`);
  if (!PROMOTION_POLICIES.includes(c.criteria.policy)) {
    problems.push(`--promotion-policy "${c.criteria.policy}" is not one of: ${PROMOTION_POLICIES.join(', ')}`);
  }
  if (!(c.backtest.threshold > 0 && c.backtest.threshold < 1)) problems.push('backtest threshold must be in (0, 1)');
  if (!(c.backtest.costBps >= 0 && c.backtest.costBps <= 1000)) problems.push('cost must be 0 to 1000 bps');
  if (parseDurationMs(c.approvalTimeout) === undefined) {
    problems.push(`approval timeout "${c.approvalTimeout}" must look like 7d, 12h, 30m or 45s`);
  }
  if (parseDurationMs(c.approvalReminder) === undefined) {
    problems.push(`approval reminder "${c.approvalReminder}" must look like 1d, 12h, 30m or 45s`);
  }
  if (!Number.isInteger(c.trials) || c.trials < 1 || c.trials > 10_000) problems.push('trials must be 1 to 10000');
  if (!Number.isInteger(c.hpoParallel) || c.hpoParallel < 1 || c.hpoParallel > 32) problems.push(`--parallel expects 1–32, got ${c.hpoParallel}`);
  if (parseDurationMs(c.trialTimeout) === undefined) problems.push(`--trial-timeout "${c.trialTimeout}" must look like 90s, 10m or 1h`);
  if (c.searchSpace !== undefined) {
    try {
      xgboostSearchSpace(c.searchSpace);
    } catch (err) {
      if (!(err instanceof SearchSpaceError)) throw err;
      problems.push(err.message);
    }
  }
  if (!Number.isInteger(c.minNewDays) || c.minNewDays < 0) problems.push('min new days must be ≥ 0');
  if (c.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(c.asOf)) problems.push(`as-of "${c.asOf}" must be YYYY-MM-DD`);
  if (!TRIGGERS.includes(c.trigger)) problems.push(`trigger "${c.trigger}" is not one of ${TRIGGERS.join(', ')}`);
  return problems;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `7d`, `12h`, `30m`, `45s`, `500ms` → milliseconds; undefined when malformed. */
export function parseDurationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  return ms > 0 ? ms : undefined;
}

function stripUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
