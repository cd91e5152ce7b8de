import { Context } from '@temporalio/activity';

/**
 * Heartbeat helpers that also work outside an activity (library benchmarks, scripts), where
 * there is no context to report to.
 */
export function heartbeat(details?: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // Not inside an activity.
  }
}

/** Details of the last heartbeat of a previous attempt of this activity, if any. */
export function previousHeartbeat(): unknown {
  try {
    return Context.current().info.heartbeatDetails;
  } catch {
    return undefined;
  }
}

export function cancellationSignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

/** Keep heartbeating while a long promise runs (for steps with no natural progress points). */
export async function withHeartbeat<T>(work: Promise<T>, everyMs = 5_000, details?: () => unknown): Promise<T> {
  const timer = setInterval(() => heartbeat(details?.()), everyMs);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
