import { defineSearchSpace, SearchSpaceError, type ParamSpec, type SearchSpace, type Trial } from '../hyperopt';
import type { ParamRange } from '../xgboost/searchSpace';
import { HYPERPARAM_RANGES } from './params';
import type { LgbHyperparams } from './types';

/** Tunable LightGBM parameters: the name in the search-space file, our field, and its kind. */
const PARAMETERS = {
  n_estimators: { key: 'nEstimators', type: 'int' },
  num_leaves: { key: 'numLeaves', type: 'int' },
  learning_rate: { key: 'learningRate', type: 'float' },
  min_child_samples: { key: 'minChildSamples', type: 'int' },
  feature_fraction: { key: 'featureFraction', type: 'float' },
  bagging_fraction: { key: 'baggingFraction', type: 'float' },
  lambda_l1: { key: 'lambdaL1', type: 'float' },
  lambda_l2: { key: 'lambdaL2', type: 'float' },
  max_depth: { key: 'maxDepth', type: 'int' },
} as const satisfies Record<string, { key: keyof LgbHyperparams; type: 'int' | 'float' }>;

export type LgbParamName = keyof typeof PARAMETERS;
export type LgbSearchSpaceConfig = Partial<Record<LgbParamName, ParamRange>>;

/**
 * The default LightGBM search space:
 * - n_estimators 50–300 (int): boosting rounds (early stopping may use fewer);
 * - num_leaves 8–128 (int, log): leaves per tree, LightGBM's main capacity control (leaf-wise growth);
 * - learning_rate 0.01–0.3 (log): shrinkage per round;
 * - min_child_samples 5–100 (int, log): minimum rows per leaf;
 * - feature_fraction 0.6–1.0: column sampling per tree;
 * - bagging_fraction 0.6–1.0: row sampling, every round.
 * lambda_l1, lambda_l2 and max_depth are not searched unless configured.
 */
export const DEFAULT_LGB_SEARCH_SPACE: Readonly<
  Required<
    Pick<
      LgbSearchSpaceConfig,
      'n_estimators' | 'num_leaves' | 'learning_rate' | 'min_child_samples' | 'feature_fraction' | 'bagging_fraction'
    >
  >
> = {
  n_estimators: { low: 50, high: 300 },
  num_leaves: { low: 8, high: 128, log: true },
  learning_rate: { low: 0.01, high: 0.3, log: true },
  min_child_samples: { low: 5, high: 100, log: true },
  feature_fraction: { low: 0.6, high: 1.0 },
  bagging_fraction: { low: 0.6, high: 1.0 },
};

/**
 * The configured ranges over the defaults, validated as a whole (every problem in one
 * SearchSpaceError): unknown names and fields, and bounds outside what LightGBM accepts
 * (e.g. num_leaves < 2, a fraction above 1), each naming the parameter.
 */
export function lightgbmSearchSpace(config: LgbSearchSpaceConfig = {}): SearchSpace {
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    throw new SearchSpaceError('the search space must be an object of parameter → {low, high, log?, step?}');
  const unknown = Object.keys(config).filter((k) => !(k in PARAMETERS));
  if (unknown.length)
    throw new SearchSpaceError(
      `unknown LightGBM parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}: the lgb search space covers ${Object.keys(PARAMETERS).join(', ')}`,
    );
  const fields = ['low', 'high', 'log', 'step'];
  const problems = Object.entries(config).flatMap(([name, r]) => {
    if (!r || typeof r !== 'object') return [`"${name}": expected {low, high, log?, step?}`];
    const bad = Object.keys(r)
      .filter((k) => !fields.includes(k))
      .map((k) => `"${name}": unknown field "${k}" (use low, high, log, step)`);
    const range = HYPERPARAM_RANGES[PARAMETERS[name as LgbParamName].key];
    for (const bound of ['low', 'high'] as const) {
      const v = r[bound];
      if (typeof v !== 'number') continue;
      const below = range.minExclusive ? v <= range.min : v < range.min;
      if (below || v > range.max)
        bad.push(
          `"${name}": ${bound} ${v} is outside what LightGBM accepts (${range.minExclusive ? '(' : '['}${range.min}, ${range.max}])`,
        );
    }
    return bad;
  });
  if (problems.length) throw new SearchSpaceError(`invalid search space: ${problems.join('; ')}`);
  const merged: Record<string, ParamRange> = { ...DEFAULT_LGB_SEARCH_SPACE, ...config };
  const spec = Object.entries(merged).map(([name, r]): [string, ParamSpec] => [
    name,
    { type: PARAMETERS[name as LgbParamName].type, low: r.low, high: r.high, log: r.log, step: r.step },
  ]);
  return defineSearchSpace(spec);
}

export function suggestLightgbmParams(trial: Trial, space: SearchSpace = lightgbmSearchSpace()): LgbHyperparams {
  return toLgbHyperparams(trial.suggestAll(space) as Record<string, number>);
}

/** Search-space names → our fields; names of other engines are dropped. */
export function toLgbHyperparams(params: Record<string, number>): LgbHyperparams {
  const out: Partial<Record<keyof LgbHyperparams, number>> = {};
  for (const [name, value] of Object.entries(params)) {
    const p = PARAMETERS[name as LgbParamName];
    if (p) out[p.key] = value;
  }
  return out as LgbHyperparams;
}
