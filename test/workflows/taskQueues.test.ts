import { SMALL_PIPELINE } from '../support/pipelineConfig';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRun } from '../../client/commands/run';
import { resolvePipelineConfig } from '../../lib/config/pipeline';
import { resolveTemporalSettings } from '../../lib/config/temporal';
import { ACTIVITY_KINDS } from '../../workflows/activityKinds';
import { TASK_QUEUES_MEMO } from '../../workflows/routing';
import { approveSignal } from '../../workflows/trainingPipeline';
import { until } from '../support/polling';
import { connectTestTemporal, tempPaths, uniqueTaskQueue, type TemporalTestContext } from '../support/temporal';

const root = resolve(__dirname, '../..');
let t: TemporalTestContext;
const workers: ChildProcess[] = [];
const main = uniqueTaskQueue('queues');
let workerEnv: Record<string, string | undefined> = {};
beforeAll(async () => {
  t = await connectTestTemporal();
});
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await t?.close();
});

describe('task queues by kind', () => {
  it('a run sends io and compute activities to their own queues, served by `trainctl worker --queues` processes, each with a summary', async () => {
    const env = (workerEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: t.address,
      TRAINCTL_TASK_QUEUE: main,
      TRAINCTL_IO_QUEUE: `${main}-io`,
      TRAINCTL_COMPUTE_QUEUE: `${main}-compute`,
      TRAINCTL_HOME: tempPaths().root,
      // Set, so bin/trainctl.mjs runs the worker in this process instead of re-executing a child
      // that a SIGKILL of this pid would leave behind.
      UV_THREADPOOL_SIZE: '1',
    });
    let stderr = '';
    const start = (queues: string) => {
      const w = spawn(process.execPath, [resolve(root, 'bin/trainctl.mjs'), 'worker', '--queues', queues, '--log-level', 'error'], {
        cwd: root,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      w.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      workers.push(w);
      return w;
    };
    // Workflows and light I/O on one host, compute (one at a time) on another.
    start(`${main},${main}-io=4`);
    start(`${main}-compute=1`);

    const settings = resolveTemporalSettings(env);
    const config = resolvePipelineConfig({
      modelName: `queues-${Date.now().toString(36)}`,
      ...SMALL_PIPELINE,
      approvalTimeout: '30m',
    });
    const { workflowId, handle } = await startRun(t.client, settings, config);
    const described = await handle.describe();
    expect(described.memo?.[TASK_QUEUES_MEMO]).toEqual({ io: `${main}-io`, compute: `${main}-compute` });

    // What a stuck run is waiting for, for the failure message.
    const pending = async () => {
      const raw = (await handle.describe()).raw;
      return JSON.stringify(
        (raw.pendingActivities ?? []).map((a) => ({ type: a.activityType?.name, attempt: a.attempt, failure: a.lastFailure?.message })),
      );
    };
    const atGate = await until(
      'the approval gate',
      async () =>
        ((await handle.describe()).memo?.status as { outcome?: string } | undefined)?.outcome === 'awaiting_approval' || undefined,
      240_000,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}; pending ${await pending()}; worker stderr: ${stderr.slice(-2000)}`);
    });
    expect(atGate).toBe(true);
    await t.client.workflow.getHandle(workflowId).signal(approveSignal, { version: 'v1.0.0', by: 'alice' });
    const result = await Promise.race([
      handle.result(),
      new Promise<never>((_, fail) =>
        setTimeout(
          () => void pending().then((p) => fail(new Error(`no result after approval; pending ${p}; stderr ${stderr.slice(-2000)}`))),
          120_000,
        ),
      ),
    ]);
    expect(result.outcome, stderr.slice(-2000)).toBe('promoted');

    const events = (await handle.fetchHistory()).events ?? [];
    const scheduled = new Map<string, { name: string; queue: string; summary: string }>();
    for (const e of events) {
      const a = e.activityTaskScheduledEventAttributes;
      if (!a) continue;
      const summary = e.userMetadata?.summary ? defaultPayloadConverter.fromPayload<string>(e.userMetadata.summary) : '';
      scheduled.set(String(e.eventId), { name: a.activityType!.name!, queue: a.taskQueue!.name!, summary });
    }
    const names = [...scheduled.values()].map((s) => s.name);
    for (const stage of ['fetchMarketData', 'buildFeatures', 'trainModel', 'backtestModel', 'compareModels', 'promoteModel'])
      expect(names).toContain(stage);
    for (const s of scheduled.values()) {
      expect(s.queue, s.name).toBe(`${main}-${ACTIVITY_KINDS[s.name as keyof typeof ACTIVITY_KINDS]}`);
      expect(s.summary, s.name).toMatch(/^[A-Z]/);
      expect(s.summary).toContain(config.modelName);
      expect(s.summary).not.toMatch(/[\n\r]|https?:|\//);
    }
    expect([...scheduled.values()].find((s) => s.name === 'trainModel')!.summary).toBe(`Train the xgb candidate · ${config.modelName}`);
    expect([...scheduled.values()].find((s) => s.name === 'fetchMarketData')!.summary).toBe(
      `Fetch market data · ${config.modelName} · 3 tickers`,
    );
    // Which process ran each activity: one worker process ran every compute activity, the other every io one.
    const ranBy = { io: new Set<string>(), compute: new Set<string>() };
    for (const e of events) {
      const a = e.activityTaskStartedEventAttributes;
      if (!a) continue;
      ranBy[ACTIVITY_KINDS[scheduled.get(String(a.scheduledEventId))!.name as keyof typeof ACTIVITY_KINDS]].add(a.identity!);
    }
    expect(ranBy.io.size).toBe(1);
    expect(ranBy.compute.size).toBe(1);
    expect([...ranBy.io][0]).not.toBe([...ranBy.compute][0]);
  }, 400_000);

  it('`trainctl worker --queues` with a queue this set-up does not have exits 3 with one line', () => {
    const r = spawnSync(process.execPath, [resolve(root, 'bin/trainctl.mjs'), 'worker', '--queues', 'nowhere'], {
      cwd: root,
      env: { ...process.env, TEMPORAL_ADDRESS: t.address, TRAINCTL_TASK_QUEUE: 'trainctl-q', TRAINCTL_HOME: tempPaths().root },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(3);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('unknown task queue nowhere; this set-up has trainctl-q');
  });

  it('`trainctl status` of a run whose compute queue has no worker says so in one line, exit 3', async () => {
    // The same front worker (workflows + io); compute goes to a queue nobody polls.
    const env = { ...workerEnv, TRAINCTL_COMPUTE_QUEUE: `${main}-nobody` };
    const config = resolvePipelineConfig({
      modelName: `queues-idle-${Date.now().toString(36)}`,
      tickers: ['SYN-A'],
      period: '2y',
      holdout: '6m',
    });
    const { workflowId, handle } = await startRun(t.client, resolveTemporalSettings(env), config);
    try {
      await until(
        'the features stage',
        async () =>
          ((await handle.describe()).raw.pendingActivities ?? []).some((a) => a.activityType?.name === 'buildFeatures') || undefined,
        60_000,
      );
      const r = spawnSync(process.execPath, [resolve(root, 'bin/trainctl.mjs'), 'status', workflowId], {
        cwd: root,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status, r.stderr).toBe(3);
      expect(r.stderr.trim().split('\n').at(-1)).toBe(
        `trainctl: no worker is polling task queue ${main}-nobody for the run's compute activities — start one with \`trainctl worker --queues ${main}-nobody\``,
      );
    } finally {
      await handle.terminate('test over');
    }
  });
});
