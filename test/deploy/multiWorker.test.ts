import { SMALL_PIPELINE } from '../support/pipelineConfig';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { resolvePipelineConfig } from '../../lib/config/pipeline';
import { openModelLine } from '../../lib/registry';
import { openStore, type Store } from '../../lib/store';
import { approveSignal, statusQuery, trainingPipeline } from '../../workflows/trainingPipeline';
import type { PipelineStatus } from '../../workflows/types';
import { awsEnv } from '../support/s3Server';
import { uniqueTaskQueue } from '../support/temporal';

/**
 * Two workers on "two hosts": each a process of its own with an empty working directory and
 * trainctl home of its own, sharing nothing but the Temporal server and an S3 bucket (SeaweedFS).
 * One is killed (SIGKILL) while it runs the train or backtest stage; the other picks the stage up
 * from the references alone and the run ends promoted, its one version in the bucket's registry.
 */
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const workerScript = join(projectRoot, 'test/support/workerProcess.ts');
// `--import tsx` would be resolved from the worker's (empty) working directory.
const tsxLoader = pathToFileURL(join(projectRoot, 'node_modules/tsx/dist/loader.mjs')).href;
const MODEL = 'direction-classifier';

interface WorkerChild {
  child: ChildProcess;
  home: string;
  stderr: string[];
}

let client: Client;
let connection: Connection;
let store: Store;
const workers: WorkerChild[] = [];

const s3 = inject('s3Endpoint');
const artifacts = `s3://${s3.bucket}/multi-worker-${Date.now().toString(36)}`;
const sharedEnv = { ...awsEnv(s3), TRAINCTL_ARTIFACTS: artifacts };

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
  store = openStore({ env: { ...sharedEnv, TRAINCTL_HOME: mkdtempSync(join(tmpdir(), 'multi-worker-reader-')) } });
});
afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  store?.close();
  await connection?.close();
});

async function startWorker(taskQueue: string): Promise<WorkerChild> {
  const home = mkdtempSync(join(tmpdir(), 'multi-worker-home-'));
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('TRAINCTL_') || k.startsWith('AWS_')) delete env[k];
  const child = spawn(process.execPath, ['--import', tsxLoader, workerScript], {
    cwd: home,
    env: {
      ...env,
      ...sharedEnv,
      TSX_TSCONFIG_PATH: join(projectRoot, 'tsconfig.json'),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TRAINCTL_TASK_QUEUE: taskQueue,
      TRAINCTL_HOME: home,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const w: WorkerChild = { child, home, stderr: [] };
  workers.push(w);
  child.stderr.on('data', (d: Buffer) => w.stderr.push(d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}: ${w.stderr.join('').slice(-2000)}`)));
  });
  return w;
}

/** The first train/backtest attempt seen running, and the worker process running it. */
async function stageInFlight(handle: WorkflowHandle, deadlineMs: number): Promise<{ activity: string; pid: number }> {
  for (;;) {
    const d = await handle.describe();
    for (const a of d.raw.pendingActivities ?? []) {
      const name = a.activityType?.name ?? '';
      const pid = Number(/^(\d+)@/.exec(a.lastWorkerIdentity ?? '')?.[1]);
      // State 2 = STARTED: a worker holds the attempt now.
      if (['trainModel', 'backtestModel'].includes(name) && Number(a.state) === 2 && pid) return { activity: name, pid };
    }
    const memo = d.memo?.status as PipelineStatus | undefined;
    if (memo?.stage === 'compare' || memo?.stage === 'done' || Date.now() > deadlineMs)
      throw new Error(`never saw train or backtest in flight (stage ${memo?.stage ?? '?'})`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function statusWhen(handle: WorkflowHandle, pred: (s: PipelineStatus) => boolean, ms: number): Promise<PipelineStatus> {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = await handle.query(statusQuery);
    if (pred(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out; last status ${JSON.stringify({ outcome: s.outcome, stage: s.stage })}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('two workers on two hosts sharing only Temporal and an S3 bucket', () => {
  it('a run survives kill -9 of the worker running train/backtest; the other continues from store references', async () => {
    const started = Date.now();
    const taskQueue = uniqueTaskQueue('multi-worker');
    const [a, b] = await Promise.all([startWorker(taskQueue), startWorker(taskQueue)]);
    const workersReady = Date.now() - started;
    const handle = await client.workflow.start(trainingPipeline, {
      taskQueue,
      workflowId: `multi-worker-${Date.now().toString(36)}`,
      args: [
        {
          config: resolvePipelineConfig({
            modelName: MODEL,
            ...SMALL_PIPELINE,
            approvalTimeout: '10m',
            optimize: true,
            trials: 2,
            hpoParallel: 2,
          }),
        },
      ],
    });

    const inFlight = await stageInFlight(handle, Date.now() + 150_000);
    const victim = [a, b].find((w) => w.child.pid === inFlight.pid)!;
    expect(victim, `worker ${inFlight.pid} is one of ours`).toBeDefined();
    const survivor = victim === a ? b : a;
    victim.child.kill('SIGKILL');
    await new Promise((r) => victim.child.once('exit', r));
    const killedAt = Date.now() - started;

    const gate = await statusWhen(handle, (s) => s.outcome === 'awaiting_approval' || s.stage === 'done', 150_000);
    expect(gate.outcome, JSON.stringify(gate.error ?? gate.reason ?? null)).toBe('awaiting_approval');
    await handle.signal(approveSignal, { version: gate.candidateVersion!, by: 'alice' });
    const result = await handle.result();
    const total = Date.now() - started;
    expect(result.outcome).toBe('promoted');
    expect(result.stages.find((st) => st.name === 'optimize')?.state).toBe('done');
    expect(survivor.child.exitCode).toBeNull();

    // The killed stage ran again, on the survivor, from nothing but references.
    const identities = new Set<string>();
    let retriedOnSurvivor = false;
    const scheduled = new Map<string, string>();
    for (const e of (await handle.fetchHistory()).events ?? []) {
      if (e.activityTaskScheduledEventAttributes)
        scheduled.set(String(e.eventId), e.activityTaskScheduledEventAttributes.activityType?.name ?? '');
      const st = e.activityTaskStartedEventAttributes;
      if (st) {
        identities.add(st.identity ?? '');
        const name = scheduled.get(String(st.scheduledEventId));
        if (name === inFlight.activity && st.identity?.startsWith(`${survivor.child.pid}@`) && (st.attempt ?? 1) > 1)
          retriedOnSurvivor = true;
      }
    }
    expect(retriedOnSurvivor, `${inFlight.activity} retried on worker ${survivor.child.pid}`).toBe(true);

    // Exactly one version, in the bucket's registry, promoted; each of its files there with its SHA-256.
    const registry = await openModelLine({
      modelsDir: join(survivor.home, 'models'),
      modelName: MODEL,
      legacyModelName: MODEL,
      artifacts: store,
    });
    const versions = await registry.list();
    expect(versions.map((v) => v.version)).toEqual([gate.candidateVersion]);
    const production = await registry.production();
    expect(production?.version).toBe(gate.candidateVersion);
    const files = Object.values(production!.files);
    expect(files.map((f) => f.name)).toEqual(expect.arrayContaining(['model.json', 'model.onnx', 'reference_profile.json']));
    for (const f of files) {
      expect(f.location.startsWith(`${artifacts}/models/${MODEL}/versions/`), f.location).toBe(true);
      expect(await store.digest(store.keyOf(f.location)), f.name).toEqual({ sha256: f.sha256, size: f.bytes });
    }
    // The stage files too: the candidate the survivor's backtest read came from the bucket.
    const runKeys = await store.list(`.trainctl/runs/${result.pipelineId}/`);
    expect(runKeys).toEqual(
      expect.arrayContaining([
        `.trainctl/runs/${result.pipelineId}/candidate/model.onnx`,
        `.trainctl/runs/${result.pipelineId}/backtest.json`,
      ]),
    );
    expect(result.report?.html.startsWith(`${artifacts}/reports/${MODEL}/`)).toBe(true);
    // Neither host keeps a registry of its own.
    for (const w of [a, b]) expect(existsSync(join(w.home, 'models', MODEL, 'registry.json'))).toBe(false);

    const stageMs = result.stages.map((st) => `${st.name} ${st.state}${st.ms !== undefined ? ` ${st.ms} ms` : ''}`).join(', ');
    console.log(
      `multiWorker: ${stageMs}; workers ready ${(workersReady / 1000).toFixed(1)} s, killed ${inFlight.activity} on ${victim.child.pid} at ${(killedAt / 1000).toFixed(1)} s, promoted at ${(total / 1000).toFixed(1)} s; ${identities.size} worker identities; survivor home: ${readdirSync(survivor.home).join(', ')}`,
    );
  }, 240_000);
});
