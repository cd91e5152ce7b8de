import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCompletedRun } from '../../client/direct/completedRun';
import { readRunStatus } from '../../client/runStatus';
import { resolvePipelineConfig } from '../../lib/config/pipeline';
import { trainingPipeline } from '../../workflows/trainingPipeline';
import type { PipelineStatus } from '../../workflows/types';
import { connectTestTemporal, createTestWorker, uniqueTaskQueue, type TemporalTestContext } from '../support/temporal';

/**
 * `trainctl status` of a finished run reads it with two direct gRPC calls (client/direct) instead
 * of the SDK's client: the same status as the SDK's path, and nothing for any run it cannot read
 * that way, which the SDK then reads.
 */
const bin = fileURLToPath(new URL('../../bin/trainctl.mjs', import.meta.url));
const completedRun = fileURLToPath(new URL('../../client/direct/completedRun.ts', import.meta.url));
let t: TemporalTestContext;
let workflowId: string;
let result: PipelineStatus;

beforeAll(async () => {
  t = await connectTestTemporal();
  const { worker, taskQueue } = await createTestWorker(t, { name: 'completed-run' });
  workflowId = `completed-run-${Date.now().toString(36)}`;
  const config = resolvePipelineConfig({ tickers: ['SYN-A', 'SYN-B', 'SYN-C'], period: '3y', asOf: '2026-10-30', dryRun: true });
  result = await worker.runUntil(t.client.workflow.execute(trainingPipeline, { taskQueue, workflowId, args: [{ config }] }));
}, 300_000);
afterAll(async () => {
  await t?.close();
});

const read = (id: string, address = t.address) => readCompletedRun({ address, namespace: 'default', workflowId: id });

describe('the status of a completed run, read directly', () => {
  it('is the result the SDK reads, under the run the server describes', async () => {
    const direct = await read(workflowId);
    expect(direct?.workflowType).toBe('trainingPipeline');
    expect(direct?.runId).toBe((await t.client.workflow.getHandle(workflowId).describe()).runId);
    expect(direct?.result).toEqual(result);
    expect(direct?.result).toEqual(await readRunStatus(t.client, workflowId));
  });

  it('is nothing for a run that is open, terminated or unknown, or a server that does not answer', async () => {
    const open = await t.client.workflow.start('trainingPipeline', {
      taskQueue: uniqueTaskQueue('nobody-polls'),
      workflowId: `${workflowId}-open`,
      args: [{}],
    });
    expect(await read(open.workflowId)).toBeUndefined();
    await open.terminate('test');
    expect(await read(open.workflowId)).toBeUndefined();
    expect(await read(`${workflowId}-never-started`)).toBeUndefined();
    expect(await read(workflowId, '127.0.0.1:1')).toBeUndefined();
  });

  it('loads neither the SDK client nor its protobuf tables', () => {
    const script = `
      import { createRequire } from 'node:module';
      const { readCompletedRun } = await import(${JSON.stringify(completedRun)});
      const run = await readCompletedRun({ address: ${JSON.stringify(t.address)}, namespace: 'default', workflowId: ${JSON.stringify(workflowId)} });
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('@temporalio/') || k.includes('@grpc/'));
      console.log(JSON.stringify({ outcome: run?.result?.outcome, loaded }));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ outcome: 'skipped', loaded: [] });
  });

  it('`trainctl status` prints it as before, in JSON and as text', async () => {
    const cli = (args: string[]) =>
      new Promise<{ code: number; stdout: string }>((resolve) =>
        execFile(process.execPath, [bin, ...args], { env: { ...process.env, TEMPORAL_ADDRESS: t.address } }, (err, stdout) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout }),
        ),
      );
    const json = await cli(['status', workflowId, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(result);
    const text = await cli(['status', workflowId]);
    expect(text.stdout).toMatch(/outcome\s+skipped/);
    expect(text.stdout).toContain(`/namespaces/default/workflows/${workflowId}`);
  });
});
