import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FaultRow } from '../support/faultHarness';
import { bundleToFile } from '../support/faultHarness';
import { killRows, publishFaultTable } from './faultTable';
import { removeFaultHomes } from './pipelineRuns';
import { promoteIntoBrokenRegistry, registryRows, type RegistryRun } from './registryFaults';
import { restartServerDuringRuns, serverRows, type ServerRestartResult } from './serverRestarts';
import {
  killDuringTrial,
  killInEveryStage,
  killOneOfTwo,
  pipelineBaseline,
  searchBaseline,
  type FaultContext,
  type RunRecord,
} from './workerKills';
import { yahooFaults, yahooRows, type YahooRun } from './yahooFaults';

/**
 * The fault suite (issue 16): real worker processes SIGKILLed at seeded moments on the suite's
 * dev server, a dev server of its own killed and restarted on its database, a misbehaving
 * Yahoo-compatible server, a registry that cannot be written during promotion. Every scenario
 * starts at once in beforeAll, each on its own task queue and trainctl home, and the tests below
 * wait for their own; the table is printed at the end (and kept in .trainctl/faults-table.md).
 * Recovery time is reported (the stall column), bounded only generously.
 */
const REPS = Number(process.env.TRAINCTL_FAULT_REPS ?? 5);
const REGISTRY_REPS = Math.min(REPS, 2);
const SERVER_REPS = Math.min(REPS, 2);
/**
 * Runs under way at once. Most of a disturbed run is waiting for a timeout, but each run spawns a
 * worker process per kill and trains on every start: all ~30 at once starve a 2-core machine until
 * heartbeats time out for real (measured: runs failing "train failed: activity Heartbeat timeout").
 */
const PARALLEL = Number(process.env.TRAINCTL_FAULT_PARALLEL ?? 5);
const MINUTES = 60_000;
/** A kill must be picked up well within the slowest timeout the workflows configure (2 min). */
const STALL_BOUND_S = 300;

let connection: Connection;
let ctx: FaultContext;
let pipelineRef: Awaited<ReturnType<typeof pipelineBaseline>>;
let searchRef: string;
let chains: Promise<RunRecord[]>;
let pairs: Promise<RunRecord[]>;
let searches: Promise<RunRecord[]>;
let restarts: Promise<ServerRestartResult>;
let yahoo: Promise<YahooRun[]>;
let registry: Promise<RegistryRun[]>;
const rows: FaultRow[] = [];
const started = Date.now();

beforeAll(async () => {
  const address = inject('temporalAddress');
  connection = await Connection.connect({ address });
  ctx = { client: new Client({ connection }), address, bundlePath: await bundleToFile() };
  const searchRefP = searchBaseline(ctx);
  yahoo = yahooFaults(REPS);
  restarts = restartServerDuringRuns({ bundlePath: ctx.bundlePath, reps: SERVER_REPS });
  // Swallowed here only so that a failure waits for its test instead of failing the file.
  yahoo.catch(() => {});
  restarts.catch(() => {});
  pipelineRef = await pipelineBaseline(ctx);
  const reps = Array.from({ length: REPS }, (_, i) => i);
  const limit = limiter(PARALLEL);
  // Submitted round-robin, so that every scenario makes progress from the start.
  const queued = reps.map((i) => ({
    chain: settle(limit(() => killInEveryStage(ctx, i, pipelineRef))),
    pair: settle(limit(() => killOneOfTwo(ctx, i, pipelineRef))),
    search: settle(limit(() => killDuringTrial(ctx, i))),
  }));
  chains = Promise.all(queued.map((q) => q.chain));
  pairs = Promise.all(queued.map((q) => q.pair));
  searches = Promise.all(queued.map((q) => q.search));
  registry = Promise.all(
    reps
      .slice(0, REGISTRY_REPS)
      .flatMap((i) =>
        (['read-only', 'full'] as const).map((fault) => limit(() => promoteIntoBrokenRegistry(ctx, fault, i, pipelineRef.modelsDir))),
      ),
  );
  registry.catch(() => {});
  searchRef = await searchRefP;
}, 20 * MINUTES);

afterAll(async () => {
  if (rows.length) publishFaultTable(rows, `Fault suite: ${REPS} runs per scenario, ${((Date.now() - started) / 1000).toFixed(0)} s wall`);
  await connection?.close();
  if (ctx) rmSync(dirname(ctx.bundlePath), { recursive: true, force: true });
  removeFaultHomes();
});

/** At most `n` of the functions given run at once. */
function limiter(n: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await fn();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/** A scenario that could not even start counts as a run that did not complete. */
const settle = (run: Promise<RunRecord>): Promise<RunRecord> =>
  run.catch((err: unknown) => ({ kills: [], completed: false, error: String(err) }));

function expectRecovered(runs: RunRecord[], baseline: string, versions: number, newRows: FaultRow[]) {
  rows.push(...newRows);
  for (const r of runs) {
    expect(r.error).toBeUndefined();
    expect(r.completed).toBe(true);
    expect(r.fingerprint).toBe(baseline);
    expect(r.check?.versions).toBe(versions);
    expect(r.check?.tempFiles).toEqual([]);
    expect(r.check?.lost).toEqual([]);
    if (versions > 0) expect(r.check?.productionVersion).toBe('v1.0.0');
  }
  for (const row of newRows) {
    // A scenario whose kills all came after the activity finished tested nothing.
    expect(row.stalls.length, row.scenario).toBeGreaterThan(0);
    for (const s of row.stalls) expect(s, row.scenario).toBeLessThan(STALL_BOUND_S);
  }
}

describe('fault suite: worker processes killed with SIGKILL', () => {
  it('the undisturbed reference run promotes v1.0.0 and leaves nothing behind', () => {
    expect(pipelineRef.check).toMatchObject({ versions: 1, tempFiles: [], lost: [], productionVersion: 'v1.0.0' });
    expect(JSON.parse(pipelineRef.fingerprint).outcome).toBe('promoted');
  });

  it(
    'a run killed in every stage in turn completes with the undisturbed result, one version, no temp files',
    async () => {
      const runs = await chains;
      expectRecovered(runs, pipelineRef.fingerprint, 1, killRows(runs, pipelineRef.fingerprint, 1));
    },
    40 * MINUTES,
  );

  it(
    'with two workers on the task queue, the survivor finishes a run whose other worker was killed mid-training',
    async () => {
      const runs = await pairs;
      expectRecovered(runs, pipelineRef.fingerprint, 1, killRows(runs, pipelineRef.fingerprint, 1));
    },
    40 * MINUTES,
  );

  it(
    'a search killed during a trial finishes with the trials of an undisturbed search',
    async () => {
      const runs = await searches;
      expectRecovered(runs, searchRef, 0, killRows(runs, searchRef, 0));
    },
    40 * MINUTES,
  );
});

describe('fault suite: the dev server killed and restarted on its database', () => {
  it(
    'runs hit during a stage, at the approval gate (approved after the restart) and during a search trial complete with the reference result',
    async () => {
      const r = await restarts;
      const newRows = serverRows(r, { pipeline: pipelineRef.fingerprint, search: searchRef });
      rows.push(...newRows);
      for (const run of r.runs) {
        expect(run.error).toBeUndefined();
        expect(run.completed).toBe(true);
        expect(run.fingerprint).toBe(run.kind === 'pipeline' ? pipelineRef.fingerprint : searchRef);
        if (run.kind === 'pipeline') expect(run.check).toMatchObject({ versions: 1, tempFiles: [], lost: [], productionVersion: 'v1.0.0' });
      }
      for (const row of newRows) expect(row.runs, row.scenario).toBeGreaterThan(0);
    },
    40 * MINUTES,
  );
});

describe('fault suite: a Yahoo-compatible server that misbehaves', () => {
  it(
    'retries 5xx, 429 (after its Retry-After), timeouts, cut and unparsable bodies with backoff, then fails clearly; never a half-written cache',
    async () => {
      const runs = await yahoo;
      rows.push(...yahooRows(runs));
      for (const r of runs) {
        expect(r.correct, `${r.scenario}: ${r.detail}`).toBe(true);
        expect(r.tempFiles, r.scenario).toEqual([]);
        expect(r.halfWritten, r.scenario).toEqual([]);
        if (r.waitedS !== undefined) expect(r.waitedS).toBeGreaterThanOrEqual(0.95);
      }
    },
    10 * MINUTES,
  );
});

describe('fault suite: a registry folder that cannot be written during promotion', () => {
  it(
    'fails the promotion cleanly: production and the registry state unchanged, no temp files',
    async () => {
      const runs = await registry;
      rows.push(...registryRows(runs));
      const attempted = runs.filter((r) => !r.unavailable);
      expect(attempted.length).toBeGreaterThan(0);
      for (const r of attempted) {
        expect(r.failedCleanly, `${r.fault}: ${r.message}`).toBe(true);
        expect(r.productionBefore).toBe('v1.0.0');
        expect(r.productionAfter).toBe('v1.0.0');
        expect(r.stateUnchanged, r.fault).toBe(true);
        expect(r.tempFiles, r.fault).toEqual([]);
        expect(r.lost, r.fault).toEqual([]);
      }
    },
    40 * MINUTES,
  );
});
