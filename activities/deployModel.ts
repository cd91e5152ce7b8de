import { dirname, join } from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import { modelLinePaths } from '../lib/config/paths';
import { recordDeployment, type DeploymentRecord } from '../lib/report/deploymentSection';
import { DEPLOY_TIMEOUT_ERROR, parseInstanceList, waitForInstances, type InstanceState } from '../lib/serving/deploy';
import type { ActivityDeps } from './deps';
import { heartbeat } from './heartbeat';
import { updateStoredFiles } from './storedUpdate';

export interface DeployModelInput {
  pipelineId: string;
  modelName: string;
  version: string;
  /** When the change was decided (approval signal, rollback request): the clock for approvalToServingMs. */
  decidedAt: string;
  /** Deadline for every instance to serve the version (the configuration's deployTimeout). */
  timeoutMs: number;
}

export interface DeployModelResult {
  version: string;
  /** No instances configured (TRAINCTL_SERVE_INSTANCES empty): nothing to wait for. */
  skipped: boolean;
  instances: InstanceState[];
  /** Time this step waited. */
  waitMs: number;
  /** From the decision to "all instances serve it" (null when skipped). */
  approvalToServingMs: number | null;
}

/** The failure type a workflow catches to roll production back; non-retryable, details = DeployModelResult. */
export { DEPLOY_TIMEOUT_ERROR };

/**
 * Wait until every instance in TRAINCTL_SERVE_INSTANCES (comma-separated base URLs) reports the
 * version as production on /v1/models. Instances switch on their own by watching the registry, so
 * this step only observes: a retry after a worker crash simply observes again.
 */
export function deployModelActivity(deps: ActivityDeps) {
  return async function deployModel(input: DeployModelInput): Promise<DeployModelResult> {
    const instances = parseInstanceList(deps.env.TRAINCTL_SERVE_INSTANCES);
    const log = deps.logger.child({ module: 'deploy', pipelineId: input.pipelineId, version: input.version });
    if (instances.length === 0) {
      log.info('no serving instances configured (TRAINCTL_SERVE_INSTANCES): deploy skipped');
      const skipped: DeployModelResult = { version: input.version, skipped: true, instances: [], waitMs: 0, approvalToServingMs: null };
      await inReport(deps, input, skipped, 'skipped', log);
      return skipped;
    }
    const wait = await waitForInstances({
      instances,
      modelName: input.modelName,
      version: input.version,
      timeoutMs: input.timeoutMs,
      fetch: deps.fetch,
      onPoll: (states) => heartbeat({ switched: states.filter((s) => s.switchedAt).length, of: states.length }),
    });
    const result: DeployModelResult = {
      version: input.version,
      skipped: false,
      instances: wait.instances,
      waitMs: wait.ms,
      approvalToServingMs: wait.ok ? Math.max(...wait.instances.map((s) => Date.parse(s.switchedAt!))) - Date.parse(input.decidedAt) : null,
    };
    if (!wait.ok) {
      const which = wait.notSwitched.map((s) => `${s.url} (${s.problem})`).join(', ');
      log.warn({ notSwitched: wait.notSwitched }, 'deploy did not finish');
      await inReport(deps, input, result, 'not_switched', log);
      throw ApplicationFailure.create({
        type: DEPLOY_TIMEOUT_ERROR,
        nonRetryable: true,
        message: `${input.version} is not served by ${wait.notSwitched.length} of ${instances.length} instances after ${Math.round(wait.ms / 1000)} s: ${which}`,
        details: [result],
      });
    }
    log.info({ approvalToServingMs: result.approvalToServingMs, instances: instances.length }, `all instances serve ${input.version}`);
    await inReport(deps, input, result, 'serving', log);
    return result;
  };
}

/**
 * The deploy in the version's comparison report (approval → serving time, instances). A report
 * that cannot be updated is logged, never a reason to fail a deploy that happened.
 */
async function inReport(
  deps: ActivityDeps,
  input: DeployModelInput,
  result: DeployModelResult,
  outcome: DeploymentRecord['outcome'],
  log: ActivityDeps['logger'],
): Promise<void> {
  const dir = join(modelLinePaths(deps.paths, input.modelName).reportsDir, input.version);
  try {
    // The report compareModels published, wherever this worker runs; updated in place in the store.
    const names = ['model_comparison.json', 'model_comparison.md', 'model_comparison.html'];
    const written = await updateStoredFiles(
      deps,
      names.map((n) => join(dir, n)),
      ([json]) =>
        recordDeployment(dirname(json!), {
          pipelineId: input.pipelineId,
          decidedAt: input.decidedAt,
          finishedAt: deps.now().toISOString(),
          outcome,
          approvalToServingMs: result.approvalToServingMs,
          instances: result.instances.map((i) => ({ url: i.url, switchedAt: i.switchedAt, problem: i.problem })),
        }),
    );
    if (!written) log.info({ dir }, `no comparison report for ${input.version}: deploy not recorded in a report`);
  } catch (err) {
    log.warn({ err: (err as Error).message, dir }, 'could not record the deploy in the report');
  }
}
