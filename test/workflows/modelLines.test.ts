import { SMALL_PIPELINE } from '../support/pipelineConfig';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunInProgressError, startRun } from '../../client/commands/run';
import { resolvePipelineConfig } from '../../lib/config/pipeline';
import { openRegistry, registryRoot } from '../../lib/registry';
import { createTrainingWorker } from '../../workers/worker';
import { pipelineWorkflowId } from '../../workflows/ids';
import { approveSignal, statusQuery } from '../../workflows/trainingPipeline';
import type { PipelineStatus } from '../../workflows/types';
import { connectTestTemporal, tempPaths, testLogger, uniqueTaskQueue, type TemporalTestContext } from '../support/temporal';

/**
 * Model lines on the real server: two names train at the same time without seeing each other's
 * versions or pointers, and a second run of one name is refused by the server while one is open.
 */
let t: TemporalTestContext;
beforeAll(async () => {
  t = await connectTestTemporal();
});
afterAll(async () => t?.close());

const SMALL = SMALL_PIPELINE;

async function atGate(handle: { query: (q: typeof statusQuery) => Promise<PipelineStatus> }): Promise<PipelineStatus> {
  const deadline = Date.now() + 150_000;
  for (;;) {
    const s = await handle.query(statusQuery);
    if (s.outcome !== 'running') return s;
    if (Date.now() > deadline) throw new Error(`no gate; last stage ${s.stage}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('model lines', () => {
  it('run two names concurrently, each in its own registry; a second open run of one name is refused', async () => {
    const taskQueue = uniqueTaskQueue('lines');
    const paths = tempPaths();
    const suffix = Date.now().toString(36);
    const [alpha, beta] = [`alpha-${suffix}`, `beta-${suffix}`];
    const settings = { address: t.address, namespace: 'default', taskQueue, uiUrl: 'http://ui' };
    const worker = await createTrainingWorker({
      connection: t.connection,
      settings: { namespace: 'default', taskQueue },
      workflowBundle: t.bundle,
      deps: { paths, logger: testLogger(paths), env: {}, now: () => new Date(), fetch },
    });
    await worker.runUntil(async () => {
      // Three starts at once: alpha twice (the server lets one through), beta once.
      const starts = await Promise.allSettled([
        startRun(t.client, settings, resolvePipelineConfig({ ...SMALL, modelName: alpha })),
        startRun(t.client, settings, resolvePipelineConfig({ ...SMALL, modelName: alpha, seed: 7 })),
        startRun(t.client, settings, resolvePipelineConfig({ ...SMALL, modelName: beta, modelType: 'rf' })),
      ]);
      const alphaStarts = starts.slice(0, 2);
      expect(alphaStarts.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
      const refused = alphaStarts.find((s) => s.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(RunInProgressError);
      expect((refused.reason as Error).message).toContain(pipelineWorkflowId(alpha));
      expect(starts[2].status).toBe('fulfilled');

      const a = t.client.workflow.getHandle(pipelineWorkflowId(alpha));
      const b = t.client.workflow.getHandle(pipelineWorkflowId(beta));
      const [ga, gb] = await Promise.all([atGate(a), atGate(b)]);
      expect([ga.outcome, gb.outcome], JSON.stringify([ga.error, gb.error])).toEqual(['awaiting_approval', 'awaiting_approval']);
      // Each line numbers its own versions and compares with its own (absent) production.
      expect([ga.candidateVersion, gb.candidateVersion]).toEqual(['v1.0.0', 'v1.0.0']);
      expect([ga.production, gb.production]).toEqual([null, null]);
      expect(ga.pipelineId).not.toBe(gb.pipelineId);
      expect(ga.pipelineId.startsWith(`${pipelineWorkflowId(alpha)}-`)).toBe(true);

      await a.signal(approveSignal, { version: 'v1.0.0', by: 'alice' });
      expect(((await a.result()) as PipelineStatus).outcome).toBe('promoted');

      const ra = await openRegistry({ root: registryRoot(paths.modelsDir, alpha) });
      const rb = await openRegistry({ root: registryRoot(paths.modelsDir, beta) });
      expect((await ra.production())?.version).toBe('v1.0.0');
      expect(await rb.production()).toBeNull();
      expect((await rb.staging())?.version).toBe('v1.0.0');
      expect((await ra.list()).map((v) => v.modelType)).toEqual(['xgb']);
      expect((await rb.list()).map((v) => v.modelType)).toEqual(['rf']);
      expect((await rb.audit()).some((e) => e.runId === ga.pipelineId)).toBe(false);

      // Once alpha's run closed, the same workflow ID takes the next run, which sees alpha's production only.
      const next = await startRun(t.client, settings, resolvePipelineConfig({ ...SMALL, modelName: alpha, dryRun: true }));
      const done = await next.handle.result();
      expect(done.candidateVersion).toBe('dry-run');
      expect(done.production?.version).toBe('v1.0.0');
      expect(done.pipelineId).not.toBe(ga.pipelineId);
      expect((await rb.list()).map((v) => v.version)).toEqual(['v1.0.0']);

      await b.cancel();
    });
  }, 300_000);
});
