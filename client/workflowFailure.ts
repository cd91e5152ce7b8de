import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import { TrainctlError, type UserErrorKind } from '../lib/util/errors';

/** What a failed workflow says about itself: the innermost typed failure's message and type. */
export interface WorkflowFailure {
  message: string;
  type: string;
}

const KIND: Record<string, UserErrorKind> = { ConfigError: 'config', ValidationError: 'validation', DataError: 'data' };

/**
 * The failure's own message and type from a WorkflowFailedError (its cause chain: workflow →
 * activity → ApplicationFailure), or undefined for any other error. Never the wrapper's bare
 * "Workflow execution failed".
 */
export function workflowFailure(err: unknown): WorkflowFailure | undefined {
  if (!(err instanceof WorkflowFailedError)) return undefined;
  let cause: unknown = err.cause;
  let last: Error | undefined;
  while (cause instanceof Error) {
    last = cause;
    if (cause instanceof ApplicationFailure && cause.type) return { message: oneLine(cause.message), type: cause.type };
    if (cause instanceof TerminatedFailure) return { message: `terminated${reason(cause)}`, type: 'Terminated' };
    if (cause instanceof CancelledFailure) return { message: `cancelled${reason(cause)}`, type: 'Cancelled' };
    if (cause instanceof TimeoutFailure) return { message: `timed out (${cause.timeoutType ?? 'timeout'})`, type: 'Timeout' };
    if (!cause.cause) break;
    cause = cause.cause;
  }
  return { message: oneLine(last?.message || err.message), type: last?.name || 'WorkflowFailed' };
}

const reason = (e: Error) => (e.message && !/^(Workflow execution )?(terminated|cancelled)$/i.test(e.message) ? `: ${e.message}` : '');
const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();

/** A workflow the CLI waited on failed: its own message and type (the exit code follows the type). */
export class WorkflowRunError extends TrainctlError {
  constructor(what: string, failure: WorkflowFailure) {
    super(`${what} failed: ${failure.message} [${failure.type}]`, { type: failure.type, kind: KIND[failure.type] ?? 'training' });
  }
}

/** For `.catch()` on a workflow's result: a WorkflowFailedError becomes a WorkflowRunError naming `what`. */
export function rethrowFailure(what: string): (err: unknown) => never {
  return (err: unknown) => {
    const failure = workflowFailure(err);
    throw failure ? new WorkflowRunError(what, failure) : err;
  };
}
