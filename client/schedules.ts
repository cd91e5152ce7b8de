import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleDescription } from '@temporalio/client';
import type { PipelineConfig } from '../lib/config/pipeline';
import type { TemporalSettings } from '../lib/config/temporal';
import { ConfigError } from '../lib/util/errors';
import { trainingPipeline } from '../workflows/trainingPipeline';

export const DEFAULT_RETRAIN_CRON = '0 2 * * 0';

export function retrainScheduleId(modelName: string): string {
  return `weekly-retrain-${modelName}`;
}

/**
 * Validate a five-field cron expression (minute hour day-of-month month day-of-week) before the
 * server sees it, so the user gets a configuration error naming the field.
 */
export function validateCron(expr: string): void {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) throw new ConfigError(`--cron "${expr}" must have 5 fields (minute hour day-of-month month day-of-week)`);
  const names = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'];
  const ranges: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
  fields.forEach((field, i) => {
    for (const part of field.split(',')) {
      const m = /^(\*|\d+(?:-\d+)?)(?:\/(\d+))?$/.exec(part);
      const bad = () => new ConfigError(`--cron "${expr}": ${names[i]} field "${field}" is invalid (allowed ${ranges[i]![0]}–${ranges[i]![1]}, *, ranges a-b, steps /n, lists a,b)`);
      if (!m) throw bad();
      if (m[1] !== '*') {
        const [a, b] = m[1]!.split('-').map(Number);
        const [lo, hi] = ranges[i]!;
        if (a! < lo || a! > hi || (b !== undefined && (b < a! || b > hi))) throw bad();
      }
      if (m[2] !== undefined && Number(m[2]) === 0) throw bad();
    }
  });
}

export function validateTimezone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new ConfigError(`--timezone "${tz}" is not an IANA time zone (e.g. UTC, America/New_York)`);
  }
}

export interface CreateScheduleOptions {
  config: PipelineConfig;
  cron?: string;
  timezone?: string;
  paused?: boolean;
  note?: string;
}

/**
 * The weekly retraining as a Temporal Schedule. Overlap SKIP: a firing while the previous
 * scheduled run is still going (e.g. waiting for approval) is skipped rather than queued.
 */
export async function createRetrainSchedule(client: Client, settings: TemporalSettings, o: CreateScheduleOptions) {
  const cron = o.cron ?? DEFAULT_RETRAIN_CRON;
  const timezone = o.timezone ?? 'UTC';
  validateCron(cron);
  validateTimezone(timezone);
  const scheduleId = retrainScheduleId(o.config.modelName);
  await client.schedule.create({
    scheduleId,
    spec: { cronExpressions: [cron], timezone },
    action: {
      type: 'startWorkflow',
      workflowType: trainingPipeline,
      workflowId: `scheduled-${o.config.modelName}`,
      taskQueue: settings.taskQueue,
      args: [{ config: { ...o.config, trigger: 'schedule' } }],
      memo: { modelName: o.config.modelName, trigger: 'schedule' },
      staticSummary: `scheduled retrain of ${o.config.modelName}`,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day', pauseOnFailure: false },
    state: { paused: o.paused ?? false, note: o.note ?? (o.paused ? 'created paused' : 'created by trainctl') },
    memo: { modelName: o.config.modelName },
  });
  return { scheduleId, cron, timezone };
}

export async function describeSchedule(client: Client, scheduleId: string): Promise<ScheduleDescription> {
  try {
    return await client.schedule.getHandle(scheduleId).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw new ConfigError(`No schedule "${scheduleId}": create it with \`npx trainctl schedule create\``);
    throw err;
  }
}

export async function scheduleExists(client: Client, scheduleId: string): Promise<boolean> {
  try {
    await client.schedule.getHandle(scheduleId).describe();
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}
