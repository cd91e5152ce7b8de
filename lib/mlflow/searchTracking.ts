import { MlflowClient, safeTracking, type TrackingOutcome } from './client';

/** One trial as MLflow sees it: external parameter values, the fold losses reported, its state. */
export interface TrackedTrial {
  number: number;
  state: 'COMPLETE' | 'PRUNED' | 'FAIL' | 'RUNNING' | 'WAITING';
  value: number | null;
  params: Record<string, string | number>;
  /** The objective after each fold (the running mean the pruner saw), in fold order. */
  foldValues: number[];
  failReason?: string;
}

export interface SearchTracking {
  modelName: string;
  /** The search's workflow ID: the parent run's idempotency key; trials are keyed under it. */
  searchId: string;
  studyName: string;
  objective: string;
  direction: 'minimize' | 'maximize';
  dataWindow: { start: string; end: string };
  trials: TrackedTrial[];
  best: { number: number; value: number } | null;
}

/**
 * A search as Optuna's MLflow integration records it: a parent run for the study (objective,
 * direction, best value) and one nested run per trial (`mlflow.parentRunId`) with its parameters,
 * its value, the per-fold values as a stepped metric and its state. Retried activities find the
 * runs they created (workflow-ID tags), so nothing is logged twice. Never throws.
 */
export function trackSearch(
  client: MlflowClient,
  s: SearchTracking,
): Promise<TrackingOutcome<{ parentRunId: string; trialRunIds: string[] }>> {
  return safeTracking(async () => {
    const parent = await client.startRun({
      experimentName: s.modelName,
      runName: `search ${s.studyName}`,
      workflowId: s.searchId,
      tags: { 'trainctl.kind': 'hpo', 'trainctl.study': s.studyName },
    });
    await client.logBatch(parent.runId, {
      params: {
        study_name: s.studyName,
        objective: s.objective,
        direction: s.direction,
        n_trials: s.trials.length,
        data_start: s.dataWindow.start,
        data_end: s.dataWindow.end,
      },
      metrics: s.best ? { best_value: s.best.value, best_trial: s.best.number } : {},
    });
    const trialRunIds: string[] = [];
    for (const t of s.trials) {
      const run = await client.startRun({
        experimentName: s.modelName,
        runName: `trial ${t.number}`,
        workflowId: `${s.searchId}#trial-${t.number}`,
        tags: {
          'mlflow.parentRunId': parent.runId,
          'trainctl.kind': 'hpo-trial',
          state: t.state,
          trial_number: String(t.number),
          ...(t.failReason ? { fail_reason: t.failReason.slice(0, 500) } : {}),
        },
      });
      if (run.status === 'FINISHED' || run.status === 'FAILED') {
        trialRunIds.push(run.runId);
        continue;
      }
      await client.logBatch(run.runId, { params: t.params, metrics: t.value === null ? {} : { value: t.value } });
      for (const [step, v] of t.foldValues.entries()) await client.logBatch(run.runId, { metrics: { fold_value: v }, step });
      await client.endRun(run.runId, t.state === 'FAIL' ? 'FAILED' : 'FINISHED');
      trialRunIds.push(run.runId);
    }
    await client.endRun(parent.runId, 'FINISHED');
    return { parentRunId: parent.runId, trialRunIds };
  });
}
