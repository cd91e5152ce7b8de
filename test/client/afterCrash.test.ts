import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePipelineConfig } from '../../lib/config/pipeline';
import { openRegistry, registryRoot } from '../../lib/registry';
import { hyperparameterSearch } from '../../workflows/hyperparameterSearch';
import { trainingPipeline } from '../../workflows/trainingPipeline';
import type { PipelineStatus } from '../../workflows/types';
import { connectTestTemporal, createTestWorker, tempPaths, uniqueTaskQueue, type TemporalTestContext } from '../support/temporal';

/**
 * `status`, `approve` and `reject` as a user runs them (child processes of bin/trainctl.mjs) when
 * workers are missing or have just crashed: a clear line and exit 3 within seconds when nothing
 * polls the task queue; a decision that works the first time after a worker was killed and
 * another started; the status of a search ID.
 */
const bin = fileURLToPath(new URL('../../bin/trainctl.mjs', import.meta.url));
const workerScript = fileURLToPath(new URL('../support/workerProcess.ts', import.meta.url));
let t: TemporalTestContext;
const children: ChildProcess[] = [];

beforeAll(async () => {
  t = await connectTestTemporal();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await t?.close();
});

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, TEMPORAL_ADDRESS: t.address, ...env }, timeout: 180_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr, ms: Date.now() - started }),
    );
  });
}

async function workerProcess(taskQueue: string, home: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript], {
    env: { ...process.env, TEMPORAL_ADDRESS: t.address, TRAINCTL_TASK_QUEUE: taskQueue, TRAINCTL_HOME: home },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
  return child;
}

const SMALL = {
  tickers: ['SYN-A', 'SYN-B', 'SYN-C'],
  period: '3y' as const,
  asOf: '2026-10-30',
  criteria: { minAccuracy: 0.5, minPrecision: 0.3, minRecall: 0.1, minF1: 0.1 },
  approvalTimeout: '10m',
};

describe('the CLI when workers are missing or crashed', () => {
  it('with no worker at all, status/approve/reject say so in one line within seconds and exit 3', async () => {
    const taskQueue = uniqueTaskQueue('no-worker');
    const paths = tempPaths();
    const handle = await t.client.workflow.start(trainingPipeline, {
      taskQueue,
      workflowId: `no-worker-${Date.now().toString(36)}`,
      args: [{ config: resolvePipelineConfig(SMALL) }],
    });
    const env = { TRAINCTL_TASK_QUEUE: taskQueue, TRAINCTL_HOME: paths.root };
    for (const args of [
      ['status', handle.workflowId],
      ['approve', handle.workflowId, '--by', 'alice'],
      ['reject', handle.workflowId, '--by', 'alice'],
    ]) {
      const r = await cli(args, env);
      expect(r.code, args[0]).toBe(3);
      expect(r.stderr.trim(), args[0]).toBe(`trainctl: no worker is polling task queue ${taskQueue} — start one with \`trainctl worker\``);
      // Process start (tsx) included; the old behaviour was a 30 s hang.
      expect(r.ms, args[0]).toBeLessThan(20_000);
    }
    await handle.terminate('test over');
  }, 180_000);

  it('refuses an empty --by before connecting (exit 3)', async () => {
    const r = await cli(['approve', 'train-x', '--by', '  '], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/--by NAME must not be empty/);
  }, 60_000);

  it('after the worker is killed at the gate and another started, the first approve promotes', async () => {
    const taskQueue = uniqueTaskQueue('approve-after-crash');
    const paths = tempPaths();
    const first = await workerProcess(taskQueue, paths.root);
    const handle = await t.client.workflow.start(trainingPipeline, {
      taskQueue,
      workflowId: `approve-after-crash-${Date.now().toString(36)}`,
      args: [{ config: resolvePipelineConfig(SMALL) }],
    });
    const deadline = Date.now() + 240_000;
    for (;;) {
      const memo = (await handle.describe()).memo?.status as PipelineStatus | undefined;
      if (memo?.outcome === 'awaiting_approval') break;
      if (memo?.stage === 'done' || Date.now() > deadline) throw new Error(`no gate: ${JSON.stringify(memo)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const env = { TRAINCTL_TASK_QUEUE: taskQueue, TRAINCTL_HOME: paths.root };

    // Read from the run itself: no worker needed to show where it stands.
    const status = await cli(['status', handle.workflowId, '--json'], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).outcome).toBe('awaiting_approval');

    await workerProcess(taskQueue, paths.root);
    const r = await cli(['approve', handle.workflowId, '--by', 'alice'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/promoted/);
    const registry = await openRegistry({ root: registryRoot(paths.modelsDir, 'direction-classifier') });
    expect((await registry.production())?.version).toBe('v1.0.0');
  }, 400_000);

  it('status of a search ID (<id>-hpo) shows the search, running or finished', async () => {
    const { worker, taskQueue, paths } = await createTestWorker(t, { name: 'hpo-status' });
    const env = { TRAINCTL_TASK_QUEUE: taskQueue, TRAINCTL_HOME: paths.root };
    const id = `status-search-${Date.now().toString(36)}-hpo`;
    await worker.runUntil(async () => {
      const handle = await t.client.workflow.start(hyperparameterSearch, {
        taskQueue,
        workflowId: id,
        args: [{ config: resolvePipelineConfig({ ...SMALL, trials: 2, hpoParallel: 1 }) }],
      });
      const running = await cli(['status', id], env);
      expect(running.stderr).toBe('');
      expect(running.code).toBe(0);
      expect(running.stdout).toContain(`search    ${id}`);
      await handle.result();
    });
    // Finished, and no worker left: the result is read from the history.
    const done = await cli(['status', id], env);
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/\(finished\)/);
    expect(done.stdout).toMatch(/best {6}trial \d+, walk-forward log loss/);
    const json = await cli(['status', id, '--json'], env);
    expect(JSON.parse(json.stdout).result.completed).toBeGreaterThan(0);
  }, 300_000);
});
