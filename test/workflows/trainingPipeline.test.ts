import { SMALL_PIPELINE } from '../support/pipelineConfig';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { resolvePipelineConfig, type PipelineConfigInput } from '../../lib/config/pipeline';
import { openRegistry, registryRoot } from '../../lib/registry';
import { createTrainingWorker } from '../../workers/worker';
import { approveSignal, rejectSignal, statusQuery, trainingPipeline } from '../../workflows/trainingPipeline';
import type { PipelineStatus } from '../../workflows/types';
import { connectTestTemporal, tempPaths, testLogger, uniqueTaskQueue, type TemporalTestContext } from '../support/temporal';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhookReceiver';

/**
 * The real workflow on the real dev server with the real activities (synthetic market, libxgboost,
 * onnxruntime, local registry) on small data: three tickers, three years.
 */
let t: TemporalTestContext;
let hooks: WebhookReceiver;
let slack: WebhookReceiver;

beforeAll(async () => {
  t = await connectTestTemporal();
  hooks = await startWebhookReceiver({ failFirst: 2 });
  slack = await startWebhookReceiver();
});
afterAll(async () => {
  await hooks?.close();
  await slack?.close();
  await t?.close();
});

const SMALL = SMALL_PIPELINE;

async function withWorker<T>(
  name: string,
  fn: (ctx: { taskQueue: string; paths: ReturnType<typeof tempPaths>; worker: Worker }) => Promise<T>,
  env: Record<string, string> = {},
) {
  const taskQueue = uniqueTaskQueue(name);
  const paths = tempPaths();
  const worker = await createTrainingWorker({
    connection: t.connection,
    settings: { namespace: 'default', taskQueue },
    workflowBundle: t.bundle,
    deps: { paths, logger: testLogger(paths), env, now: () => new Date(), fetch },
  });
  return worker.runUntil(fn({ taskQueue, paths, worker }));
}

function start(taskQueue: string, input: PipelineConfigInput, id: string) {
  return t.client.workflow.start(trainingPipeline, {
    taskQueue,
    workflowId: `${id}-${Date.now().toString(36)}`,
    args: [{ config: resolvePipelineConfig({ ...SMALL, ...input }) }],
  });
}

async function waitFor(
  handle: { query: (q: typeof statusQuery) => Promise<PipelineStatus> },
  pred: (s: PipelineStatus) => boolean,
  timeoutMs = 120_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await handle.query(statusQuery);
    if (pred(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out waiting; last status ${JSON.stringify({ outcome: s.outcome, stage: s.stage })}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('trainingPipeline', () => {
  it('runs every stage, refuses a signal for the wrong version, and promotes after approval', async () => {
    await withWorker(
      'happy',
      async ({ taskQueue, paths }) => {
        const handle = await start(taskQueue, {}, 'happy');
        const gate = await waitFor(handle, (s) => s.outcome === 'awaiting_approval' || s.stage === 'done');
        expect(gate.outcome).toBe('awaiting_approval');
        expect(gate.candidateVersion).toBe('v1.0.0');
        expect(gate.decision).toBe('PROMOTE');
        expect(gate.synthetic).toBe(true);
        for (const name of ['fetch', 'features', 'train', 'backtest', 'compare']) {
          const st = gate.stages.find((s) => s.name === name)!;
          expect(st.state, name).toBe('done');
          expect(st.ms, name).toBeGreaterThanOrEqual(0);
        }
        expect(gate.candidate!.metrics.accuracy).toBeGreaterThan(0);
        expect(gate.candidate!.metrics.baselineAccuracy).toBeGreaterThan(0.3);
        expect(gate.production).toBeNull();

        await handle.signal(approveSignal, { version: 'v9.9.9', by: 'mallory' });
        const refused = await waitFor(handle, (s) => s.refusedSignals.length > 0);
        expect(refused.outcome).toBe('awaiting_approval');
        expect(refused.refusedSignals[0]).toMatchObject({ by: 'mallory', version: 'v9.9.9' });
        expect(refused.refusedSignals[0]!.reason).toContain('v1.0.0');

        await handle.signal(approveSignal, { version: 'v1.0.0', by: 'alice', comment: 'looks good' });
        const result = await handle.result();
        expect(result.outcome).toBe('promoted');
        expect(result.stages.find((s) => s.name === 'promote')!.state).toBe('done');

        const registry = await openRegistry({ root: registryRoot(paths.modelsDir, 'direction-classifier') });
        const production = await registry.production();
        expect(production?.version).toBe('v1.0.0');
        const audit = await registry.audit();
        expect(audit.some((a) => a.action === 'promote' && a.by === 'alice' && a.to === 'v1.0.0')).toBe(true);

        const events = hooks.received.map((r) => (r.body as { event: string }).event);
        expect(events).toEqual(expect.arrayContaining(['started', 'awaiting_approval', 'promoted']));
        expect(hooks.failedAttempts).toBe(2);
        // The Slack target got each event exactly once although the JSON target failed twice.
        const slackTexts = slack.received.map((r) => (r.body as { text: string }).text);
        expect(slackTexts.filter((t) => t.startsWith('Training run started'))).toHaveLength(1);
        expect(slackTexts.some((t) => t.startsWith('Candidate awaiting approval') && t.includes('npx trainctl approve'))).toBe(true);
        expect((slack.received[0]!.body as { blocks: unknown[] }).blocks.length).toBeGreaterThan(1);
        expect(JSON.stringify(slack.received)).not.toContain(hooks.url);
      },
      { TRAINCTL_WEBHOOK_URL: hooks.url, TRAINCTL_SLACK_WEBHOOK_URL: slack.url },
    );
  });

  it('ends rejected when the reviewer rejects, and nothing reaches production (MLflow down: reported, run continues)', async () => {
    await withWorker(
      'reject',
      async ({ taskQueue, paths }) => {
        const handle = await start(taskQueue, {}, 'reject');
        const gate = await waitFor(handle, (s) => s.outcome === 'awaiting_approval' || s.stage === 'done');
        expect(gate.outcome).toBe('awaiting_approval');
        expect(gate.tracking?.ok).toBe(false);
        expect(gate.tracking?.error).toContain('127.0.0.1:1');
        await handle.signal(rejectSignal, { version: gate.candidateVersion!, by: 'bob', comment: 'too risky' });
        const result = await handle.result();
        expect(result.outcome).toBe('rejected');
        expect(result.reason).toContain('bob');
        const registry = await openRegistry({ root: registryRoot(paths.modelsDir, 'direction-classifier') });
        expect(await registry.production()).toBeNull();
      },
      { MLFLOW_TRACKING_URI: 'http://127.0.0.1:1' },
    );
  });

  it('with optimize, searches as a child workflow and trains the candidate with the best parameters', async () => {
    await withWorker('optimize', async ({ taskQueue, paths }) => {
      const searchSpace = { max_depth: { low: 2, high: 3 }, n_estimators: { low: 20, high: 40 } };
      const handle = await start(taskQueue, { optimize: true, trials: 4, hpoParallel: 2, trialTimeout: '5m', searchSpace }, 'optimize');
      // At the gate the candidate is registered (a dry run would register nothing); rejected after the checks.
      const result = await waitFor(handle, (s) => s.outcome === 'awaiting_approval' || s.stage === 'done');
      expect(result.outcome).toBe('awaiting_approval');
      const optimize = result.stages.find((s) => s.name === 'optimize')!;
      expect(optimize.state).toBe('done');
      expect(optimize.note).toMatch(/completed, \d+ pruned, \d+ failed; best log loss/);
      const children = [];
      for await (const w of t.client.workflow.list({ query: `WorkflowId = '${result.pipelineId}-hpo'` })) children.push(w);
      expect(children.map((c) => [c.type, c.status.name])).toEqual([['hyperparameterSearch', 'COMPLETED']]);
      const { params } = (await t.client.workflow.getHandle(`${result.pipelineId}-hpo`).result()) as { params: Record<string, number> };
      const registry = await openRegistry({ root: registryRoot(paths.modelsDir, 'direction-classifier') });
      const entry = await registry.get(result.candidateVersion!);
      expect(entry.metadata.params).toMatchObject({ ...params, paramsSource: 'search' });
      expect(params.maxDepth).toBeLessThanOrEqual(3);
      expect(params.nEstimators).toBeLessThanOrEqual(40);
      await handle.signal(rejectSignal, { version: result.candidateVersion!, by: 'alice' });
      expect((await handle.result()).outcome).toBe('rejected');
    });
  }, 300_000);

  it('ends rejected without waiting when the candidate fails the thresholds', async () => {
    await withWorker('validation', async ({ taskQueue }) => {
      const handle = await start(taskQueue, { criteria: { minAccuracy: 0.99 } }, 'validation');
      const result = await handle.result();
      expect(result.outcome).toBe('rejected');
      expect(result.decision).toBe('REJECT');
      expect(result.failedCriteria).toContain('accuracy');
      expect(result.approval).toBeUndefined();
      expect(result.stages.find((s) => s.name === 'approval')!.state).toBe('skipped');
    });
  });

  it('expires when nobody decides before the approval timeout, leaving the candidate in staging', async () => {
    await withWorker('expire', async ({ taskQueue, paths }) => {
      const handle = await start(taskQueue, { approvalTimeout: '4s', approvalReminder: '2s' }, 'expire');
      const result = await handle.result();
      expect(result.outcome).toBe('expired');
      const registry = await openRegistry({ root: registryRoot(paths.modelsDir, 'direction-classifier') });
      expect(await registry.production()).toBeNull();
      expect((await registry.staging())?.version).toBe(result.candidateVersion);
    });
  });

  it('a scheduled run without enough new data since production ends skipped; --ignore-new-data trains anyway', async () => {
    await withWorker('skip', async ({ taskQueue }) => {
      const first = await start(taskQueue, {}, 'skip-first');
      const gate = await waitFor(first, (s) => s.outcome === 'awaiting_approval' || s.stage === 'done');
      await first.signal(approveSignal, { version: gate.candidateVersion!, by: 'alice' });
      expect((await first.result()).outcome).toBe('promoted');

      const scheduled = await start(taskQueue, { trigger: 'schedule', minNewDays: 5 }, 'skip-scheduled');
      const skipped = await scheduled.result();
      expect(skipped.outcome).toBe('skipped');
      expect(skipped.reason).toMatch(/only 0 new trading days since 2026-10-30 .*at least 5/);
      expect(skipped.stages.find((s) => s.name === 'train')!.state).toBe('skipped');

      const forced = await start(taskQueue, { trigger: 'schedule', minNewDays: 5, ignoreNewData: true, dryRun: true }, 'skip-forced');
      const result = await forced.result();
      expect(result.outcome).toBe('skipped');
      expect(result.reason).toContain('dry run');
      // A dry run registers nothing: its candidate has no version and the registry is as it was.
      expect(result.candidateVersion).toBe('dry-run');
      expect(result.production?.version).toBe('v1.0.0');
    });
  });

  it('fails non-retryably on bad data and writes nothing to the registry', async () => {
    await withWorker('bad-data', async ({ taskQueue, paths }) => {
      const handle = await start(taskQueue, { source: 'csv:/nonexistent/dir' }, 'bad-data');
      const err = await handle.result().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const history = await handle.fetchHistory();
      const attempts = history
        .events!.filter((e) => e.activityTaskStartedEventAttributes)
        .map((e) => Number(e.activityTaskStartedEventAttributes!.attempt));
      expect(Math.max(...attempts)).toBe(1);
      const registry = await openRegistry({ root: registryRoot(paths.modelsDir, 'direction-classifier') });
      expect(await registry.list()).toEqual([]);
    });
  });
});
