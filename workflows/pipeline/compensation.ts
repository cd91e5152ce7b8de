import { CancellationScope, log } from '@temporalio/workflow';
import { registryOptions } from '../timeouts';
import { activities } from '../routing';
import { STAGES } from '../types';
import type { Tracker } from './tracker';

const io = activities(registryOptions);

/**
 * Cancelled from the CLI or the Web UI: the activity in flight has stopped (compute waits for it),
 * a candidate already registered but not promoted leaves staging, and the run ends `cancelled`.
 */
export async function compensateCancellation(t: Tracker): Promise<void> {
  const { status } = t;
  await CancellationScope.nonCancellable(async () => {
    const at = status.stage;
    status.outcome = 'cancelled';
    status.stage = 'done';
    status.reason = `cancelled during ${at}${status.candidateVersion ? `; ${status.candidateVersion} rejected` : '; nothing was registered'}`;
    // Checked before the pending stages are marked skipped: a candidate not promoted leaves staging.
    const unpromoted = status.candidateVersion !== undefined && status.stages.find((x) => x.name === 'promote')?.state === 'pending';
    t.skip(STAGES);
    if (unpromoted && status.candidateVersion) {
      await io
        .rejectCandidate({
          pipelineId: t.pipelineId,
          modelName: status.modelName,
          version: status.candidateVersion,
          by: 'trainctl',
          reason: 'run cancelled',
          stage: 'rejected',
        })
        .catch((e: unknown) => log.warn('could not reject the candidate of a cancelled run', { error: String(e) }));
    }
    t.publish();
    await t.notify('cancelled');
  });
}
