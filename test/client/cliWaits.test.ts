import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, isBusinessDay, parseDay } from '../../lib/data/dates';
import { createTrainingWorker } from '../../workers/worker';
import { connectTestTemporal, tempPaths, testLogger, uniqueTaskQueue, type TemporalTestContext } from '../support/temporal';

/**
 * The commands that wait on a workflow, as a user runs them (child processes) against the suite's
 * dev server: `run --wait` gives a worker that is starting a bounded grace period, a failed drift
 * check prints the failure's own message and type, and the `npm start` screen shows a decision
 * taken in another shell.
 */
const bin = fileURLToPath(new URL('../../bin/trainctl.mjs', import.meta.url));
let t: TemporalTestContext;
const cleanups: (() => Promise<unknown>)[] = [];

interface Child {
  done: Promise<{ code: number; stdout: string; stderr: string; ms: number }>;
  stdout: () => string;
  kill: (signal?: NodeJS.Signals) => void;
}

function start(args: string[], o: { home: string; taskQueue: string }): Child {
  const t0 = Date.now();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: t.address,
    TRAINCTL_TASK_QUEUE: o.taskQueue,
    TRAINCTL_HOME: o.home,
    TRAINCTL_CONFIG: '',
    NO_COLOR: '1',
  };
  delete env.MLFLOW_TRACKING_URI;
  const child = spawn(process.execPath, [bin, ...args], { cwd: o.home, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<{ code: number; stdout: string; stderr: string; ms: number }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), stdout, stderr, ms: Date.now() - t0 })),
  );
  return { done, stdout: () => stdout, kill: (signal = 'SIGTERM') => child.kill(signal) };
}

const cli = (args: string[], o: { home: string; taskQueue: string }) => start(args, o).done;

async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const SMALL = ['--tickers', 'SYN-A,SYN-B,SYN-C', '--period', '3y', '--as-of', '2026-10-30'];
const GATE = ['--min-accuracy', '0.5', '--min-precision', '0.3', '--min-recall', '0.1', '--min-f1', '0.1'];

async function startWorker(taskQueue: string): Promise<() => Promise<void>> {
  const paths = tempPaths('trainctl-waits-worker-');
  const worker: Worker = await createTrainingWorker({
    connection: t.connection,
    settings: { namespace: 'default', taskQueue },
    workflowBundle: t.bundle,
    deps: { paths, logger: testLogger(paths), env: {}, now: () => new Date(), fetch },
  });
  const running = worker.run();
  return async () => {
    worker.shutdown();
    await running;
  };
}

async function terminate(workflowId: string): Promise<void> {
  await t.client.workflow
    .getHandle(workflowId)
    .terminate('test cleanup')
    .catch(() => undefined);
}

beforeAll(async () => {
  t = await connectTestTemporal();
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  await t?.close();
});

describe('commands that wait on a workflow', () => {
  it('`run --wait` waits up to 15 s for a worker that is starting, then says none polls', async () => {
    const home = tempPaths('trainctl-waits-').root;
    const taskQueue = uniqueTaskQueue('run-grace');
    const model = `grace-${Date.now().toString(36)}`;
    cleanups.push(() => terminate(`train-${model}`));
    const run = start(['run', ...SMALL, '--model-name', model, '--dry-run', '--wait', '--json'], { home, taskQueue });
    // The worker comes up a few seconds after the run was started, as `trainctl worker & trainctl run --wait` does.
    await new Promise((r) => setTimeout(r, 4000));
    const stop = await startWorker(taskQueue);
    cleanups.push(stop);
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`waiting up to 15 s for a worker to poll task queue ${taskQueue}`);
    expect(JSON.parse(r.stdout)).toMatchObject({ workflowId: `train-${model}`, exitCode: 0 });
    await stop();

    // Nobody at all: exit 3 after the grace period, one line naming the queue and the command that fixes it.
    const lonely = uniqueTaskQueue('run-nobody');
    const nobodyModel = `nobody-${Date.now().toString(36)}`;
    cleanups.push(() => terminate(`train-${nobodyModel}`));
    const none = await cli(['run', ...SMALL, '--model-name', nobodyModel, '--dry-run', '--wait', '--log-level', 'warn'], {
      home,
      taskQueue: lonely,
    });
    expect(none.code).toBe(3);
    expect(none.ms).toBeGreaterThanOrEqual(15_000);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stderr).toContain(`no worker is polling task queue ${lonely}`);
    expect(none.stderr).toContain('`trainctl worker`');
    expect(none.stderr).toContain('(waited 15 s)');
  }, 180_000);

  it('the `npm start` screen shows an approval from another shell; a drift check of data ending before the window says so', async () => {
    const home = tempPaths('trainctl-waits-start-').root;
    const taskQueue = uniqueTaskQueue('start-screen');
    const model = `screen-${Date.now().toString(36)}`;
    const workflowId = `train-${model}`;
    cleanups.push(() => terminate(workflowId));
    for (const id of [`weekly-retrain-${model}`, `daily-scoring-${model}`, `daily-performance-${model}`, `daily-drift-${model}`])
      cleanups.push(() => t.client.schedule.getHandle(id).delete());
    const screen = start(['start', ...SMALL, ...GATE, '--model-name', model], { home, taskQueue });
    cleanups.push(async () => {
      screen.kill('SIGTERM');
      await screen.done;
    });
    await until('the approval gate on the start screen', () => screen.stdout().includes('waits for approval'), 150_000).catch(
      (err: Error) => {
        throw new Error(`${err.message}; the screen so far:\n${screen.stdout().slice(-3000)}`);
      },
    );
    expect(screen.stdout()).toContain('Waiting for the decision');

    const approved = await cli(['approve', workflowId, '--by', 'alice', '--comment', 'from another shell'], { home, taskQueue });
    expect(approved.code, approved.stderr).toBe(0);
    await until('the decision on the start screen', () => /outcome: promoted/.test(screen.stdout()), 60_000);
    expect(screen.stdout()).toMatch(/decided: approved v1\.0\.0 by alice at \S+ — "from another shell"/);

    // The production model was trained on prices up to 2026-10-30; these CSV files end in 2023.
    const dir = join(home, 'old-prices');
    mkdirSync(dir, { recursive: true });
    const days: string[] = [];
    for (let d = '2023-06-30'; days.length < 300; d = addDays(d, -1)) if (isBusinessDay(parseDay(d))) days.unshift(d);
    const csv = ['Date,Open,High,Low,Close,Adj Close,Volume', ...days.map((d, i) => `${d},100,101,99,${100 + (i % 7)},100,1000`)];
    for (const ticker of ['SYN-A', 'SYN-B', 'SYN-C']) writeFileSync(join(dir, `${ticker}.csv`), `${csv.join('\n')}\n`);
    const drift = await cli(['drift', 'check', '--model-name', model, '--source', `csv:${dir}`], { home, taskQueue });
    expect(drift.code, drift.stderr).toBe(1);
    expect(drift.stderr.trim().split('\n')).toHaveLength(1);
    expect(drift.stderr).toContain(`drift check of ${model} failed: only 0 of 3 tickers have usable data`);
    expect(drift.stderr).toContain('[DataError]');
    expect(drift.stderr).not.toContain('Workflow execution failed');

    // One `schedule` noun for every kind: the daily drift check is created, listed, described and deleted there.
    const created = await cli(['schedule', 'create', '--kind', 'drift', '--model-name', model, '--window', '30', '--paused'], {
      home,
      taskQueue,
    });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`created schedule daily-drift-${model}: "0 6 * * *" (UTC)`);
    const listed = await cli(['schedule', 'list', '--json'], { home, taskQueue });
    const kinds = Object.fromEntries(
      (JSON.parse(listed.stdout) as { scheduleId: string; kind: string }[])
        .filter((r) => r.scheduleId.endsWith(model))
        .map((r) => [r.scheduleId, r.kind]),
    );
    expect(kinds).toEqual({
      [`weekly-retrain-${model}`]: 'retrain',
      [`daily-scoring-${model}`]: 'scoring',
      [`daily-performance-${model}`]: 'monitor',
      [`daily-drift-${model}`]: 'drift',
    });
    const described = JSON.parse(
      (await cli(['schedule', 'describe', '--kind', 'drift', '--model-name', model, '--json'], { home, taskQueue })).stdout,
    );
    expect(described).toMatchObject({ scheduleId: `daily-drift-${model}`, paused: true });
    const deleted = await cli(['schedule', 'delete', '--kind', 'drift', '--model-name', model], { home, taskQueue });
    expect(deleted.stdout).toContain(`deleted daily-drift-${model}`);
  }, 300_000);
});
