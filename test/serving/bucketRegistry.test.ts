import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registryPrefix } from '../../lib/registry';
import { openStore, type Store } from '../../lib/store';
import { awsEnv } from '../support/s3Server';
import { tempPaths } from '../support/temporal';
import { lineRegistry, prepareMarket, registerTrainedVersion, type MarketFixture } from './support/modelLine';
import { startServer, type RunningServer } from './support/server';
import type { Paths } from '../../lib/config/paths';

/**
 * A prediction service on a host of its own, with the registry in a bucket (TRAINCTL_ARTIFACTS=s3://…,
 * a real SeaweedFS from the test set-up): it serves what the workers promote there and hot-swaps on
 * a promotion, with nothing of the registry on its own disk.
 */
const MODEL = 'bucket-serving';
const s3 = inject('s3Endpoint');
const artifacts = `s3://${s3.bucket}/bucket-serving-${Date.now().toString(36)}`;
const stores: Store[] = [];
const bucket = (root: string) => {
  const store = openStore({ env: { ...awsEnv(s3), TRAINCTL_ARTIFACTS: artifacts, TRAINCTL_HOME: root } });
  stores.push(store);
  return store;
};
let trainer: Paths;
let serving: Paths;
let market: MarketFixture;
let server: RunningServer;

beforeAll(async () => {
  trainer = tempPaths('bucket-trainer-');
  serving = tempPaths('bucket-serving-');
  market = await prepareMarket(trainer);
  const store = bucket(trainer.root);
  const v1 = (await registerTrainedVersion({ paths: trainer, modelName: MODEL, market, rounds: 10, runId: 'run-1', store })).version;
  await (await lineRegistry(trainer, MODEL, store)).promote({ version: v1, by: 'test', reason: 'first', runId: 'run-1' });
  server = await startServer(serving, MODEL, {
    registryStore: bucket(serving.root).scope(registryPrefix(MODEL)),
    // Prices are per host (the market-data cache); the trainer's is as good as any.
    series: (await import('../../lib/serving')).dataCacheSeriesLoader({
      dataCacheDir: trainer.dataCacheDir,
      sourceKey: (await import('../../lib/data')).parseSource('synthetic').cacheKey,
    }),
  });
}, 90_000);
afterAll(async () => {
  await server?.close();
  stores.forEach((s) => s.close());
});

const predict = async () => {
  const res = await fetch(`${server.url}/v1/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ticker: 'SYN-A', date: '2026-10-15' }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { version: string; probabilityUp: number };
};

describe('serving from a registry in a bucket', () => {
  it('serves production from the bucket and hot-swaps when a new version is promoted there', async () => {
    const first = await predict();
    expect(first.version).toBe('v1.0.0');
    expect(first.probabilityUp).toBeGreaterThan(0);
    expect(first.probabilityUp).toBeLessThan(1);

    const store = bucket(trainer.root);
    const v2 = (await registerTrainedVersion({ paths: trainer, modelName: MODEL, market, rounds: 25, runId: 'run-2', store })).version;
    await (await lineRegistry(trainer, MODEL, store)).promote({ version: v2, by: 'test', reason: 'second', runId: 'run-2' });
    const t0 = Date.now();
    while (server.holder.peek().production?.version !== v2) {
      if (Date.now() - t0 > 15_000) throw new Error(`the service did not switch to ${v2}: ${JSON.stringify(server.watcher.refusals())}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const second = await predict();
    expect(second.version).toBe(v2);
    expect(second.probabilityUp).not.toBe(first.probabilityUp);
    // Nothing of the registry on the serving host's disk: only verified copies of the ONNX files in the store cache.
    expect(existsSync(serving.modelsDir)).toBe(false);
    expect(existsSync(trainer.modelsDir)).toBe(false);
  });
});
