import { defineSearchSpace, SearchSpaceError, type ParamSpec, type SearchSpace, type Trial } from '../hyperopt';
import { xgbRangeProblem } from './params';
import type { XgbHyperparams } from './types';

/** A parameter's range as configured: the kind (int/float) is fixed per parameter. */
export interface ParamRange {
  low: number;
  high: number;
  log?: boolean;
  step?: number;
}

/** Tunable XGBoost parameters: the name XGBoost and Optuna use, our field, and its kind. */
const PARAMETERS = {
  n_estimators: { key: 'nEstimators', type: 'int' },
  max_depth: { key: 'maxDepth', type: 'int' },
  learning_rate: { key: 'learningRate', type: 'float' },
  min_child_weight: { key: 'minChildWeight', type: 'int' },
  subsample: { key: 'subsample', type: 'float' },
  colsample_bytree: { key: 'colsampleBytree', type: 'float' },
  reg_lambda: { key: 'regLambda', type: 'float' },
  reg_alpha: { key: 'regAlpha', type: 'float' },
  gamma: { key: 'gamma', type: 'float' },
} as const satisfies Record<string, { key: keyof XgbHyperparams; type: 'int' | 'float' }>;

export type XgbParamName = keyof typeof PARAMETERS;
export type SearchSpaceConfig = Partial<Record<XgbParamName, ParamRange>>;

/**
 * The default XGBoost search space (the existing convention):
 * - n_estimators 50–300 (int): boosting rounds (early stopping may use fewer);
 * - max_depth 3–10 (int): tree depth;
 * - learning_rate 0.01–0.3 (log): shrinkage per round;
 * - min_child_weight 1–10 (int): minimum hessian per leaf;
 * - subsample 0.6–1.0: row sampling per tree;
 * - colsample_bytree 0.6–1.0: column sampling per tree.
 * reg_lambda, reg_alpha and gamma are not searched unless configured.
 */
export const DEFAULT_SEARCH_SPACE: Readonly<
  Required<Pick<SearchSpaceConfig, 'n_estimators' | 'max_depth' | 'learning_rate' | 'min_child_weight' | 'subsample' | 'colsample_bytree'>>
> = {
  n_estimators: { low: 50, high: 300 },
  max_depth: { low: 3, high: 10 },
  learning_rate: { low: 0.01, high: 0.3, log: true },
  min_child_weight: { low: 1, high: 10 },
  subsample: { low: 0.6, high: 1.0 },
  colsample_bytree: { low: 0.6, high: 1.0 },
};

/**
 * The search space with the configured ranges over the defaults, validated as a whole (every
 * problem in one SearchSpaceError): a configured parameter replaces its default range entirely;
 * low = high fixes a parameter; an unknown name is refused.
 */
export function xgboostSearchSpace(config: SearchSpaceConfig = {}): SearchSpace {
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    throw new SearchSpaceError('the search space must be an object of parameter → {low, high, log?, step?}');
  // Every problem of the file at once: unknown names, unknown fields, and the ranges of the rest.
  const problems: string[] = [];
  const unknown = Object.keys(config).filter((k) => !(k in PARAMETERS));
  if (unknown.length)
    problems.push(
      `unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}: the search space covers ${Object.keys(PARAMETERS).join(', ')}`,
    );
  const fields = ['low', 'high', 'log', 'step'];
  const shapeOk = (r: unknown) => !!r && typeof r === 'object' && Object.keys(r).every((k) => fields.includes(k));
  for (const [name, r] of Object.entries(config)) {
    if (!r || typeof r !== 'object') problems.push(`"${name}": expected {low, high, log?, step?}`);
    else
      for (const k of Object.keys(r).filter((k) => !fields.includes(k)))
        problems.push(`"${name}": unknown field "${k}" (use low, high, log, step)`);
  }
  const known = Object.fromEntries(Object.entries(config).filter(([k, r]) => k in PARAMETERS && shapeOk(r)));
  // Bounds outside what XGBoost accepts would fail every trial that draws them (or, for
  // n_estimators, boost for hours): refused here, with the parameter's own range.
  for (const [name, r] of Object.entries(known) as [XgbParamName, ParamRange][]) {
    for (const bound of ['low', 'high'] as const) {
      if (typeof r[bound] !== 'number') continue;
      const problem = xgbRangeProblem(PARAMETERS[name].key, r[bound]);
      if (problem) problems.push(`"${name}": ${bound} ${problem.replace(/^\S+=/, '')}`);
    }
  }
  const merged: Record<string, ParamRange> = { ...DEFAULT_SEARCH_SPACE, ...known };
  const spec = Object.entries(merged).map(([name, r]): [string, ParamSpec] => [
    name,
    { type: PARAMETERS[name as XgbParamName].type, low: r.low, high: r.high, log: r.log, step: r.step },
  ]);
  try {
    const space = defineSearchSpace(spec);
    if (!problems.length) return space;
  } catch (err) {
    if (!(err instanceof SearchSpaceError)) throw err;
    problems.push(err.message.replace(/^invalid search space: /, ''));
  }
  throw new SearchSpaceError(problems.length === 1 ? problems[0]! : `invalid search space: ${problems.join('; ')}`);
}

/** Suggest every parameter of the space and map the names to our hyperparameter fields. */
export function suggestXgboostParams(trial: Trial, space: SearchSpace = xgboostSearchSpace()): XgbHyperparams {
  return toHyperparams(trial.suggestAll(space) as Record<string, number>);
}

export function toHyperparams(params: Record<string, number>): XgbHyperparams {
  const out: Partial<Record<keyof XgbHyperparams, number>> = {};
  for (const [name, value] of Object.entries(params)) {
    const p = PARAMETERS[name as XgbParamName];
    if (p) out[p.key] = value;
  }
  return out as XgbHyperparams;
}
