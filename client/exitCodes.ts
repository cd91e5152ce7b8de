import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { isTrainctlError } from '../lib/util/errors';
import type { PipelineStatus } from '../workflows/types';
import { EXIT } from './exit';

export { EXIT };

export function exitCodeForErrorType(type: string | undefined): number {
  if (type === 'ConfigError') return EXIT.configError;
  if (type === 'ValidationError') return EXIT.validationFailed;
  return EXIT.trainingFailed;
}

export function exitCodeForError(err: unknown): number {
  if (isTrainctlError(err)) return exitCodeForErrorType(err.type);
  if (err instanceof WorkflowFailedError) {
    let cause: unknown = err.cause;
    while (cause instanceof Error && !(cause instanceof ApplicationFailure && cause.type) && cause.cause) cause = cause.cause;
    return exitCodeForErrorType(cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined);
  }
  if ((err as { code?: string }).code?.startsWith('commander.')) return EXIT.configError;
  return EXIT.trainingFailed;
}

export function exitCodeForStatus(s: Pick<PipelineStatus, 'outcome' | 'error' | 'decision' | 'approval'>): number {
  switch (s.outcome) {
    case 'failed':
      return exitCodeForErrorType(s.error?.type);
    case 'rejected':
      // Rejected by the criteria is a failed validation; rejected by a reviewer is a decision, not an error.
      return s.approval?.decision?.kind === 'reject' ? EXIT.ok : EXIT.validationFailed;
    case 'expired':
      return EXIT.validationFailed;
    case 'cancelled':
      // No model came out of it: not a success a script should build on.
      return EXIT.trainingFailed;
    default:
      return EXIT.ok;
  }
}
