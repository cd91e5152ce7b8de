import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowsPath } from '../../workers/worker';
import { historiesDir } from '../support/histories';

/**
 * Replays recorded histories of real runs against the current workflow code: a change that would
 * break running workflows (reordered activities, a new timer, a removed signal handler …) fails
 * here with a non-determinism error instead of in production. The fixtures are recorded on
 * purpose only (scripts/record-histories.ts; the older four by test/workflows/trainingPipeline.test.ts
 * with TRAINCTL_RECORD_HISTORIES=1), never by a normal test run.
 */
const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json'));

/** Every workflow type and path that must have a recorded history, by fixture name. */
const REQUIRED: Record<string, { type: string; path: string }> = {
  'pipeline-promoted': { type: 'trainingPipeline', path: 'promoted, without --optimize' },
  'promoted-after-refused-signal': { type: 'trainingPipeline', path: 'promoted after a refused signal' },
  'pipeline-optimize-promoted': { type: 'trainingPipeline', path: 'promoted, with --optimize (search as a child)' },
  'expired-with-reminder': { type: 'trainingPipeline', path: 'approval timeout, with a reminder' },
  'pipeline-rejected-by-reviewer': { type: 'trainingPipeline', path: 'rejected by a reviewer' },
  'rejected-by-criteria': { type: 'trainingPipeline', path: 'rejected by the promotion criteria' },
  'forced-skip-validation-rejected': { type: 'trainingPipeline', path: '--skip-validation, then rejected' },
  'hpo-child-of-pipeline': { type: 'hyperparameterSearch', path: 'as the child of a pipeline' },
  'hpo-before-continue-as-new': { type: 'hyperparameterSearch', path: 'first run, ends in continue-as-new' },
  'hpo-after-continue-as-new': { type: 'hyperparameterSearch', path: 'resumed after continue-as-new' },
  'hpo-trial-activities': { type: 'hyperparameterSearch', path: 'one activity per trial (patch search-trial-activity)' },
  'drift-monitor': { type: 'driftMonitor', path: 'one check of production' },
  'rollback-previous': { type: 'rollbackModel', path: 'rollback to the previous version' },
};

function readHistory(file: string) {
  return historyFromJSON(JSON.parse(readFileSync(`${historiesDir}${file}`, 'utf8')));
}
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  bundle = await bundleWorkflowCode({
    workflowsPath,
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
});

describe('workflow determinism', () => {
  it('has a recorded history of every workflow type and path', () => {
    const missing = Object.keys(REQUIRED).filter((name) => !files.includes(`${name}.json`));
    expect(missing, 'record them with: node --import tsx scripts/record-histories.ts').toEqual([]);
    for (const [name, want] of Object.entries(REQUIRED)) {
      const events = readHistory(`${name}.json`).events ?? [];
      expect(events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name, `${name}: ${want.path}`).toBe(want.type);
    }
    const continued = readHistory('hpo-before-continue-as-new.json').events ?? [];
    expect(continued.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    const activityTypes = (name: string) =>
      new Set(
        (readHistory(`${name}.json`).events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean),
      );
    expect([...activityTypes('hpo-trial-activities')]).toContain('evaluateTrial');
    expect([...activityTypes('hpo-trial-activities')]).not.toContain('evaluateFold');
    expect([...activityTypes('hpo-child-of-pipeline')]).toContain('evaluateFold');
    const resumed = readHistory('hpo-after-continue-as-new.json').events ?? [];
    expect(resumed[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId).toBeTruthy();
  });

  for (const file of files) {
    it(`replays ${file} without non-determinism`, async () => {
      const history = readHistory(file);
      await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, file.replace(/\.json$/, ''))).resolves.toBeUndefined();
    });
  }
});
