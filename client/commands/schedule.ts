import type { Client } from '@temporalio/client';
import { Option, type Command } from 'commander';
import { ConfigError } from '../../lib/util/errors';
import { MODEL_NAME_HELP, MODEL_NAME_OPTION, resolveModelName } from '../modelLine';
import { kindOfScheduleId, SCHEDULE_KINDS, scheduleIdFor, type ScheduleKind } from '../scheduleIds';
import { addScheduleCreateCommand } from './scheduleCreate';
import { addTriggerOverrideOptions, overridesFrom, triggerWithOverrides } from './scheduleTrigger';

// The Temporal client is loaded by the actions (see client/cli.ts).
const temporal = async () => ({ ...(await import('../connection')), ...(await import('../schedules')) });

function parseDate(name: string, v: string): Date {
  const d = new Date(v.length === 10 ? `${v}T00:00:00Z` : v);
  // Date accepts 2026-02-31 (as March 3rd): a calendar date must survive the round trip.
  if (Number.isNaN(d.getTime()) || (v.length === 10 && d.toISOString().slice(0, 10) !== v))
    throw new ConfigError(`${name} ${JSON.stringify(v.slice(0, 40))} is not a date (YYYY-MM-DD or ISO time)`);
  return d;
}

export function addScheduleCommands(program: Command): void {
  const schedule = program
    .command('schedule')
    .description('Temporal Schedules of a model line: retraining (weekly), drift checks and performance monitoring (daily)');

  addScheduleCreateCommand(schedule);

  schedule
    .command('list')
    .description(
      "every schedule on the server with its kind, state and next run (retraining, drift, monitoring, npm start's daily scoring)",
    )
    .option('--json', 'machine-readable')
    .action(async (o: { json?: boolean }) => {
      const { connectClient } = await temporal();
      const { client, close } = await connectClient();
      try {
        const rows: { scheduleId: string; kind: string; paused: boolean; note: string | null; nextRun: string | null }[] = [];
        for await (const s of client.schedule.list())
          rows.push({
            scheduleId: s.scheduleId,
            kind: kindOfScheduleId(s.scheduleId),
            paused: s.state.paused,
            note: s.state.note ?? null,
            nextRun: s.info.nextActionTimes[0]?.toISOString() ?? null,
          });
        rows.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
        if (o.json) return console.log(JSON.stringify(rows, null, 2));
        if (!rows.length) return console.log('No schedules yet: `npx trainctl schedule create [--kind retrain|drift|monitor]`.');
        const width = Math.max(...rows.map((r) => r.scheduleId.length));
        for (const r of rows)
          console.log(
            `${r.scheduleId.padEnd(width)}  ${r.kind.padEnd(8)} ${(r.paused ? 'paused' : 'active').padEnd(7)} next ${r.nextRun ?? '—'}`,
          );
      } finally {
        await close();
      }
    });

  const withHandle = (name: string, description: string) =>
    schedule
      .command(name)
      .description(description)
      .option(MODEL_NAME_OPTION, MODEL_NAME_HELP)
      .addOption(new Option('--kind <kind>', "which of the model line's schedules").choices([...SCHEDULE_KINDS]).default('retrain'));
  const idOf = (o: { kind?: ScheduleKind; modelName?: string }) => scheduleIdFor(o.kind ?? 'retrain', resolveModelName(o.modelName));

  withHandle('describe', 'next run times, recent runs and their outcomes')
    .option('--json', 'machine-readable')
    .action(async (o: { modelName?: string; kind?: ScheduleKind; json?: boolean }) => {
      const { connectClient, describeSchedule } = await temporal();
      const { client, close } = await connectClient();
      try {
        const d = await describeSchedule(client, idOf(o));
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
      .action(async (o: { modelName?: string; kind?: ScheduleKind; note?: string; from?: string; to?: string }) => {
        check?.(o);
        const { connectClient } = await temporal();
        const { client, close } = await connectClient();
        try {
          const handle = await handleFor(client, idOf(o));
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
  ).action(async (o: Record<string, unknown> & { modelName?: string; kind?: ScheduleKind; note?: string }) => {
    const overrides = overridesFrom(o);
    if (overrides && o.kind !== 'retrain')
      throw new ConfigError(
        `run overrides (${Object.keys(overrides).join(', ')}) apply to the retraining schedule only, not --kind ${o.kind}`,
      );
    const modelName = resolveModelName(o.modelName);
    const { connectClient } = await temporal();
    const { client, close } = await connectClient();
    try {
      if (!overrides) {
        const handle = await handleFor(client, idOf(o));
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

async function handleFor(client: Client, id: string) {
  const { describeSchedule } = await temporal();
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
