import type { Command } from 'commander';
import { ConfigError } from '../../lib/util/errors';
import { connectClient } from '../connection';
import { createRetrainSchedule, describeSchedule, retrainScheduleId, validateCron, validateTimezone, DEFAULT_RETRAIN_CRON } from '../schedules';
import { addRunOptions, configFromFlags, type RunFlags } from './runOptions';
import { buildConfig } from './run';

function parseDate(name: string, v: string): Date {
  const d = new Date(v.length === 10 ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(d.getTime())) throw new ConfigError(`${name} "${v}" is not a date (YYYY-MM-DD or ISO time)`);
  return d;
}

export function addScheduleCommands(program: Command): void {
  const schedule = program.command('schedule').description('weekly retraining as a Temporal Schedule');

  addRunOptions(
    schedule
      .command('create')
      .description(`create the retraining schedule (default "${DEFAULT_RETRAIN_CRON}" = Sundays 02:00 UTC)`)
      .option('--cron <expr>', 'five-field cron expression', DEFAULT_RETRAIN_CRON)
      .option('--timezone <tz>', 'IANA time zone of the cron expression', 'UTC')
      .option('--paused', 'create it paused')
      .option('--note <text>', 'note shown with the schedule'),
  ).action(async (o: RunFlags & { cron: string; timezone: string; paused?: boolean; note?: string }) => {
    const config = buildConfig({ ...configFromFlags(o), trigger: 'schedule' });
    validateCron(o.cron);
    validateTimezone(o.timezone);
    const { client, settings, close } = await connectClient();
    try {
      const r = await createRetrainSchedule(client, settings, { config, cron: o.cron, timezone: o.timezone, paused: o.paused, note: o.note });
      console.log(`created schedule ${r.scheduleId}: "${r.cron}" (${r.timezone})${o.paused ? ', paused' : ''}`);
    } catch (err) {
      if ((err as Error).name === 'ScheduleAlreadyRunning') throw new ConfigError(`schedule ${retrainScheduleId(config.modelName)} already exists (see \`npx trainctl schedule describe\`)`);
      throw err;
    } finally {
      await close();
    }
  });

  const withHandle = (name: string, description: string) =>
    schedule
      .command(name)
      .description(description)
      .option('--model-name <name>', 'model line', 'direction-classifier');

  withHandle('describe', 'next run times, recent runs and their outcomes')
    .option('--json', 'machine-readable')
    .action(async (o: { modelName: string; json?: boolean }) => {
      const { client, close } = await connectClient();
      try {
        const d = await describeSchedule(client, retrainScheduleId(o.modelName));
        const recent = await Promise.all(
          d.info.recentActions.map(async (a) => {
            const id = a.action.workflow.workflowId;
            let outcome = 'unknown';
            try {
              const desc = await client.workflow.getHandle(id, a.action.workflow.firstExecutionRunId).describe();
              outcome = desc.status.name === 'COMPLETED' ? String(((await client.workflow.getHandle(id).result()) as { outcome?: string }).outcome) : desc.status.name.toLowerCase();
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

  const simple = (name: string, description: string, act: (h: Awaited<ReturnType<typeof handleFor>>, o: { note?: string; from?: string; to?: string }) => Promise<string>) =>
    withHandle(name, description)
      .option('--note <text>', 'why (shown with the schedule)')
      .action(async (o: { modelName: string; note?: string; from?: string; to?: string }) => {
        const { client, close } = await connectClient();
        try {
          const handle = await handleFor(client, o.modelName);
          console.log(await act(handle, o));
        } finally {
          await close();
        }
      });

  simple('pause', 'pause the schedule', async (h, o) => (await h.pause(o.note ?? 'paused with trainctl'), `paused ${h.scheduleId}`));
  simple('unpause', 'resume the schedule', async (h, o) => (await h.unpause(o.note ?? 'unpaused with trainctl'), `unpaused ${h.scheduleId}`));
  simple('trigger', 'start a scheduled run now', async (h) => (await h.trigger(), `triggered ${h.scheduleId}`));
  simple('delete', 'delete the schedule', async (h) => (await h.delete(), `deleted ${h.scheduleId}`));
  simple('backfill', 'run the schedule for the firings in a past window', async (h, o) => {
    if (!o.from || !o.to) throw new ConfigError('backfill needs --from and --to');
    const start = parseDate('--from', o.from);
    const end = parseDate('--to', o.to);
    if (end <= start) throw new ConfigError('--to must be after --from');
    await h.backfill({ start, end });
    return `backfilling ${h.scheduleId} from ${start.toISOString()} to ${end.toISOString()}`;
  })
    .option('--from <date>', 'start of the window')
    .option('--to <date>', 'end of the window');
}

async function handleFor(client: Awaited<ReturnType<typeof connectClient>>['client'], modelName: string) {
  const id = retrainScheduleId(modelName);
  await describeSchedule(client, id);
  return client.schedule.getHandle(id);
}

