// Records the replay fixtures in test/fixtures/histories/: one history of every workflow type and
// every path of the pipeline, all from the current code. It is the one recorder; no test writes
// fixtures.
//
//   node --import tsx scripts/record-histories.ts            # every path below (replaces the set)
//   node --import tsx scripts/record-histories.ts NAME ...   # only the recordings writing these
//
// The policy (docs/operations.md, "Worker Versioning and upgrades"): before 1.0 a changed workflow
// ships as a new build, and runs are PINNED to the build they started on, so no workflow carries
// branches for older runs and no fixture is kept for them. Re-record the fixtures whenever a
// workflow changes, so that the replay test (test/workflows/replay.test.ts) always replays
// histories of the current code: a full run replaces every file; old files are never kept
// alongside.
//
// Starts its own in-memory dev server (or uses TRAINCTL_TEST_TEMPORAL_ADDRESS) and an in-process
// worker on a temporary trainctl home, runs each path on tiny synthetic data one after the other
// (niced: the machine is shared), checks that each run took the path its fixture names, and saves
// its history. Nothing is written to the fixtures unless every selected recording succeeded.
import { TINY_PIPELINE } from '../test/support/pipelineConfig';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { freePort, startDevServer, type DevServer } from '../client/devServer';
import { resolvePaths, type Paths } from '../lib/config/paths';
import { parseDurationMs, resolvePipelineConfig, type PipelineConfig, type PipelineConfigInput } from '../lib/config/pipeline';
import { generateSyntheticMarket } from '../lib/data';
import { FEATURE_NAMES } from '../lib/features/definitions';
import { tickerFeatureColumns } from '../lib/features/featureFrame';
import { frameLine } from '../lib/predictionLog';
import { predictionLogDir } from '../lib/serving';
import { DEFAULT_DRIFT_THRESHOLDS } from '../lib/drift';
import { createLogger } from '../lib/log';
import { openModelLine, openRegistry, registryRoot } from '../lib/registry';
import { historiesDir, saveHistory } from '../test/support/histories';
import { createTrainingWorker } from '../workers/worker';
import { dailyScoring } from '../workflows/dailyScoring';
import { driftMonitor, type DriftMonitorInput } from '../workflows/driftMonitor';
import { hyperparameterSearch } from '../workflows/hyperparameterSearch';
import { pipelineWorkflowId } from '../workflows/ids';
import { autoRollbackWorkflowId, performanceMonitor } from '../workflows/performanceMonitor';
import { rollbackModel } from '../workflows/rollbackModel';
import { scheduledRetrain } from '../workflows/scheduledRetrain';
import { approveSignal, rejectSignal, statusQuery, trainingPipeline } from '../workflows/trainingPipeline';
import type { PipelineStatus } from '../workflows/types';
import { validateVersion } from '../workflows/validateVersion';

const AS_OF = '2026-10-30';
const SMALL: PipelineConfigInput = { ...TINY_PIPELINE, asOf: AS_OF, seed: 7 };
/** Unreachable on the tiny synthetic market: every candidate fails the criteria. */
const FAILING: PipelineConfigInput = { criteria: { minAccuracy: 0.99 } };

interface Ctx {
  client: Client;
  taskQueue: string;
  /** Where this run writes its histories (moved into the fixtures once every recording succeeded). */
  out: string;
  paths: Paths;
}
type Recording = { names: string[]; record: (ctx: Ctx) => Promise<void> };

function configOf(input: PipelineConfigInput): PipelineConfig {
  return resolvePipelineConfig({ ...SMALL, ...input });
}

/** A pipeline run started as the CLI starts one: under the model line's workflow ID. */
async function startPipeline({ client, taskQueue }: Ctx, input: PipelineConfigInput & { modelName: string }) {
  const h = await client.workflow.start(trainingPipeline, {
    taskQueue,
    workflowId: pipelineWorkflowId(input.modelName),
    args: [{ config: configOf(input) }],
    memo: { modelName: input.modelName },
  });
  // Bound to this run: later runs of the line reuse the workflow ID.
  return client.workflow.getHandle<typeof trainingPipeline>(h.workflowId, h.firstExecutionRunId);
}

async function until<T>(what: string, poll: () => Promise<T | undefined>, timeoutMs = 600_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await poll();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** The status once the candidate waits at the gate; throws when the run ended before it. */
function atGate(handle: WorkflowHandle<typeof trainingPipeline>): Promise<PipelineStatus> {
  return until(`${handle.workflowId} at the approval gate`, async () => {
    const s = await handle.query(statusQuery);
    if (s.outcome === 'awaiting_approval') return s;
    if (s.stage === 'done') throw new Error(`${handle.workflowId} ended ${s.outcome} before the gate: ${s.reason ?? ''}`);
    return undefined;
  });
}

function expectThat(ok: boolean, what: string, got: unknown): void {
  if (!ok) throw new Error(`${what}; got ${JSON.stringify(got)}`);
}

async function finished(handle: WorkflowHandle<typeof trainingPipeline>, outcome: PipelineStatus['outcome'], name: string) {
  const s = await handle.result();
  expectThat(s.outcome === outcome, `${name}: expected outcome ${outcome}`, { outcome: s.outcome, reason: s.reason });
  return s;
}

/** The tiny market as CSV files with the last `days` sessions far more volatile and trending (drift). */
function shiftedMarketCsv(days: number, config: PipelineConfig): string {
  const dir = mkdtempSync(join(tmpdir(), 'record-shifted-'));
  const market = generateSyntheticMarket({ seed: config.seed, tickers: config.tickers, start: '2023-06-01', end: AS_OF });
  for (const s of market.series) {
    const n = s.dates.length;
    let factor = 1;
    const lines = ['Date,Open,High,Low,Close,Adj Close,Volume'];
    for (let i = 0; i < n; i++) {
      if (i >= n - days && i > 0) {
        const r = s.close[i]! / s.close[i - 1]! - 1;
        factor *= (1 + 4 * r + 0.01) / (1 + r);
      }
      const f = (v: number) => (v * factor).toFixed(6);
      lines.push(
        `${s.dates[i]},${f(s.open[i]!)},${f(Math.max(s.high[i]!, s.open[i]!, s.close[i]!))},${f(Math.min(s.low[i]!, s.open[i]!, s.close[i]!))},${f(s.close[i]!)},${f(s.adjClose[i]!)},${Math.round(s.volume[i]! * (i >= n - days ? 3 : 1))}`,
      );
    }
    writeFileSync(join(dir, `${s.ticker}.csv`), `${lines.join('\n')}\n`);
  }
  return dir;
}

/**
 * For the performance drop (as in test/workflows/performanceMonitor.test.ts): a market whose
 * learnable effect stops at `change`, as CSV files, and what a mean-reversion production model
 * logged on it — right ~60 % of the time before the change, a coin flip after it.
 */
function droppedPerformance(o: { paths: Paths; modelName: string; tickers: string[]; version: string; change: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'record-effect-off-'));
  const market = generateSyntheticMarket({
    seed: 42,
    tickers: o.tickers,
    start: '2023-06-01',
    end: AS_OF,
    changes: [{ from: o.change, reversion: false }],
  });
  const byDay = new Map<string, string[]>();
  const ret5 = FEATURE_NAMES.indexOf('ret_5');
  for (const s of market.series) {
    const lines = ['Date,Open,High,Low,Close,Adj Close,Volume'];
    s.dates.forEach((d, i) =>
      lines.push(
        `${d},${s.open[i]!.toFixed(6)},${s.high[i]!.toFixed(6)},${s.low[i]!.toFixed(6)},${s.close[i]!.toFixed(6)},${s.adjClose[i]!.toFixed(6)},${Math.round(s.volume[i]!)}`,
      ),
    );
    writeFileSync(join(dir, `${s.ticker}.csv`), `${lines.join('\n')}\n`);
    const f = tickerFeatureColumns(s, { labelHorizon: 5, labelThreshold: 0 });
    f.dates.forEach((date, i) => {
      if (date < '2025-10-01') return;
      const p = 1 / (1 + Math.exp(60 * f.values[ret5]![i]!));
      const rec = {
        requestId: `${s.ticker}-${date}`,
        at: `${date}T21:00:00.000Z`,
        model: o.modelName,
        version: o.version,
        role: 'production',
        source: 'batch',
        ticker: s.ticker,
        date,
        probabilityUp: p,
        direction: p > 0.5 ? 'up' : 'down',
        threshold: 0.5,
      };
      byDay.set(date, [...(byDay.get(date) ?? []), frameLine(JSON.stringify(rec))]);
    });
  }
  const log = predictionLogDir(o.paths, o.modelName);
  mkdirSync(log, { recursive: true });
  for (const [day, lines] of byDay) writeFileSync(join(log, `predictions-${day}.jsonl`), lines.join(''));
  return `csv:${dir}`;
}

/** Register and promote a version with stand-in artefacts (the monitor reads only the log and the market). */
async function registerAndPromote(o: { paths: Paths; modelName: string; tickers: string[]; source: string; runId: string }) {
  const registry = await openModelLine({ modelsDir: o.paths.modelsDir, modelName: o.modelName, legacyModelName: o.modelName });
  const dir = mkdtempSync(join(tmpdir(), 'record-artifacts-'));
  writeFileSync(join(dir, 'model.json'), `{"run":"${o.runId}"}`);
  writeFileSync(join(dir, 'model.onnx'), `onnx ${o.runId}`);
  const r = await registry.registerCandidate({
    runId: o.runId,
    artifacts: { modelJson: join(dir, 'model.json'), onnx: join(dir, 'model.onnx') },
    metadata: {
      modelType: 'xgb',
      params: {},
      featureSchema: FEATURE_NAMES,
      dataSource: { source: o.source, window: { start: '2023-06-01', end: '2025-12-31' }, tickers: o.tickers },
      rawDataHash: 'x',
      featureSetHash: 'x',
      metrics: { accuracy: 0.62, precision: 0.6, recall: 0.6, f1: 0.6 },
      codeVersion: 'recorder',
    },
    schemaHash: 'schema',
    labelDefinition: { horizon: 5, threshold: 0 },
  });
  await registry.promote({ version: r.version, by: 'recorder', reason: 'replay fixture', runId: o.runId });
  return r.version;
}

/**
 * Each recording names the fixtures it writes. A model line of its own keeps its registry apart;
 * the first one follows one line through its life (promotion, the monitors, scheduled runs, a
 * second promotion and a rollback).
 */
const recordings: Recording[] = [
  {
    names: [
      'pipeline-promoted',
      'validate-version',
      'daily-scoring',
      'performance-monitor',
      'drift-monitor-ok',
      'scheduled-retrain',
      'pipeline-skipped-no-new-data',
      'pipeline-dry-run-passed',
      'pipeline-dry-run-failed',
      'pipeline-skip-validation-rejected',
      'pipeline-cancelled-at-gate',
      'scheduled-retrain-skipped-run-open',
      'pipeline-promoted-after-refused-signal',
      'rollback-previous',
      'drift-monitor-critical-retrain',
    ],
    record: async (ctx) => {
      const { client, taskQueue, out } = ctx;
      const save = (h: WorkflowHandle, name: string) => saveHistory(h, name, out).then(() => console.log(`recorded ${name}`));
      const modelName = 'rec-line';
      // Three tickers and the default seed, as in test/workflows/driftMonitor.test.ts: on the tiny
      // two-ticker market even unchanged data reads as drift over the window.
      const line = { modelName, seed: 42, tickers: ['SYN-A', 'SYN-B', 'SYN-C'] };
      const config = configOf(line);

      // The first model of the line: promoted without a search, nothing refused.
      const first = await startPipeline(ctx, line);
      const gate = await atGate(first);
      await first.signal(approveSignal, { version: gate.candidateVersion!, by: 'recorder' });
      const promoted = await finished(first, 'promoted', 'pipeline-promoted');
      await save(first, 'pipeline-promoted');
      const v1 = promoted.candidateVersion!;

      // `models validate`: the registered version backtested on the current data.
      const validate = await client.workflow.start(validateVersion, {
        taskQueue,
        workflowId: `validate-${modelName}-${v1}`,
        args: [{ config, version: v1 }],
      });
      await validate.result();
      await save(validate, 'validate-version');

      // The daily scoring schedule's workflow, then a monitoring pass over what it logged.
      const scoring = await client.workflow.start(dailyScoring, {
        taskQueue,
        workflowId: `daily-scoring-run-${modelName}`,
        args: [
          {
            modelName,
            tickers: config.tickers,
            source: config.source,
            seed: config.seed,
            threshold: config.backtest.threshold,
            date: AS_OF,
          },
        ],
      });
      const scored = await scoring.result();
      expectThat(scored.production === v1 && scored.written > 0, 'daily-scoring: production predictions written', scored);
      await save(scoring, 'daily-scoring');
      const monitor = await client.workflow.start(performanceMonitor, {
        taskQueue,
        workflowId: `performance-check-${modelName}`,
        args: [
          {
            modelName,
            windowDays: 60,
            costBps: 5,
            seed: config.seed,
            asOf: AS_OF,
            resamples: 200,
            policy: { floors: { accuracy: 0.55 }, holdoutMargin: 0.05, minMatured: 100, alpha: 0.05 },
            autoRollback: true,
            coolDownHours: 24,
          },
        ],
      });
      const perf = await monitor.result();
      expectThat(perf.drop.status !== 'drop' && perf.rollback === null, 'performance-monitor: no drop, no rollback', perf.drop);
      await save(monitor, 'performance-monitor');

      // A drift check of production on the data it was trained on: no alert, no retraining.
      const driftInput: DriftMonitorInput = {
        modelName,
        windowDays: 120,
        watch: ['ret_1', 'ret_5', 'rsi_14', 'stoch_k_14', 'bb_pctb_20', 'roc_10'],
        thresholds: DEFAULT_DRIFT_THRESHOLDS,
        autoRetrain: true,
        pipeline: config,
        asOf: AS_OF,
      };
      const calm = await client.workflow.start(driftMonitor, { taskQueue, workflowId: `drift-check-${modelName}-ok`, args: [driftInput] });
      const calmResult = await calm.result();
      expectThat(calmResult.status === 'ok' && calmResult.retrain === null, 'drift-monitor-ok: no drift', calmResult.summary);
      await save(calm, 'drift-monitor-ok');

      // A retrain schedule's firing: the launcher starts the pipeline, which has no new data to train on.
      const launcher = await client.workflow.start(scheduledRetrain, {
        taskQueue,
        workflowId: `weekly-retrain-${modelName}-launch-1`,
        args: [{ config: configOf({ ...line, trigger: 'schedule' }) }],
      });
      const launched = await launcher.result();
      expectThat(launched.outcome === 'started', 'scheduled-retrain: the pipeline started', launched);
      await save(launcher, 'scheduled-retrain');
      const scheduled = client.workflow.getHandle<typeof trainingPipeline>(launched.workflowId, launched.executionRunId!);
      await finished(scheduled, 'skipped', 'pipeline-skipped-no-new-data');
      await save(scheduled, 'pipeline-skipped-no-new-data');

      // Dry runs register nothing: one that passed the checks, one that failed them.
      const dryPassed = await startPipeline(ctx, { ...line, dryRun: true });
      await finished(dryPassed, 'skipped', 'pipeline-dry-run-passed');
      await save(dryPassed, 'pipeline-dry-run-passed');
      const dryFailed = await startPipeline(ctx, { ...line, ...FAILING, dryRun: true });
      await finished(dryFailed, 'rejected', 'pipeline-dry-run-failed');
      await save(dryFailed, 'pipeline-dry-run-failed');

      // --skip-validation on a scheduled run: a failing candidate reaches the gate marked forced; rejected there.
      const forced = await startPipeline(ctx, { ...line, ...FAILING, trigger: 'schedule', ignoreNewData: true, skipValidation: true });
      const forcedGate = await atGate(forced);
      expectThat(
        Boolean(forcedGate.forced) && forcedGate.decision === 'REJECT',
        'skip-validation: forced past failed criteria',
        forcedGate,
      );
      await forced.signal(rejectSignal, { version: forcedGate.candidateVersion!, by: 'recorder', comment: 'forced, then rejected' });
      await finished(forced, 'rejected', 'pipeline-skip-validation-rejected');
      await save(forced, 'pipeline-skip-validation-rejected');

      // A run waiting at the gate: a schedule firing meanwhile starts nothing; then the run is cancelled
      // (as the Web UI does it) and its candidate leaves staging.
      const cancelled = await startPipeline(ctx, line);
      const cancelGate = await atGate(cancelled);
      const overlapping = await client.workflow.start(scheduledRetrain, {
        taskQueue,
        workflowId: `weekly-retrain-${modelName}-launch-2`,
        args: [{ config: configOf({ ...line, trigger: 'schedule' }) }],
      });
      const skippedLaunch = await overlapping.result();
      expectThat(skippedLaunch.outcome === 'skipped', 'scheduled-retrain-skipped-run-open: skipped', skippedLaunch);
      await save(overlapping, 'scheduled-retrain-skipped-run-open');
      await cancelled.cancel();
      const err = await cancelled.result().then(
        () => undefined,
        (e: unknown) => e,
      );
      expectThat(err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure, 'cancelled-at-gate: cancelled', String(err));
      const cancelStatus = (await cancelled.describe()).memo?.status as PipelineStatus | undefined;
      expectThat(
        cancelStatus?.outcome === 'cancelled' && Boolean(cancelStatus.reason?.includes(`${cancelGate.candidateVersion} rejected`)),
        'cancelled-at-gate: the run ends cancelled and its candidate is rejected',
        { outcome: cancelStatus?.outcome, reason: cancelStatus?.reason },
      );
      const staging = await (await openRegistry({ root: registryRoot(ctx.paths.modelsDir, modelName) })).staging();
      expectThat(staging?.version !== cancelGate.candidateVersion, 'cancelled-at-gate: the candidate left staging', {
        staging: staging?.version,
      });
      await save(cancelled, 'pipeline-cancelled-at-gate');

      // A second promotion, after a signal for the wrong version was refused …
      const second = await startPipeline(ctx, line);
      const secondGate = await atGate(second);
      await second.signal(approveSignal, { version: 'v9.9.9', by: 'mallory' });
      await until('the refused signal', async () => ((await second.query(statusQuery)).refusedSignals.length > 0 ? true : undefined));
      await second.signal(approveSignal, { version: secondGate.candidateVersion!, by: 'recorder', comment: 'looks good' });
      await finished(second, 'promoted', 'pipeline-promoted-after-refused-signal');
      await save(second, 'pipeline-promoted-after-refused-signal');

      // … so that `models rollback previous` has somewhere to go.
      const rollback = await client.workflow.start(rollbackModel, {
        taskQueue,
        workflowId: `rollback-${modelName}`,
        args: [
          { modelName, to: 'previous', by: 'recorder', reason: 'replay fixture', deployTimeoutMs: parseDurationMs(config.deployTimeout) },
        ],
      });
      const back = await rollback.result();
      expectThat(back.to === v1, 'rollback-previous: back to the first version', back);
      await save(rollback, 'rollback-previous');

      // Critical drift on a shifted market: alerted, and one retraining started (stopped at once here).
      const critical = await client.workflow.start(driftMonitor, {
        taskQueue,
        workflowId: `drift-check-${modelName}-critical`,
        args: [{ ...driftInput, source: `csv:${shiftedMarketCsv(driftInput.windowDays, config)}` }],
      });
      const criticalResult = await critical.result();
      expectThat(
        criticalResult.status === 'critical' && criticalResult.retrain?.started === true,
        'drift-monitor-critical-retrain: critical, retraining started',
        { status: criticalResult.status, retrain: criticalResult.retrain },
      );
      await save(critical, 'drift-monitor-critical-retrain');
      await client.workflow.getHandle(pipelineWorkflowId(modelName)).terminate('replay fixture recorded');
    },
  },
  {
    names: ['performance-monitor-drop-rollback', 'rollback-auto-after-drop'],
    record: async ({ client, taskQueue, out, paths }) => {
      // A confirmed drop of production: alerted, and rolled back once through a rollbackModel child.
      const modelName = 'rec-perf';
      const tickers = ['SYN-A', 'SYN-B', 'SYN-C'];
      const v1Source = `csv:${mkdtempSync(join(tmpdir(), 'record-unused-'))}`;
      const v1 = await registerAndPromote({ paths, modelName, tickers, source: v1Source, runId: 'rec-perf-1' });
      const v2Run = { paths, modelName, tickers, runId: 'rec-perf-2' };
      const source = droppedPerformance({ paths, modelName, tickers, version: 'v1.1.0', change: '2026-03-02' });
      const v2 = await registerAndPromote({ ...v2Run, source });
      expectThat(v2 === 'v1.1.0', 'performance-monitor-drop-rollback: the logged version is production', v2);
      const monitor = await client.workflow.start(performanceMonitor, {
        taskQueue,
        workflowId: `performance-check-${modelName}`,
        args: [
          {
            modelName,
            windowDays: 60,
            costBps: 5,
            seed: 42,
            asOf: AS_OF,
            resamples: 1000,
            policy: { floors: { accuracy: 0.55 }, holdoutMargin: 0.05, minMatured: 100, alpha: 0.05 },
            autoRollback: true,
            coolDownHours: 24,
          },
        ],
      });
      const r = await monitor.result();
      expectThat(
        r.drop.status === 'drop' && r.rollback?.done === true && r.rollback.to === v1,
        'performance-monitor-drop-rollback: drop, rolled back',
        {
          drop: r.drop,
          rollback: r.rollback,
        },
      );
      await saveHistory(monitor, 'performance-monitor-drop-rollback', out);
      await saveHistory(client.workflow.getHandle(autoRollbackWorkflowId(modelName, v2)), 'rollback-auto-after-drop', out);
      console.log('recorded performance-monitor-drop-rollback, rollback-auto-after-drop');
    },
  },
  {
    names: ['pipeline-optimize-promoted', 'hpo-child-of-pipeline'],
    record: async (ctx) => {
      const run = await startPipeline(ctx, { modelName: 'rec-optimize', optimize: true, trials: 2, hpoParallel: 1 });
      const gate = await atGate(run);
      await run.signal(approveSignal, { version: gate.candidateVersion!, by: 'recorder' });
      const status = await finished(run, 'promoted', 'pipeline-optimize-promoted');
      await saveHistory(run, 'pipeline-optimize-promoted', ctx.out);
      await saveHistory(ctx.client.workflow.getHandle(`${status.pipelineId}-hpo`), 'hpo-child-of-pipeline', ctx.out);
      console.log('recorded pipeline-optimize-promoted, hpo-child-of-pipeline');
    },
  },
  {
    names: ['pipeline-rejected-by-reviewer'],
    record: async (ctx) => {
      const run = await startPipeline(ctx, { modelName: 'rec-reject' });
      const gate = await atGate(run);
      await run.signal(rejectSignal, { version: gate.candidateVersion!, by: 'recorder', comment: 'too risky' });
      await finished(run, 'rejected', 'pipeline-rejected-by-reviewer');
      await saveHistory(run, 'pipeline-rejected-by-reviewer', ctx.out);
      console.log('recorded pipeline-rejected-by-reviewer');
    },
  },
  {
    names: ['pipeline-rejected-by-criteria'],
    record: async (ctx) => {
      const run = await startPipeline(ctx, { modelName: 'rec-criteria', ...FAILING });
      const s = await finished(run, 'rejected', 'pipeline-rejected-by-criteria');
      expectThat(s.decision === 'REJECT' && s.approval === undefined, 'rejected-by-criteria: rejected before the gate', s.reason);
      await saveHistory(run, 'pipeline-rejected-by-criteria', ctx.out);
      console.log('recorded pipeline-rejected-by-criteria');
    },
  },
  {
    names: ['pipeline-expired-with-reminder'],
    record: async (ctx) => {
      // As in test/workflows/trainingPipeline.test.ts: nobody decides; one reminder, then the deadline.
      const run = await startPipeline(ctx, { modelName: 'rec-expire', approvalTimeout: '4s', approvalReminder: '2s' });
      await finished(run, 'expired', 'pipeline-expired-with-reminder');
      await saveHistory(run, 'pipeline-expired-with-reminder', ctx.out);
      console.log('recorded pipeline-expired-with-reminder');
    },
  },
  {
    names: ['hpo-before-continue-as-new', 'hpo-after-continue-as-new'],
    record: async ({ client, taskQueue, out }) => {
      // Four trials, two per run: the first run ends in continue-as-new, the second finishes.
      const config = configOf({ modelName: 'rec-hpo' });
      const handle = await client.workflow.start(hyperparameterSearch, {
        taskQueue,
        workflowId: 'hpo-rec-hpo',
        args: [{ config: { ...config, trials: 4, hpoParallel: 2 }, trialsPerRun: 2 }],
      });
      await handle.result();
      await saveHistory(client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId), 'hpo-before-continue-as-new', out);
      await saveHistory(client.workflow.getHandle(handle.workflowId), 'hpo-after-continue-as-new', out);
      console.log('recorded hpo-before-continue-as-new, hpo-after-continue-as-new');
    },
  },
];

const wanted = process.argv.slice(2);
const known = recordings.flatMap((r) => r.names);
const unknown = wanted.filter((n) => !known.includes(n));
const selected = recordings.filter((r) => wanted.length === 0 || r.names.some((n) => wanted.includes(n)));
if (unknown.length || selected.length === 0) {
  console.error(`unknown recording ${unknown.join(', ')}; names: ${known.join(', ')}`);
  process.exit(3);
}

// The machine is shared: the recorder, its dev server and the worker's children run niced.
try {
  setPriority(10);
} catch {
  // Not permitted: run at normal priority.
}
Runtime.install({ logger: new DefaultLogger('WARN') });
const began = Date.now();
let server: DevServer | undefined;
let address = process.env.TRAINCTL_TEST_TEMPORAL_ADDRESS;
if (!address) {
  server = await startDevServer({ port: await freePort(), startTimeoutMs: 120_000 });
  address = server.address;
}
const home = mkdtempSync(join(tmpdir(), 'trainctl-record-'));
const out = join(home, 'histories');
mkdirSync(out);
const paths = resolvePaths({}, home);
const [connection, clientConnection] = await Promise.all([NativeConnection.connect({ address }), Connection.connect({ address })]);
const client = new Client({ connection: clientConnection });
const taskQueue = `record-histories-${Date.now().toString(36)}`;
const worker = await createTrainingWorker({
  connection,
  settings: { namespace: 'default', taskQueue },
  deps: { paths, logger: createLogger({ level: 'silent', logsDir: paths.logsDir }), env: {}, now: () => new Date(), fetch },
});
let failed = false;
try {
  await worker.runUntil(async () => {
    // One after the other: a few minutes, at most one training at a time.
    for (const r of selected) await r.record({ client, taskQueue, out, paths });
  });
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  await clientConnection.close();
  await connection.close();
  await server?.stop();
}
if (failed) {
  console.error(`nothing written to ${historiesDir} (the histories recorded so far are in ${out})`);
  process.exit(1);
}

// A full run replaces the set; a partial one the files it recorded.
mkdirSync(historiesDir, { recursive: true });
if (wanted.length === 0) for (const f of readdirSync(historiesDir)) if (f.endsWith('.json')) rmSync(join(historiesDir, f));
const recorded = readdirSync(out).filter((f) => f.endsWith('.json'));
for (const f of recorded) {
  try {
    renameSync(join(out, f), join(historiesDir, f));
  } catch {
    copyFileSync(join(out, f), join(historiesDir, f));
  }
}
if (existsSync(home)) rmSync(home, { recursive: true, force: true });
console.log(`${recorded.length} histories in ${historiesDir} (${((Date.now() - began) / 1000).toFixed(0)} s)`);
