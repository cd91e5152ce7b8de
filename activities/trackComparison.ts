import { join } from 'node:path';
import { candidateRun, mlflowFromEnv, trackCandidate } from '../lib/mlflow';
import type { ComparisonRef } from '../lib/pipeline/types';
import { writeJsonAtomic } from '../lib/util';
import type { ActivityDeps } from './deps';
import { localFile } from './storeFiles';

type CandidateRunInput = Parameters<typeof candidateRun>[0];

/**
 * MLflow tracking of a compared candidate, when MLFLOW_TRACKING_URI is set (undefined otherwise):
 * a failure is reported and logged, and the run continues with the local registry.
 */
export async function trackComparison(
  deps: ActivityDeps,
  o: Omit<CandidateRunInput, 'files'> & { reportPaths: CandidateRunInput['files']['report'] },
): Promise<ComparisonRef['tracking']> {
  const client = mlflowFromEnv(deps.env, { fetch: deps.fetch });
  if (!client) return undefined;
  const featureSchema = join(deps.paths.runsDir, o.pipelineId, 'candidate', 'feature_schema.json');
  await writeJsonAtomic(featureSchema, { names: o.features.featureNames, schemaHash: o.features.schemaHash });
  const { reportPaths, ...run } = o;
  const files = {
    model: await localFile(deps, o.candidate.model),
    onnx: await localFile(deps, o.candidate.onnx),
    featureSchema,
    report: reportPaths,
  };
  const outcome = await trackCandidate(client, candidateRun({ ...run, files }));
  if (!outcome.ok)
    deps.logger.warn(
      { module: 'mlflow', pipelineId: o.pipelineId, error: outcome.error },
      'MLflow tracking failed; the run continues with the local registry',
    );
  return outcome.ok
    ? { ok: true, mlflowRunId: outcome.value!.runId, modelVersion: outcome.value!.modelVersion }
    : { ok: false, error: outcome.error };
}
