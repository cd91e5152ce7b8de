import { describe, expect, it } from 'vitest';
import { resolvePipelineConfig } from '../../../lib/config/pipeline';
import { ConfigError } from '../../../lib/util/errors';
import { engineHyperparams, searchSpaceFor, suggestEngineParams } from '../../../lib/engine/searchSpace';
import { SearchSpaceError, Study, TPESampler } from '../../../lib/hyperopt';
import { DEFAULT_LGB_SEARCH_SPACE, lightgbmSearchSpace, suggestLightgbmParams } from '../../../lib/lightgbm/searchSpace';
import { runPythonJson } from '../../support/python';

describe('LightGBM search space', () => {
  it('suggests what Optuna suggests for the same space and seed, mapped to our fields', () => {
    const study = new Study('minimize', new TPESampler({ seed: 7 }));
    const ours: Record<string, number>[] = [];
    for (let k = 0; k < 3; k++) {
      const trial = study.ask();
      const hp = suggestLightgbmParams(trial, lightgbmSearchSpace());
      ours.push({ ...hp });
      study.tell(trial, hp.learningRate * hp.numLeaves);
    }
    const optuna = runPythonJson<Record<string, number>[]>(`import json, optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)
out = []
def objective(t):
    p = dict(nEstimators=t.suggest_int('n_estimators', 50, 300), numLeaves=t.suggest_int('num_leaves', 8, 128, log=True),
             learningRate=t.suggest_float('learning_rate', 0.01, 0.3, log=True), minChildSamples=t.suggest_int('min_child_samples', 5, 100, log=True),
             featureFraction=t.suggest_float('feature_fraction', 0.6, 1.0), baggingFraction=t.suggest_float('bagging_fraction', 0.6, 1.0))
    out.append(p)
    return p['learningRate'] * p['numLeaves']
optuna.create_study(sampler=optuna.samplers.TPESampler(seed=7)).optimize(objective, n_trials=3)
print(json.dumps(out))`);
    expect(ours).toHaveLength(3);
    ours.forEach((o, k) => {
      for (const [key, value] of Object.entries(optuna[k]!)) expect(o[key]).toBeCloseTo(value, 12);
    });
    expect(Object.keys(DEFAULT_LGB_SEARCH_SPACE)).toEqual([
      'n_estimators',
      'num_leaves',
      'learning_rate',
      'min_child_samples',
      'feature_fraction',
      'bagging_fraction',
    ]);
  });

  it('takes configured ranges, optional parameters included', () => {
    const space = lightgbmSearchSpace({ num_leaves: { low: 4, high: 4 }, lambda_l2: { low: 1e-3, high: 10, log: true } });
    const hp = suggestLightgbmParams(new Study('minimize', new TPESampler({ seed: 1 })).ask(), space);
    expect(hp.numLeaves).toBe(4);
    expect(hp.lambdaL2).toBeGreaterThan(0);
  });

  it('refuses unknown parameters and values LightGBM would reject, naming each', () => {
    expect(() => lightgbmSearchSpace({ max_leaves: { low: 2, high: 4 } } as never)).toThrow(
      /unknown LightGBM parameter "max_leaves": the lgb search space covers n_estimators, num_leaves/,
    );
    let message = '';
    try {
      lightgbmSearchSpace({
        num_leaves: { low: 1, high: 64 },
        bagging_fraction: { low: 0.5, high: 1.5 },
        learning_rate: { low: 0, high: 0.1 },
      });
    } catch (err) {
      expect(err).toBeInstanceOf(SearchSpaceError);
      message = (err as Error).message;
    }
    expect(message).toContain('"num_leaves": low 1 is outside what LightGBM accepts ([2, 131072])');
    expect(message).toContain('"bagging_fraction": high 1.5 is outside');
    expect(message).toContain('"learning_rate": low 0 is outside what LightGBM accepts ((0, 1])');
  });

  it('is chosen by model type in the pipeline config (exit-3 ConfigError for the wrong engine’s names)', () => {
    expect(resolvePipelineConfig({ modelType: 'lgb', searchSpace: { num_leaves: { low: 8, high: 32 } } }).modelType).toBe('lgb');
    expect(() => resolvePipelineConfig({ modelType: 'lgb', searchSpace: { subsample: { low: 0.5, high: 1 } } })).toThrow(ConfigError);
    expect(() => resolvePipelineConfig({ modelType: 'lgb', searchSpace: { subsample: { low: 0.5, high: 1 } } })).toThrow(
      /unknown LightGBM parameter "subsample"/,
    );
    expect(() => resolvePipelineConfig({ modelType: 'xgb', searchSpace: { num_leaves: { low: 8, high: 32 } } })).toThrow(
      /unknown parameter "num_leaves"/,
    );
    expect(Object.keys(searchSpaceFor('rf'))).toContain('max_depth');
    const hp = suggestEngineParams('lgb', new Study('minimize', new TPESampler({ seed: 2 })).ask(), searchSpaceFor('lgb'));
    expect(Object.keys(hp).sort()).toEqual([
      'baggingFraction',
      'featureFraction',
      'learningRate',
      'minChildSamples',
      'nEstimators',
      'numLeaves',
    ]);
    expect(engineHyperparams('lgb', { num_leaves: 9, max_depth: 4 })).toEqual({ numLeaves: 9, maxDepth: 4 });
    expect(engineHyperparams('xgb', { num_leaves: 9, max_depth: 4 })).toEqual({ maxDepth: 4 });
  });
});
