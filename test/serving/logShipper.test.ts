import { appendFile, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withPredictionLog } from '../../activities/predictionLogStore';
import { keyFor } from '../../activities/storeFiles';
import { withStoredFiles } from '../../client/storedFiles';
import { withShadowCount } from '../../client/shadow';
import { logShipperFor } from '../../client/commands/serveRun';
import { freePort } from '../../client/devServer';
import { modelLinePaths, type Paths } from '../../lib/config/paths';
import { monitorLocations } from '../../lib/monitoring';
import { frameLine, listLogFiles, readPredictions, storeLogPrefix } from '../../lib/predictionLog';
import { LogShipper } from '../../lib/serving/logShipper';
import { openStore, type Store } from '../../lib/store';
import type { PipelineStatus } from '../../workflows/types';
import { awsEnv } from '../support/s3Server';
import { tempPaths } from '../support/temporal';
import { lineRegistry, prepareMarket, registerTrainedVersion, type MarketFixture } from './support/modelLine';
import { startServer, type RunningServer } from './support/server';

/**
 * A prediction service's local log shipped to a real S3 server (SeaweedFS from the test set-up):
 * what a host with an empty home and only the bucket reads, through the activities' reader and the
 * CLI's, is exactly what the service logged — also after a crash between an upload and its offset.
 */
const MODEL = 'log-shipper';
const s3 = inject('s3Endpoint');
const artifacts = `s3://${s3.bucket}/log-shipper-${Date.now().toString(36)}`;
const stores: Store[] = [];
let paths: Paths;
let market: MarketFixture;
let server: RunningServer;
let candidate: string;

const bucketEnv = (root: string) => ({ ...awsEnv(s3), TRAINCTL_ARTIFACTS: artifacts, TRAINCTL_HOME: root });
const bucket = (root: string) => {
  const store = openStore({ env: bucketEnv(root) });
  stores.push(store);
  return store;
};
const predict = async (n: number, date = '2026-10-15', url = server.url) => {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${url}/v1/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ticker: ['SYN-A', 'SYN-B', 'SYN-C'][i % 3], date }),
    });
    expect(res.status).toBe(200);
    ids.push(((await res.json()) as { requestId: string }).requestId);
  }
  return ids;
};
/** Everything the service has logged so far (production and shadow lines), once shadow scoring is done. */
const localLog = async (requestIds: string[]) => {
  const t0 = Date.now();
  for (;;) {
    await server.log!.flush();
    const { records } = await readPredictions(server.logDir);
    const shadowed = new Set(records.filter((r) => r.role === 'shadow').map((r) => r.requestId));
    if (requestIds.every((id) => shadowed.has(id))) return records;
    if (Date.now() - t0 > 10_000) throw new Error('shadow predictions not logged in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};
/** What a host with an empty home and the bucket reads, through the reader the activities use. */
const readFromBucket = async () => {
  const reader = tempPaths('log-shipper-reader-');
  const store = bucket(reader.root);
  const read = await withPredictionLog(
    { paths: reader, logger: pino({ level: 'silent' }), env: {}, now: () => new Date(), fetch, store },
    MODEL,
    (dir) => readPredictions(dir),
  );
  expect(await readdir(reader.root)).toEqual(['.trainctl']); // only the scratch folder, already emptied
  return read;
};
const key = (r: { requestId: string; role: string }) => `${r.requestId}/${r.role}`;
/** A CLI command's process environment: the bucket, and `root` as its home. */
const asCli = async <T>(root: string, fn: () => Promise<T>): Promise<T> => {
  const env = bucketEnv(root);
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
};

beforeAll(async () => {
  paths = tempPaths('log-shipper-');
  market = await prepareMarket(paths);
  const v1 = (await registerTrainedVersion({ paths, modelName: MODEL, market, rounds: 10, runId: 'run-1' })).version;
  await (await lineRegistry(paths, MODEL)).promote({ version: v1, by: 'test', reason: 'first', runId: 'run-1' });
  candidate = (await registerTrainedVersion({ paths, modelName: MODEL, market, rounds: 20, runId: 'run-2' })).version;
  server = await startServer(paths, MODEL);
}, 60_000);
afterAll(async () => {
  await server?.close();
  stores.forEach((s) => s.close());
});

describe('log shipper', () => {
  it('ships whole lines on its ticks; a host with only the bucket reads exactly what was logged', async () => {
    const shipper = new LogShipper({ store: bucket(paths.root), modelName: MODEL, logDir: server.logDir, intervalMs: 150 });
    shipper.start();
    const first = await predict(4);
    const logged = await localLog(first);
    const store = bucket(paths.root);
    const prefix = storeLogPrefix(MODEL);
    const until = async (what: () => Promise<boolean>) => {
      const t0 = Date.now();
      while (!(await what())) {
        if (Date.now() - t0 > 10_000) throw new Error('not shipped in time');
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await until(async () => (await readFromBucket()).records.length === logged.length);
    const [day] = await listLogFiles(server.logDir);
    const batches = await store.list(prefix);
    expect(batches.length).toBeGreaterThanOrEqual(1);
    for (const k of batches)
      expect(k).toMatch(new RegExp(`^${prefix.replace(/\./g, '\\.')}${day!.day}/[A-Za-z0-9.-]+-[0-9a-f]{8}-\\d{12}\\.jsonl$`));

    // A line being written is left for the next tick; once whole it goes up, once.
    const line = frameLine(JSON.stringify({ ...logged[0]!, requestId: 'written-in-two-parts', role: 'production' }));
    await appendFile(day!.path, line.slice(0, 20));
    await new Promise((r) => setTimeout(r, 400));
    expect((await readFromBucket()).skipped).toEqual([]);
    await appendFile(day!.path, line.slice(20));
    const second = await predict(3);
    const all = await localLog([...first, ...second]);
    await until(async () => (await readFromBucket()).records.length === all.length);
    await shipper.stop();

    const read = await readFromBucket();
    expect(read.skipped).toEqual([]);
    expect(read.records.map(key).sort()).toEqual(all.map(key).sort());
    expect(new Set(read.records.map(key)).size).toBe(read.records.length);
    expect(read.records.filter((r) => r.requestId === 'written-in-two-parts')).toHaveLength(1);
    expect((await store.list(prefix)).length).toBeGreaterThanOrEqual(2);

    // `trainctl status` at the gate, from a host with an empty home: the shadow count comes from the bucket.
    const reader = tempPaths('log-shipper-cli-');
    await asCli(reader.root, async () => {
      const status = await withShadowCount({
        outcome: 'awaiting_approval',
        candidateVersion: candidate,
        modelName: MODEL,
      } as PipelineStatus);
      const shadow = all.filter((r) => r.role === 'shadow' && r.version === candidate).length;
      expect(status.shadow).toEqual({ total: shadow, requests: shadow, batch: 0 });
      expect(shadow).toBe(first.length + second.length);
    });
  }, 40_000);

  it('a crash between an upload and its offset re-ships the same batch key: readers see no record twice', async () => {
    const statePath = join(server.logDir, '.shipped.json');
    const store = bucket(paths.root);
    const prefix = storeLogPrefix(MODEL);
    const before = await readFile(statePath, 'utf8');
    const keysBefore = await store.list(prefix);

    // Unreachable bucket: a warning, the local log and the offsets untouched.
    const warnings: string[] = [];
    const deadEnv = { ...bucketEnv(paths.root), AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${await freePort()}` };
    const dead = openStore({ env: deadEnv });
    stores.push(dead);
    const ids = await predict(3, '2026-10-16');
    await localLog(ids);
    const offline = new LogShipper({ store: dead, modelName: MODEL, logDir: server.logDir, warn: (m) => warnings.push(m) });
    expect(await offline.ship()).toEqual([]);
    await rm(join(server.logDir, '.shipper.lock')); // that process is gone
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/prediction log shipping to s3:\/\/.* failed \(kept locally, retrying\)/);
    expect(await readFile(statePath, 'utf8')).toBe(before);

    // The upload lands, then the process dies before writing its offset: the state file is as before.
    const uploaded = await new LogShipper({ store: bucket(paths.root), modelName: MODEL, logDir: server.logDir }).ship();
    expect(uploaded).toHaveLength(1);
    await writeFile(statePath, before);

    // Restarted: more predictions, and the next pass starts from the old offset again, under the same key.
    const more = await predict(2, '2026-10-16');
    const all = await localLog([...ids, ...more]);
    // Its lock is still there: while a live process holds it, no other one ships this folder.
    expect(await new LogShipper({ store: bucket(paths.root), modelName: MODEL, logDir: server.logDir }).ship()).toEqual([]);
    await rm(join(server.logDir, '.shipper.lock'));
    const reshipped = await new LogShipper({ store: bucket(paths.root), modelName: MODEL, logDir: server.logDir }).ship();
    expect(reshipped).toEqual(uploaded);
    expect((await store.list(prefix)).sort()).toEqual([...keysBefore, ...uploaded].sort());

    const read = await readFromBucket();
    expect(read.skipped).toEqual([]);
    expect(read.records.map(key).sort()).toEqual(all.map(key).sort());
    expect(new Set(read.records.map(key)).size).toBe(read.records.length);
  }, 30_000);

  it('the CLI reads the drift and monitor histories the activities keep in the bucket', async () => {
    const worker = tempPaths('log-shipper-worker-');
    const deps = { paths: worker, logger: pino({ level: 'silent' }), env: {}, now: () => new Date(), fetch, store: bucket(worker.root) };
    const files = [modelLinePaths(worker, MODEL).driftHistory, monitorLocations(worker, MODEL).history];
    for (const [i, f] of files.entries()) await deps.store.put(keyFor(deps, f), `history ${i}\n`);
    const reader = tempPaths('log-shipper-cli-');
    const wanted = [modelLinePaths(reader, MODEL).driftHistory, monitorLocations(reader, MODEL).history];
    const read = await asCli(reader.root, () =>
      withStoredFiles(reader, wanted, (local) => Promise.all(local.map((l) => readFile(l, 'utf8')))),
    );
    expect(read).toEqual(['history 0\n', 'history 1\n']);
    expect(await readdir(join(reader.stateDir, 'tmp'))).toEqual([]);
  });

  it('with the local default there is no shipper: the log folder holds only its day files, the bucket gains nothing', async () => {
    const onBucket = await logShipperFor(MODEL, join(paths.stateDir, 'predictions', 'none'), bucketEnv(paths.root));
    expect(onBucket).not.toBeNull();
    await onBucket!.stop();
    const store = bucket(paths.root);
    const keysBefore = await store.list(storeLogPrefix(MODEL));

    const own = await startServer(paths, MODEL);
    try {
      expect(await logShipperFor(MODEL, own.logDir, { TRAINCTL_HOME: paths.root })).toBeNull();
      await predict(2, '2026-10-15', own.url);
      await own.log!.flush();
    } finally {
      await own.close();
    }
    const names = await readdir(own.logDir);
    expect(names.length).toBeGreaterThanOrEqual(1);
    for (const n of names) expect(n).toMatch(/^predictions-\d{4}-\d{2}-\d{2}\.jsonl$/);
    expect(await store.list(storeLogPrefix(MODEL))).toEqual(keysBefore);
  });
});
