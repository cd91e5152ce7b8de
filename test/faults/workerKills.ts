import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { modelLinePaths, type Paths } from '../../lib/config/paths';
import { SeededRandom } from '../../lib/data/random';
import type { FaultHoldPlan, HeldMarker, HoldMoment, HoldSpec } from '../../workers/faultHooks';
import { hpoStatusQuery } from '../../workflows/hyperparameterSearch';
import type { PipelineStatus } from '../../workflows/types';
import { pendingActivities, sleep, spawnWorker, tempFilesIn, waitForRetry, withTimeout, type WorkerProcess } from '../support/faultHarness';
import {
  approveIfWaiting,
  checkPipelineHome,
  faultHome,
  memoStatus,
  MODEL,
  pipelineFingerprint,
  scratchDir,
  searchFingerprint,
  startPipeline,
  startSearch,
  waitForStatus,
  type RunCheck,
} from './pipelineRuns';

export interface FaultContext {
  client: Client;
  address: string;
  bundlePath: string;
}

export interface KillRecord {
  scenario: string;
  /** Where the kill landed, as the held attempt reported it. */
  moment: string;
  /** Seconds from the kill to the retry's start; undefined when no retry was seen. */
  stall?: number;
  /** A mid-body moment freezes the process until the kill: for how long (its heartbeats stop then too). */
  frozenS?: number;
}

export interface RunRecord {
  name: string;
  kills: KillRecord[];
  completed: boolean;
  fingerprint?: string;
  check?: RunCheck;
  error?: string;
}

export type Stage = 'fetch' | 'features' | 'train' | 'backtest' | 'report' | 'compare' | 'promote';

export const SCENARIOS: Record<Stage, string> = {
  fetch: 'kill -9 during fetch',
  features: 'kill -9 during features',
  train: 'kill -9 during training (mid-boosting)',
  backtest: 'kill -9 during backtest',
  report: 'kill -9 while the report is written',
  compare: 'kill -9 during compare',
  promote: 'kill -9 during promote',
};
export const TWO_WORKERS = 'two workers, one killed mid-activity';
export const SEARCH_TRIAL = 'kill -9 during a search trial';

const ACTIVITY: Record<Stage, string> = {
  fetch: 'fetchMarketData',
  features: 'buildFeatures',
  train: 'trainModel',
  backtest: 'backtestModel',
  report: 'compareModels',
  compare: 'compareModels',
  promote: 'promoteModel',
};

/**
 * The stages each pipeline run is killed in, one per wave: 5 kills per stage over 3 waves. A
 * mid-body kill (training at a boosting round, the report half written) freezes its whole worker
 * process, so a wave has one process per mid-body kill; no wave has more than four.
 */
const SEQUENCES: Stage[][] = [
  ['fetch', 'train', 'compare'],
  ['fetch', 'train', 'compare'],
  ['fetch', 'backtest', 'report'],
  ['fetch', 'backtest', 'report'],
  ['fetch', 'backtest', 'promote'],
  ['features', 'backtest', 'report'],
  ['features', 'backtest', 'promote'],
  ['features', 'train', 'promote'],
  ['features', 'compare', 'promote'],
  ['features', 'report', 'promote'],
  ['train', 'compare'],
  ['train', 'compare'],
  ['report', 'promote'],
];
const WAVES = Math.max(...SEQUENCES.map((s) => s.length));

interface Run {
  name: string;
  kind: 'pipeline' | 'two' | 'search';
  taskQueue: string;
  paths: Paths;
  handle: WorkflowHandle;
  /** The stage hit in each wave (pipelines). */
  stages: Stage[];
  record: RunRecord;
  rng: SeededRandom;
}

export interface WaveResult {
  pipelines: RunRecord[];
  twoWorkers: RunRecord[];
  searches: RunRecord[];
  /** Seconds each wave took (holds reached → killed), for the table's header. */
  waveS: number[];
}

const stamp = () => Date.now().toString(36);
/** An undisturbed run with the fault suite's seed: what every disturbed run must reproduce. */
export async function pipelineBaseline(ctx: FaultContext): Promise<{ fingerprint: string; check: RunCheck; modelsDir: string }> {
  const paths = faultHome('baseline');
  const taskQueue = `faults-baseline-${stamp()}`;
  const worker = await spawnWorker({ ...ctx, taskQueue, home: paths.root, identity: 'baseline' });
  try {
    const handle = await startPipeline(ctx.client, taskQueue, 'faults-baseline');
    await waitForStatus(handle, (s) => s.outcome === 'awaiting_approval', { what: 'the reference run to reach its gate' });
    await approveIfWaiting(handle);
    const status = await withTimeout(handle.result(), FINISH_TIMEOUT_MS, 'the reference run to complete');
    return { fingerprint: pipelineFingerprint(status), check: await checkPipelineHome(paths, status), modelsDir: paths.modelsDir };
  } finally {
    await worker.kill();
  }
}

/** An undisturbed search with the fault suite's seed. */
export async function searchBaseline(ctx: FaultContext): Promise<string> {
  const paths = faultHome('hpo-baseline');
  const taskQueue = `faults-hpo-baseline-${stamp()}`;
  const worker = await spawnWorker({ ...ctx, taskQueue, home: paths.root, identity: 'hpo-baseline' });
  try {
    return await withTimeout(
      searchFingerprint(await startSearch(ctx.client, taskQueue, 'faults-hpo-baseline')),
      FINISH_TIMEOUT_MS,
      'the reference search',
    );
  } finally {
    await worker.kill();
  }
}

const HOLD_TIMEOUT_MS = 150_000;
const FINISH_TIMEOUT_MS = 240_000;

/** The moment a run is held at in a stage, drawn from the run's seeded generator. */
function momentFor(stage: Stage, run: Run): HoldMoment {
  // Two-worker runs: before or after the training body (a mid-body freeze would need a process of its own).
  if (stage === 'train' && run.kind !== 'two') return { at: 'round', round: 1 + Math.floor(run.rng.next() * 15) };
  if (stage === 'report')
    return { at: 'report', dir: join(modelLinePaths(run.paths, MODEL).reportsDir, 'v1.0.0'), entries: 1 + Math.floor(run.rng.next() * 9) };
  return run.rng.next() < 0.5 ? { at: 'before' } : { at: 'after' };
}

/**
 * Worker kills in waves on the suite's dev server: every run starts at once, each on its own task
 * queue and trainctl home (same seed and configuration), the worker processes hold each run at
 * its target (workers/faultHooks.ts), and once all are held every process of the wave is
 * SIGKILLed: one kill hits many runs in different stages at once. The next wave's processes start
 * at once with the next targets; the retries resume there. Two-worker runs get a second,
 * unhindered process on their queues just before the first wave's kill, and nothing else after;
 * searches are held at a seeded fold.
 */
export async function killInWaves(ctx: FaultContext, o: { twoWorkers: number; searches: number }): Promise<WaveResult> {
  const base = scratchDir('trainctl-fault-holds-');
  const runs: Run[] = [];
  const make = async (kind: Run['kind'], i: number, stages: Stage[]): Promise<Run> => {
    const name = `${kind}${i}`;
    const paths = faultHome(name);
    const taskQueue = `faults-${name}-${stamp()}`;
    const handle =
      kind === 'search'
        ? await startSearch(ctx.client, taskQueue, `faults-${name}`)
        : await startPipeline(ctx.client, taskQueue, `faults-${name}`);
    return {
      name,
      kind,
      taskQueue,
      paths,
      handle,
      stages,
      record: { name, kills: [], completed: false },
      rng: new SeededRandom(`faults-${name}`),
    };
  };
  for (const [i, stages] of SEQUENCES.entries()) runs.push(await make('pipeline', i, stages));
  for (let i = 0; i < o.twoWorkers; i++) runs.push(await make('two', i, ['train']));
  for (let i = 0; i < o.searches; i++) runs.push(await make('search', i, []));

  const alive: WorkerProcess[] = [];
  const stallReads: Promise<unknown>[] = [];
  const waveS: number[] = [];
  let survivor: WorkerProcess | undefined;
  const approved = new Set<string>();
  /** Approve a run at its gate once nothing before its promotion is still to be hit. */
  const approveReady = async (wave: number) => {
    await Promise.all(
      runs
        .filter((r) => r.kind !== 'search' && !approved.has(r.name))
        .filter((r) => r.stages.slice(wave).every((s, k) => k === 0 && s === 'promote'))
        .map(async (r) => {
          if (await approveIfWaiting(r.handle)) approved.add(r.name);
        }),
    );
  };
  const queueOf = (r: Run) => ({ taskQueue: r.taskQueue, home: r.paths.root });
  /** A run with nothing left to hit (two-worker runs have their survivor). */
  const done = (r: Run, w: number) => (r.kind === 'search' ? w > 0 : r.kind === 'two' ? false : r.stages.length <= w);

  /**
   * A wave's worker processes, started (and polling only once `start` is called, so the next wave's
   * are ready before the kill): one for the held runs, one per mid-body run (its moment freezes the
   * process: nothing else must stop heartbeating), and one never killed for runs with nothing left to
   * hit (an unplanned second kill would be another scenario: a search fold has two attempts).
   */
  const prepare = async (wave: number) => {
    const dir = join(base, `wave${wave}`);
    mkdirSync(dir, { recursive: true });
    const holds: HoldSpec[] = runs
      .filter((r) => r.stages[wave] && !(r.kind === 'two' && wave > 0))
      .map((r) => ({ key: r.name, taskQueue: r.taskQueue, activity: ACTIVITY[r.stages[wave]!], moment: momentFor(r.stages[wave]!, r) }));
    if (wave === 0)
      for (const r of runs.filter((x) => x.kind === 'search'))
        holds.push({
          key: r.name,
          taskQueue: r.taskQueue,
          activity: 'evaluateTrial',
          skip: Math.floor(r.rng.next() * 2),
          moment: r.rng.next() < 0.5 ? { at: 'before' } : { at: 'after' },
        });
    const midBody = holds.filter((h) => h.moment.at === 'round' || h.moment.at === 'report');
    const isMidBody = (r: Run) => midBody.some((h) => h.key === r.name);
    const startFile = join(dir, 'start');
    const env = {
      TRAINCTL_FAULT_HOLD: JSON.stringify({ dir, holds, maxHoldMs: HOLD_TIMEOUT_MS + 60_000 } satisfies FaultHoldPlan),
      TRAINCTL_FAULT_START_FILE: startFile,
    };
    const served = runs.filter((r) => !done(r, wave) && !(r.kind === 'two' && wave > 0));
    const freed = runs.filter((r) => wave > 0 && done(r, wave) && !done(r, wave - 1));
    const [held, free, ...frozen] = await Promise.all([
      served.some((r) => !isMidBody(r))
        ? spawnWorker({ ...ctx, queues: served.filter((r) => !isMidBody(r)).map(queueOf), identity: `wave${wave}-held`, env })
        : undefined,
      freed.length
        ? spawnWorker({ ...ctx, queues: freed.map(queueOf), identity: `free${wave}`, env: { TRAINCTL_FAULT_START_FILE: startFile } })
        : undefined,
      ...midBody.map((h) =>
        spawnWorker({ ...ctx, queues: [queueOf(runs.find((r) => r.name === h.key)!)], identity: `wave${wave}-${h.key}`, env }),
      ),
    ]);
    const procs = [held, free, ...frozen].filter((p): p is WorkerProcess => p !== undefined);
    alive.push(...procs);
    return { dir, holds, midBody, held, frozen, start: () => writeFileSync(startFile, '') };
  };

  try {
    let next = prepare(0);
    for (let wave = 0; wave < WAVES; wave++) {
      const { dir, holds, midBody, held, frozen, start } = await next;
      start();
      const marker = (key: string, kind: 'held' | 'gated') => join(dir, `${key}.${kind}`);
      const cooperative = holds.filter((h) => !midBody.includes(h));
      const waitFor = async (files: string[], what: string) => {
        const deadline = Date.now() + HOLD_TIMEOUT_MS;
        for (;;) {
          const missing = files.filter((f) => !existsSync(f));
          if (missing.length === 0) return;
          if (Date.now() > deadline) {
            const where = await Promise.all(
              missing.map(async (f) => {
                const name = f.split('/').pop()!;
                const r = runs.find((x) => x.name === name.split('.')[0])!;
                const pending = await pendingActivities(r.handle).catch(() => []);
                const { state, status } = await memoStatus(r.handle).catch(() => ({ state: '?', status: undefined }));
                const activities =
                  pending.map((a) => `${a.activityType} attempt ${a.attempt} state ${a.state}`).join(', ') || 'no pending activity';
                return `${name} (${state} ${status?.outcome}/${status?.stage}${status?.error ? ` ${JSON.stringify(status.error)}` : ''}; ${activities})`;
              }),
            );
            throw new Error(`wave ${wave + 1}: timed out after ${HOLD_TIMEOUT_MS / 1000} s waiting for ${what}: ${where.join('; ')}`);
          }
          await approveReady(wave);
          await sleep(50);
        }
      };
      /** Read where the kill landed and, once the retry starts, the stall. */
      const recordKill = (h: HoldSpec, killAt: number) => {
        const m = JSON.parse(readFileSync(marker(h.key, 'held'), 'utf8')) as HeldMarker;
        const r = runs.find((x) => x.name === m.key)!;
        const scenario = r.kind === 'two' ? TWO_WORKERS : r.kind === 'search' ? SEARCH_TRIAL : SCENARIOS[r.stages[wave]!];
        const read = waitForRetry(r.handle, m.activityId, killAt, { what: `${r.name} (wave ${wave + 1}, ${scenario})` }).then((stall) => {
          const frozenS = midBody.includes(h) ? (killAt - m.atMs) / 1000 : undefined;
          r.record.kills.push({
            scenario,
            moment: m.moment,
            ...(stall !== undefined ? { stall } : {}),
            ...(frozenS !== undefined ? { frozenS } : {}),
          });
        });
        read.catch(() => {});
        stallReads.push(read);
      };
      const t0 = Date.now();
      // The next wave's processes start (not yet polling) while this one's runs reach their holds.
      next = prepare(wave + 1);
      next.catch(() => {});
      await waitFor([...cooperative.map((h) => marker(h.key, 'held')), ...midBody.map((h) => marker(h.key, 'gated'))], 'runs to be held');
      if (wave === 0 && o.twoWorkers > 0) {
        const twos = runs.filter((r) => r.kind === 'two');
        survivor = await spawnWorker({ ...ctx, queues: twos.map(queueOf), identity: 'survivor' });
      }
      const following = await next;
      for (const h of midBody) writeFileSync(join(dir, `${h.key}.go`), '');
      const killAt = Date.now();
      await held?.kill();
      following.start();
      waveS.push((killAt - t0) / 1000);
      for (const h of cooperative) recordKill(h, killAt);
      // Each mid-body run's process dies as it freezes.
      const frozenKills = Promise.all(
        midBody.map(async (h, k) => {
          await waitFor([marker(h.key, 'held')], `${h.key} to reach its moment`);
          const at = Date.now();
          await frozen[k]!.kill();
          recordKill(h, at);
        }),
      );
      frozenKills.catch(() => {});
      stallReads.push(frozenKills);
    }
    (await next).start();
    // The last processes serve every run without holds: approve the rest and wait for the results.
    await finish(runs, approveReady);
    // Read in the order they were pushed: a mid-body kill adds its stall read after it happened.
    for (let k = 0; k < stallReads.length; k++) await stallReads[k];
  } finally {
    await Promise.all([...alive, ...(survivor ? [survivor] : [])].map((p) => p.kill()));
  }
  const of = (kind: Run['kind']) => runs.filter((r) => r.kind === kind).map((r) => r.record);
  return { pipelines: of('pipeline'), twoWorkers: of('two'), searches: of('search'), waveS };
}

async function finish(runs: Run[], approveReady: (wave: number) => Promise<void>): Promise<void> {
  let done = false;
  const approving = (async () => {
    while (!done) {
      await approveReady(WAVES).catch(() => {});
      await sleep(250);
    }
  })();
  try {
    await Promise.all(
      runs.map(async (r) => {
        try {
          if (r.kind === 'search') {
            r.record.fingerprint = await withTimeout(
              searchFingerprint(r.handle as never),
              FINISH_TIMEOUT_MS,
              `${r.name} (search) to finish`,
            );
            const failed = (await r.handle.query(hpoStatusQuery)).trials.filter((t) => t.state === 'FAIL');
            if (failed.length) r.record.error = failed.map((t) => `trial ${t.number} failed: ${t.reason ?? '?'}`).join('; ');
            r.record.check = {
              versions: 0,
              tempFiles: tempFilesIn([r.paths.stateDir, r.paths.modelsDir, r.paths.reportsDir]),
              lost: [],
              productionVersion: null,
            };
          } else {
            const status = (await withTimeout(
              r.handle.result(),
              FINISH_TIMEOUT_MS,
              `${r.name} to complete after its last kill`,
            )) as PipelineStatus;
            r.record.fingerprint = pipelineFingerprint(status);
            r.record.check = await checkPipelineHome(r.paths, status);
          }
          r.record.completed = true;
        } catch (err) {
          r.record.error = String(err);
        }
      }),
    );
  } finally {
    done = true;
    await approving;
  }
}
