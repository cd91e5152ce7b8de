import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { SeededRandom } from '../../lib/data/random';
import { modelLinePaths } from '../../lib/config/paths';
import type { PipelineStatus, StageName } from '../../workflows/types';
import {
  pendingActivities,
  sleep,
  spawnWorker,
  tempFilesIn,
  waitForActivity,
  waitForRetry,
  waitUntil,
  type WorkerProcess,
} from '../support/faultHarness';
import {
  approveAtGate,
  checkPipelineHome,
  faultHome,
  MODEL,
  pipelineFingerprint,
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
  /** Seconds from the kill to the retry's start; undefined when the kill came after the activity finished. */
  stall?: number;
}

export interface RunRecord {
  kills: KillRecord[];
  completed: boolean;
  fingerprint?: string;
  check?: RunCheck;
  error?: string;
}

export interface Baseline {
  fingerprint: string;
  stageMs: Partial<Record<StageName, number>>;
}

const stamp = () => Date.now().toString(36);

/** An undisturbed run with the fault suite's seed: what every disturbed run must reproduce. */
export async function pipelineBaseline(ctx: FaultContext): Promise<Baseline & { check: RunCheck; modelsDir: string }> {
  const paths = faultHome('baseline');
  const taskQueue = `faults-baseline-${stamp()}`;
  const worker = await spawnWorker({ ...ctx, taskQueue, home: paths.root, identity: 'baseline' });
  try {
    const handle = await startPipeline(ctx.client, taskQueue, 'faults-baseline');
    await approveAtGate(handle);
    const status = await handle.result();
    const stageMs = Object.fromEntries(status.stages.map((s) => [s.name, s.ms ?? 0]));
    return { fingerprint: pipelineFingerprint(status), stageMs, check: await checkPipelineHome(paths, status), modelsDir: paths.modelsDir };
  } finally {
    await worker.kill();
  }
}

export async function searchBaseline(ctx: FaultContext): Promise<string> {
  const paths = faultHome('hpo-baseline');
  const taskQueue = `faults-hpo-baseline-${stamp()}`;
  const worker = await spawnWorker({ ...ctx, taskQueue, home: paths.root, identity: 'hpo-baseline' });
  try {
    return await searchFingerprint(await startSearch(ctx.client, taskQueue, 'faults-hpo-baseline'));
  } finally {
    await worker.kill();
  }
}

/** Registry steps a promotion passes; the worker SIGKILLs itself at the one chosen. */
const PROMOTE_CRASH_POINTS = ['lock-acquired', 'state-temp-written', 'state-renamed', 'lock-released'];

/**
 * One pipeline run whose worker is SIGKILLed in every stage in turn — fetch, features, training,
 * backtest, while the comparison report is being written, in compare, and in promote — each time
 * at a moment drawn from a seeded generator, with a fresh worker started at once after each kill.
 */
export async function killInEveryStage(ctx: FaultContext, i: number, baseline: Baseline): Promise<RunRecord> {
  const rng = new SeededRandom(`faults-kill-chain-${i}`);
  const paths = faultHome(`chain${i}`);
  const taskQueue = `faults-chain-${i}-${stamp()}`;
  let n = 0;
  const newWorker = (env?: Record<string, string>) =>
    spawnWorker({ ...ctx, taskQueue, home: paths.root, identity: `chain${i}-w${n++}`, ...(env ? { env } : {}) });
  let worker: WorkerProcess = await newWorker();
  const kills: KillRecord[] = [];
  const record: RunRecord = { kills, completed: false };
  try {
    const handle = await startPipeline(ctx.client, taskQueue, `faults-chain-${i}`);
    const killAfterOffset = async (scenario: string, activity: string, stage: StageName) => {
      const running = await waitForActivity(handle, activity);
      // Somewhere in the first half of the stage as the undisturbed run timed it.
      await sleep(rng.next() * 0.5 * (baseline.stageMs[stage] ?? 200));
      const killAt = await worker.kill();
      worker = await newWorker();
      kills.push({ scenario, stall: await waitForRetry(handle, running.activityId, killAt) });
    };
    await killAfterOffset('kill -9 during fetch', 'fetchMarketData', 'fetch');
    await killAfterOffset('kill -9 during features', 'buildFeatures', 'features');
    await killAfterOffset('kill -9 during training (boosting)', 'trainModel', 'train');
    await killAfterOffset('kill -9 during backtest', 'backtestModel', 'backtest');

    // The report: kill as soon as the version's report folder appears.
    const reportDir = join(modelLinePaths(paths, MODEL).reportsDir, 'v1.0.0');
    const compare = await waitForActivity(handle, 'compareModels');
    await waitUntil(() => existsSync(reportDir), 'the comparison report', 900_000, 5);
    const reportKill = await worker.kill();
    worker = await newWorker();
    const reportStall = await waitForRetry(handle, compare.activityId, reportKill);
    kills.push({ scenario: 'kill -9 while the report is written', stall: reportStall });
    // Then the retried comparison, unless the kill came after it had finished.
    if (reportStall !== undefined) {
      await sleep(rng.next() * 0.5 * (baseline.stageMs.compare ?? 200));
      const compareKill = await worker.kill();
      worker = await newWorker();
      kills.push({ scenario: 'kill -9 during compare', stall: await waitForRetry(handle, compare.activityId, compareKill) });
    } else kills.push({ scenario: 'kill -9 during compare' });

    // Promote: a worker that kills itself at a registry step of the promotion chosen by the seed.
    await waitForStatus(handle, (s) => s.outcome === 'awaiting_approval' || s.stage === 'done');
    await worker.kill();
    const crashAt = PROMOTE_CRASH_POINTS[Math.floor(rng.next() * PROMOTE_CRASH_POINTS.length)]!;
    worker = await newWorker({ TRAINCTL_REGISTRY_CRASH_AT: crashAt });
    await approveAtGate(handle);
    await waitUntil(async () => worker.exited() || (await handle.describe()).status.name !== 'RUNNING', 'the promotion', 900_000, 50);
    const crashedAt = worker.exitedAt();
    const promote = (await pendingActivities(handle)).find((a) => a.activityType === 'promoteModel');
    await worker.kill();
    worker = await newWorker();
    kills.push({
      scenario: 'kill -9 during promote',
      stall: crashedAt !== undefined && promote ? await waitForRetry(handle, promote.activityId, crashedAt) : undefined,
    });

    const status: PipelineStatus = await handle.result();
    record.completed = true;
    record.fingerprint = pipelineFingerprint(status);
    record.check = await checkPipelineHome(paths, status);
  } catch (err) {
    record.error = String(err);
  } finally {
    await worker.kill();
  }
  return record;
}

/** Two workers on the task queue; the one running the training is SIGKILLed and not replaced. */
export async function killOneOfTwo(ctx: FaultContext, i: number, baseline: Baseline): Promise<RunRecord> {
  const rng = new SeededRandom(`faults-two-workers-${i}`);
  const paths = faultHome(`two${i}`);
  const taskQueue = `faults-two-${i}-${stamp()}`;
  const workers = await Promise.all(['a', 'b'].map((x) => spawnWorker({ ...ctx, taskQueue, home: paths.root, identity: `two${i}-${x}` })));
  const record: RunRecord = { kills: [], completed: false };
  try {
    const handle = await startPipeline(ctx.client, taskQueue, `faults-two-${i}`);
    const running = await waitForActivity(handle, 'trainModel');
    await sleep(rng.next() * 0.5 * (baseline.stageMs.train ?? 1000));
    const victim = workers.find((w) => w.identity === running.worker) ?? workers[0]!;
    const killAt = await victim.kill();
    record.kills.push({ scenario: 'two workers, one killed mid-activity', stall: await waitForRetry(handle, running.activityId, killAt) });
    await approveAtGate(handle);
    const status = await handle.result();
    record.completed = true;
    record.fingerprint = pipelineFingerprint(status);
    record.check = await checkPipelineHome(paths, status);
  } catch (err) {
    record.error = String(err);
  } finally {
    await Promise.all(workers.map((w) => w.kill()));
  }
  return record;
}

/** A search whose worker is SIGKILLed while a trial's fold runs. */
export async function killDuringTrial(ctx: FaultContext, i: number): Promise<RunRecord> {
  const rng = new SeededRandom(`faults-search-${i}`);
  const paths = faultHome(`hpo${i}`);
  const taskQueue = `faults-hpo-${i}-${stamp()}`;
  let n = 0;
  const newWorker = () => spawnWorker({ ...ctx, taskQueue, home: paths.root, identity: `hpo${i}-w${n++}` });
  let worker = await newWorker();
  const record: RunRecord = { kills: [], completed: false };
  try {
    const handle = await startSearch(ctx.client, taskQueue, `faults-hpo-${i}`);
    // Skip a seeded number of folds first, so kills land in different trials.
    for (let skip = Math.floor(rng.next() * 4); skip > 0; skip--) {
      const fold = await waitForActivity(handle, 'evaluateFold');
      await waitUntil(
        async () => !(await handle.describe()).raw.pendingActivities?.some((a) => a.activityId === fold.activityId),
        'a fold',
      );
    }
    const running = await waitForActivity(handle, 'evaluateFold');
    await sleep(rng.next() * 400);
    const killAt = await worker.kill();
    worker = await newWorker();
    record.kills.push({ scenario: 'kill -9 during a search trial', stall: await waitForRetry(handle, running.activityId, killAt) });
    record.fingerprint = await searchFingerprint(handle);
    record.completed = true;
    record.check = {
      versions: 0,
      tempFiles: tempFilesIn([paths.stateDir, paths.modelsDir, paths.reportsDir]),
      lost: [],
      productionVersion: null,
    };
  } catch (err) {
    record.error = String(err);
  } finally {
    await worker.kill();
  }
  return record;
}
