import { routesMemo } from '../lib/config/taskQueues';
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleDescription } from '@temporalio/client';
import type { PipelineConfig } from '../lib/config/pipeline';
import type { TemporalSettings } from '../lib/config/temporal';
import { ConfigError } from '../lib/util/errors';
import { dailyScoring, type DailyScoringInput } from '../workflows/dailyScoring';
import { scheduledRetrain } from '../workflows/scheduledRetrain';
import { DEFAULT_RETRAIN_CRON, validateCron, validateTimezone } from './cron';
import { dailyScoringScheduleId, retrainScheduleId } from './scheduleIds';

export { DEFAULT_RETRAIN_CRON, validateCron, validateTimezone };

export { dailyScoringScheduleId, retrainScheduleId };

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
      // The launcher starts the pipeline under the model line's workflow ID (one open run per model).
      workflowType: scheduledRetrain,
      workflowId: `scheduled-${o.config.modelName}`,
      taskQueue: settings.taskQueue,
      args: [{ config: { ...o.config, trigger: 'schedule' } }],
      memo: { modelName: o.config.modelName, trigger: 'schedule', ...routesMemo(settings) },
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
    if (err instanceof ScheduleNotFoundError)
      throw new ConfigError(`No schedule "${scheduleId}": create it with \`npx trainctl schedule create\``);
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

/**
 * Half an hour after the close, Monday–Friday, in the exchange's time zone: the synthetic market and
 * Yahoo's default listings follow the US session (16:00 New York); a CSV directory's exchange is
 * unknown, so UTC unless --timezone says otherwise.
 */
export function dailyScoringTiming(source: string): { cron: string; timezone: string } {
  return { cron: '30 16 * * 1-5', timezone: source.startsWith('csv:') ? 'UTC' : 'America/New_York' };
}

/**
 * The dailyScoring workflow on a Temporal Schedule (created by `npm start` when missing). Overlap
 * SKIP; a missed day within the catch-up window is scored when the server is back.
 */
export async function ensureDailyScoringSchedule(
  client: Client,
  settings: TemporalSettings,
  o: { config: PipelineConfig; cron?: string; timezone?: string },
) {
  const timing = dailyScoringTiming(o.config.source);
  const cron = o.cron ?? timing.cron;
  const timezone = o.timezone ?? timing.timezone;
  validateCron(cron);
  validateTimezone(timezone);
  const scheduleId = dailyScoringScheduleId(o.config.modelName);
  if (await scheduleExists(client, scheduleId)) return { scheduleId, cron, timezone, created: false };
  const input: DailyScoringInput = {
    modelName: o.config.modelName,
    tickers: o.config.tickers,
    source: o.config.source,
    seed: o.config.seed,
    threshold: o.config.backtest.threshold,
  };
  await client.schedule.create({
    scheduleId,
    spec: { cronExpressions: [cron], timezone },
    action: {
      type: 'startWorkflow',
      workflowType: dailyScoring,
      workflowId: `daily-scoring-run-${o.config.modelName}`,
      taskQueue: settings.taskQueue,
      args: [input],
      ...(settings.queues?.split ? { memo: routesMemo(settings) } : {}),
      staticSummary: `daily scoring of ${o.config.modelName}`,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day', pauseOnFailure: false },
    state: { note: 'created by trainctl' },
    memo: { modelName: o.config.modelName },
  });
  return { scheduleId, cron, timezone, created: true };
}
