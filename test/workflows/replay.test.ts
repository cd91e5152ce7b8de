import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import * as workflows from '../../workflows/index';
import { workflowsPath } from '../../workers/worker';
import { historiesDir } from '../support/histories';

/**
 * Replays recorded histories of real runs against the current workflow code: a change that would
 * break running workflows (reordered activities, a new timer, a removed signal handler …) fails
 * here with a non-determinism error instead of in production.
 *
 * Before 1.0 a changed workflow ships as a new build (Worker Versioning: a run is PINNED to the
 * build it started on), so the workflows carry no branches for older runs and the fixtures are
 * histories of the current code only. Re-record them whenever a workflow changes, with the one
 * recorder: `node --import tsx scripts/record-histories.ts` (it replaces the whole set; old files
 * are never kept alongside). No test run writes them.
 */
const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json'));

/** Every workflow type and path that must have a recorded history, by fixture name. */
const REQUIRED: Record<string, { type: string; path: string }> = {
  'pipeline-promoted': { type: 'trainingPipeline', path: 'promoted, without --optimize' },
  'pipeline-optimize-promoted': { type: 'trainingPipeline', path: 'promoted, with --optimize (the search as a child)' },
  'pipeline-promoted-after-refused-signal': { type: 'trainingPipeline', path: 'promoted after a refused signal' },
  'pipeline-expired-with-reminder': { type: 'trainingPipeline', path: 'approval expired, with a reminder' },
  'pipeline-rejected-by-reviewer': { type: 'trainingPipeline', path: 'rejected by a reviewer at the gate' },
  'pipeline-rejected-by-criteria': { type: 'trainingPipeline', path: 'rejected by the promotion criteria' },
  'pipeline-skip-validation-rejected': { type: 'trainingPipeline', path: '--skip-validation past failed criteria, then rejected' },
  'pipeline-dry-run-passed': { type: 'trainingPipeline', path: 'dry run, the candidate passed' },
  'pipeline-dry-run-failed': { type: 'trainingPipeline', path: 'dry run, the candidate failed the criteria' },
  'pipeline-skipped-no-new-data': { type: 'trainingPipeline', path: 'scheduled run skipped: no new data since production' },
  'pipeline-cancelled-at-gate': { type: 'trainingPipeline', path: 'cancelled at the gate; ends cancelled, candidate rejected' },
  'hpo-child-of-pipeline': { type: 'hyperparameterSearch', path: 'as the child of a pipeline (--optimize)' },
  'hpo-before-continue-as-new': { type: 'hyperparameterSearch', path: 'first run, ends in continue-as-new' },
  'hpo-after-continue-as-new': { type: 'hyperparameterSearch', path: 'resumed after continue-as-new' },
  'drift-monitor-ok': { type: 'driftMonitor', path: 'no drift: no alert, no retraining' },
  'drift-monitor-critical-retrain': { type: 'driftMonitor', path: 'critical drift: alert and a retraining started' },
  'performance-monitor': { type: 'performanceMonitor', path: 'one pass over the prediction log, no drop' },
  'performance-monitor-drop-rollback': {
    type: 'performanceMonitor',
    path: 'a confirmed drop: alerted, production rolled back by a rollbackModel child',
  },
  'rollback-auto-after-drop': { type: 'rollbackModel', path: 'the automatic rollback after a drop (child, no deploy wait)' },
  'rollback-previous': { type: 'rollbackModel', path: 'rollback to the previous version, with the deploy wait' },
  'scheduled-retrain': { type: 'scheduledRetrain', path: 'a firing that starts the pipeline' },
  'scheduled-retrain-skipped-run-open': { type: 'scheduledRetrain', path: 'a firing skipped while a run of the line is open' },
  'daily-scoring': { type: 'dailyScoring', path: 'one day scored with production' },
  'validate-version': { type: 'validateVersion', path: 'a registered version backtested on the current data' },
};

/** The workflow types the worker registers: the async functions exported by workflows/index.ts. */
const WORKFLOW_TYPES = Object.entries(workflows)
  .filter(([, v]) => typeof v === 'function' && v.constructor.name === 'AsyncFunction')
  .map(([name]) => name)
  .sort();

function readHistory(file: string) {
  return historyFromJSON(JSON.parse(readFileSync(`${historiesDir}${file}`, 'utf8')));
}
const startedOf = (file: string) => readHistory(file).events?.[0]?.workflowExecutionStartedEventAttributes;

let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  try {
    // One replay worker per file: their lifecycle chatter at INFO would drown the output.
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed in this process.
  }
  bundle = await bundleWorkflowCode({
    workflowsPath,
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
});

describe('workflow determinism', () => {
  it('has a recorded history of every workflow type and path, and no other', () => {
    const missing = Object.keys(REQUIRED).filter((name) => !files.includes(`${name}.json`));
    expect(missing, 'record them with: node --import tsx scripts/record-histories.ts').toEqual([]);
    const extra = files.map((f) => f.replace(/\.json$/, '')).filter((name) => !(name in REQUIRED));
    expect(extra, 'fixtures not listed in REQUIRED (the recorder replaces the whole set)').toEqual([]);
    for (const [name, want] of Object.entries(REQUIRED)) {
      expect(startedOf(`${name}.json`)?.workflowType?.name, `${name}: ${want.path}`).toBe(want.type);
    }
  });

  it('covers every workflow type exported by workflows/index.ts', () => {
    expect(WORKFLOW_TYPES.length).toBeGreaterThanOrEqual(8);
    const recorded = new Set(Object.values(REQUIRED).map((r) => r.type));
    expect(
      WORKFLOW_TYPES.filter((type) => !recorded.has(type)),
      'workflow types without a fixture',
    ).toEqual([]);
    expect(
      [...recorded].filter((type) => !WORKFLOW_TYPES.includes(type)),
      'fixtures of types no longer exported',
    ).toEqual([]);
  });

  it('records the search across continue-as-new', () => {
    const continued = readHistory('hpo-before-continue-as-new.json').events ?? [];
    expect(continued.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    expect(startedOf('hpo-after-continue-as-new.json')?.continuedExecutionRunId).toBeTruthy();
  });

  for (const file of files) {
    it(`replays ${file} without non-determinism`, async () => {
      const history = readHistory(file);
      // Under the workflow ID it ran with: the pipeline derives its pipeline ID and its search child's ID from it.
      const workflowId = startedOf(file)?.workflowId || file.replace(/\.json$/, '');
      await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, workflowId)).resolves.toBeUndefined();
    });
  }
});
