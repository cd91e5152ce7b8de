import { describe, expect, it } from 'vitest';
import {
  createStudy,
  defineSearchSpace,
  MedianPruner,
  RandomSampler,
  SearchSpaceError,
  Study,
  TPESampler,
  TrialState,
} from '../../../lib/hyperopt';
import { DEFAULT_SEARCH_SPACE, suggestXgboostParams, xgboostSearchSpace } from '../../../lib/xgboost/searchSpace';

describe('createStudy', () => {
  it("has Optuna's defaults: minimize, TPESampler, MedianPruner", () => {
    const study = createStudy();
    expect(study.direction).toBe('minimize');
    expect(study.directions).toEqual(['minimize']);
    expect(study.sampler).toBeInstanceOf(TPESampler);
    expect(study.pruner).toBeInstanceOf(MedianPruner);
    expect(createStudy({ directions: ['maximize'] }).direction).toBe('maximize');
  });

  it('refuses what it cannot do, clearly', () => {
    expect(() => createStudy({ directions: ['minimize', 'maximize'] })).toThrow(
      /multi-objective studies are not supported: directions has 2 entries/,
    );
    expect(() => createStudy({ direction: 'minimize', directions: ['minimize'] })).toThrow(/either direction or directions/);
    expect(() => createStudy({ direction: 'up' as never })).toThrow(/"minimize" or "maximize", got "up"/);
    const saved = createStudy({ direction: 'maximize' }).toJSON();
    expect(() => createStudy({ direction: 'minimize', state: saved })).toThrow(/maximized, not minimized/);
  });

  it('resumes a saved study with its trials and sampler stream (continue-as-new)', async () => {
    const objective = (t: { suggestFloat: (n: string, l: number, h: number) => number }) => (t.suggestFloat('x', -3, 3) - 1) ** 2;
    const whole = createStudy({ sampler: new TPESampler({ seed: 4 }) });
    await whole.optimize(objective, { nTrials: 30 });
    const first = createStudy({ sampler: new TPESampler({ seed: 4 }) });
    await first.optimize(objective, { nTrials: 17 });
    const resumed = createStudy({ sampler: new TPESampler(), state: JSON.parse(JSON.stringify(first.toJSON())) });
    await resumed.optimize(objective, { nTrials: 13 });
    expect(resumed.trials.map((t) => t.params.x)).toEqual(whole.trials.map((t) => t.params.x));
  });

  it('records an objective that returns NaN or a non-number as FAIL with the reason, and goes on', async () => {
    const study = createStudy({ sampler: new RandomSampler({ seed: 1 }) });
    let i = 0;
    await study.optimize(
      (t) => {
        t.suggestInt('k', 0, 3);
        i++;
        return i === 2 ? NaN : i === 3 ? ('oops' as never) : i;
      },
      { nTrials: 4 },
    );
    expect(study.trials.map((t) => TrialState[t.state])).toEqual(['COMPLETE', 'FAIL', 'FAIL', 'COMPLETE']);
    expect(study.trials[1]!.failReason).toBe('the objective returned NaN');
    expect(study.trials[2]!.failReason).toBe('the objective returned "oops", not a number');
    expect(study.bestValue).toBe(1);
  });
});

describe('defineSearchSpace', () => {
  it('reports every problem before any trial runs', () => {
    let message = '';
    try {
      defineSearchSpace([
        ['a', { type: 'float', low: 2, high: 1 }],
        ['b', { type: 'float', low: 0, high: 1, log: true }],
        ['c', { type: 'int', low: 0, high: 10, step: 3 }],
        ['d', { type: 'categorical', choices: [] }],
        ['e', { type: 'float', low: 0, high: 1 }],
        ['e', { type: 'int', low: 0, high: 5 }],
        ['f', { type: 'float', low: 0, high: 1, step: 0.25 }],
      ]);
    } catch (err) {
      expect(err).toBeInstanceOf(SearchSpaceError);
      message = (err as Error).message;
    }
    expect(message).toContain('"a": float: low 2 must be < high 1');
    expect(message).toContain('"b": float: log scale needs low > 0, got 0');
    expect(message).toContain('"c": int: step 3 does not divide the range [0, 10]');
    expect(message).toContain('"d": categorical: at least one choice is needed');
    expect(message).toContain('"e": defined twice');
    expect(message).not.toContain('"f"');
  });

  it('suggests a whole space in order, fixed parameters included', () => {
    const space = defineSearchSpace({
      lr: { type: 'float', low: 1e-3, high: 1, log: true },
      depth: { type: 'int', low: 4, high: 4 },
      kind: { type: 'categorical', choices: ['a', 'b'] },
    });
    const trial = new Study('minimize', new RandomSampler({ seed: 2 })).ask();
    const params = trial.suggestAll(space);
    expect(Object.keys(params)).toEqual(['lr', 'depth', 'kind']);
    expect(params.depth).toBe(4);
    expect(['a', 'b']).toContain(params.kind);
  });
});

describe('XGBoost search space', () => {
  it('defaults to the convention and maps names to our hyperparameters', () => {
    expect(DEFAULT_SEARCH_SPACE.learning_rate).toEqual({ low: 0.01, high: 0.3, log: true });
    const space = xgboostSearchSpace();
    expect(Object.keys(space)).toEqual(['n_estimators', 'max_depth', 'learning_rate', 'min_child_weight', 'subsample', 'colsample_bytree']);
    const hp = suggestXgboostParams(new Study('minimize', new RandomSampler({ seed: 3 })).ask(), space);
    expect(Number.isInteger(hp.nEstimators) && hp.nEstimators >= 50 && hp.nEstimators <= 300).toBe(true);
    expect(hp.learningRate).toBeGreaterThanOrEqual(0.01);
    expect(hp.learningRate).toBeLessThanOrEqual(0.3);
  });

  it('takes configured ranges (optional parameters too) and refuses unknown names and fields', () => {
    const space = xgboostSearchSpace({ max_depth: { low: 2, high: 4 }, reg_lambda: { low: 1e-3, high: 10, log: true } });
    expect(space.max_depth).toMatchObject({ kind: 'int', low: 2, high: 4 });
    const hp = suggestXgboostParams(new Study('minimize', new RandomSampler({ seed: 3 })).ask(), space);
    expect(hp.regLambda).toBeGreaterThan(0);
    expect(() => xgboostSearchSpace({ max_dept: { low: 2, high: 4 } } as never)).toThrow(
      /unknown parameter "max_dept": the search space covers n_estimators, max_depth/,
    );
    expect(() => xgboostSearchSpace({ max_depth: { low: 2, hi: 4 } } as never)).toThrow(/"max_depth": unknown field "hi"/);
    expect(() => xgboostSearchSpace({ max_depth: { low: 2.5, high: 4 } })).toThrow(/int bounds must be integers/);
  });
});
