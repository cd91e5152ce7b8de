import type { Client } from '@temporalio/client';
import type { PipelineStatus } from '../../workflows/types';
import { readRunStatus } from '../runStatus';

/**
 * Poll a run waiting at the approval gate until someone decides — `trainctl approve` in another
 * shell, the Web UI's signal, the deadline — and return the status that shows it; undefined when
 * `signal` aborts first.
 */
export async function awaitDecision(
  client: Client,
  workflowId: string,
  o: { signal?: AbortSignal; pollMs?: number } = {},
): Promise<PipelineStatus | undefined> {
  while (!o.signal?.aborted) {
    const s = await readRunStatus(client, workflowId);
    if (s.approval?.decision || s.outcome !== 'awaiting_approval') return s;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, o.pollMs ?? 1000);
      o.signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
  return undefined;
}

/** The decision in one line: who, what, when, why (or what ended the wait without one). */
export function formatDecision(s: PipelineStatus): string {
  const d = s.approval?.decision;
  if (d)
    return `${d.kind === 'approve' ? 'approved' : 'rejected'} ${d.version} by ${d.by} at ${d.at}${d.comment ? ` — "${d.comment}"` : ''}`;
  return `no decision: ${s.outcome}${s.reason ? ` — ${s.reason}` : ''}`;
}
