import type { Client } from '@temporalio/client';
import { Option, type Command } from 'commander';
import { resolvePipelineConfig, type PipelineConfig } from '../../lib/config/pipeline';
import { SETTINGS } from '../../lib/config/schema';
import { ConfigError } from '../../lib/util/errors';
import type { ScheduledRetrainResult } from '../../workflows/scheduledRetrain';

/** The run overrides `schedule trigger` accepts (the convention's workflow_dispatch inputs). */
export const TRIGGER_OVERRIDES = ['force', 'skipValidation', 'trials', 'ignoreNewData'] as const;
type Override = (typeof TRIGGER_OVERRIDES)[number];
const camel = (flag: string) => flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The override flags, from the schema's settings (their help and names are defined there). */
export function addTriggerOverrideOptions(cmd: Command): Command {
  for (const s of SETTINGS.filter((x) => (TRIGGER_OVERRIDES as readonly string[]).includes(x.key))) {
    cmd.addOption(new Option(`--${s.flag}${s.arg ? ` ${s.arg}` : ''}`, `this run only: ${s.help}`));
  }
  return cmd;
}

/** Commander's values → setting values; undefined when no override was given. */
export function overridesFrom(flags: Record<string, unknown>): Partial<Pick<PipelineConfig, Override>> | undefined {
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS.filter((x) => (TRIGGER_OVERRIDES as readonly string[]).includes(x.key))) {
    const v = flags[camel(s.flag)];
    if (v === undefined) continue;
    if (s.fromText === 'int') {
      const n = Number(v);
      if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n))
        throw new ConfigError(`--${s.flag} ${JSON.stringify(v)}: expected a whole number`);
      out[s.key] = n;
    } else out[s.key] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * A firing of the retrain schedule with overrides: the schedule's own configuration with the
 * overrides on top, validated, started through the same launcher the schedule starts (one open
 * run per model), under a workflow ID of its own. A Temporal Schedule's trigger cannot change
 * the arguments of its action, hence this.
 */
export async function triggerWithOverrides(
  client: Client,
  o: { modelName: string; overrides: Partial<Pick<PipelineConfig, Override>>; note?: string },
): Promise<ScheduledRetrainResult> {
  // Loaded here: ../schedules pulls in the Temporal client (see client/cli.ts).
  const { describeSchedule, retrainScheduleId } = await import('../schedules');
  const scheduleId = retrainScheduleId(o.modelName);
  const d = await describeSchedule(client, scheduleId);
  if (d.action.type !== 'startWorkflow') throw new ConfigError(`schedule ${scheduleId} does not start a workflow`);
  const scheduled = (d.action.args?.[0] as { config?: PipelineConfig } | undefined)?.config;
  if (!scheduled) throw new ConfigError(`schedule ${scheduleId} has no pipeline configuration to override`);
  const config = resolvePipelineConfig({ ...scheduled, ...o.overrides, trigger: 'schedule', ...(o.note ? { reason: o.note } : {}) });
  const { scheduledRetrain } = await import('../../workflows/scheduledRetrain');
  const handle = await client.workflow.start(scheduledRetrain, {
    taskQueue: d.action.taskQueue,
    workflowId: `${d.action.workflowId}-triggered-${Date.now().toString(36)}`,
    args: [{ config }],
    // The schedule's own routing (taskQueues), as a scheduled firing would have it.
    memo: { ...(d.action.memo ?? {}), modelName: config.modelName, trigger: 'schedule', overrides: o.overrides },
    staticSummary: `scheduled retrain of ${config.modelName}, triggered with ${Object.entries(o.overrides)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
  });
  const { rethrowFailure } = await import('../workflowFailure');
  return handle.result().catch(rethrowFailure(`triggered run of ${scheduleId}`));
}
