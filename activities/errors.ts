import { ApplicationFailure } from '@temporalio/activity';
import { isTrainctlError } from '../lib/util/errors';

/**
 * User-caused errors become non-retryable failures with their type, so the workflow stops at once
 * and the CLI can map the type to an exit code; everything else is rethrown for a retry.
 */
export function asActivityFailure(err: unknown): unknown {
  if (isTrainctlError(err)) {
    return ApplicationFailure.create({
      message: err.message,
      type: err.type,
      nonRetryable: true,
      details: err.details ? [err.details] : undefined,
    });
  }
  return err;
}

export function userErrorsAsFailures<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      throw asActivityFailure(err);
    }
  };
}
