import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeFit, engineFor, fullRetrainSide, warmStartBase } from '../../../lib/engine';
import { LgbBooster } from '../../../lib/lightgbm';
import { defaultLgbHyperparams } from '../../../lib/lightgbm/params';
import { openRegistry } from '../../../lib/registry';
import type { ModelEntry } from '../../../lib/registry/types';
import { ConfigError } from '../../../lib/util/errors';
import { boostingPlan, defaultHyperparams } from '../../../lib/xgboost/params';
import { trainModel } from '../../../lib/xgboost/train';
import { runPythonJson, WITHOUT_OPTIONAL_IMPORTS } from '../../support/python';
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
      `${WITHOUT_OPTIONAL_IMPORTS}import json, sys, numpy as np, xgboost as xgb
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
});

describe('warm start through the engine interface (LightGBM)', () => {
  const engine = engineFor('lgb');
  const lgbHp = { ...defaultLgbHyperparams, nEstimators: 15, numLeaves: 15 };
  const valid = makeDataset({ rows: 600, cols: 6, seed: 23 });

  /** The production model as the registry holds it: the engine's own model.txt. */
  async function production(): Promise<{ fileName: string; content: Uint8Array; rounds: number }> {
    const base = await engine.train({ train: old, modelType: 'lgb', params: lgbHp, seed: 3 });
    const native = base.nativeModel();
    const rounds = base.bestIteration + 1;
    base.dispose();
    return { fileName: native.fileName, content: new TextEncoder().encode(native.content), rounds };
  }

  it('continues from model.txt with early stopping, and the saved model holds the old and the kept new rounds', async () => {
    const init = await production();
    expect([init.fileName, init.rounds]).toEqual(['model.txt', 15]);
    const training = {
      train: fresh,
      valid,
      modelType: 'lgb' as const,
      params: { ...lgbHp, nEstimators: 200, learningRate: 0.3 },
      earlyStoppingRounds: 5,
      seed: 3,
    };
    const warm = await engine.train({ ...training, initModel: { fileName: init.fileName, content: init.content } });
    try {
      expect(warm.baseRounds).toBe(15);
      expect(warm.rounds).toBeLessThan(200);
      expect(warm.bestIteration).toBeGreaterThanOrEqual(15);
      const side = await describeFit(warm, { seconds: 1, holdout: old });
      expect(side.totalRounds).toBe(warm.bestIteration + 1);
      // The saved file is what the next warm start (and serving) reads back.
      const saved = await LgbBooster.load({ text: warm.nativeModel().content });
      expect(saved.currentIteration()).toBe(warm.bestIteration + 1);
      const ours = await warm.predict(fresh.X);
      expect(Array.from(await saved.predict(fresh.X))).toEqual(Array.from(ours));
      saved.dispose();
      // --compare-full: the same call without the initial model, scored on the same holdout rows.
      const full = await fullRetrainSide(engine, { train: training, holdout: old });
      expect(full.totalRounds).toBe(full.rounds - 5);
      expect(full.holdout.rows).toBe(side.holdout.rows);
      expect(full.holdout.logLoss).not.toBe(side.holdout.logLoss);
    } finally {
      warm.dispose();
    }
  });

  it('continues from the production model the registry holds: register, promote, warmStartBase, train', async () => {
    const init = await production();
    const candidateDir = join(dir, 'lgb-candidate');
    mkdirSync(candidateDir, { recursive: true });
    // As trainModel writes the candidate and compareModels registers it.
    writeFileSync(join(candidateDir, init.fileName), init.content);
    writeFileSync(join(candidateDir, 'model.onnx'), 'onnx');
    const registry = await openRegistry({ root: join(dir, 'registry') });
    const schemaHash = 'd'.repeat(64);
    const names = old.X.featureNames;
    const { version } = await registry.registerCandidate({
      runId: 'train-lgb-base',
      artifacts: { modelJson: join(candidateDir, init.fileName), onnx: join(candidateDir, 'model.onnx') },
      metadata: {
        modelType: 'lgb',
        params: {},
        featureSchema: { names },
        dataSource: { source: 'synthetic', window: { start: '2015-01-01', end: '2023-12-29' } },
        rawDataHash: 'raw',
        featureSetHash: 'features',
        metrics: {},
        codeVersion: 'test',
      },
      schemaHash,
      labelDefinition: null,
    });
    await registry.promote({ version, by: 'test', reason: 'base', runId: 'train-lgb-base' });
    const run = { modelType: 'lgb' as const, featureNames: names, schemaHash, holdoutStart: '2024-06-03' };
    const base = await warmStartBase(await registry.production(), run);
    expect([base.version, base.model.fileName]).toEqual([version, 'model.txt']);
    const training = { train: fresh, modelType: 'lgb' as const, params: { ...lgbHp, nEstimators: 10 }, seed: 3 };
    const viaRegistry = await engine.train({ ...training, initModel: base.model });
    const direct = await engine.train({ ...training, initModel: { fileName: init.fileName, content: init.content } });
    try {
      expect([viaRegistry.baseRounds, viaRegistry.bestIteration]).toEqual([15, 24]);
      expect(Array.from(await viaRegistry.predict(fresh.X))).toEqual(Array.from(await direct.predict(fresh.X)));
    } finally {
      viaRegistry.dispose();
      direct.dispose();
    }
    // The next run's feature set differs: refused before any training, with the reason.
    await expect(
      warmStartBase(await registry.production(), { ...run, featureNames: [...names, 'sentiment'], schemaHash: 'e'.repeat(64) }),
    ).rejects.toThrow(
      /^--warm-start refused: the feature schema changed since production v1\.0\.0 \(added sentiment; schema dddddddddddd → eeeeeeeeeeee\); train from scratch \(without --warm-start\)$/,
    );
  });

  it("refuses another engine's model file", async () => {
    await expect(
      engine.train({ train: fresh, modelType: 'lgb', initModel: { fileName: 'model.json', content: new Uint8Array(1) } }),
    ).rejects.toThrow(/warm start: LightGBM cannot continue from model\.json \(a model of another engine\)/);
  });
});

describe('warm start base checks', () => {
  const modelPath = join(dir, 'model.json');
  writeFileSync(modelPath, '{"learner":{}}');
  const lgbModelPath = join(dir, 'model.txt');
  writeFileSync(lgbModelPath, 'tree\nversion=v4\n');
  const production = (o: { modelType?: string; schemaHash?: string; names?: string[]; trainEnd?: string } = {}): ModelEntry =>
    ({
      version: 'v1.2.0',
      stage: 'production',
      modelJson: modelPath,
      onnx: '',
      // The registry keeps either engine's native model as model.json.
      files: { 'model.json': { name: 'model.json', location: o.modelType === 'lgb' ? lgbModelPath : modelPath, sha256: '', bytes: 14 } },
      metadata: {
        modelType: o.modelType ?? 'xgb',
        schemaHash: o.schemaHash ?? 'a'.repeat(64),
        featureSchema: { names: o.names ?? ['rsi_14', 'ret_1'] },
        dataSource: { source: 'synthetic', window: { start: '2015-01-01', end: '2024-06-28' } },
        extra: { trainWindow: { start: '2015-01-01', end: o.trainEnd ?? '2023-12-20' } },
      },
    }) as unknown as ModelEntry;
  const run = { modelType: 'xgb' as const, featureNames: ['rsi_14', 'ret_1'], schemaHash: 'a'.repeat(64), holdoutStart: '2024-01-02' };

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

  it("gives an lgb run its production LightGBM model under the engine's name model.txt, and refuses a schema change with the same rule", async () => {
    const lgbRun = { ...run, modelType: 'lgb' as const };
    const base = await warmStartBase(production({ modelType: 'lgb' }), lgbRun);
    expect(base.model.fileName).toBe('model.txt');
    expect(new TextDecoder().decode(base.model.content)).toBe('tree\nversion=v4\n');
    const err = await warmStartBase(production({ modelType: 'lgb' }), {
      ...lgbRun,
      featureNames: ['rsi_14'],
      schemaHash: 'c'.repeat(64),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(
      '--warm-start refused: the feature schema changed since production v1.2.0 (removed ret_1; schema aaaaaaaaaaaa → cccccccccccc); train from scratch (without --warm-start)',
    );
    await expect(warmStartBase(production({ modelType: 'lgb' }), run)).rejects.toThrow(
      /production v1\.2\.0 is a lgb model and this run trains xgb/,
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
