import { ConfigError } from '../util/errors';

interface AwsError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

export function statusOf(err: unknown): number | undefined {
  return (err as AwsError).$metadata?.httpStatusCode;
}

/** The object (or bucket) is not there: 404 with any of the names S3 servers use. */
export function isNotFound(err: unknown): boolean {
  const name = (err as AwsError).name;
  return name === 'NoSuchKey' || name === 'NotFound' || (statusOf(err) === 404 && name !== 'NoSuchBucket');
}

/**
 * A condition was not met: 412 PreconditionFailed, or 409 ConditionalRequestConflict (AWS: another
 * conditional write to the key is in flight). Either way someone else won.
 */
export function isConditionFailed(err: unknown): boolean {
  const status = statusOf(err);
  return status === 412 || status === 409 || (err as AwsError).name === 'PreconditionFailed';
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

/**
 * One line naming the store and the endpoint. Configuration mistakes (no bucket, refused
 * credentials, not an S3 endpoint) become ConfigError, which activities do not retry and the
 * worker reports at start; an unreachable endpoint stays a plain (retryable) Error except in the
 * preflight, which passes `fatal`.
 */
export function describeS3Error(err: unknown, o: { uri: string; endpoint: string; fatal?: boolean; bucketCall?: boolean }): Error {
  if (err instanceof ConfigError) return err;
  const e = err as AwsError;
  const status = statusOf(err);
  const where = `(endpoint ${o.endpoint})`;
  if (e.name === 'NoSuchBucket' || (o.bucketCall && status === 404)) {
    return new ConfigError(`${o.uri}: bucket does not exist ${where}`);
  }
  if (
    status === 403 ||
    e.name === 'InvalidAccessKeyId' ||
    e.name === 'SignatureDoesNotMatch' ||
    e.name === 'AccessDenied' ||
    e.name === 'CredentialsProviderError'
  ) {
    return new ConfigError(`${o.uri}: access denied: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (${e.name ?? status}) ${where}`);
  }
  const code = e.code ?? (e.name === 'TimeoutError' ? 'timeout' : undefined);
  if (code && (NETWORK_CODES.has(code) || code === 'timeout')) {
    const message = `${o.uri}: endpoint unreachable (${code}) ${where}`;
    return o.fatal ? new ConfigError(message) : new Error(message, { cause: err });
  }
  const message = `${o.uri}: ${e.name ?? 'error'}${status ? ` ${status}` : ''}: ${firstLine(e.message)} ${where}`;
  return o.fatal ? new ConfigError(message) : new Error(message, { cause: err });
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0] ?? '';
}
