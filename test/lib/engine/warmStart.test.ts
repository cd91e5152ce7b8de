import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineFor, fullRetrainSide, warmStartBase } from '../../../lib/engine';
import type { ModelEntry } from '../../../lib/registry/types';
import { ConfigError } from '../../../lib/util/errors';
import { boostingPlan, defaultHyperparams } from '../../../lib/xgboost/params';
import { trainModel } from '../../../lib/xgboost/train';
import { runPythonJson } from '../../support/python';
import { makeDataset } from '../xgboost/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'warm-start-'));
const old = makeDataset({ rows: 1500, cols: 6, seed: 21, nanRate: 0.03 });
const fresh = makeDataset({ rows: 1200, cols: 6, seed: 22, nanRate: 0.03 });
const hp = { ...defaultHyperparams, nEstimators: 15, maxDepth: 4 };

describe('warm start (XGBoost training continuation)', () => {
  it('continues like Python xgb.train(xgb_model=…) on the same libxgboost: same trees, same predictions', async () => {
    const base = await trainModel({ train: old, modelType: 'xgb', params: hp, seed: 3, nthread: 1 });
    const basePath = join(dir, 'base.json');
    writeFileSync(basePath, base.booster.toJson());
    const warm = await trainModel({
      train: fresh,
      modelType: 'xgb',
      params: { ...hp, nEstimators: 10 },
      seed: 3,
      nthread: 1,
      initModel: new TextEncoder().encode(base.booster.toJson()),
    });
    base.booster.dispose();
    expect(warm.baseRounds).toBe(15);
    expect(warm.booster.boostedRounds()).toBe(25);
    expect(warm.bestIteration).toBe(24);
    const ours = Array.from(await warm.booster.predict(fresh.X));
    warm.booster.dispose();
    const plan = boostingPlan('xgb', { ...hp, nEstimators: 10 }, { seed: 3, nthread: 1 });
    const theirs = runPythonJson<{ rounds: number; p: number[] }>(
      `import json, sys, numpy as np, xgboost as xgb
c = json.load(sys.stdin)
X = np.array([np.nan if v is None else v for v in c['X']], dtype=np.float32).reshape(c['rows'], c['cols'])
d = xgb.DMatrix(X, label=np.array(c['y'], dtype=np.float32), missing=np.nan, feature_names=c['names'])
b = xgb.train(c['params'], d, num_boost_round=c['rounds'], xgb_model=c['base'])
print(json.dumps({'rounds': b.num_boosted_rounds(), 'p': b.predict(d).tolist()}))`,
      {
        base: basePath,
        params: plan.params,
        rounds: plan.rounds,
        names: fresh.X.featureNames,
        X: Array.from(fresh.X.data, (v) => (Number.isNaN(v) ? null : v)),
        y: Array.from(fresh.y),
        rows: fresh.X.rows,
        cols: fresh.X.cols,
      },
    );
    expect(theirs.rounds).toBe(25);
    const worst = Math.max(...ours.map((p, i) => Math.abs(p - theirs.p[i]!)));
    expect(worst).toBeLessThanOrEqual(1e-6);
  });

  it('early stopping on a continuation keeps every base round and the best new ones', async () => {
    const base = await trainModel({ train: old, modelType: 'xgb', params: hp, seed: 3 });
    const init = new TextEncoder().encode(base.booster.toJson());
    base.booster.dispose();
    const valid = makeDataset({ rows: 600, cols: 6, seed: 23 });
    const r = await trainModel({
      train: fresh,
      valid,
      modelType: 'xgb',
      params: { ...hp, nEstimators: 200, learningRate: 0.3 },
      earlyStoppingRounds: 5,
      seed: 3,
      initModel: init,
    });
    expect(r.rounds).toBeLessThan(200);
    expect(r.booster.boostedRounds()).toBe(r.bestIteration + 1);
    expect(r.bestIteration).toBeGreaterThanOrEqual(15);
    const losses = r.evalHistory.map((e) => e['valid-logloss']!);
    expect(Math.min(...losses)).toBe(losses[r.bestIteration - 15]);
    r.booster.dispose();
  });

  it('--compare-full trains the same call from scratch and scores both on the same rows', async () => {
    const engine = engineFor('xgb');
    const side = await fullRetrainSide(engine, {
      train: { train: fresh, modelType: 'xgb', params: { ...hp, nEstimators: 10 }, seed: 3 },
      holdout: old,
    });
    expect(side.totalRounds).toBe(10);
    expect(side.holdout.rows).toBe(old.X.rows);
    expect(side.holdout.accuracy).toBeGreaterThan(0.5);
    expect(side.seconds).toBeGreaterThan(0);
  });

  it('LightGBM refuses an initial model instead of silently training from scratch', async () => {
    await expect(
      engineFor('lgb').train({ train: fresh, modelType: 'lgb', initModel: { fileName: 'model.txt', content: new Uint8Array(1) } }),
    ).rejects.toThrow(/warm start is not available for --model-type lgb/);
  });
});

describe('warm start base checks', () => {
  const modelPath = join(dir, 'model.json');
  writeFileSync(modelPath, '{"learner":{}}');
  const production = (o: { modelType?: string; schemaHash?: string; names?: string[]; trainEnd?: string } = {}): ModelEntry =>
    ({
      version: 'v1.2.0',
      stage: 'production',
      modelJson: modelPath,
      onnx: '',
      files: { 'model.json': { name: 'model.json', location: modelPath, sha256: '', bytes: 14 } },
      metadata: {
        modelType: o.modelType ?? 'xgb',
        schemaHash: o.schemaHash ?? 'a'.repeat(64),
        featureSchema: { names: o.names ?? ['rsi_14', 'ret_1'] },
        dataSource: { source: 'synthetic', window: { start: '2015-01-01', end: '2024-06-28' } },
        extra: { trainWindow: { start: '2015-01-01', end: o.trainEnd ?? '2023-12-20' } },
      },
    }) as unknown as ModelEntry;
  const run = { modelType: 'xgb', featureNames: ['rsi_14', 'ret_1'], schemaHash: 'a'.repeat(64), holdoutStart: '2024-01-02' };

  it('returns the production model file when everything matches', async () => {
    const base = await warmStartBase(production(), run);
    expect(base.version).toBe('v1.2.0');
    expect(new TextDecoder().decode(base.model.content)).toBe('{"learner":{}}');
  });

  it('refuses a feature-schema change, saying what changed', async () => {
    const err = await warmStartBase(production(), {
      ...run,
      featureNames: ['rsi_14', 'ret_1', 'sentiment'],
      schemaHash: 'b'.repeat(64),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(
      '--warm-start refused: the feature schema changed since production v1.2.0 (added sentiment; schema aaaaaaaaaaaa → bbbbbbbbbbbb); train from scratch (without --warm-start)',
    );
  });

  it('refuses no production model, another model type, and a base trained on this holdout', async () => {
    await expect(warmStartBase(null, run)).rejects.toThrow(/there is no production model to continue from/);
    await expect(warmStartBase(production({ modelType: 'lgb' }), run)).rejects.toThrow(
      /production v1\.2\.0 is a lgb model and this run trains xgb/,
    );
    await expect(warmStartBase(production({ trainEnd: '2024-01-05' }), run)).rejects.toThrow(
      /trained on data up to 2024-01-05, inside this run's holdout \(from 2024-01-02\)/,
    );
  });
});
