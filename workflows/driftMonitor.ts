import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, log, setCurrentDetails, startChild, workflowInfo } from '@temporalio/workflow';
import type { DriftSummary } from '../activities/checkDrift';
import type { PipelineConfig } from '../lib/config/pipeline';
import type { DriftThresholds } from '../lib/drift/check';
import { monitoringOptions, notifyOptions, registryOptions } from './timeouts';
import { pipelineWorkflowId } from './ids';
import { trainingPipeline } from './trainingPipeline';
import { activities, inheritedRoutes } from './routing';

export interface DriftMonitorInput {
  modelName: string;
  windowDays: number;
  thresholds: DriftThresholds;
  watch?: string[];
  /** Start a training run on critical drift (at most one at a time). */
  autoRetrain: boolean;
  /** Configuration of that retraining run. */
  pipeline: PipelineConfig;
  source?: string;
  asOf?: string;
}

export interface DriftMonitorResult extends DriftSummary {
  retrain: { started: boolean; workflowId: string | null; reason: string } | null;
}

const checking = activities(monitoringOptions({ startToCloseTimeout: '30m', maximumAttempts: 3 }));
const notifying = activities(notifyOptions);
const registryIo = activities(registryOptions);

/**
 * One drift check; alerts on warning/critical; on critical drift with autoRetrain, starts the
 * training pipeline under a fixed workflow ID, so repeated checks start at most one run while one
 * is still in progress (Temporal refuses a second open execution with the same ID).
 */
export async function driftMonitor(input: DriftMonitorInput): Promise<DriftMonitorResult> {
  const pipelineId = workflowInfo().workflowId;
  const summary = await checking.checkDrift({
    pipelineId,
    modelName: input.modelName,
    windowDays: input.windowDays,
    thresholds: input.thresholds,
    watch: input.watch,
    source: input.source,
    asOf: input.asOf,
    seed: input.pipeline.seed,
  });
  setCurrentDetails(`drift: **${summary.status}** — ${summary.summary}${summary.report ? `\n\nreport: ${summary.report.html}` : ''}`);
  if (summary.status === 'warning' || summary.status === 'critical') {
    try {
      await notifying.notify({
        event: summary.status === 'critical' ? 'drift_critical' : 'drift_warning',
        pipelineId,
        modelName: input.modelName,
        text: summary.summary,
        fields: {
          production: summary.productionVersion,
          maxPsi: summary.maxPsi,
          report: summary.report?.html ?? null,
          synthetic: summary.synthetic,
        },
      });
    } catch (err) {
      log.warn('drift notification failed', { error: String(err) });
    }
  }
  let retrain: DriftMonitorResult['retrain'] = null;
  if (summary.status === 'critical' && input.autoRetrain) {
    // The model line's pipeline ID: no retrain while any run of the model is open (not only a drift-started one).
    const workflowId = pipelineWorkflowId(input.modelName);
    // Retrain the way production was trained (its source, tickers, period, settings), not with the defaults.
    const { config: pipeline } = await registryIo.productionRetrainConfig({ modelName: input.modelName, base: input.pipeline });
    try {
      await startChild(trainingPipeline, {
        workflowId,
        args: [
          {
            config: {
              ...pipeline,
              trigger: 'drift',
              ignoreNewData: true,
              reason: `critical drift: ${summary.summary}`,
              ...(input.source ? { source: input.source } : {}),
            },
          },
        ],
        // The retraining outlives this short check (it waits for approval): do not cancel it with us.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: `retraining ${input.modelName} after critical drift`,
        memo: { modelName: input.modelName, trigger: 'drift', ...inheritedRoutes() },
      });
      retrain = { started: true, workflowId, reason: 'critical drift' };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      retrain = { started: false, workflowId, reason: `a training run of ${input.modelName} is already in progress` };
    }
    log.info('drift retraining', retrain);
  }
  return { ...summary, retrain };
}
