import type { Client } from '@temporalio/client';
import { ConfigError } from '../../lib/util/errors';
import { approveSignal, rejectSignal } from '../../workflows/trainingPipeline';
import type { PipelineStatus } from '../../workflows/types';
import { readRunStatus } from '../runStatus';

export interface DecideOptions {
  by: string;
  comment?: string;
  /** The candidate the reviewer looked at; defaults to the one awaiting approval. */
  version?: string;
  timeoutMs?: number;
}

/**
 * Send approve/reject and confirm the outcome by reading it back from the workflow: a signal is
 * fire-and-forget, so only the workflow can say whether it was accepted or refused.
 */
export async function decide(client: Client, workflowId: string, kind: 'approve' | 'reject', opts: DecideOptions): Promise<PipelineStatus> {
  if (!opts.by?.trim()) throw new ConfigError('--by NAME is required: every decision is audited with who made it');
  const before = await readRunStatus(client, workflowId);
  if (before.outcome !== 'awaiting_approval') {
    throw new ConfigError(
      `Run ${workflowId} is not awaiting approval (outcome: ${before.outcome}${before.reason ? ` — ${before.reason}` : ''}).`,
    );
  }
  const version = opts.version ?? before.candidateVersion!;
  const refusedBefore = before.refusedSignals?.length ?? 0;
  const handle = client.workflow.getHandle(workflowId);
  await handle.signal(kind === 'approve' ? approveSignal : rejectSignal, { version, by: opts.by, comment: opts.comment });

  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    const s = await readRunStatus(client, workflowId);
    const refused = s.refusedSignals ?? [];
    if (refused.length > refusedBefore) throw new ConfigError(`The run refused the ${kind}: ${refused[refused.length - 1]!.reason}`);
    if (s.outcome !== 'awaiting_approval' && s.outcome !== 'running') return s;
    if (Date.now() > deadline)
      throw new ConfigError(`The ${kind} was sent but the run has not finished yet; check \`npx trainctl status ${workflowId}\``);
    await new Promise((r) => setTimeout(r, 500));
  }
}
