import { z } from 'zod';

/**
 * `trainctl.config.json`: the pipeline's settings (any subset of PipelineConfig) and what the
 * worker and the CLI need beside them. Unknown keys are errors, never silently ignored.
 * Service settings map onto the environment variables the worker already reads, so
 * precedence is the same for every setting: default < file < environment < flag.
 */
const url = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

export const serviceSettingsSchema = z
  .object({
    schedule: z
      .object({
        /** Cron of the weekly retrain (5 fields), in `timezone`. */
        cron: z.string().min(9).optional(),
        timezone: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    notifications: z
      .object({
        slackWebhookUrl: url.optional(),
        webhookUrl: url.optional(),
      })
      .strict()
      .optional(),
    registry: z
      .object({
        retentionKeep: z.number().int('expected a whole number').min(0, 'expected 0 or more').optional(),
        retentionMaxAgeDays: z.number().int('expected a whole number').min(0, 'expected 0 or more').optional(),
      })
      .strict()
      .optional(),
    mlflow: z.object({ trackingUri: url.optional() }).strict().optional(),
    temporal: z
      .object({
        address: z.string().min(1).optional(),
        namespace: z.string().min(1).optional(),
        taskQueue: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ServiceSettings = z.output<typeof serviceSettingsSchema>;

/** The environment variable each service setting stands for. */
export const SERVICE_ENV: Record<string, string> = {
  'schedule.cron': 'TRAINCTL_SCHEDULE_CRON',
  'schedule.timezone': 'TRAINCTL_SCHEDULE_TIMEZONE',
  'notifications.slackWebhookUrl': 'TRAINCTL_SLACK_WEBHOOK_URL',
  'notifications.webhookUrl': 'TRAINCTL_WEBHOOK_URL',
  'registry.retentionKeep': 'TRAINCTL_RETENTION_KEEP',
  'registry.retentionMaxAgeDays': 'TRAINCTL_RETENTION_MAX_AGE_DAYS',
  'mlflow.trackingUri': 'MLFLOW_TRACKING_URI',
  'temporal.address': 'TEMPORAL_ADDRESS',
  'temporal.namespace': 'TEMPORAL_NAMESPACE',
  'temporal.taskQueue': 'TRAINCTL_TASK_QUEUE',
};

/** Settings whose values are credentials or carry them (webhook URLs embed tokens): never printed. */
export const SECRET_KEYS = new Set(['notifications.slackWebhookUrl', 'notifications.webhookUrl', 'mlflow.trackingUri']);

export const CONFIG_FILE_NAME = 'trainctl.config.json';
