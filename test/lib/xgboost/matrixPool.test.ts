import { afterEach, describe, expect, it } from 'vitest';
import { clearTrainMatrices, keptTrainMatrices, trainModel, type XgbHyperparams } from '../../../lib/xgboost';
import { makeDataset } from './fixtures';

/** A search's folds keep their training matrix between trials (lib/xgboost/matrixPool). */
const data = makeDataset({ rows: 1500, cols: 10, seed: 41, nanRate: 0.03 });
const trials: Partial<XgbHyperparams>[] = [
  { nEstimators: 30, maxDepth: 6, learningRate: 0.1, subsample: 0.8, colsampleBytree: 0.8, minChildWeight: 3 },
  { nEstimators: 20, maxDepth: 3, learningRate: 0.2, subsample: 0.6, colsampleBytree: 1, minChildWeight: 1 },
  { nEstimators: 25, maxDepth: 9, learningRate: 0.05, subsample: 1, colsampleBytree: 0.6, minChildWeight: 6 },
];

async function modelJson(params: Partial<XgbHyperparams>, trainMatrixKey?: string, nthread?: number) {
  const { booster } = await trainModel({ train: data, modelType: 'xgb', params, seed: 5, nthread, trainMatrixKey });
  try {
    return booster.toJson();
  } finally {
    booster.dispose();
  }
}

afterEach(() => clearTrainMatrices());

describe('kept training matrices', () => {
  it('train byte-identical models: a fresh matrix, then one reused by trials with other parameters', async () => {
    for (const nthread of [1, 2]) {
      clearTrainMatrices();
      const fresh = [];
      for (const t of trials) fresh.push(await modelJson(t, undefined, nthread));
      expect(keptTrainMatrices()).toBe(0);
      const kept = [];
      for (const t of trials) kept.push(await modelJson(t, 'fold-0', nthread));
      expect(keptTrainMatrices()).toBe(1);
      expect(kept).toEqual(fresh);
    }
  });

  it('lends a matrix to one training at a time: two at once on one key build two, both kept', async () => {
    const [a, b] = await Promise.all([modelJson(trials[0]!, 'fold-1'), modelJson(trials[0]!, 'fold-1')]);
    expect(a).toEqual(b);
    expect(keptTrainMatrices()).toBe(2);
    expect(await modelJson(trials[0]!, 'fold-1')).toEqual(a);
    expect(keptTrainMatrices()).toBe(2);
    clearTrainMatrices();
    expect(keptTrainMatrices()).toBe(0);
  });

  it('a training that did not end normally (here: cancelled) does not keep its matrix', async () => {
    const cancel = new AbortController();
    await expect(
      trainModel({
        train: data,
        modelType: 'xgb',
        params: { ...trials[0], nEstimators: 200 },
        seed: 5,
        trainMatrixKey: 'fold-2',
        signal: cancel.signal,
        onRound: () => cancel.abort(new Error('cancelled by the test')),
      }),
    ).rejects.toThrow(/cancelled by the test/);
    expect(keptTrainMatrices()).toBe(0);
    await modelJson(trials[0]!, 'fold-2');
    expect(keptTrainMatrices()).toBe(1);
  });
});
