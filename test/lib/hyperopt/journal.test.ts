import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  externalParams,
  MedianPruner,
  parseJournal,
  parsePython,
  dumpPython,
  PyFloat,
  studyToJournal,
  Study,
  TPESampler,
  TrialPruned,
  TrialState,
} from '../../../lib/hyperopt';
import { appendJournal, readJournal } from '../../../lib/hyperopt/node';
import { runPythonJson } from '../../support/python';

const dir = mkdtempSync(join(tmpdir(), 'journal-'));

describe('Optuna journal format', () => {
  it('writes and reads NaN/Infinity tokens and floats as floats', () => {
    expect(dumpPython({ a: new PyFloat(1), b: NaN, c: [Infinity, -Infinity], d: 'NaN' })).toBe(
      '{"a":1.0,"b":NaN,"c":[Infinity,-Infinity],"d":"NaN"}',
    );
    expect(parsePython('{"a":NaN,"b":[Infinity,-Infinity],"s":"Infinity"}')).toEqual({ a: NaN, b: [Infinity, -Infinity], s: 'Infinity' });
  });

  it('a study written by hyperopt-ts is loaded by real Optuna with the same trials', async () => {
    const study = new Study('minimize', new TPESampler({ seed: 4, nStartupTrials: 3 }), new MedianPruner({ nStartupTrials: 2 }));
    await study.optimize(
      (t) => {
        const lr = t.suggestFloat('lr', 1e-4, 1, { log: true });
        const depth = t.suggestInt('depth', 2, 10, { step: 2 });
        const frac = t.suggestFloat('frac', 0.5, 1, { step: 0.1 });
        const kind = t.suggestCategorical('kind', ['a', null, 3, true]);
        for (let step = 0; step < 3; step++) {
          t.report(step, lr * (3 - step) + depth);
          if (t.shouldPrune()) throw new TrialPruned();
        }
        if (t.number === 5) return Number.NaN;
        return lr + depth + frac + (kind === 'a' ? 0 : 1);
      },
      { nTrials: 12 },
    );
    const path = join(dir, 'ours.log');
    appendJournal(path, studyToJournal({ studyName: 'ours', direction: 'minimize', trials: study.trials, workerId: 'w-1' }));
    const loaded = runPythonJson<
      {
        number: number;
        state: string;
        value: number | null;
        params: Record<string, unknown>;
        distributions: Record<string, string>;
        intermediate: Record<string, number>;
      }[]
    >(
      `import json, sys, optuna
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend
from optuna.distributions import distribution_to_json
s = optuna.load_study(study_name='ours', storage=JournalStorage(JournalFileBackend(json.load(sys.stdin))))
print(json.dumps([dict(number=t.number, state=t.state.name, value=t.value, params=t.params, distributions={k: distribution_to_json(d) for k, d in t.distributions.items()}, intermediate={str(k): v for k, v in t.intermediate_values.items()}) for t in s.trials]))`,
      path,
    );
    expect(loaded).toHaveLength(study.trials.length);
    study.trials.forEach((t, i) => {
      const o = loaded[i]!;
      expect(o.state).toBe(TrialState[t.state]);
      expect(o.params).toEqual(externalParams(t));
      if (t.state === TrialState.COMPLETE) expect(o.value).toBe(t.value);
      expect(Object.keys(o.intermediate).length).toBe(Object.keys(t.intermediateValues).length);
      expect(JSON.parse(o.distributions.depth!)).toEqual({
        name: 'IntDistribution',
        attributes: { log: false, step: 2, low: 2, high: 10 },
      });
    });
    expect(study.trials.some((t) => t.state === TrialState.PRUNED)).toBe(true);
    expect(study.trials[5]!.state).toBe(TrialState.FAIL);
  });

  it('a journal written by Optuna is read with the same trials, and a corrupt line is named', () => {
    const path = join(dir, 'optuna.log');
    const ref = runPythonJson<{ state: number; value: number | null; params: Record<string, number>; intermediate: number }[]>(
      `import json, sys, optuna
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name='theirs', direction='maximize', storage=JournalStorage(JournalFileBackend(json.load(sys.stdin))), sampler=optuna.samplers.TPESampler(seed=1), pruner=optuna.pruners.MedianPruner(n_startup_trials=2))
def f(t):
    x = t.suggest_float('x', -3, 3); n = t.suggest_int('n', 1, 64, log=True); c = t.suggest_categorical('c', ['u', 'v'])
    for step in range(3):
        t.report(x * step, step)
        if t.should_prune(): raise optuna.TrialPruned()
    return -x * x + n / 64 + (c == 'u')
s.optimize(f, n_trials=15)
print(json.dumps([dict(state=int(t.state), value=t.value, params={k: t.distributions[k].to_internal_repr(v) for k, v in t.params.items()}, intermediate=len(t.intermediate_values)) for t in s.trials]))`,
      path,
    );
    const [study] = readJournal(path);
    expect(study!.name).toBe('theirs');
    expect(study!.direction).toBe('maximize');
    expect(
      study!.trials.map((t) => ({
        state: t.state,
        value: t.value,
        params: t.params,
        intermediate: Object.keys(t.intermediateValues).length,
      })),
    ).toEqual(ref);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines.splice(3, 1, '{"op_code": 4, broken');
    writeFileSync(join(dir, 'bad.log'), lines.join('\n'));
    expect(() => parseJournal(readFileSync(join(dir, 'bad.log'), 'utf8'))).toThrow(/journal line 4/);
  });
});
