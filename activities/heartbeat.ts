import { Context } from '@temporalio/activity';

/** How often a running activity tells the server it is alive (well inside the workflows' heartbeat timeout). */
export const KEEP_ALIVE_MS = 2_000;

// The last details each running activity reported, so a keep-alive beat repeats them rather than
// erasing them (the next attempt resumes from the last details the server recorded).
const lastDetails = new WeakMap<Context, unknown>();

function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    // Not inside an activity (library benchmarks, scripts).
    return undefined;
  }
}

/** Heartbeat with progress details; a no-op outside an activity. */
export function heartbeat(details?: unknown): void {
  const ctx = currentContext();
  if (!ctx) return;
  if (details !== undefined) lastDetails.set(ctx, details);
  ctx.heartbeat(details ?? lastDetails.get(ctx));
}

const lastBeat = new WeakMap<Context, number>();
/** How often progressHeartbeat passes progress on at most. */
export const PROGRESS_BEAT_MS = 1_000;

/**
 * Progress from a hot loop (every boosting round of a search fold): the details are kept every call,
 * the heartbeat itself goes out at most every `everyMs` (the keep-alive beat repeats the latest in
 * between). Each heartbeat is a payload conversion and a call into the SDK's core; a thousand a
 * second took CPU from the boosting threads.
 */
export function progressHeartbeat(details: unknown, everyMs = PROGRESS_BEAT_MS): void {
  const ctx = currentContext();
  if (!ctx) return;
  lastDetails.set(ctx, details);
  const now = Date.now();
  if (now - (lastBeat.get(ctx) ?? 0) < everyMs) return;
  lastBeat.set(ctx, now);
  ctx.heartbeat(details);
}

/** Details of the last heartbeat of a previous attempt of this activity, if any. */
export function previousHeartbeat(): unknown {
  return currentContext()?.info.heartbeatDetails;
}

/**
 * When the activity was scheduled — the same for every attempt and every repeat of it — or `now()`
 * outside an activity. For what names or stamps an activity's output (report folders, "generated
 * at" lines, history entries), so a retry rewrites the same bytes instead of adding a second copy.
 */
export function stableNow(now: () => Date): Date {
  const ms = currentContext()?.info.scheduledTimestampMs;
  return ms !== undefined && Number.isFinite(ms) ? new Date(ms) : now();
}

export function cancellationSignal(): AbortSignal | undefined {
  return currentContext()?.cancellationSignal;
}

/** Keep heartbeating while a long promise runs (for steps with no natural progress points). */
export async function withHeartbeat<T>(work: Promise<T>, everyMs = KEEP_ALIVE_MS, details?: () => unknown): Promise<T> {
  const timer = setInterval(() => heartbeat(details?.()), everyMs);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

/**
 * Every activity heartbeats for as long as it runs, whatever it does: a worker that dies is then
 * noticed within the heartbeat timeout (seconds) instead of the start-to-close timeout, and a
 * cancellation (which the server delivers in a heartbeat's answer) reaches the activity's
 * `cancellationSignal` even between its own progress points.
 */
export function keepAlive<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    const ctx = currentContext();
    if (!ctx) return fn(...args);
    // Until this attempt reports progress, keep what the previous attempt recorded.
    if (ctx.info.heartbeatDetails !== undefined) lastDetails.set(ctx, ctx.info.heartbeatDetails);
    heartbeat();
    return withHeartbeat(fn(...args));
  };
}
