import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
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
  killInWaves,
  pipelineBaseline,
  SCENARIOS,
  SEARCH_TRIAL,
  searchBaseline,
  TWO_WORKERS,
  type FaultContext,
  type RunRecord,
  type WaveResult,
} from './workerKills';
import { yahooFaults, yahooRows, type YahooRun } from './yahooFaults';

/**
 * The fault suite (issue 16): real worker processes SIGKILLed while held at a seeded moment of
 * their target stage (workers/faultHooks.ts), in waves on the suite's dev server; a dev server of
 * its own killed and restarted on its database; a misbehaving Yahoo-compatible server; a registry
 * that cannot be written during promotion. Everything starts at once in beforeAll and each test
 * waits for its own part; the table is printed at the end and written to test-results/faults.md.
 */
const REPS = Number(process.env.TRAINCTL_FAULT_REPS ?? 5);
const REGISTRY_REPS = Math.min(REPS, 2);
const MINUTES = 60_000;
/**
 * Kill → retry started is the 15 s heartbeat timeout plus the 1 s backoff: ≤ 20 s on an idle
 * machine (the figure is printed). A loaded CI machine stretches it, so the assertion is looser.
 */
const STALL_TARGET_S = 20;
const STALL_BOUND_S = Number(process.env.TRAINCTL_FAULT_STALL_BOUND_S ?? 45);
const KILLS_PER_SCENARIO = 5;

let connection: Connection;
let ctx: FaultContext;
let pipelineRef: Awaited<ReturnType<typeof pipelineBaseline>>;
let searchRef: string;
let waves: Promise<WaveResult>;
let restarts: Promise<ServerRestartResult>;
let yahoo: Promise<YahooRun[]>;
let registry: Promise<RegistryRun[]>;
const rows: FaultRow[] = [];
const started = Date.now();
const loadAtStart = loadavg()[0]!;

/** Swallowed here only so that a failure waits for its test instead of failing the file. */
const quiet = <T>(p: Promise<T>): Promise<T> => {
  p.catch(() => {});
  return p;
};

beforeAll(async () => {
  const address = inject('temporalAddress');
  connection = await Connection.connect({ address });
  ctx = { client: new Client({ connection }), address, bundlePath: await bundleToFile() };
  waves = quiet(killInWaves(ctx, { twoWorkers: REPS, searches: REPS }));
  restarts = quiet(restartServerDuringRuns({ bundlePath: ctx.bundlePath }));
  yahoo = quiet(yahooFaults(REPS));
  const searchRefP = quiet(searchBaseline(ctx));
  pipelineRef = await pipelineBaseline(ctx);
  registry = quiet(
    Promise.all(
      Array.from({ length: REGISTRY_REPS }, (_, i) => i).flatMap((i) =>
        (['read-only', 'full'] as const).map((fault) => promoteIntoBrokenRegistry(ctx, fault, i, pipelineRef.modelsDir)),
      ),
    ),
  );
  searchRef = await searchRefP;
}, 10 * MINUTES);

afterAll(async () => {
  if (rows.length) {
    const wall = ((Date.now() - started) / 1000).toFixed(0);
    const load = `load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end`;
    const w = await waves.catch(() => undefined);
    const waveText = w ? `; kill waves: all held after ${w.waveS.map((s) => s.toFixed(0)).join(', ')} s` : '';
    publishFaultTable(rows, `Fault suite: ${wall} s wall, ${load} (${new Date().toISOString().slice(0, 16)}Z)${waveText}`);
  }
  await connection?.close();
  if (ctx) rmSync(dirname(ctx.bundlePath), { recursive: true, force: true });
  removeFaultHomes();
});

function expectRecovered(runs: RunRecord[], baseline: string, versions: number, newRows: FaultRow[], scenarios: string[]) {
  rows.push(...newRows);
  for (const r of runs) {
    expect(r.error, r.name).toBeUndefined();
    expect(r.completed, r.name).toBe(true);
    expect(r.fingerprint, r.name).toBe(baseline);
    expect(r.check?.versions, r.name).toBe(versions);
    expect(r.check?.tempFiles, r.name).toEqual([]);
    expect(r.check?.lost, r.name).toEqual([]);
    if (versions > 0) expect(r.check?.productionVersion, r.name).toBe('v1.0.0');
  }
  for (const scenario of scenarios) {
    const kills = runs.flatMap((r) => r.kills.filter((k) => k.scenario === scenario));
    // Every kill landed at its hold, and its retry was seen.
    expect(kills.length, scenario).toBeGreaterThanOrEqual(KILLS_PER_SCENARIO);
    for (const k of kills) {
      expect(k.stall, `${scenario} (${k.moment})`).toBeDefined();
      expect(k.stall!, `${scenario} (${k.moment})`).toBeLessThanOrEqual(STALL_BOUND_S);
    }
  }
  const slow = newRows.flatMap((r) => r.stalls.filter((s) => s > STALL_TARGET_S).map((s) => `${r.scenario}: ${s.toFixed(1)} s`));
  if (slow.length)
    console.warn(`stalls above the ${STALL_TARGET_S} s target (load average ${loadavg()[0]!.toFixed(1)}): ${slow.join('; ')}`);
}

describe('fault suite: worker processes killed with SIGKILL', () => {
  it('the undisturbed reference run promotes v1.0.0 and leaves nothing behind', () => {
    expect(pipelineRef.check).toMatchObject({ versions: 1, tempFiles: [], lost: [], productionVersion: 'v1.0.0' });
    expect(JSON.parse(pipelineRef.fingerprint).outcome).toBe('promoted');
  });

  it(
    'runs killed in fetch, features, training, backtest, report, compare and promote complete with the undisturbed result',
    async () => {
      const { pipelines } = await waves;
      expectRecovered(pipelines, pipelineRef.fingerprint, 1, killRows(pipelines, pipelineRef.fingerprint, 1), Object.values(SCENARIOS));
      // Training kills land mid-boosting, report kills with the report folder half written.
      for (const k of pipelines.flatMap((r) => r.kills)) {
        // "after (the body ended before the moment)" here means no round heartbeat reached the activity.
        if (k.scenario === SCENARIOS.train) expect(k.moment).toMatch(/^boosting round \d+$/);
        if (k.scenario === SCENARIOS.report) expect(k.moment).toMatch(/^report folder holding/);
      }
    },
    15 * MINUTES,
  );

  it(
    'with two workers on the task queue, the survivor finishes a run whose other worker was killed mid-training',
    async () => {
      const { twoWorkers } = await waves;
      expectRecovered(twoWorkers, pipelineRef.fingerprint, 1, killRows(twoWorkers, pipelineRef.fingerprint, 1), [TWO_WORKERS]);
    },
    15 * MINUTES,
  );

  it(
    'a search killed during a trial finishes with the trials of an undisturbed search',
    async () => {
      const { searches } = await waves;
      expectRecovered(searches, searchRef, 0, killRows(searches, searchRef, 0), [SEARCH_TRIAL]);
    },
    15 * MINUTES,
  );
});

describe('fault suite: the dev server killed and restarted on its database', () => {
  it(
    'runs hit in a stage, at the approval gate (approved after the restart) and during a search trial complete with the reference result',
    async () => {
      const r = await restarts;
      const newRows = serverRows(r, { pipeline: pipelineRef.fingerprint, search: searchRef });
      rows.push(...newRows);
      for (const run of r.runs) {
        expect(run.error, run.name).toBeUndefined();
        expect(run.completed, run.name).toBe(true);
        expect(run.fingerprint, run.name).toBe(run.kind === 'pipeline' ? pipelineRef.fingerprint : searchRef);
        if (run.kind === 'pipeline') expect(run.check).toMatchObject({ versions: 1, tempFiles: [], lost: [], productionVersion: 'v1.0.0' });
      }
      expect(r.restarts).toBe(2);
      for (const row of newRows) expect(row.runs, row.scenario).toBeGreaterThanOrEqual(2);
    },
    15 * MINUTES,
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
      // Cancellation during training (CLI and Web UI) runs in the default suite; the table cites it.
      rows.push({
        scenario: 'activity cancelled during training, from the CLI and from the Web UI',
        runs: '—',
        completed: '—',
        correct: '—',
        versions: '0 each',
        tempFiles: '—',
        dataLost: '—',
        stalls: [],
        note: 'test/workflows/cancellation.test.ts (default suite): run ends cancelled, nothing registered',
      });
    },
    15 * MINUTES,
  );
});
