import { describe, expect, it } from 'vitest';
import {
  computeSigmas,
  defaultGamma,
  defaultWeights,
  floatDistribution,
  intDistribution,
  categoricalDistribution,
  MedianPruner,
  ParzenEstimator,
  RandomSampler,
  SearchSpaceError,
  RandomState,
  Study,
  TPESampler,
  TrialState,
  contains,
} from '../../../lib/hyperopt';
import { ks2samp } from '../../../lib/drift';
import { runPythonJson } from '../../support/python';

const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!;

describe('distributions', () => {
  it('validate like Optuna and lower high to the step grid', () => {
    expect(() => floatDistribution(1, 0)).toThrow(SearchSpaceError);
    expect(() => floatDistribution(0, 1, { log: true })).toThrow(/low > 0/);
    expect(() => floatDistribution(1, 2, { log: true, step: 0.1 })).toThrow(/log and step/);
    expect(() => intDistribution(0, 10, { log: true })).toThrow(/low ≥ 1/);
    expect(() => categoricalDistribution([])).toThrow(/at least one/);
    expect(floatDistribution(0, 1, { step: 0.3 }).high).toBeCloseTo(0.9, 12);
    expect(intDistribution(0, 10, { step: 3 }).high).toBe(9);
    expect(() => intDistribution(0, 10, { step: 3, strict: true })).toThrow(/does not divide/);
  });

  it('refuses re-suggesting a name with another distribution, and returns the stored value otherwise', () => {
    const study = new Study('minimize', new RandomSampler({ seed: 1 }));
    const t = study.ask();
    const x = t.suggestFloat('x', 0, 1);
    expect(t.suggestFloat('x', 0, 2)).toBe(x);
    expect(() => t.suggestInt('x', 0, 5)).toThrow(/another distribution/);
    expect(t.suggestInt('single', 3, 3)).toBe(3);
  });
});

describe('TPE internals match Optuna 5.0', () => {
  it('Parzen σ: the oracle from Optuna tests, and Optuna itself with endpoints off', () => {
    const p = { priorWeight: 1, considerMagicClip: true, considerEndpoints: true };
    const s = computeSigmas([-0.4, 0.4, 0.41, 0.42], -1, 1, p);
    [0.8, 0.8, 1 / 3, 0.58].forEach((v, i) => expect(s[i]).toBeCloseTo(v, 12));
    const obs = [0.31, -2.2, 1.7, 0.35, 4.9, -0.05, 0.36];
    const ref = runPythonJson<{ sigma: number[]; mu: number[] }[]>(
      `import json, sys, numpy as np
from optuna.distributions import FloatDistribution
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import default_weights
obs = json.load(sys.stdin)
out = []
for clip, endpoints in [(True, False), (False, False), (True, True)]:
    p = _ParzenEstimatorParameters(prior_weight=1.0, consider_magic_clip=clip, consider_endpoints=endpoints, weights=default_weights, multivariate=True)
    pe = _ParzenEstimator({'x': np.array(obs)}, {'x': FloatDistribution(-5, 5)}, p)
    d = pe._mixture_distribution.distributions[0]
    out.append(dict(sigma=d.sigma.tolist(), mu=d.mu.tolist()))
print(json.dumps(out))`,
      obs,
    );
    const ours = [
      computeSigmas(obs, -5, 5, { priorWeight: 1, considerMagicClip: true, considerEndpoints: false }),
      computeSigmas(obs, -5, 5, { priorWeight: 1, considerMagicClip: false, considerEndpoints: false }),
      computeSigmas(obs, -5, 5, { priorWeight: 1, considerMagicClip: true, considerEndpoints: true }),
    ];
    ours.forEach((sig, k) => sig.forEach((v, i) => expect(v).toBeCloseTo(ref[k]!.sigma[i]!, 12)));
  });

  it("the mixture's log density equals Optuna's _ParzenEstimator.log_pdf (float, log, stepped int, categorical)", () => {
    const obs = {
      x: [0.3, -1.2, 2.5, 0.31, 4.0, -3.3],
      lr: [0.001, 0.2, 0.05, 0.0003, 0.9, 0.01],
      d: [2, 4, 4, 10, 6, 8],
      c: [0, 1, 2, 1, 1, 0],
    };
    const pts = { x: [0.0, 1.1, -4.9, 3.3], lr: [0.002, 0.5, 0.00011, 0.07], d: [2, 6, 10, 4], c: [0, 1, 2, 1] };
    const space = {
      x: floatDistribution(-5, 5),
      lr: floatDistribution(1e-4, 1, { log: true }),
      d: intDistribution(2, 10, { step: 2 }),
      c: categoricalDistribution(['a', 'b', 'c']),
    };
    const ours = new ParzenEstimator(obs, space, defaultWeights(6), {
      priorWeight: 1,
      considerMagicClip: true,
      considerEndpoints: false,
    }).logPdf(pts);
    const ref = runPythonJson<number[]>(
      `import json, sys, numpy as np
from optuna.distributions import FloatDistribution, IntDistribution, CategoricalDistribution
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import default_weights
c = json.load(sys.stdin)
p = _ParzenEstimatorParameters(prior_weight=1.0, consider_magic_clip=True, consider_endpoints=False, weights=default_weights, multivariate=True)
space = {'x': FloatDistribution(-5, 5), 'lr': FloatDistribution(1e-4, 1, log=True), 'd': IntDistribution(2, 10, step=2), 'c': CategoricalDistribution(['a', 'b', 'c'])}
pe = _ParzenEstimator({k: np.array(v, dtype=float) for k, v in c['obs'].items()}, space, p)
print(json.dumps(pe.log_pdf({k: np.array(v, dtype=float) for k, v in c['pts'].items()}).tolist()))`,
      { obs, pts },
    );
    ours.forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 12));
  });

  it("draws from the same mixture as Optuna's sampler (two-sample KS on 5,000 draws per dimension)", () => {
    const obs = { x: [0.3, -1.2, 2.5, 0.31, 4.0, -3.3, 4.9, 4.95], lr: [0.001, 0.2, 0.05, 0.0003, 0.9, 0.01, 0.5, 0.0001] };
    const space = { x: floatDistribution(-5, 5), lr: floatDistribution(1e-4, 1, { log: true }) };
    const ours = new ParzenEstimator(obs, space, defaultWeights(8), {
      priorWeight: 1,
      considerMagicClip: true,
      considerEndpoints: false,
    }).sample(new RandomState(1), 5000);
    const ref = runPythonJson<Record<string, number[]>>(
      `import json, sys, numpy as np
from optuna.distributions import FloatDistribution
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import default_weights
c = json.load(sys.stdin)
p = _ParzenEstimatorParameters(prior_weight=1.0, consider_magic_clip=True, consider_endpoints=False, weights=default_weights, multivariate=True)
pe = _ParzenEstimator({k: np.array(v, dtype=float) for k, v in c.items()}, {'x': FloatDistribution(-5, 5), 'lr': FloatDistribution(1e-4, 1, log=True)}, p)
print(json.dumps({k: v.tolist() for k, v in pe.sample(np.random.RandomState(0), 5000).items()}))`,
      obs,
    );
    for (const k of ['x', 'lr']) expect(ks2samp(ours[k]!, ref[k]!).pValue, k).toBeGreaterThan(0.001);
  });

  it('gamma and weights', () => {
    const ref = runPythonJson<{ gamma: number[]; weights: number[][] }>(
      `import json
from optuna.samplers._tpe.sampler import default_gamma, default_weights
ns = [0, 1, 9, 10, 11, 24, 25, 26, 100, 300]
print(json.dumps(dict(gamma=[default_gamma(n) for n in ns], weights=[default_weights(n).tolist() for n in ns])))`,
    );
    const ns = [0, 1, 9, 10, 11, 24, 25, 26, 100, 300];
    expect(ns.map(defaultGamma)).toEqual(ref.gamma);
    ns.forEach((n, k) => defaultWeights(n).forEach((w, i) => expect(w).toBeCloseTo(ref.weights[k]![i]!, 12)));
  });
});

describe('TPESampler', () => {
  const objective = (t: import('../../../lib/hyperopt').Trial) => {
    const lr = t.suggestFloat('lr', 1e-4, 1, { log: true });
    const depth = t.suggestInt('depth', 2, 12, { step: 2 });
    const frac = t.suggestFloat('frac', 0.5, 1, { step: 0.05 });
    const kind = t.suggestCategorical('kind', ['gbtree', 'dart', 'linear']);
    return (Math.log10(lr) + 2) ** 2 + (depth - 6) ** 2 / 10 + (frac - 0.8) ** 2 + (kind === 'dart' ? 0 : 0.5);
  };

  it('keeps suggestions in bounds and on the step grid, and is reproducible for a seed', async () => {
    const run = async (seed: number) => {
      const study = new Study('minimize', new TPESampler({ seed }));
      await study.optimize(objective, { nTrials: 40 });
      return study;
    };
    const a = await run(7);
    for (const t of a.trials) {
      for (const [name, v] of Object.entries(t.params)) expect(contains(t.distributions[name]!, v), `${name}=${v}`).toBe(true);
    }
    expect((await run(7)).trials.map((t) => t.params)).toEqual(a.trials.map((t) => t.params));
    expect((await run(8)).trials.map((t) => t.params)).not.toEqual(a.trials.map((t) => t.params));
  });

  it('resumes from serialised state exactly (continue-as-new)', async () => {
    const full = new Study('minimize', new TPESampler({ seed: 3 }));
    await full.optimize(objective, { nTrials: 30 });
    const first = new Study('minimize', new TPESampler({ seed: 3 }));
    await first.optimize(objective, { nTrials: 15 });
    const resumed = new Study('minimize', new TPESampler(), undefined, JSON.parse(JSON.stringify(first.toJSON())));
    await resumed.optimize(objective, { nTrials: 15 });
    expect(resumed.trials.map((t) => t.params)).toEqual(full.trials.map((t) => t.params));
  });

  it('beats random search clearly on a 2-D sphere (median best of 10 seeds, 80 trials)', async () => {
    const best = async (sampler: (s: number) => TPESampler | RandomSampler) => {
      const out: number[] = [];
      for (let seed = 0; seed < 10; seed++) {
        const study = new Study('minimize', sampler(seed));
        await study.optimize((t) => t.suggestFloat('x', -5, 5) ** 2 + t.suggestFloat('y', -5, 5) ** 2, { nTrials: 80 });
        out.push(study.bestValue);
      }
      return median(out);
    };
    const tpe = await best((seed) => new TPESampler({ seed }));
    const random = await best((seed) => new RandomSampler({ seed }));
    expect(tpe).toBeLessThan(random / 10);
  });

  it('marks a NaN objective as FAIL with the reason and keeps going', async () => {
    const study = new Study('minimize', new TPESampler({ seed: 1 }));
    await study.optimize((t) => (t.number === 2 ? Number.NaN : t.suggestFloat('x', 0, 1)), { nTrials: 5 });
    expect(study.trials[2]).toMatchObject({ state: TrialState.FAIL, failReason: 'the objective returned NaN' });
    expect(study.trials.filter((t) => t.state === TrialState.COMPLETE)).toHaveLength(4);
  });
});

describe('MedianPruner', () => {
  it("matches Optuna's decisions on a table of reports", () => {
    let s = 5;
    const rnd = () => (s = (s * 48271) % 2147483647) / 2147483647;
    const completed = Array.from({ length: 8 }, () => Array.from({ length: 6 }, () => rnd()));
    const candidates = Array.from({ length: 30 }, () =>
      Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => (rnd() < 0.05 ? Number.NaN : rnd())),
    );
    const configs = [{}, { nStartupTrials: 10 }, { nWarmupSteps: 2 }, { intervalSteps: 2 }, { nMinTrials: 9 }];
    const ref = runPythonJson<boolean[][]>(
      `import json, sys, math, optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
c = json.load(sys.stdin)
out = []
for cfg in c['configs']:
    kw = dict(n_startup_trials=cfg.get('nStartupTrials', 5), n_warmup_steps=cfg.get('nWarmupSteps', 0), interval_steps=cfg.get('intervalSteps', 1), n_min_trials=cfg.get('nMinTrials', 1))
    row = []
    for direction in ['minimize', 'maximize']:
        for cand in c['candidates']:
            study = optuna.create_study(direction=direction, pruner=optuna.pruners.MedianPruner(**kw))
            for vals in c['completed']:
                study.add_trial(optuna.trial.create_trial(value=vals[-1], intermediate_values={i: v for i, v in enumerate(vals)}))
            t = study.ask()
            for i, v in enumerate(cand):
                t.report(float('nan') if v is None else v, i)
            row.append(bool(t.should_prune()))
    out.append(row)
print(json.dumps(out))`,
      { configs, completed, candidates: candidates.map((c) => c.map((v) => (Number.isNaN(v) ? null : v))) },
    );
    configs.forEach((cfg, k) => {
      const ours: boolean[] = [];
      for (const direction of ['minimize', 'maximize'] as const) {
        for (const cand of candidates) {
          const study = new Study(direction, new RandomSampler(), new MedianPruner(cfg));
          for (const vals of completed) {
            const t = study.ask();
            vals.forEach((v, i) => t.report(i, v));
            study.tell(t, vals[vals.length - 1]!);
          }
          const t = study.ask();
          cand.forEach((v, i) => t.report(i, v));
          ours.push(t.shouldPrune());
        }
      }
      expect(ours, JSON.stringify(cfg)).toEqual(ref[k]);
    });
  });
});
