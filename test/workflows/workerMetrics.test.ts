import { SMALL_PIPELINE } from '../support/pipelineConfig';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRun } from '../../client/commands/run';
import { freePort } from '../../client/devServer';
import { resolvePipelineConfig } from '../../lib/config/pipeline';
import { approveSignal } from '../../workflows/trainingPipeline';
import { connectTestTemporal, tempPaths, uniqueTaskQueue, type TemporalTestContext } from '../support/temporal';
import { promSamples, until } from '../support/polling';

const root = resolve(__dirname, '../..');
let t: TemporalTestContext;
let worker: ChildProcess | undefined;
beforeAll(async () => {
  t = await connectTestTemporal();
});
afterAll(async () => {
  worker?.kill('SIGKILL');
  await t?.close();
});

async function scrape(url: string): Promise<string | undefined> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return r.ok ? await r.text() : undefined;
  } catch {
    return undefined;
  }
}

describe('worker metrics', () => {
  it('`trainctl worker --metrics-port` serves the Temporal SDK metrics and the pipeline metrics of the runs it executed', async () => {
    const port = await freePort();
    const taskQueue = uniqueTaskQueue('metrics');
    const paths = tempPaths();
    worker = spawn(
      process.execPath,
      [resolve(root, 'bin/trainctl.mjs'), 'worker', '--metrics-port', String(port), '--log-level', 'error'],
      {
        cwd: root,
        // UV_THREADPOOL_SIZE set: bin/trainctl.mjs runs the worker in this pid (no re-executed child to leak).
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: t.address,
          TRAINCTL_TASK_QUEUE: taskQueue,
          TRAINCTL_HOME: paths.root,
          UV_THREADPOOL_SIZE: '1',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    worker.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const url = `http://127.0.0.1:${port}/metrics`;
    await until('the metrics endpoint', () => scrape(url), 120_000).catch((err: Error) => {
      throw new Error(`${err.message}; worker stderr: ${stderr.slice(-2000)}`);
    });

    const modelName = `metrics-${Date.now().toString(36)}`;
    const settings = { address: t.address, namespace: 'default', taskQueue, uiUrl: 'http://ui' };
    const config = resolvePipelineConfig({
      modelName,
      ...SMALL_PIPELINE,
      approvalTimeout: '30m',
    });
    const { workflowId, handle } = await startRun(t.client, settings, config);
    const atGate = await until('the approval gate', async () => {
      const s = promSamples((await scrape(url)) ?? '');
      const key = Object.keys(s).find((k) =>
        k.startsWith(`trainctl_candidate_holdout_metric{model="${modelName}",version="v1.0.0",metric="accuracy"`),
      );
      return key ? s : undefined;
    });
    expect(
      Object.keys(atGate).some((k) => k.startsWith('trainctl_activity_duration_seconds_count{activity="trainModel",result="ok"}')),
    ).toBe(true);
    await t.client.workflow.getHandle(workflowId).signal(approveSignal, { version: 'v1.0.0', by: 'alice' });
    expect((await handle.result()).outcome).toBe('promoted');

    const text = await until('the promoted run in the metrics', async () => {
      const body = await scrape(url);
      return body && promSamples(body)[`trainctl_runs_total{model="${modelName}",outcome="promoted"}`] === 1 ? body : undefined;
    });
    const s = promSamples(text);
    const accuracy = s[`trainctl_candidate_holdout_metric{model="${modelName}",version="v1.0.0",metric="accuracy"}`]!;
    expect(accuracy).toBeGreaterThan(0.3);
    expect(accuracy).toBeLessThan(1);
    for (const activity of ['fetchMarketData', 'buildFeatures', 'trainModel', 'backtestModel', 'compareModels', 'promoteModel'])
      expect(s[`trainctl_activity_duration_seconds_count{activity="${activity}",result="ok"}`], activity).toBeGreaterThanOrEqual(1);
    // The SDK's own metrics come through the same scrape.
    expect(text).toMatch(/^temporal_\w+/m);
    expect(text).toMatch(/^# TYPE trainctl_runs_total counter$/m);

    // SIGTERM: a graceful shutdown, the endpoint closes with the worker.
    const exited = new Promise<number | null>((done) => worker!.once('exit', (code) => done(code)));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await scrape(url)).toBeUndefined();
  }, 400_000);
});
