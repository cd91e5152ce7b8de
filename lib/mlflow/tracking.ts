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
export function trackCandidate(client: MlflowClient, c: CandidateTracking): Promise<TrackingOutcome<{ runId: string; modelVersion: string }>> {
  return safeTracking(async () => {
    const run = await client.startRun({ experimentName: c.modelName, runName: c.version, workflowId: c.workflowId, tags: { 'trainctl.version': c.version, ...c.tags } });
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
