import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { resolvePipelineConfig, type PipelineConfigInput } from '../../lib/config/pipeline';
import { openRegistry, registryRoot } from '../../lib/registry';
import { createTrainingWorker } from '../../workers/worker';
import { approveSignal, statusQuery, trainingPipeline } from '../../workflows/trainingPipeline';
import type { PipelineStatus } from '../../workflows/types';
import { startServer, type RunningServer } from '../serving/support/server';
import { connectTestTemporal, tempPaths, testLogger, uniqueTaskQueue, type TemporalTestContext } from '../support/temporal';

/**
 * The deploy stage on the real server with a real prediction service watching the run's registry:
 * after approval the run waits until the service answers with the new version; an instance that
 * never switches fails the run and production goes back to the previous version.
 */
let t: TemporalTestContext;
let server: RunningServer | undefined;
beforeAll(async () => {
  t = await connectTestTemporal();
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

const MODEL = 'deploy-line';
const SMALL: PipelineConfigInput = {
  modelName: MODEL,
  tickers: ['SYN-A', 'SYN-B'],
  period: '3y',
  asOf: '2026-10-30',
  criteria: { minAccuracy: 0.5, minPrecision: 0.3, minRecall: 0.1, minF1: 0.1 },
  approvalTimeout: '10m',
  deployTimeout: '4s',
};

async function approveAtGate(handle: {
  query: (q: typeof statusQuery) => Promise<PipelineStatus>;
  signal: (s: typeof approveSignal, d: { version: string; by: string }) => Promise<void>;
}) {
  for (;;) {
    const s = await handle.query(statusQuery);
    if (s.outcome === 'awaiting_approval') return handle.signal(approveSignal, { version: s.candidateVersion!, by: 'alice' });
    if (s.outcome !== 'running') throw new Error(`no gate: ${s.outcome} ${JSON.stringify(s.error)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('deploy stage', () => {
  it('waits for every instance to serve the promoted version; a deploy that does not finish rolls production back', async () => {
    const paths = tempPaths('deploy-');
    const taskQueue = uniqueTaskQueue('deploy');
    // The service starts before any model exists (503 until a production model is loaded).
    server = await startServer(paths, MODEL, { pollMs: 50 });
    const run = async (env: Record<string, string>, seed: number, over: PipelineConfigInput = {}) => {
      const worker = await createTrainingWorker({
        connection: t.connection,
        settings: { namespace: 'default', taskQueue },
        workflowBundle: t.bundle,
        deps: { paths, logger: testLogger(paths), env, now: () => new Date(), fetch },
      });
      return worker.runUntil(async () => {
        const handle = await t.client.workflow.start(trainingPipeline, {
          taskQueue,
          workflowId: `deploy-${seed}-${Date.now().toString(36)}`,
          args: [{ config: resolvePipelineConfig({ ...SMALL, ...over, seed }) }],
        });
        await approveAtGate(handle);
        return handle.result().then(
          (s) => ({ status: s, error: undefined }),
          async (error: unknown) => ({ status: await handle.query(statusQuery), error }),
        );
      });
    };

    const first = await run({ TRAINCTL_SERVE_INSTANCES: server.url }, 1);
    expect(first.error).toBeUndefined();
    expect(first.status.outcome).toBe('promoted');
    expect(first.status.stages.find((s) => s.name === 'deploy')?.state).toBe('done');
    expect(first.status.deploy).toMatchObject({ version: 'v1.0.0', skipped: false, instances: 1 });
    expect(first.status.deploy!.approvalToServingMs).toBeGreaterThan(0);
    const models = (await (await fetch(`${server.url}/v1/models`)).json()) as { production: { version: string } | null };
    expect(models.production?.version).toBe('v1.0.0');

    // Second run: one more instance that never answers. The run fails; v1.0.0 is production again.
    // --force: the candidate reaches the gate whatever its comparison with v1.0.0 says.
    const second = await run({ TRAINCTL_SERVE_INSTANCES: `${server.url},http://127.0.0.1:9` }, 2, { force: true });
    expect(second.error).toBeInstanceOf(WorkflowFailedError);
    expect(second.status.outcome).toBe('failed');
    expect(second.status.error).toMatchObject({ stage: 'deploy', type: 'DeployTimeout' });
    expect(second.status.error!.message).toContain('http://127.0.0.1:9');
    expect(second.status.error!.message).toContain('production rolled back to v1.0.0');
    expect(second.status.deploy).toMatchObject({ version: 'v1.1.0', rolledBackTo: 'v1.0.0', notSwitched: ['http://127.0.0.1:9/'] });
    const registry = await openRegistry({ root: registryRoot(paths.modelsDir, MODEL) });
    expect((await registry.production())?.version).toBe('v1.0.0');
    const audit = await registry.audit();
    const back = audit.filter((a) => a.action === 'rollback');
    expect(back).toHaveLength(1);
    expect(back[0]).toMatchObject({ by: 'trainctl', from: 'v1.1.0', to: 'v1.0.0' });
    expect(back[0]!.reason).toContain('deploy of v1.1.0 did not finish');
  }, 240_000);
});
