// Re-record the replay fixtures in test/fixtures/histories/ — deliberately, never from the test
// run: only after an intended, versioned change of a workflow (one that `patched()` guards), when
// the new path needs a history of its own. The old files stay unless a name is recorded again.
//
//   node --import tsx scripts/record-histories.ts            # every path below
//   node --import tsx scripts/record-histories.ts NAME ...   # only these (names as printed)
//
// Starts its own in-memory dev server (or uses TRAINCTL_TEST_TEMPORAL_ADDRESS) and an in-process
// worker on a temporary trainctl home, runs each workflow path on tiny synthetic data, and saves
// each finished run's history. The four older fixtures (promoted-after-refused-signal,
// expired-with-reminder, rejected-by-criteria, forced-skip-validation-rejected) come from
// test/workflows/trainingPipeline.test.ts with TRAINCTL_RECORD_HISTORIES=1.
import { TINY_PIPELINE } from '../test/support/pipelineConfig';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { freePort, startDevServer, type DevServer } from '../client/devServer';
import { resolvePaths } from '../lib/config/paths';
import { resolvePipelineConfig, type PipelineConfigInput } from '../lib/config/pipeline';
import { DEFAULT_DRIFT_THRESHOLDS } from '../lib/drift';
import { createLogger } from '../lib/log';
import { createTrainingWorker } from '../workers/worker';
import { driftMonitor } from '../workflows/driftMonitor';
import { hyperparameterSearch } from '../workflows/hyperparameterSearch';
import { rollbackModel } from '../workflows/rollbackModel';
import { approveSignal, rejectSignal, statusQuery, trainingPipeline } from '../workflows/trainingPipeline';

const historiesDir = new URL('../test/fixtures/histories/', import.meta.url).pathname;

const SMALL: PipelineConfigInput = {
  ...TINY_PIPELINE,
  seed: 7,
};

async function save(handle: WorkflowHandle, name: string, runId?: string): Promise<void> {
  const h = runId ? handle.client.getHandle(handle.workflowId, runId) : handle;
  mkdirSync(historiesDir, { recursive: true });
  writeFileSync(join(historiesDir, `${name}.json`), historyToJSON(await h.fetchHistory()));
  console.log(`recorded ${name}`);
}

async function decideAtGate(handle: WorkflowHandle, kind: 'approve' | 'reject'): Promise<void> {
  for (;;) {
    const s = await handle.query(statusQuery);
    if (s.outcome === 'awaiting_approval') {
      await handle.signal(kind === 'approve' ? approveSignal : rejectSignal, { version: s.candidateVersion!, by: 'recorder' });
      return;
    }
    if (s.stage === 'done') throw new Error(`${handle.workflowId} ended ${s.outcome} before the gate: ${s.reason ?? ''}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

type Recording = (ctx: { client: Client; taskQueue: string; stamp: string }) => Promise<void>;

function pipeline(client: Client, taskQueue: string, id: string, input: PipelineConfigInput) {
  return client.workflow.start(trainingPipeline, {
    taskQueue,
    workflowId: id,
    args: [{ config: resolvePipelineConfig({ ...SMALL, ...input }) }],
  });
}

/**
 * Each recording names the histories it writes; a line of its own keeps its registry apart. A
 * pipeline's workflow ID is its fixture's name, because the replay test replays it under that ID
 * and the pipeline derives its pipeline ID (and its search child's workflow ID) from it.
 */
const recordings: Record<string, Recording> = {
  // Promoted without a search, then a drift check of that production model, then a second
  // (forced) promotion so that a rollback to the previous version has somewhere to go.
  'pipeline-promoted,drift-monitor,rollback-previous': async ({ client, taskQueue, stamp }) => {
    const modelName = 'rec-line';
    const first = await pipeline(client, taskQueue, 'pipeline-promoted', { modelName });
    await decideAtGate(first, 'approve');
    await first.result();
    await save(first, 'pipeline-promoted');
    const drift = await client.workflow.start(driftMonitor, {
      taskQueue,
      workflowId: 'drift-monitor',
      args: [
        {
          modelName,
          windowDays: 20,
          thresholds: DEFAULT_DRIFT_THRESHOLDS,
          autoRetrain: false,
          pipeline: resolvePipelineConfig({ ...SMALL, modelName }),
          asOf: '2026-10-30',
        },
      ],
    });
    await drift.result();
    await save(drift, 'drift-monitor');
    const second = await pipeline(client, taskQueue, `rec-second-${stamp}`, { modelName, skipValidation: true, seed: 8 });
    await decideAtGate(second, 'approve');
    await second.result();
    const rollback = await client.workflow.start(rollbackModel, {
      taskQueue,
      workflowId: 'rollback-previous',
      args: [{ modelName, to: 'previous', by: 'recorder', reason: 'replay fixture' }],
    });
    await rollback.result();
    await save(rollback, 'rollback-previous');
  },
  // --optimize: the search runs as a child workflow before training.
  'pipeline-optimize-promoted,hpo-child-of-pipeline': async ({ client, taskQueue }) => {
    const run = await pipeline(client, taskQueue, 'pipeline-optimize-promoted', {
      modelName: 'rec-optimize',
      optimize: true,
      trials: 2,
      hpoParallel: 1,
    });
    await decideAtGate(run, 'approve');
    const status = await run.result();
    await save(run, 'pipeline-optimize-promoted');
    await save(client.workflow.getHandle(`${status.pipelineId}-hpo`), 'hpo-child-of-pipeline');
  },
  'pipeline-rejected-by-reviewer': async ({ client, taskQueue }) => {
    const run = await pipeline(client, taskQueue, 'pipeline-rejected-by-reviewer', { modelName: 'rec-reject' });
    await decideAtGate(run, 'reject');
    await run.result();
    await save(run, 'pipeline-rejected-by-reviewer');
  },
  // Four trials, two per run: the first run ends in continue-as-new, the second finishes.
  'hpo-before-continue-as-new,hpo-after-continue-as-new': async ({ client, taskQueue }) => {
    const config = resolvePipelineConfig({ ...SMALL, modelName: 'rec-hpo' });
    const handle = await client.workflow.start(hyperparameterSearch, {
      taskQueue,
      workflowId: 'hpo-search',
      args: [{ config: { ...config, trials: 4, hpoParallel: 2 }, trialsPerRun: 2 }],
    });
    const firstRunId = handle.firstExecutionRunId;
    await handle.result();
    await save(handle, 'hpo-before-continue-as-new', firstRunId);
    await save(client.workflow.getHandle(handle.workflowId), 'hpo-after-continue-as-new');
  },
  // Searches from the search-trial-activity patch on: one evaluateTrial activity per trial.
  'hpo-trial-activities': async ({ client, taskQueue }) => {
    const config = resolvePipelineConfig({ ...SMALL, modelName: 'rec-hpo-trials' });
    const handle = await client.workflow.start(hyperparameterSearch, {
      taskQueue,
      workflowId: 'hpo-trial-activities',
      args: [{ config: { ...config, trials: 4, hpoParallel: 2 } }],
    });
    await handle.result();
    await save(handle, 'hpo-trial-activities');
  },
};

const wanted = process.argv.slice(2);
const selected = Object.entries(recordings).filter(([names]) => wanted.length === 0 || names.split(',').some((n) => wanted.includes(n)));
if (selected.length === 0) {
  console.error(`nothing to record; names: ${Object.keys(recordings).join(', ')}`);
  process.exit(3);
}

Runtime.install({ logger: new DefaultLogger('WARN') });
let server: DevServer | undefined;
let address = process.env.TRAINCTL_TEST_TEMPORAL_ADDRESS;
if (!address) {
  server = await startDevServer({ port: await freePort(), startTimeoutMs: 120_000 });
  address = server.address;
}
const paths = resolvePaths({}, mkdtempSync(join(tmpdir(), 'trainctl-record-')));
const [connection, clientConnection] = await Promise.all([NativeConnection.connect({ address }), Connection.connect({ address })]);
const client = new Client({ connection: clientConnection });
const taskQueue = `record-histories-${Date.now().toString(36)}`;
const worker = await createTrainingWorker({
  connection,
  settings: { namespace: 'default', taskQueue },
  deps: { paths, logger: createLogger({ level: 'silent', logsDir: paths.logsDir }), env: {}, now: () => new Date(), fetch },
});
try {
  await worker.runUntil(Promise.all(selected.map(([, record]) => record({ client, taskQueue, stamp: Date.now().toString(36) }))));
} finally {
  await clientConnection.close();
  await connection.close();
  await server?.stop();
}
