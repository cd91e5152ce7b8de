import type { HoldoutEvidence } from '../stats/holdoutEvidence';
import { MlflowClient, safeTracking, type TrackingOutcome } from './client';

/** What the pipeline records about a candidate in MLflow. */
export interface CandidateTracking {
  modelName: string;
  workflowId: string;
  version: string;
  params: Record<string, string | number>;
  metrics: Record<string, number>;
  tags: Record<string, string>;
  artifacts: { path: string; artifactPath: string }[];
}

/**
 * One MLflow run per pipeline run (params, metrics, tags, artifacts), a model version under the
 * registered model carrying our semantic version as a tag, and the `challenger` alias on it.
 * Never throws: a failure is returned so the pipeline can report it and continue locally.
 */
export function trackCandidate(
  client: MlflowClient,
  c: CandidateTracking,
): Promise<TrackingOutcome<{ runId: string; modelVersion: string }>> {
  return safeTracking(async () => {
    const run = await client.startRun({
      experimentName: c.modelName,
      runName: c.version,
      workflowId: c.workflowId,
      tags: { 'trainctl.version': c.version, ...c.tags },
    });
    await client.logBatch(run.runId, { params: c.params, metrics: c.metrics });
    for (const a of c.artifacts) await client.logArtifact(run, a.path, a.artifactPath);
    const mv = await client.registerVersion({ name: c.modelName, trainctlVersion: c.version, run, artifactPath: 'model' });
    await client.setAlias(c.modelName, 'challenger', mv.version);
    await client.endRun(run.runId, 'FINISHED');
    return { runId: run.runId, modelVersion: mv.version };
  });
}

/** Move the `champion` alias to the MLflow version that carries our semantic version. */
export function moveChampion(client: MlflowClient, modelName: string, version: string): Promise<TrackingOutcome<string>> {
  return safeTracking(async () => {
    const mv = await client.findVersionByTag(modelName, version);
    if (!mv) throw new Error(`no MLflow model version of ${modelName} is tagged trainctl_version=${version}`);
    await client.setAlias(modelName, 'champion', mv.version);
    return mv.version;
  });
}

/**
 * The holdout evidence as MLflow metrics, beside the point estimates logged as `holdout_<metric>`:
 * `holdout_<metric>_ci_low/_ci_high`, the Sharpe interval, PSR, DSR, the skill test's p-value and,
 * against production, `vs_production_<metric>_diff` with its interval and two-sided p-value.
 * Non-finite values are left out (MLflow would store them as NaN and charts would break).
 */
export function evidenceMetrics(ev: HoldoutEvidence): Record<string, number> {
  const out: Record<string, number> = {};
  const put = (k: string, v: number | null | undefined) => {
    if (v !== null && v !== undefined && Number.isFinite(v)) out[k] = v;
  };
  for (const [k, i] of Object.entries(ev.candidate.metrics)) {
    put(`holdout_${k}_ci_low`, i.low);
    put(`holdout_${k}_ci_high`, i.high);
  }
  if (ev.candidate.sharpe) {
    put('holdout_sharpe', ev.candidate.sharpe.estimate);
    put('holdout_sharpe_ci_low', ev.candidate.sharpe.low);
    put('holdout_sharpe_ci_high', ev.candidate.sharpe.high);
  }
  put('holdout_psr', ev.candidate.psr);
  put('holdout_dsr', ev.candidate.dsr?.value);
  put('holdout_skill_diff', ev.skill.difference.estimate);
  put('holdout_skill_diff_ci_low', ev.skill.difference.low);
  put('holdout_skill_diff_ci_high', ev.skill.difference.high);
  put('holdout_skill_p_value', ev.skill.p.greater);
  if (ev.paired) {
    for (const k of ['accuracy', 'logLoss', 'brier', 'rocAuc', 'f1'] as const) {
      const t = ev.paired.metrics[k];
      put(`vs_production_${k}_diff`, t.difference.estimate);
      put(`vs_production_${k}_diff_ci_low`, t.difference.low);
      put(`vs_production_${k}_diff_ci_high`, t.difference.high);
      put(`vs_production_${k}_p_value`, t.p.twoSided);
    }
    put('vs_production_mcnemar_p_value', ev.paired.mcnemar.pExact);
  }
  return out;
}
