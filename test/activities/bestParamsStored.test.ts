import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { writeBestParamsStored } from '../../activities/bestParamsFile';
import { resolvePaths } from '../../lib/config/paths';
import type { BestParamsFile } from '../../lib/hpo';
import { registryPrefix } from '../../lib/registry';
import { openStore, type Store } from '../../lib/store';
import { awsEnv } from '../support/s3Server';

/**
 * best_hyperparameters.json on a bucket (SeaweedFS): two searches on two hosts replace the line's best
 * one after the other while the first is still writing its history line; both history lines stay.
 */
const s3 = inject('s3Endpoint');
const artifacts = `s3://${s3.bucket}/best-params-${Date.now().toString(36)}`;
const stores: Store[] = [];
afterAll(() => stores.forEach((s) => s.close()));
const MODEL = 'best-line';
const KEY = `${registryPrefix(MODEL)}/best_hyperparameters.json`;
const HISTORY = `${registryPrefix(MODEL)}/best_hyperparameters.history.jsonl`;

function host(wrap: (s: Store) => Store = (s) => s) {
  const root = mkdtempSync(join(tmpdir(), 'best-params-host-'));
  const store = openStore({ env: { ...awsEnv(s3), TRAINCTL_ARTIFACTS: artifacts, TRAINCTL_HOME: root } });
  stores.push(store);
  return { paths: resolvePaths({}, root), logger: pino({ level: 'silent' }), env: {}, now: () => new Date(), fetch, store: wrap(store) };
}

const best = (value: number, pipelineId: string): BestParamsFile => ({
  params: { nEstimators: 100, maxDepth: 4 },
  value,
  metric: 'walk-forward log loss',
  trialNumber: 0,
  studyName: pipelineId,
  dataWindow: { start: '2023-01-02', end: '2026-06-30' },
  pipelineId,
});

describe('best hyperparameters on a bucket', () => {
  it('keeps both history lines when a second search replaces the best while the first writes its history', async () => {
    await writeBestParamsStored(host(), { modelName: MODEL, next: best(0.7, 'search-a'), now: new Date() });
    // Host B stops right after its compare-and-swap of the main file, until host C has finished.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let swapped!: () => void;
    const bSwapped = new Promise<void>((r) => (swapped = r));
    const pauseAfterSwap = (s: Store): Store =>
      new Proxy(s, {
        get(target, name, receiver) {
          const value = Reflect.get(target, name, receiver) as unknown;
          if (name !== 'putIfMatch' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
          return async (...args: [string, string | Uint8Array, string]) => {
            const etag = await (value as Store['putIfMatch']).apply<Store, typeof args, Promise<string | null>>(target, args);
            if (args[0] === KEY && etag !== null) {
              swapped();
              await gate;
            }
            return etag;
          };
        },
      });
    const b = writeBestParamsStored(host(pauseAfterSwap), { modelName: MODEL, next: best(0.6, 'search-b'), now: new Date() });
    await bSwapped;
    const c = await writeBestParamsStored(host(), { modelName: MODEL, next: best(0.5, 'search-c'), now: new Date() });
    release();
    expect((await b).decision.replaced).toBe(true);
    expect(c.decision.replaced).toBe(true);

    const reader = host().store;
    const current = JSON.parse((await reader.read(KEY))!.bytes.toString()) as BestParamsFile;
    expect(current.value).toBe(0.5);
    const lines = (await reader.read(HISTORY))!.bytes
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { value: number; replacedBy?: unknown });
    // 0.7 replaced by B, then 0.6 replaced by C: neither line lost, whatever order they were written in.
    expect(lines.map((l) => l.value).sort()).toEqual([0.6, 0.7]);
  }, 60_000);
});
