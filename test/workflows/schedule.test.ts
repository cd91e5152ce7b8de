import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePipelineConfig } from '../../lib/config/pipeline';
import { createRetrainSchedule, retrainScheduleId } from '../../client/schedules';
import { createTrainingWorker } from '../../workers/worker';
import { approveSignal, statusQuery } from '../../workflows/trainingPipeline';
import type { PipelineStatus } from '../../workflows/types';
import { pipelineWorkflowId } from '../../workflows/ids';
import type { ScheduledRetrainResult } from '../../workflows/scheduledRetrain';
import { connectTestTemporal, tempPaths, testLogger, uniqueTaskQueue, type TemporalTestContext } from '../support/temporal';

let t: TemporalTestContext;
beforeAll(async () => {
  t = await connectTestTemporal();
});
afterAll(async () => t?.close());

describe('weekly retraining schedule (a real Temporal Schedule, fired with trigger)', () => {
  it('fires and runs the pipeline; a later firing without enough new data ends skipped', async () => {
    const taskQueue = uniqueTaskQueue('schedule');
    const paths = tempPaths();
    const config = resolvePipelineConfig({
      modelName: `sched-${Date.now().toString(36)}`,
      tickers: ['SYN-A', 'SYN-B', 'SYN-C'],
      period: '3y',
      asOf: '2026-10-30',
      approvalTimeout: '1h',
      criteria: { minAccuracy: 0.5, minPrecision: 0.3, minRecall: 0.1, minF1: 0.1 },
    });
    const worker = await createTrainingWorker({
      connection: t.connection,
      settings: { namespace: 'default', taskQueue },
      workflowBundle: t.bundle,
      deps: { paths, logger: testLogger(paths), env: {}, now: () => new Date(), fetch },
    });
    await worker.runUntil(async () => {
      const { scheduleId } = await createRetrainSchedule(
        t.client,
        { address: t.address, namespace: 'default', taskQueue, uiUrl: '' },
        { config, paused: true },
      );
      expect(scheduleId).toBe(retrainScheduleId(config.modelName));
      const handle = t.client.schedule.getHandle(scheduleId);
      // The production spec is weekly; fire it on demand, as the schedule would.
      // Each firing starts the launcher, which starts the pipeline under the model line's workflow ID.
      const launch = async (n: number) => {
        await handle.trigger();
        for (;;) {
          const d = await handle.describe();
          const action = d.info.recentActions[n - 1]?.action.workflow;
          if (action)
            return (await t.client.workflow.getHandle(action.workflowId, action.firstExecutionRunId).result()) as ScheduledRetrainResult;
          await new Promise((r) => setTimeout(r, 300));
        }
      };
      const runOf = async (n: number) => {
        const launched = await launch(n);
        expect(launched.outcome).toBe('started');
        expect(launched.workflowId).toBe(pipelineWorkflowId(config.modelName));
        return t.client.workflow.getHandle(launched.workflowId, launched.executionRunId!);
      };
      const first = await runOf(1);
      let s: PipelineStatus;
      for (;;) {
        s = await first.query(statusQuery);
        if (s.outcome !== 'running') break;
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(s.trigger).toBe('schedule');
      expect(s.outcome).toBe('awaiting_approval'); // no production yet: the first model is always trained
      // A firing while that run is open starts nothing: one open run per model.
      const overlapping = await launch(2);
      expect(overlapping).toMatchObject({ outcome: 'skipped', executionRunId: null });
      expect(overlapping.reason).toContain('already open');
      await first.signal(approveSignal, { version: s.candidateVersion!, by: 'alice' });
      expect((await first.result()).outcome).toBe('promoted');

      const second = await runOf(3);
      const skipped = (await second.result()) as PipelineStatus;
      expect(skipped.outcome).toBe('skipped');
      expect(skipped.reason).toMatch(/new trading days/);
      const description = await handle.describe();
      expect(description.policies.overlap).toBe('SKIP');
      await handle.delete();
    });
  }, 180_000);
});
