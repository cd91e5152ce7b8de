import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportToOnnx, OnnxModel } from '../../../lib/onnx';
import { LoadedModel } from '../../../lib/serving/loadedModel';
import { ModelSetHolder } from '../../../lib/serving/modelSet';
import { trainModel } from '../../../lib/xgboost';
import { makeDataset } from '../xgboost/fixtures';

const ds = makeDataset({ rows: 300, cols: 3, seed: 5 });
let path: string;
beforeAll(async () => {
  const { booster } = await trainModel({ train: ds, modelType: 'xgb', params: { nEstimators: 5 } });
  path = join(mkdtempSync(join(tmpdir(), 'modelset-')), 'm.onnx');
  writeFileSync(path, exportToOnnx(booster.toJson(), { featureNames: ds.X.featureNames }));
  booster.dispose();
});
const load = async (version: string) => new LoadedModel(version, await OnnxModel.load(path), 'schema', '2020-01-01');
const X = () => ({ data: ds.X.data.subarray(0, 3), rows: 1, cols: 3, featureNames: ds.X.featureNames });

describe('ModelSetHolder', () => {
  it('keeps a swapped-out model usable by the request that holds it, and frees it after the last release', async () => {
    const holder = new ModelSetHolder();
    const a = await load('v1.0.0');
    holder.swap({ production: a, candidate: null, ab: null });
    a.release(); // the loader's own reference: from here the holder and requests own it
    const request = holder.acquire();
    const b = await load('v2.0.0');
    const next = holder.swap({ production: b, candidate: null, ab: null });
    b.release();
    expect(next.generation).toBe(2);
    expect(holder.peek().production?.version).toBe('v2.0.0');
    // The in-flight request still scores with its own snapshot's model.
    expect(request.set.production?.version).toBe('v1.0.0');
    await expect(request.set.production!.onnx.predictProba(X())).resolves.toHaveLength(1);
    request.release();
    request.release(); // idempotent
    await expect(a.onnx.predictProba(X())).rejects.toThrow(/dispose/);
    await expect(b.onnx.predictProba(X())).resolves.toHaveLength(1);
    holder.close();
    await expect(b.onnx.predictProba(X())).rejects.toThrow(/dispose/);
  });
});
