import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRetrainSchedule } from '../../client/schedules';
import { triggerWithOverrides } from '../../client/commands/scheduleTrigger';
import { resolvePipelineConfig, type PipelineConfigInput } from '../../lib/config/pipeline';
import { openRegistry, registryRoot } from '../../lib/registry';
import { createTrainingWorker } from '../../workers/worker';
import { approveSignal, rejectSignal, statusQuery, trainingPipeline } from '../../workflows/trainingPipeline';
import type { PipelineStatus } from '../../workflows/types';
import { validateVersion } from '../../workflows/validateVersion';
import { connectTestTemporal, tempPaths, testLogger, uniqueTaskQueue, type TemporalTestContext } from '../support/temporal';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhookReceiver';

/**
 * The training-script convention end to end on the real server and activities: --force and
 * --skip-validation bring a failing candidate to the gate marked FORCED (status, report, approval
 * request, audit log); the time budget's overrun notifies its own target; `schedule trigger`
 * overrides; `validate <version>` leaves the registry alone.
 */
let t: TemporalTestContext;
let hooks: WebhookReceiver;
let perf: WebhookReceiver;
const paths = tempPaths();
const modelName = `conv-${Date.now().toString(36)}`;

beforeAll(async () => {
  t = await connectTestTemporal();
  hooks = await startWebhookReceiver();
  perf = await startWebhookReceiver();
});
afterAll(async () => {
  await hooks?.close();
  await perf?.close();
  await t?.close();
});

const SMALL: PipelineConfigInput = {
  modelName,
  tickers: ['SYN-A', 'SYN-B', 'SYN-C'],
  period: '3y',
  asOf: '2026-10-30',
  approvalTimeout: '10m',
  // Unreachable on this small synthetic market: every candidate fails the thresholds.
  criteria: { minAccuracy: 0.99 },
};

async function withWorker<T>(taskQueue: string, fn: () => Promise<T>): Promise<T> {
  const worker = await createTrainingWorker({
    connection: t.connection,
    settings: { namespace: 'default', taskQueue },
    workflowBundle: t.bundle,
    deps: {
      paths,
      logger: testLogger(paths),
      env: { TRAINCTL_WEBHOOK_URL: hooks.url, TRAINCTL_PERFORMANCE_WEBHOOK_URL: perf.url },
      now: () => new Date(),
      fetch,
    },
  });
  return worker.runUntil(fn());
}

async function atGate(handle: { query: (q: typeof statusQuery) => Promise<PipelineStatus> }): Promise<PipelineStatus> {
  const deadline = Date.now() + 150_000;
  for (;;) {
    const s = await handle.query(statusQuery);
    if (s.outcome === 'awaiting_approval' || s.stage === 'done') return s;
    if (Date.now() > deadline) throw new Error(`no gate; last status ${s.outcome}/${s.stage}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

type Received = { event: string; title: string; text: string; fields: Record<string, unknown> };
const events = (r: WebhookReceiver) => r.received.map((x) => x.body as Received);

/** The notification activity runs after the status changes: wait for its delivery. */
async function eventOf(r: WebhookReceiver, event: string): Promise<Received> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = events(r).find((e) => e.event === event);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(
        `no ${event} notification; got ${events(r)
          .map((e) => e.event)
          .join(', ')}`,
      );
    await new Promise((res) => setTimeout(res, 200));
  }
}

describe('training-script convention', () => {
  it('--force: a failing candidate reaches the gate marked FORCED; an over-budget run notifies the performance target', async () => {
    const taskQueue = uniqueTaskQueue('convention-force');
    await withWorker(taskQueue, async () => {
      const handle = await t.client.workflow.start(trainingPipeline, {
        taskQueue,
        workflowId: `${modelName}-forced`,
        args: [{ config: resolvePipelineConfig({ ...SMALL, force: true, pipelineBudget: '1s' }) }],
      });
      const gate = await atGate(handle);
      expect(gate.outcome).toBe('awaiting_approval');
      expect(gate.decision).toBe('REJECT');
      expect(gate.failedCriteria).toContain('accuracy');
      expect(gate.forced?.by).toEqual(['force']);
      expect(gate.forced?.failed).toContain('accuracy');
      expect(gate.forced!.note).toMatch(/^FORCED \(--force\): failed .*accuracy.* but reaches the approval gate/);
      expect(gate.budget).toMatchObject({ limit: '1s', overrun: true });

      const md = readFileSync(gate.report!.markdown, 'utf8');
      expect(md).toContain('> **FORCED (--force)');
      expect(md).toMatch(/\*\*Time budget exceeded: \d+\.\d min to reach the comparison, budget 1s\*\*/);
      expect(JSON.parse(readFileSync(gate.report!.json, 'utf8'))).toMatchObject({ forced: { by: ['force'] }, budget: { overrun: true } });

      const approval = await eventOf(hooks, 'awaiting_approval');
      expect(approval.title).toBe('FORCED: Candidate awaiting approval');
      expect(approval.fields.forced).toBe(gate.forced!.note);
      expect(String(approval.fields.accuracy)).toMatch(/^0\.\d{3} \[0\.\d{3}, 0\.\d{3}\]$/);
      for (const k of ['precision', 'recall', 'f1', 'sharpe', 'report']) expect(approval.fields[k], k).toBeTruthy();
      // The overrun went to the performance route only, once.
      expect(events(perf).map((e) => e.event)).toEqual(['budget_exceeded']);
      expect(events(hooks).map((e) => e.event)).not.toContain('budget_exceeded');

      await handle.signal(approveSignal, { version: gate.candidateVersion!, by: 'alice', comment: 'accepted risk' });
      expect((await handle.result()).outcome).toBe('promoted');
      const registry = await openRegistry({ root: registryRoot(paths.modelsDir, modelName) });
      const promote = (await registry.audit()).find((a) => a.action === 'promote')!;
      expect(promote.reason).toMatch(/^FORCED \(--force\): .*; accepted risk$/);
      expect((await eventOf(hooks, 'promoted')).title).toBe('FORCED: Model promoted');
    });
  }, 240_000);

  it('schedule trigger with --skip-validation, a skipped scheduled run notifies, validate leaves the registry alone', async () => {
    const taskQueue = uniqueTaskQueue('convention-trigger');
    await withWorker(taskQueue, async () => {
      const registry = await openRegistry({ root: registryRoot(paths.modelsDir, modelName) });
      const auditBefore = (await registry.audit()).length;

      // validate v1.0.0 (production) on the current data: a report, no registry change.
      const v = await t.client.workflow.execute(validateVersion, {
        taskQueue,
        workflowId: `${modelName}-validate`,
        args: [{ config: resolvePipelineConfig({ ...SMALL, criteria: {} }), version: 'v1.0.0' }],
      });
      expect(v.version).toBe('v1.0.0');
      expect(v.report.html).toContain(join(modelName, 'validation', 'v1.0.0'));
      expect(readFileSync(v.report.markdown, 'utf8')).toContain('standalone validation of registered version v1.0.0');
      expect(v.evidence.candidate.accuracy.low).toBeLessThanOrEqual(v.evidence.candidate.accuracy.estimate);
      expect((await registry.audit()).length).toBe(auditBefore);
      expect((await registry.list()).map((m) => m.version)).toEqual(['v1.0.0']);
      const unknown = await t.client.workflow
        .execute(validateVersion, {
          taskQueue,
          workflowId: `${modelName}-validate-unknown`,
          args: [{ config: resolvePipelineConfig(SMALL), version: 'v7.0.0' }],
        })
        .catch((e: unknown) => e);
      expect(String((unknown as { cause?: { cause?: Error } }).cause?.cause?.message)).toContain(`${modelName} has no version v7.0.0`);

      await createRetrainSchedule(
        t.client,
        { address: t.address, namespace: 'default', taskQueue, uiUrl: '' },
        { config: resolvePipelineConfig({ ...SMALL, trigger: 'schedule' }), paused: true },
      );
      // Without overrides: no new data since production → skipped, and said so.
      const plain = await triggerWithOverrides(t.client, { modelName, overrides: {} });
      const skipped = (await t.client.workflow.getHandle(plain.workflowId, plain.executionRunId!).result()) as PipelineStatus;
      expect(skipped.outcome).toBe('skipped');
      const note = await eventOf(hooks, 'skipped');
      expect(note.title).toBe('Scheduled run skipped');
      expect(note.text).toMatch(/did not train: only 0 new trading days/);

      const r = await triggerWithOverrides(t.client, { modelName, overrides: { skipValidation: true, ignoreNewData: true, trials: 3 } });
      expect(r.outcome).toBe('started');
      const run = t.client.workflow.getHandle(r.workflowId, r.executionRunId!);
      const gate = await atGate(run);
      expect(gate.outcome).toBe('awaiting_approval');
      expect(gate.trigger).toBe('schedule');
      expect(gate.forced).toMatchObject({ by: ['skip-validation'] });
      // Unlike --force, the comparison with production still ran.
      expect(gate.production?.version).toBe('v1.0.0');
      await run.signal(rejectSignal, { version: gate.candidateVersion!, by: 'bob' });
      expect(((await run.result()) as PipelineStatus).outcome).toBe('rejected');
      await t.client.schedule.getHandle(`weekly-retrain-${modelName}`).delete();
      expect(readdirSync(join(paths.reportsDir, modelName, 'validation', 'v1.0.0'))).toHaveLength(1);
    });
  }, 300_000);
});
