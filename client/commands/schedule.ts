import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { ConfigError } from '../../lib/util/errors';
import { DEFAULT_RETRAIN_CRON, validateCron, validateTimezone } from '../cron';
import { MODEL_NAME_HELP, MODEL_NAME_OPTION, resolveModelName } from '../modelLine';
import { addRunOptions, loadRunConfig, type RunFlags } from './runOptions';
import { addTriggerOverrideOptions, overridesFrom, triggerWithOverrides } from './scheduleTrigger';

// The Temporal client is loaded by the actions (see client/cli.ts).
const temporal = async () => ({ ...(await import('../connection')), ...(await import('../schedules')), ...(await import('./run')) });

function parseDate(name: string, v: string): Date {
  const d = new Date(v.length === 10 ? `${v}T00:00:00Z` : v);
  // Date accepts 2026-02-31 (as March 3rd): a calendar date must survive the round trip.
  if (Number.isNaN(d.getTime()) || (v.length === 10 && d.toISOString().slice(0, 10) !== v))
    throw new ConfigError(`${name} ${JSON.stringify(v.slice(0, 40))} is not a date (YYYY-MM-DD or ISO time)`);
  return d;
}

export function addScheduleCommands(program: Command): void {
  const schedule = program.command('schedule').description('weekly retraining as a Temporal Schedule');

  addRunOptions(
    schedule
      .command('create')
      .description(`create the retraining schedule (default "${DEFAULT_RETRAIN_CRON}" = Sundays 02:00 UTC)`)
      .option('--cron <expr>', `five-field cron expression (default: the config file's schedule.cron, else "${DEFAULT_RETRAIN_CRON}")`)
      .option('--timezone <tz>', "IANA time zone of the cron expression (default: the config file's schedule.timezone, else UTC)")
      .option('--paused', 'create it paused')
      .option('--note <text>', 'note shown with the schedule'),
  ).action(async (o: RunFlags & { cron?: string; timezone?: string; paused?: boolean; note?: string }) => {
    const { buildConfig, connectClient, createRetrainSchedule, retrainScheduleId } = await temporal();
    const loaded = loadRunConfig(o);
    const config = buildConfig({ ...loaded.pipeline, trigger: 'schedule' });
    (await import('../../lib/hpo')).checkUseBest(config, (await import('../../lib/config/paths')).resolvePaths());
    const cron = o.cron ?? loaded.service.schedule?.cron ?? DEFAULT_RETRAIN_CRON;
    const timezone = o.timezone ?? loaded.service.schedule?.timezone ?? 'UTC';
    const { runSignals } = await import('../../lib/features/runSignals');
    await runSignals(config, { now: new Date(), errorKind: 'config' });
    validateCron(cron);
    validateTimezone(timezone);
    const { client, settings, close } = await connectClient();
    try {
      const r = await createRetrainSchedule(client, settings, { config, cron, timezone, paused: o.paused, note: o.note });
      console.log(`created schedule ${r.scheduleId}: "${r.cron}" (${r.timezone})${o.paused ? ', paused' : ''}`);
    } catch (err) {
      if ((err as Error).name === 'ScheduleAlreadyRunning')
        throw new ConfigError(`schedule ${retrainScheduleId(config.modelName)} already exists (see \`npx trainctl schedule describe\`)`);
      throw err;
    } finally {
      await close();
    }
  });

  const withHandle = (name: string, description: string) =>
    schedule.command(name).description(description).option(MODEL_NAME_OPTION, MODEL_NAME_HELP);

  withHandle('describe', 'next run times, recent runs and their outcomes')
    .option('--json', 'machine-readable')
    .action(async (o: { modelName?: string; json?: boolean }) => {
      const { connectClient, describeSchedule, retrainScheduleId } = await temporal();
      const { client, close } = await connectClient();
      try {
        const d = await describeSchedule(client, retrainScheduleId(resolveModelName(o.modelName)));
        const recent = await Promise.all(
          d.info.recentActions.map(async (a) => {
            let id = a.action.workflow.workflowId;
            let executionRunId = a.action.workflow.firstExecutionRunId;
            let outcome = 'unknown';
            try {
              const launched = await outcomeOf(client, id, executionRunId);
              // The schedule starts a launcher (workflows/scheduledRetrain.ts): report the pipeline run it started.
              const started = launched.result as { outcome?: string; workflowId?: string; executionRunId?: string | null } | undefined;
              if (started?.outcome === 'started' && started.workflowId && started.executionRunId) {
                [id, executionRunId] = [started.workflowId, started.executionRunId];
                const run = await outcomeOf(client, id, executionRunId);
                outcome = run.result ? String((run.result as { outcome?: string }).outcome) : run.status;
              } else outcome = started?.outcome === 'skipped' ? 'skipped (a run was open)' : launched.status;
            } catch {
              /* history may be gone */
            }
            return { scheduledAt: a.scheduledAt.toISOString(), workflowId: id, outcome };
          }),
        );
        const out = {
          scheduleId: d.scheduleId,
          paused: d.state.paused,
          note: d.state.note ?? null,
          nextRuns: d.info.nextActionTimes.slice(0, 5).map((t) => t.toISOString()),
          recent,
          running: d.info.runningActions.map((r) => r.workflow.workflowId),
        };
        if (o.json) return console.log(JSON.stringify(out, null, 2));
        console.log(`${out.scheduleId}${out.paused ? ' (PAUSED)' : ''}${out.note ? ` — ${out.note}` : ''}`);
        console.log(`next runs: ${out.nextRuns.join(', ') || '—'}`);
        console.log(`running:   ${out.running.join(', ') || '—'}`);
        console.log('recent:');
        for (const r of out.recent) console.log(`  ${r.scheduledAt}  ${r.workflowId}  ${r.outcome}`);
      } finally {
        await close();
      }
    });

  const simple = (
    name: string,
    description: string,
    act: (h: Awaited<ReturnType<typeof handleFor>>, o: { note?: string; from?: string; to?: string }) => Promise<string>,
    /** Checks of the flags alone, before connecting (exit 3 without a server round trip). */
    check?: (o: { from?: string; to?: string }) => void,
  ) =>
    withHandle(name, description)
      .option('--note <text>', 'why (shown with the schedule)')
      .action(async (o: { modelName?: string; note?: string; from?: string; to?: string }) => {
        check?.(o);
        const { connectClient } = await temporal();
        const { client, close } = await connectClient();
        try {
          const handle = await handleFor(client, resolveModelName(o.modelName));
          console.log(await act(handle, o));
        } finally {
          await close();
        }
      });

  simple('pause', 'pause the schedule', async (h, o) => (await h.pause(o.note ?? 'paused with trainctl'), `paused ${h.scheduleId}`));
  simple(
    'unpause',
    'resume the schedule',
    async (h, o) => (await h.unpause(o.note ?? 'unpaused with trainctl'), `unpaused ${h.scheduleId}`),
  );
  addTriggerOverrideOptions(
    withHandle('trigger', 'start a scheduled run now; --force, --skip-validation, --trials, --ignore-new-data change this run only').option(
      '--note <text>',
      "why (the run's reason)",
    ),
  ).action(async (o: Record<string, unknown> & { modelName?: string; note?: string }) => {
    const overrides = overridesFrom(o);
    const modelName = resolveModelName(o.modelName);
    const { connectClient } = await temporal();
    const { client, close } = await connectClient();
    try {
      if (!overrides) {
        const handle = await handleFor(client, modelName);
        await handle.trigger();
        return console.log(`triggered ${handle.scheduleId}`);
      }
      const r = await triggerWithOverrides(client, { modelName, overrides, note: o.note });
      console.log(
        r.outcome === 'started' ? `triggered ${r.workflowId} (run ${r.executionRunId}) with ${JSON.stringify(overrides)}` : r.reason,
      );
    } finally {
      await close();
    }
  });
  simple('delete', 'delete the schedule', async (h) => (await h.delete(), `deleted ${h.scheduleId}`));
  const backfillWindow = (o: { from?: string; to?: string }) => {
    if (!o.from || !o.to) throw new ConfigError('backfill needs --from and --to');
    const start = parseDate('--from', o.from);
    const end = parseDate('--to', o.to);
    if (end <= start) throw new ConfigError(`--from ${o.from} must be before --to ${o.to}`);
    return { start, end };
  };
  simple(
    'backfill',
    'run the schedule for the firings in a past window',
    async (h, o) => {
      const { start, end } = backfillWindow(o);
      await h.backfill({ start, end });
      return `backfilling ${h.scheduleId} from ${start.toISOString()} to ${end.toISOString()}`;
    },
    (o) => void backfillWindow(o),
  )
    .option('--from <date>', 'start of the window')
    .option('--to <date>', 'end of the window');
}

async function handleFor(client: Client, modelName: string) {
  const { describeSchedule, retrainScheduleId } = await temporal();
  const id = retrainScheduleId(modelName);
  await describeSchedule(client, id);
  return client.schedule.getHandle(id);
}

/** Status of one workflow run, with its result when it completed. */
async function outcomeOf(client: Client, workflowId: string, executionRunId: string): Promise<{ status: string; result?: unknown }> {
  const handle = client.workflow.getHandle(workflowId, executionRunId);
  const desc = await handle.describe();
  if (desc.status.name !== 'COMPLETED') return { status: desc.status.name.toLowerCase() };
  return { status: 'completed', result: await handle.result() };
}
