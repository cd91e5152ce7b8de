import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportToOnnx, OnnxModel } from '../../lib/onnx';
import { ScoreBatcher } from '../../lib/serving/scoreBatcher';
import { trainModel } from '../../lib/xgboost';
import { makeDataset } from '../lib/xgboost/fixtures';

const ds = makeDataset({ rows: 400, cols: 8, seed: 11, nanRate: 0.05 });
const row = (i: number) => ds.X.data.slice(i * ds.X.cols, (i + 1) * ds.X.cols);
let onnx: OnnxModel;
let path: string;

beforeAll(async () => {
  const { booster } = await trainModel({ train: ds, modelType: 'xgb', params: { nEstimators: 40, maxDepth: 6 } });
  path = join(mkdtempSync(join(tmpdir(), 'score-batcher-')), 'm.onnx');
  writeFileSync(path, exportToOnnx(booster.toJson(), { featureNames: ds.X.featureNames }));
  booster.dispose();
  // As the service loads models: one intra-op thread.
  onnx = await OnnxModel.load(path, { intraOpThreads: 1 });
});
afterAll(async () => onnx?.dispose());

describe('ScoreBatcher', () => {
  it('scores the rows asked for in one turn of the event loop in one onnxruntime run, each exactly as alone', async () => {
    const alone: number[] = [];
    for (let i = 0; i < 50; i++) {
      const [p] = await onnx.predictProba({ data: row(i), rows: 1, cols: ds.X.cols, featureNames: ds.X.featureNames });
      alone.push(p!);
    }
    const runs = vi.spyOn(onnx, 'predictProba');
    const batcher = new ScoreBatcher(onnx);
    // 48 single-row requests and one of two rows, as concurrent requests would ask.
    const asked = [...Array.from({ length: 48 }, (_, i) => batcher.score([row(i)])), batcher.score([row(48), row(49)])];
    const scores = await Promise.all(asked);
    expect(runs).toHaveBeenCalledTimes(1);
    expect(scores.map((s) => s.length)).toEqual([...Array.from({ length: 48 }, () => 1), 2]);
    const batched = scores.flatMap((s) => Array.from(s));
    expect(batched.filter((p, i) => !Object.is(p, alone[i]))).toEqual([]);
    // The next turn is a batch of its own.
    await batcher.score([row(0)]);
    expect(runs).toHaveBeenCalledTimes(2);
    runs.mockRestore();
  });

  it('refuses a malformed row alone, and fails every request of a run that fails without leaving one hanging', async () => {
    const batcher = new ScoreBatcher(onnx);
    const settled = await Promise.allSettled([batcher.score([row(0)]), batcher.score([new Float32Array(ds.X.cols + 1)])]);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ message: `row 0 has 9 values, the model takes ${ds.X.cols}` });

    const released = await OnnxModel.load(path, { intraOpThreads: 1 });
    const orphan = new ScoreBatcher(released);
    const pending = Promise.allSettled([orphan.score([row(0)]), orphan.score([row(1)])]);
    await released.dispose(); // what refcounting prevents in the service: a run on a released session
    expect((await pending).map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
