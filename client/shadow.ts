import { resolvePaths } from '../lib/config/paths';
import type { PipelineStatus } from '../workflows/types';

/**
 * Shadow predictions of the candidate so far, read from the model line's prediction log (written
 * by `trainctl serve` and the dailyScoring workflow). Read by the CLI rather than queried from the
 * workflow, which cannot do I/O in a query; the log lives under TRAINCTL_STATE_DIR, or with
 * TRAINCTL_ARTIFACTS=s3://… in the bucket (where the services ship theirs). Loaded only for runs
 * waiting at the gate.
 */
export async function withShadowCount(s: PipelineStatus): Promise<PipelineStatus> {
  if (s.outcome !== 'awaiting_approval' || !s.candidateVersion) return s;
  const { countShadowPredictions } = await import('../lib/serving/batchScoring');
  const { withStoredPredictionLog } = await import('./storedFiles');
  const shadow = await withStoredPredictionLog(resolvePaths(), s.modelName, (logDir) =>
    countShadowPredictions({ logDir, version: s.candidateVersion! }),
  );
  return { ...s, shadow };
}
