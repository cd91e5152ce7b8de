/**
 * Errors a user can cause (bad input, too little data, unknown version …). They carry a stable
 * `type` so activities can turn them into non-retryable Temporal failures and the CLI can map them
 * to exit codes without parsing messages.
 */
export type UserErrorKind = 'config' | 'validation' | 'data' | 'training';

export class TrainctlError extends Error {
  readonly type: string;
  readonly kind: UserErrorKind;
  readonly details?: Record<string, unknown>;

  constructor(message: string, options: { type: string; kind: UserErrorKind; details?: Record<string, unknown>; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = options.type;
    this.type = options.type;
    this.kind = options.kind;
    this.details = options.details;
  }
}

/** Invalid flag, config value, path-like version string, cron expression … (CLI exit 3). */
export class ConfigError extends TrainctlError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(message, { type: 'ConfigError', kind: 'config', details });
  }
}

/** Bad or insufficient data: malformed CSV, unknown ticker, one-class labels … (run fails, exit 1). */
export class DataError extends TrainctlError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(message, { type: 'DataError', kind: 'data', details });
  }
}

/** The candidate or holdout cannot be validated (holdout too small, one class …) (exit 2). */
export class ValidationError extends TrainctlError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(message, { type: 'ValidationError', kind: 'validation', details });
  }
}

/** A model or artifact cannot be trained/loaded: XGBoost error, checksum or schema mismatch. */
export class ModelError extends TrainctlError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(message, { type: 'ModelError', kind: 'training', details });
  }
}

/** Every type name above; the workflow's retry policies list them as non-retryable. */
export const NON_RETRYABLE_ERROR_TYPES = ['ConfigError', 'DataError', 'ValidationError', 'ModelError'] as const;

export function isTrainctlError(err: unknown): err is TrainctlError {
  return err instanceof TrainctlError;
}
