import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePipelineConfig } from '../../lib/config/pipeline';
import { createTrainingWorker } from '../../workers/worker';
import { hpoStatusQuery, hyperparameterSearch } from '../../workflows/hyperparameterSearch';
import { runPythonJson } from '../support/python';
import { connectTestTemporal, tempPaths, testLogger, uniqueTaskQueue, type TemporalTestContext } from '../support/temporal';

let t: TemporalTestContext;
const searchWorker = (taskQueue: string, paths: ReturnType<typeof tempPaths>) =>
  createTrainingWorker({
    connection: t.connection,
    settings: { namespace: 'default', taskQueue },
    workflowBundle: t.bundle,
    deps: { paths, logger: testLogger(paths), env: {}, now: () => new Date(), fetch },
  });
beforeAll(async () => {
  t = await connectTestTemporal();
});
afterAll(async () => t?.close());

describe('hyperparameterSearch', () => {
  it('runs TPE trials as fold activities in parallel, survives continue-as-new, writes the best params and an Optuna journal', async () => {
    const taskQueue = uniqueTaskQueue('hpo');
    const paths = tempPaths();
    const worker = await searchWorker(taskQueue, paths);
    await worker.runUntil(async () => {
      // A configured search space: narrower trees than the default and a fixed subsample.
      const searchSpace = {
        max_depth: { low: 2, high: 4 },
        n_estimators: { low: 20, high: 60, step: 10 },
        subsample: { low: 0.8, high: 0.8 },
      };
      const config = resolvePipelineConfig({ tickers: ['SYN-A', 'SYN-B'], period: '3y', asOf: '2026-10-30', seed: 5, searchSpace });
      const handle = await t.client.workflow.start(hyperparameterSearch, {
        taskQueue,
        workflowId: `hpo-${Date.now().toString(36)}`,
        args: [{ config: { ...config, trials: 8, hpoParallel: 2 }, trialsPerRun: 4 }],
      });
      const result = await handle.result();
      expect(result.completed + result.pruned + result.failed).toBe(8);
      expect(result.completed).toBeGreaterThan(0);
      const status0 = await handle.query(hpoStatusQuery);
      for (const trial of status0.trials) {
        expect(trial.params.max_depth).toBeGreaterThanOrEqual(2);
        expect(trial.params.max_depth).toBeLessThanOrEqual(4);
        expect([20, 30, 40, 50, 60]).toContain(trial.params.n_estimators);
        expect(trial.params.subsample).toBe(0.8);
      }
      const best = JSON.parse(readFileSync(result.bestFile!, 'utf8'));
      expect(best).toMatchObject({ params: result.params, value: result.value, trialNumber: result.trialNumber });

      // The history was continued as new once; the final run's query has every trial, none twice.
      const status = await handle.query(hpoStatusQuery);
      expect(status.finished).toBe(true);
      expect(status.trials.map((x) => x.number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      const runs = [];
      for await (const w of t.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) runs.push(w.status.name);
      expect(runs.filter((s) => s === 'CONTINUED_AS_NEW')).toHaveLength(1);

      const optuna = runPythonJson<{ n: number; best: number }>(
        `import json, sys, optuna
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend
c = json.load(sys.stdin)
s = optuna.load_study(study_name=c['name'], storage=JournalStorage(JournalFileBackend(c['path'])))
print(json.dumps(dict(n=len(s.trials), best=s.best_value)))`,
        { name: result.studyName, path: result.journal },
      );
      expect(optuna).toEqual({ n: 8, best: result.value });
    });
  }, 300_000);

  it('refuses a bad search space before any trial runs, as a non-retryable configuration error', async () => {
    const taskQueue = uniqueTaskQueue('hpo-bad-space');
    const paths = tempPaths();
    const worker = await searchWorker(taskQueue, paths);
    // The CLI validates this too (exit 3); here the workflow is started directly, as from another client.
    expect(() => resolvePipelineConfig({ searchSpace: { max_depth: { low: 8, high: 3 } } })).toThrow(/max_depth.*low 8/);
    const config = {
      ...resolvePipelineConfig({ tickers: ['SYN-A'], period: '3y', asOf: '2026-10-30' }),
      searchSpace: { max_depth: { low: 8, high: 3 }, learning_rate: { low: 0, high: 0.3, log: true } },
    };
    await worker.runUntil(async () => {
      const handle = await t.client.workflow.start(hyperparameterSearch, {
        taskQueue,
        workflowId: `hpo-bad-${Date.now().toString(36)}`,
        args: [{ config: { ...config, trials: 4, hpoParallel: 2 } }],
      });
      const err = await handle.result().then(
        () => undefined,
        (e: unknown) => e as { cause?: { type?: string; nonRetryable?: boolean; message?: string } },
      );
      expect(err?.cause?.type).toBe('ConfigError');
      expect(err?.cause?.nonRetryable).toBe(true);
      expect(err?.cause?.message).toMatch(/"max_depth": int: low 8 must be < high 3.*"learning_rate": float: log scale needs low > 0/);
      const history = await handle.fetchHistory();
      expect(history.events?.some((e) => e.activityTaskScheduledEventAttributes)).toBe(false);
    });
  }, 120_000);

  it('refuses to resume a study saved by an older generator, as a non-retryable error', async () => {
    const taskQueue = uniqueTaskQueue('hpo-old-state');
    const paths = tempPaths();
    const worker = await searchWorker(taskQueue, paths);
    const config = resolvePipelineConfig({ tickers: ['SYN-A'], period: '3y', asOf: '2026-10-30' });
    const resume = {
      state: { direction: 'minimize' as const, trials: [], samplerState: { rng: [1, 2, 3, 4] } },
      startedAt: Date.now(),
      features: { path: '/nonexistent', sha256: 'x' } as never,
      dataWindow: { start: '2024-01-01', end: '2026-10-30' },
    };
    await worker.runUntil(async () => {
      const handle = await t.client.workflow.start(hyperparameterSearch, {
        taskQueue,
        workflowId: `hpo-old-${Date.now().toString(36)}`,
        args: [{ config: { ...config, trials: 2, hpoParallel: 1 }, resume }],
      });
      const err = await handle.result().then(
        () => undefined,
        (e: { cause?: { type?: string; nonRetryable?: boolean; message?: string } }) => e.cause,
      );
      expect(err).toMatchObject({ type: 'ConfigError', nonRetryable: true });
      expect(err?.message).toMatch(/cannot resume the study: not a RandomState snapshot/);
    });
  }, 60_000);

  it('records a trial over its time limit as FAIL with the reason, and goes on to the next', async () => {
    const taskQueue = uniqueTaskQueue('hpo-trial-timeout');
    const paths = tempPaths();
    const worker = await searchWorker(taskQueue, paths);
    const config = resolvePipelineConfig({ tickers: ['SYN-A'], period: '3y', asOf: '2026-10-30' });
    await worker.runUntil(async () => {
      // 1 ms cannot hold a fold (an activity round trip alone takes longer): every trial times out.
      const handle = await t.client.workflow.start(hyperparameterSearch, {
        taskQueue,
        workflowId: `hpo-tt-${Date.now().toString(36)}`,
        args: [{ config: { ...config, trials: 3, hpoParallel: 1, trialTimeout: '1ms' } }],
      });
      await expect(handle.result()).rejects.toThrow();
      const status = await handle.query(hpoStatusQuery);
      expect(status.trials.map((x) => x.state)).toEqual(['FAIL', 'FAIL', 'FAIL']);
      for (const trial of status.trials) expect(trial.reason).toMatch(/trial exceeded its time limit of 0.001 s/);
      const failure = await handle.result().catch((e: { cause?: { message?: string } }) => e.cause?.message);
      expect(failure).toMatch(/no trial of 3 completed/);
    });
  }, 120_000);

  it('resumes after its worker is killed mid-search, with no trial lost or duplicated', async () => {
    const taskQueue = uniqueTaskQueue('hpo-kill');
    const paths = tempPaths();
    const script = fileURLToPath(new URL('../support/workerProcess.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, TEMPORAL_ADDRESS: t.address, TRAINCTL_TASK_QUEUE: taskQueue, TRAINCTL_HOME: paths.root },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
    const config = resolvePipelineConfig({ tickers: ['SYN-A', 'SYN-B'], period: '3y', asOf: '2026-10-30', seed: 9 });
    const handle = await t.client.workflow.start(hyperparameterSearch, {
      taskQueue,
      workflowId: `hpo-kill-${Date.now().toString(36)}`,
      args: [{ config: { ...config, trials: 6, hpoParallel: 2 } }],
    });
    for (;;) {
      const s = await handle.query(hpoStatusQuery).catch(() => undefined);
      if (s && s.trials.filter((x) => x.state !== 'RUNNING').length >= 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    child.kill('SIGKILL');
    const worker = await searchWorker(taskQueue, paths);
    const [result, status] = await worker.runUntil(async () => [await handle.result(), await handle.query(hpoStatusQuery)] as const);
    expect(result.completed + result.pruned + result.failed).toBe(6);
    expect(status.trials.map((x) => x.number)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(status.trials.every((x) => x.state !== 'RUNNING')).toBe(true);
  }, 300_000);
});
