import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger, type LevelWithSilent } from 'pino';
import { conventionFormat } from './convention';
import { redactText, secretFragments } from './redact';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** Level for stdout; the file always receives `fileLevel` and above. */
  level?: LevelWithSilent;
  fileLevel?: LevelWithSilent;
  /** Directory of `training.log`; omit to log to stdout only. */
  logsDir?: string;
  /** Where human-facing output goes instead of stdout (e.g. fd 2), when stdout is a UI. */
  stdoutFd?: number;
  base?: Record<string, unknown>;
  /** Secret values taken out of every line; default: those of the process's environment (./redact.ts). */
  redact?: readonly string[];
}

/**
 * JSON lines in the training-script convention's format (./convention.ts: timestamp, upper-case
 * level, message, module, function, nested metrics), to stdout and to `logs/training.log`.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const fragments = options.redact ?? secretFragments(process.env);
  // Applied to the finished line, so a secret inside an error message or a nested field goes too.
  const guarded = <S extends { write: (line: string) => unknown }>(stream: S): pino.DestinationStream =>
    fragments.length === 0 ? stream : { write: (line: string) => stream.write(redactText(line, fragments)) };
  const fileLevel = options.fileLevel ?? 'info';
  const streams: pino.StreamEntry[] = [];
  if (level !== 'silent') {
    streams.push({ level, stream: guarded(pino.destination({ fd: options.stdoutFd ?? 1, sync: true })) });
  }
  if (options.logsDir && fileLevel !== 'silent') {
    mkdirSync(options.logsDir, { recursive: true });
    streams.push({
      level: fileLevel,
      stream: guarded(pino.destination({ dest: join(options.logsDir, 'training.log'), append: true, sync: true, mkdir: true })),
    });
  }
  const minLevel = lowest([level, fileLevel]);
  return pino(
    {
      level: minLevel,
      base: { app: 'trainctl', ...options.base },
      ...conventionFormat,
    },
    streams.length > 0 ? pino.multistream(streams) : pino.destination('/dev/null'),
  );
}

const ORDER: LevelWithSilent[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
function lowest(levels: LevelWithSilent[]): LevelWithSilent {
  return levels.reduce((a, b) => (ORDER.indexOf(a) <= ORDER.indexOf(b) ? a : b));
}
