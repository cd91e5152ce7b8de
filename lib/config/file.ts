import { z } from 'zod';

/**
 * `trainctl.config.json`: the pipeline's settings (any subset of PipelineConfig) and what the
 * worker and the CLI need beside them. Unknown keys are errors, never silently ignored.
 * Service settings map onto the environment variables the worker already reads, so
 * precedence is the same for every setting: default < file < environment < flag.
 */
const url = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });
const smtpUrl = z.url({ protocol: /^smtps?$/, error: 'expected an smtp:// or smtps:// URL' });
/** Addresses as a list or one comma-separated string (as in TRAINCTL_EMAIL_TO). */
const emailList = z.union([z.string().min(3), z.array(z.string().min(3)).min(1)]);
/** Drift or performance alerts sent to their own targets instead of the default ones. */
const alertRoute = z
  .object({ slackWebhookUrl: url.optional(), webhookUrl: url.optional(), emailTo: emailList.optional() })
  .strict()
  .optional();

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
        smtpUrl: smtpUrl.optional(),
        emailFrom: z.string().min(3).optional(),
        emailTo: emailList.optional(),
        drift: alertRoute,
        performance: alertRoute,
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
    /** Run scratch retention (lib/runs): 0 turns a rule off. */
    runs: z
      .object({
        keep: z.number().int('expected a whole number').min(0, 'expected 0 or more').optional(),
        maxAgeDays: z.number().int('expected a whole number').min(0, 'expected 0 or more').optional(),
        maxSizeMb: z.number().int('expected a whole number').min(0, 'expected 0 or more').optional(),
      })
      .strict()
      .optional(),
    mlflow: z.object({ trackingUri: url.optional() }).strict().optional(),
    serving: z
      .object({
        /** Base URLs of every `trainctl serve` instance of the model line; the deploy stage waits for all of them. */
        instances: z.array(url).optional(),
      })
      .strict()
      .optional(),
    temporal: z
      .object({
        address: z.string().min(1).optional(),
        namespace: z.string().min(1).optional(),
        taskQueue: z.string().min(1).optional(),
        /** Task queues by kind of activity (lib/config/taskQueues.ts); unset: the main queue. */
        ioQueue: z.string().min(1).optional(),
        computeQueue: z.string().min(1).optional(),
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
  'notifications.smtpUrl': 'TRAINCTL_SMTP_URL',
  'notifications.emailFrom': 'TRAINCTL_EMAIL_FROM',
  'notifications.emailTo': 'TRAINCTL_EMAIL_TO',
  'notifications.drift.slackWebhookUrl': 'TRAINCTL_DRIFT_SLACK_WEBHOOK_URL',
  'notifications.drift.webhookUrl': 'TRAINCTL_DRIFT_WEBHOOK_URL',
  'notifications.drift.emailTo': 'TRAINCTL_DRIFT_EMAIL_TO',
  'notifications.performance.slackWebhookUrl': 'TRAINCTL_PERFORMANCE_SLACK_WEBHOOK_URL',
  'notifications.performance.webhookUrl': 'TRAINCTL_PERFORMANCE_WEBHOOK_URL',
  'notifications.performance.emailTo': 'TRAINCTL_PERFORMANCE_EMAIL_TO',
  'registry.retentionKeep': 'TRAINCTL_RETENTION_KEEP',
  'registry.retentionMaxAgeDays': 'TRAINCTL_RETENTION_MAX_AGE_DAYS',
  'runs.keep': 'TRAINCTL_RUNS_KEEP',
  'runs.maxAgeDays': 'TRAINCTL_RUNS_MAX_AGE_DAYS',
  'runs.maxSizeMb': 'TRAINCTL_RUNS_MAX_SIZE_MB',
  'mlflow.trackingUri': 'MLFLOW_TRACKING_URI',
  'serving.instances': 'TRAINCTL_SERVE_INSTANCES',
  'temporal.address': 'TEMPORAL_ADDRESS',
  'temporal.namespace': 'TEMPORAL_NAMESPACE',
  'temporal.taskQueue': 'TRAINCTL_TASK_QUEUE',
  'temporal.ioQueue': 'TRAINCTL_IO_QUEUE',
  'temporal.computeQueue': 'TRAINCTL_COMPUTE_QUEUE',
};

/** Settings whose values are credentials or carry them (webhook URLs embed tokens): never printed. */
export const SECRET_KEYS = new Set([
  'notifications.slackWebhookUrl',
  'notifications.webhookUrl',
  'notifications.smtpUrl',
  'notifications.drift.slackWebhookUrl',
  'notifications.drift.webhookUrl',
  'notifications.performance.slackWebhookUrl',
  'notifications.performance.webhookUrl',
  'mlflow.trackingUri',
]);

export { CONFIG_FILE_NAME } from './fileName';
