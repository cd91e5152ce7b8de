import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Paths } from '../../lib/config/paths';
import { readPredictions } from '../../lib/predictionLog';
import { tempPaths } from '../support/temporal';
import { lineRegistry, prepareMarket, registerTrainedVersion, TICKERS, type MarketFixture } from './support/modelLine';
import { startServer, type RunningServer } from './support/server';

const MODEL = 'direction-classifier';
let paths: Paths;
let market: MarketFixture;
let server: RunningServer;
afterAll(async () => server?.close());

interface Sample {
  t0: number;
  t1: number;
  status: number;
  versions: string[];
}

/** Closed-loop load: `workers` clients, each sending the next request when the last one returns. */
function loadGenerator(url: string, workers: number) {
  const samples: Sample[] = [];
  let stop = false;
  const loop = async (w: number) => {
    for (let k = 0; !stop; k++) {
      const batch = (w + k) % 4 === 0;
      const body = batch ? { rows: TICKERS.map((ticker) => ({ ticker })) } : { ticker: TICKERS[k % TICKERS.length] };
      const t0 = Date.now();
      try {
        const res = await fetch(`${url}${batch ? '/v1/predict/batch' : '/v1/predict'}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const json = (await res.json()) as { version?: string; results?: { version: string }[] };
        samples.push({ t0, t1: Date.now(), status: res.status, versions: json.results?.map((r) => r.version) ?? [json.version ?? '?'] });
      } catch {
        samples.push({ t0, t1: Date.now(), status: 0, versions: [] });
      }
    }
  };
  const done = Promise.all(Array.from({ length: workers }, (_, w) => loop(w)));
  /** Resolves once `n` more responses have come back: traffic around each swap, however busy the machine. */
  const served = async (n: number) => {
    const target = samples.length + n;
    while (samples.length < target) await sleep(5);
  };
  return { samples, served, stop: async () => ((stop = true), await done) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function servedBecomes(version: string): Promise<void> {
  const t0 = Date.now();
  while (server.holder.peek().production?.version !== version) {
    if (Date.now() - t0 > 10_000) throw new Error(`service did not switch to ${version}`);
    await sleep(10);
  }
}

beforeAll(async () => {
  paths = tempPaths('serve-swap-');
  market = await prepareMarket(paths);
  const registry = await lineRegistry(paths, MODEL);
  const v1 = await registerTrainedVersion({ paths, modelName: MODEL, market, rounds: 10, runId: 'run-1' });
  await registry.promote({ version: v1.version, by: 'test', reason: 'first', runId: 'run-1' });
  server = await startServer(paths, MODEL, { pollMs: 20 });
});

describe('hot swap', () => {
  it('two promotions and a rollback under load: zero errors, every response names a version live during it, none mixed', async () => {
    const registry = await lineRegistry(paths, MODEL);
    const v2 = (await registerTrainedVersion({ paths, modelName: MODEL, market, rounds: 20, runId: 'run-2' })).version;
    // v3 waits in staging while v2 goes live (v2 superseded → production), so shadow scoring runs under load too.
    const v3 = (await registerTrainedVersion({ paths, modelName: MODEL, market, rounds: 30, runId: 'run-3' })).version;
    const load = loadGenerator(server.url, 6);
    await load.served(40);
    await registry.promote({ version: v2, by: 'test', reason: 'promotion 1', runId: 'p-1' });
    await servedBecomes(v2);
    await load.served(40);
    const v2LoadedAt = server.holder.peek().production?.loadedAt;
    await registry.promote({ version: v3, by: 'test', reason: 'promotion 2', runId: 'p-2' });
    await servedBecomes(v3);
    await load.served(40);
    await registry.rollback({ to: 'previous', by: 'test', reason: 'rollback', runId: 'rb-1' });
    await servedBecomes(v2);
    // The version rolled back to was kept loaded: the swap did not load its session again.
    expect(server.holder.peek().production?.loadedAt).toBe(v2LoadedAt);
    await load.served(40);
    await load.stop();

    const { samples } = load;
    expect(samples.length).toBeGreaterThanOrEqual(160);
    expect(samples.filter((s) => s.status !== 200)).toEqual([]);
    // Production as this instance saw it: each swap opens an interval that the next one closes.
    const swaps = server.watcher.swaps;
    const intervals = swaps.map((s, i) => ({ version: s.production, from: s.at, to: swaps[i + 1]?.at ?? Infinity }));
    const invalid = samples.filter((s) => {
      if (new Set(s.versions).size !== 1) return true; // versions mixed within one request
      return !intervals.some((iv) => iv.version === s.versions[0] && iv.from <= s.t1 && iv.to >= s.t0);
    });
    expect(invalid).toEqual([]);
    const seen = new Set(samples.flatMap((s) => s.versions));
    expect([...seen].sort()).toEqual(['v1.0.0', v2, v3].sort());
    const live = swaps.map((s) => s.production).filter((v, i, a) => i === 0 || v !== a[i - 1]);
    expect(live).toEqual(['v1.0.0', v2, v3, v2]);
    // Every answered row reached the prediction log, under its answering version.
    await server.log!.flush();
    const logged = (await readPredictions(server.logDir)).records.filter((r) => r.role === 'production');
    const answered = samples.flatMap((s) => s.versions);
    expect(logged.length).toBe(answered.length);
    expect(new Set(logged.map((r) => r.version))).toEqual(new Set(answered));
  });
});
