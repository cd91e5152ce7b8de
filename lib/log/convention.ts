import type { LevelWithSilent, LoggerOptions } from 'pino';

/**
 * The training-script convention's log line, as Python's logging with a JSON formatter writes it:
 * {"timestamp", "level" (upper case, Python's names), "message", "module", "function", …,
 * "metrics": {…}} — numbers travel in the nested `metrics` object, context stays at the top.
 */
export const CONVENTION_LEVELS: Record<string, string> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

/** Numbers that describe the process or the call rather than a model: not metrics. */
const NOT_METRICS = new Set(['pid', 'attempt', 'port', 'code', 'exitCode', 'status', 'taskQueue']);

/** A log call's object in the convention's shape: numbers into `metrics`, `function` always present. */
export function conventionFields(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const metrics: Record<string, unknown> =
    obj.metrics !== null && typeof obj.metrics === 'object' && !Array.isArray(obj.metrics)
      ? { ...(obj.metrics as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'metrics' || key === 'fn') continue;
    if (typeof value === 'number' && Number.isFinite(value) && !NOT_METRICS.has(key)) metrics[key] = value;
    else out[key] = value;
  }
  // Activities and workflows log through the SDK, which names them; other callers say `fn`.
  out.function = obj.function ?? obj.fn ?? obj.activityType ?? obj.workflowType ?? out.module ?? 'main';
  if (Object.keys(metrics).length > 0) out.metrics = metrics;
  return out;
}

/** pino options that produce the convention's line. */
export const conventionFormat: Pick<LoggerOptions, 'messageKey' | 'timestamp' | 'formatters'> = {
  messageKey: 'message',
  timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
  formatters: {
    level: (label) => ({ level: CONVENTION_LEVELS[label] ?? label.toUpperCase() }),
    log: (obj) => conventionFields(obj),
  },
};

/**
 * `--log-level`: Python's names in any case (DEBUG, INFO, WARNING, ERROR, CRITICAL) and pino's
 * (trace, debug, info, warn, error, fatal, silent). Undefined for anything else.
 */
export function parseLogLevel(text: string): LevelWithSilent | undefined {
  const t = text.trim().toLowerCase();
  const alias: Record<string, LevelWithSilent> = { warning: 'warn', critical: 'fatal' };
  if (alias[t]) return alias[t];
  return (['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const).find((l) => l === t);
}

export const LOG_LEVEL_HELP = 'DEBUG, INFO, WARNING (or warn), ERROR, CRITICAL, in any case; also trace and silent';
