import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { executeChild, log, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { PerformanceSummary } from '../activities/measurePerformance';
import type { DropPolicy } from '../lib/monitoring/performanceDrop';
import type { RollbackDecision } from '../lib/monitoring/rollbackPolicy';
import { monitoringOptions, notifyOptions, registryOptions } from './timeouts';
import { rollbackModel } from './rollbackModel';
import { activities, inheritedRoutes } from './routing';

export interface PerformanceMonitorInput {
  modelName: string;
  windowDays: number;
  costBps: number;
  seed: number;
  policy: DropPolicy;
  /** Roll production back to the previous production version on a confirmed drop. */
  autoRollback: boolean;
  coolDownHours: number;
  source?: string;
  asOf?: string;
  resamples?: number;
}

export interface PerformanceMonitorResult extends PerformanceSummary {
  rollback: { done: boolean; from: string | null; to: string | null; reason: string } | null;
}

const measuring = activities(monitoringOptions({ startToCloseTimeout: '30m', maximumAttempts: 3 }));
const registryIo = activities(registryOptions);
const notifying = activities(notifyOptions);

/** The rollback of one production version: a second confirmed drop of it cannot roll back twice. */
export function autoRollbackWorkflowId(modelName: string, fromVersion: string): string {
  return `auto-rollback-${modelName}-${fromVersion}`;
}

/**
 * Realised performance of every version and role from the prediction log; alerts on a confirmed
 * drop of production and, with autoRollback, rolls it back through the rollbackModel workflow.
 */
export async function performanceMonitor(input: PerformanceMonitorInput): Promise<PerformanceMonitorResult> {
  const pipelineId = workflowInfo().workflowId;
  const s = await measuring.measurePerformance({
    pipelineId,
    modelName: input.modelName,
    windowDays: input.windowDays,
    costBps: input.costBps,
    seed: input.seed,
    policy: input.policy,
    source: input.source,
    asOf: input.asOf,
    resamples: input.resamples,
  });
  setCurrentDetails(`performance: **${s.drop.status}** — ${s.summary}${s.report ? `\n\nreport: ${s.report.html}` : ''}`);
  let rollback: PerformanceMonitorResult['rollback'] = null;
  if (s.drop.status !== 'drop') return { ...s, rollback };
  try {
    await notifying.notify({
      event: 'performance_drop',
      pipelineId,
      modelName: input.modelName,
      text: `${s.productionVersion}: ${s.drop.note}${s.drop.labelDrift?.significant ? `; label drift: positive rate ${s.drop.labelDrift.currentRate.toFixed(3)} vs ${s.drop.labelDrift.trainingRate.toFixed(3)} at training` : ''}`,
      fields: { production: s.productionVersion, level: s.drop.level, report: s.report?.html ?? null, synthetic: s.synthetic },
    });
  } catch (err) {
    log.warn('performance notification failed', { error: String(err) });
  }
  if (!input.autoRollback || !s.productionVersion) return { ...s, rollback };
  const plan: RollbackDecision = await registryIo.planAutoRollback({ modelName: input.modelName, coolDownHours: input.coolDownHours });
  if (!plan.rollback) {
    rollback = { done: false, from: s.productionVersion, to: null, reason: plan.reason };
  } else {
    const reason = `automatic rollback after a confirmed performance drop: ${s.drop.note}`;
    try {
      const r = await executeChild(rollbackModel, {
        workflowId: autoRollbackWorkflowId(input.modelName, s.productionVersion),
        args: [{ modelName: input.modelName, to: plan.to, by: 'performanceMonitor', reason }],
        staticSummary: `auto-rollback of ${input.modelName} ${s.productionVersion} → ${plan.to}`,
        memo: { modelName: input.modelName, ...inheritedRoutes() },
      });
      await registryIo.recordAutoRollback({
        modelName: input.modelName,
        record: { at: new Date().toISOString(), from: r.from ?? s.productionVersion, to: r.to, reason, runId: pipelineId },
      });
      rollback = { done: true, from: r.from, to: r.to, reason };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      rollback = {
        done: false,
        from: s.productionVersion,
        to: plan.to,
        reason: `${s.productionVersion} was already rolled back automatically`,
      };
    }
  }
  log.info('auto-rollback', rollback);
  setCurrentDetails(
    `performance: **drop** — ${s.drop.note}\n\nrollback: ${rollback.done ? `${rollback.from} → ${rollback.to}` : `not done (${rollback.reason})`}`,
  );
  return { ...s, rollback };
}
