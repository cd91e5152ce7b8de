import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import { cancelRun } from '../../client/commands/cancel';
import { readRunStatus } from '../../client/runStatus';
import { resolvePipelineConfig } from '../../lib/config/pipeline';
import { modelLinePaths, type Paths } from '../../lib/config/paths';
import { openRegistry, registryRoot } from '../../lib/registry';
import { createTrainingWorker } from '../../workers/worker';
import { trainingPipeline } from '../../workflows/trainingPipeline';
import type { PipelineStatus } from '../../workflows/types';
import { connectTestTemporal, tempPaths, testLogger, uniqueTaskQueue, type TemporalTestContext } from '../support/temporal';

/**
 * A run cancelled during training, from the CLI (`trainctl cancel`) and as the Web UI does it (a
 * workflow cancellation request): the boosting loop sees the cancellation in a heartbeat and stops,
 * the worker has nothing left running, the run ends `cancelled` and nothing is registered.
 */
let t: TemporalTestContext;
beforeAll(async () => {
  t = await connectTestTemporal();
});
afterAll(async () => {
  await t?.close();
});

/** Many slow rounds, so the run is still boosting when the cancellation arrives. */
function slowTraining(paths: Paths, modelName: string) {
  const file = modelLinePaths(paths, modelName).bestHyperparams;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    JSON.stringify({ params: { nEstimators: 20_000, maxDepth: 10, learningRate: 0.001 }, value: 0.69, metric: 'logloss' }),
  );
}

async function untilTraining(handle: WorkflowHandle): Promise<PipelineStatus> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    // Read as `trainctl status` does: from the memo, without a query.
    const memo = (await handle.describe()).memo?.status as PipelineStatus | undefined;
    if (memo?.stages.find((s) => s.name === 'train')?.state === 'running') return memo;
    if (memo?.stage === 'done' || Date.now() > deadline) throw new Error(`never reached training: ${JSON.stringify(memo?.stages)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('cancelling a run during training', () => {
  for (const via of ['cli', 'web-ui'] as const) {
    it(`from the ${via === 'cli' ? 'CLI' : 'Web UI'}: training stops within a heartbeat, the run ends cancelled, nothing is registered`, async () => {
      const taskQueue = uniqueTaskQueue(`cancel-${via}`);
      const paths = tempPaths();
      const modelName = `cancel-${via}`;
      slowTraining(paths, modelName);
      const worker: Worker = await createTrainingWorker({
        connection: t.connection,
        settings: { namespace: 'default', taskQueue },
        workflowBundle: t.bundle,
        deps: { paths, logger: testLogger(paths), env: {}, now: () => new Date(), fetch },
      });
      await worker.runUntil(async () => {
        const handle = await t.client.workflow.start(trainingPipeline, {
          taskQueue,
          workflowId: `cancel-${via}-${Date.now().toString(36)}`,
          args: [
            {
              config: resolvePipelineConfig({
                modelName,
                tickers: ['SYN-A', 'SYN-B', 'SYN-C'],
                period: '3y',
                asOf: '2026-10-30',
                useBest: true,
              }),
            },
          ],
        });
        await untilTraining(handle);
        // Into the boosting loop proper.
        await new Promise((r) => setTimeout(r, 1500));
        const requested = Date.now();
        let status: PipelineStatus;
        if (via === 'cli') status = await cancelRun(t.client, handle.workflowId, { waitMs: 60_000 });
        else {
          await handle.cancel();
          const err = await handle.result().then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(err).toBeInstanceOf(WorkflowFailedError);
          expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
          status = await readRunStatus(t.client, handle.workflowId);
        }
        const stoppedMs = Date.now() - requested;
        console.log(`cancel via ${via}: the run ended ${stoppedMs} ms after the request`);

        expect(status.outcome).toBe('cancelled');
        expect(status.stages.find((s) => s.name === 'train')!.state).toBe('cancelled');
        expect(status.reason).toMatch(/cancelled during train; nothing was registered/);
        // Generous: one heartbeat is ~2 s, one boosting round far less.
        expect(stoppedMs).toBeLessThan(30_000);

        // The training activity itself acknowledged the cancellation (it stopped boosting) …
        const history = await handle.fetchHistory();
        const cancelled = history.events!.filter((e) => e.activityTaskCanceledEventAttributes);
        expect(cancelled.length).toBe(1);
        // … and the worker has nothing left running.
        expect(worker.getStatus().numInFlightActivities).toBe(0);

        const registry = await openRegistry({ root: registryRoot(paths.modelsDir, modelName) });
        expect(await registry.list()).toEqual([]);
        expect(await registry.staging()).toBeNull();
      });
    }, 300_000);
  }
});
