import { readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Paths } from '../../lib/config/paths';
import { FEATURE_NAMES } from '../../lib/features';
import { registryRoot, waitForInstances } from '../../lib/serving';
import { tempPaths } from '../support/temporal';
import { lineRegistry, prepareMarket, registerTrainedVersion, type MarketFixture } from './support/modelLine';
import { startServer, type RunningServer } from './support/server';

const MODEL = 'direction-classifier';
let paths: Paths;
let market: MarketFixture;
let server: RunningServer;
let good: string;
afterAll(async () => server?.close());

beforeAll(async () => {
  paths = tempPaths('serve-refuse-');
  market = await prepareMarket(paths);
  good = (await registerTrainedVersion({ paths, modelName: MODEL, market, rounds: 10, runId: 'run-1' })).version;
  await (await lineRegistry(paths, MODEL)).promote({ version: good, by: 'test', reason: 'first', runId: 'run-1' });
  // No background polling: each step below checks the registry explicitly.
  server = await startServer(paths, MODEL, { pollMs: 3_600_000 });
});

/** Promote a broken version; the service must refuse it, keep `good`, and say so everywhere. */
async function promoteAndExpectRefusal(
  o: { runId: string; breakIt?: (versionDir: string) => Promise<void>; declaredFeatureNames?: string[]; onnxBytes?: Buffer },
  reason: RegExp,
) {
  const v = (
    await registerTrainedVersion({
      paths,
      modelName: MODEL,
      market,
      rounds: 12,
      runId: o.runId,
      declaredFeatureNames: o.declaredFeatureNames,
      onnxBytes: o.onnxBytes,
    })
  ).version;
  await (await lineRegistry(paths, MODEL)).promote({ version: v, by: 'test', reason: 'broken on purpose', runId: o.runId });
  await o.breakIt?.(join(registryRoot(paths.modelsDir, MODEL), 'versions', v));
  await server.watcher.check();

  const predict = await fetch(`${server.url}/v1/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"ticker":"SYN-A"}',
  });
  expect(predict.status).toBe(200);
  expect(((await predict.json()) as { version: string }).version).toBe(good);
  const models = (await (await fetch(`${server.url}/v1/models`)).json()) as {
    production: { version: string };
    registry: { production: string };
    refusals: { version: string; reason: string }[];
  };
  expect(models.production.version).toBe(good);
  expect(models.registry.production).toBe(v);
  expect(models.refusals.find((r) => r.version === v)?.reason).toMatch(reason);
  expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(
    new RegExp(`serving_model_refusals_total\\{version="${v.replace(/\./g, '\\.')}",role="production",model="${MODEL}"\\} 1`),
  );
  expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

  // The deploy step sees the refusal at once instead of waiting out its deadline.
  const deploy = await waitForInstances({ instances: [server.url], modelName: MODEL, version: v, timeoutMs: 60_000, pollMs: 50 });
  expect(deploy.ok).toBe(false);
  expect(deploy.ms).toBeLessThan(30_000);
  expect(deploy.notSwitched.map((s) => [s.url, s.serving, s.switchedAt])).toEqual([[server.url, good, null]]);
  expect(deploy.notSwitched[0]?.problem).toMatch(new RegExp(`^refused ${v}: `));
  await (await lineRegistry(paths, MODEL)).rollback({ to: good, by: 'test', reason: 'undo', runId: `undo-${o.runId}` });
  await server.watcher.check();
}

describe('refusing a bad model', () => {
  it('a truncated model file (checksum differs from the registry)', async () => {
    await promoteAndExpectRefusal(
      { runId: 'trunc', breakIt: async (dir) => truncate(join(dir, 'model.onnx'), 1000) },
      /SHA-256 .* refusing a modified or corrupt model/,
    );
  });

  it('a corrupted model registered with its own (matching) checksum', async () => {
    const bytes = Buffer.from(await readFile(join(registryRoot(paths.modelsDir, MODEL), 'versions', good, 'model.onnx')));
    for (let i = 200; i < bytes.length; i += 97) bytes[i] = bytes[i]! ^ 0xff;
    await promoteAndExpectRefusal({ runId: 'garbage', onnxBytes: bytes }, /.+/);
  });

  it('a model whose features differ from its declared feature schema', async () => {
    await promoteAndExpectRefusal(
      { runId: 'schema', declaredFeatureNames: [...FEATURE_NAMES].reverse() },
      /features \[rsi_14, .*\] differ from the metadata's \[ret_20, /,
    );
  });
});

describe('deploy wait', () => {
  it('returns when every instance serves the version, and names the ones that never did', async () => {
    const second = await startServer(paths, MODEL, { pollMs: 20 });
    try {
      const ok = await waitForInstances({
        instances: [server.url, second.url],
        modelName: MODEL,
        version: good,
        timeoutMs: 5_000,
        pollMs: 20,
      });
      expect(ok.ok).toBe(true);
      expect(ok.instances.map((i) => i.serving)).toEqual([good, good]);
      const dead = 'http://127.0.0.1:9/';
      const partial = await waitForInstances({
        instances: [second.url, dead],
        modelName: MODEL,
        version: good,
        timeoutMs: 300,
        pollMs: 50,
      });
      expect(partial.ok).toBe(false);
      expect(partial.ms).toBeGreaterThanOrEqual(300);
      expect(partial.notSwitched.map((s) => [s.url, s.problem?.split(':')[0]])).toEqual([[dead, 'unreachable']]);
    } finally {
      await second.close();
    }
  });
});
