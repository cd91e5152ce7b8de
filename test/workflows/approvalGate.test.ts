import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { readRunStatus } from '../../client/runStatus';
import { resolvePipelineConfig, type PipelineConfigInput } from '../../lib/config/pipeline';
import { modelLinePaths } from '../../lib/config/paths';
import { openRegistry, registryRoot } from '../../lib/registry';
import { approveSignal, trainingPipeline } from '../../workflows/trainingPipeline';
import type { PipelineStatus } from '../../workflows/types';
import { connectTestTemporal, createTestWorker, tempPaths, type TemporalTestContext } from '../support/temporal';

/**
 * Who may decide at the gate (a non-empty `by`, one of `approvers` when the configuration lists
 * them: anything else is refused and recorded like a wrong version), and a dry run, which never
 * touches the registry (no staging candidate for shadow scoring) and keeps its report findable.
 */
let t: TemporalTestContext;
beforeAll(async () => {
  t = await connectTestTemporal();
});
afterAll(async () => {
  await t?.close();
});

const SMALL: PipelineConfigInput = {
  tickers: ['SYN-A', 'SYN-B', 'SYN-C'],
  period: '3y',
  asOf: '2026-10-30',
  criteria: { minAccuracy: 0.5, minPrecision: 0.3, minRecall: 0.1, minF1: 0.1 },
  approvalTimeout: '10m',
};

async function withWorker<T>(name: string, fn: (o: { taskQueue: string; paths: ReturnType<typeof tempPaths> }) => Promise<T>) {
  const { worker, taskQueue, paths } = await createTestWorker(t, { name });
  return worker.runUntil(fn({ taskQueue, paths }));
}

/** Polls the run's memo, as `trainctl status` reads it. */
async function memoUntil(handle: WorkflowHandle, pred: (s: PipelineStatus) => boolean): Promise<PipelineStatus> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const s = (await handle.describe()).memo?.status as PipelineStatus | undefined;
    if (s && pred(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out; memo ${JSON.stringify(s?.outcome)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the approval gate', () => {
  it('refuses a decision without a name or from someone not among the approvers, and records both', async () => {
    await withWorker('approvers', async ({ taskQueue }) => {
      const handle = await t.client.workflow.start(trainingPipeline, {
        taskQueue,
        workflowId: `approvers-${Date.now().toString(36)}`,
        args: [{ config: resolvePipelineConfig({ ...SMALL, approvers: ['alice', 'bob'] }) }],
      });
      const gate = await memoUntil(handle, (s) => s.outcome === 'awaiting_approval' || s.stage === 'done');
      expect(gate.outcome).toBe('awaiting_approval');
      const version = gate.candidateVersion!;

      await handle.signal(approveSignal, { version, by: '  ' });
      await handle.signal(approveSignal, { version, by: 'mallory', comment: 'trust me' });
      const refused = await memoUntil(handle, (s) => s.refusedSignals.length >= 2);
      expect(refused.outcome).toBe('awaiting_approval');
      expect(refused.refusedSignals.map((r) => r.reason)).toEqual([
        'the decision must name who made it (--by)',
        'mallory is not an approver of direction-classifier (approvers: alice, bob)',
      ]);

      await handle.signal(approveSignal, { version, by: 'bob' });
      const result = await handle.result();
      expect(result.outcome).toBe('promoted');
      expect(result.approval?.decision?.by).toBe('bob');
      expect(result.refusedSignals).toHaveLength(2);
    });
  }, 300_000);

  it('a dry run registers nothing, and its status names the report', async () => {
    await withWorker('dry-run', async ({ taskQueue, paths }) => {
      const handle = await t.client.workflow.start(trainingPipeline, {
        taskQueue,
        workflowId: `dry-run-${Date.now().toString(36)}`,
        args: [{ config: resolvePipelineConfig({ ...SMALL, dryRun: true }) }],
      });
      const result = await handle.result();
      expect(result.outcome).toBe('skipped');
      expect(result.candidateVersion).toBe('dry-run');
      expect(result.reason).toMatch(/^dry run: the candidate passed validation; nothing was registered; report: /);
      const reportsDir = modelLinePaths(paths, 'direction-classifier').reportsDir;
      expect(result.report!.html.startsWith(`${reportsDir}/dry-run/${result.pipelineId}/`)).toBe(true);
      for (const file of Object.values(result.report!)) expect(existsSync(file), file).toBe(true);
      expect(result.reason).toContain(result.report!.html);

      const registry = await openRegistry({ root: registryRoot(paths.modelsDir, 'direction-classifier') });
      expect(await registry.staging()).toBeNull();
      expect(await registry.list()).toEqual([]);
      // `trainctl status` after the run shows the same.
      expect((await readRunStatus(t.client, handle.workflowId)).report).toEqual(result.report);
    });
  }, 300_000);
});
