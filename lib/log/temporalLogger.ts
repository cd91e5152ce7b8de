import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { Logger } from 'pino';

/**
 * Adapts pino to the Temporal SDK's Logger so the worker's own logs, workflow `log` calls and
 * activity `log` calls all come out as the same JSON lines. Lives outside lib/'s domain folders
 * because it knows the Temporal logger shape (types only, no runtime import).
 */
export function temporalLoggerFromPino(logger: Logger): TemporalLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata): void => {
    const { sdkComponent, ...rest } = (meta ?? {}) as LogMetadata & { sdkComponent?: string };
    const target = sdkComponent ? logger.child({ module: `temporal.${sdkComponent}` }) : logger;
    const method = PINO_METHOD[level];
    target[method](rest, message);
  };
  return {
    log: write,
    trace: (m, meta) => write('TRACE', m, meta),
    debug: (m, meta) => write('DEBUG', m, meta),
    info: (m, meta) => write('INFO', m, meta),
    warn: (m, meta) => write('WARN', m, meta),
    error: (m, meta) => write('ERROR', m, meta),
  };
}

const PINO_METHOD = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;
