import type { Client } from '@temporalio/client';
import { ConfigError } from '../../lib/util/errors';
import type { PipelineStatus } from '../../workflows/types';
import { describeRun, pipelineStatus } from '../runStatus';
import { noWorkerMessage, requireWorker, taskQueuePollers } from '../taskQueue';

export interface DecideOptions {
  by: string;
  comment?: string;
  /** The candidate the reviewer looked at; defaults to the one awaiting approval. */
  version?: string;
  /** How long to wait for the run to finish after it took the decision (promote, deploy). */
  timeoutMs?: number;
  /** How long a live worker may take to handle the signal before the CLI looks for one. */
  ackTimeoutMs?: number;
}

// By name, not the workflow module's definitions: importing those loads the workflow SDK (~0.3 s).
const SIGNALS = { approve: 'approve', reject: 'reject' } as const;

/**
 * Send approve/reject and confirm the outcome by reading it back from the run: a signal is
 * fire-and-forget, so only the run can say whether it was accepted or refused. The status is read
 * from the run's memo (no worker needed); the signal is sent only when a worker polls the run's
 * task queue, so nobody waits on a decision that nothing will carry out.
 */
export async function decide(client: Client, workflowId: string, kind: 'approve' | 'reject', opts: DecideOptions): Promise<PipelineStatus> {
  if (!opts.by?.trim()) throw new ConfigError('--by NAME is required: every decision is audited with who made it');
  const run = await describeRun(client, workflowId);
  const before = await pipelineStatus(client, run);
  if (before.outcome !== 'awaiting_approval') {
    throw new ConfigError(
      `Run ${workflowId} is not awaiting approval (outcome: ${before.outcome}${before.reason ? ` — ${before.reason}` : ''}).`,
    );
  }
  const taskQueue = run.description.taskQueue;
  await requireWorker(client, taskQueue);
  const version = opts.version ?? before.candidateVersion!;
  const refusedBefore = before.refusedSignals?.length ?? 0;
  await run.handle.signal(SIGNALS[kind], { version, by: opts.by.trim(), comment: opts.comment });

  const sentAt = Date.now();
  const deadline = sentAt + (opts.timeoutMs ?? 120_000);
  let acknowledged = false;
  for (;;) {
    const s = await pipelineStatus(client, await describeRun(client, workflowId));
    const refused = s.refusedSignals ?? [];
    if (refused.length > refusedBefore) throw new ConfigError(`The run refused the ${kind}: ${refused[refused.length - 1]!.reason}`);
    if (s.outcome !== 'awaiting_approval' && s.outcome !== 'running') return s;
    acknowledged ||= s.outcome === 'running' || s.approval?.decision !== undefined;
    if (!acknowledged && Date.now() - sentAt > (opts.ackTimeoutMs ?? 20_000)) {
      const pollers = await taskQueuePollers(client, taskQueue);
      if (!pollers.live.length)
        throw new ConfigError(`The ${kind} was sent and will take effect when a worker runs, but ${noWorkerMessage(pollers)}`);
    }
    if (Date.now() > deadline)
      throw new ConfigError(`The ${kind} was sent but the run has not finished yet; check \`npx trainctl status ${workflowId}\``);
    await new Promise((r) => setTimeout(r, 500));
  }
}
