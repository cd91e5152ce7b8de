import { Command, Option } from 'commander';
import { ConfigError } from '../../lib/util/errors';
import { DEFAULT_RETRAIN_CRON, validateCron, validateTimezone } from '../cron';
import { driftScheduleId, SCHEDULE_KINDS, type ScheduleKind } from '../scheduleIds';
import { addDriftOptions, driftInput, type DriftFlags } from './drift';
import { addMonitorOptions, monitorInput, type MonitorFlags } from './monitor';
import { addRunOptions, loadRunConfig, type RunFlags } from './runOptions';

/** The cron expression of each kind when neither --cron nor (for retraining) the config file gives one. */
const DEFAULT_CRON: Record<ScheduleKind, string> = { retrain: DEFAULT_RETRAIN_CRON, drift: '0 6 * * *', monitor: '0 7 * * *' };

type CreateFlags = RunFlags &
  DriftFlags &
  MonitorFlags & { kind: ScheduleKind; cron?: string; timezone?: string; paused?: boolean; note?: string };

/**
 * The options of another kind's command (drift check, monitor check) on `schedule create`: a flag
 * the command has already (--model-name, --source, --alpha …) gets the kind's meaning appended to
 * its help, any other is added marked with its kind. Returns the option names of that kind.
 */
function addKindOptions(cmd: Command, kind: ScheduleKind, from: Command): Set<string> {
  const names = new Set<string>();
  for (const option of from.options) {
    names.add(option.attributeName());
    const existing = cmd.options.find((o) => o.long === option.long);
    const help = `${option.description}${option.defaultValue !== undefined ? ` (default ${String(option.defaultValue)})` : ''}`;
    if (existing) {
      if (option.long !== '--model-name') existing.description += `; with --kind ${kind}: ${help}`;
      continue;
    }
    // No commander defaults: an option of another kind must not look given (the action fills the kind's defaults).
    cmd.addOption(new Option(option.flags, `--kind ${kind}: ${help}`));
  }
  return names;
}

/** `schedule create`: the one place a retraining, drift or monitoring schedule is created. */
export function addScheduleCreateCommand(schedule: Command): void {
  const cmd = schedule
    .command('create')
    .description(
      `create a schedule: retraining (default "${DEFAULT_RETRAIN_CRON}" = Sundays 02:00 UTC), drift checks (daily 06:00 UTC) or performance monitoring (daily 07:00 UTC)`,
    )
    .addOption(
      new Option('--kind <kind>', 'what it runs: a training run, a drift check or a performance monitoring pass')
        .choices([...SCHEDULE_KINDS])
        .default('retrain'),
    )
    .option(
      '--cron <expr>',
      `five-field cron expression (default: retrain: the config file's schedule.cron, else "${DEFAULT_RETRAIN_CRON}"; drift "${DEFAULT_CRON.drift}"; monitor "${DEFAULT_CRON.monitor}")`,
    )
    .option('--timezone <tz>', "IANA time zone of the cron expression (default: retrain: the config file's schedule.timezone; else UTC)")
    .option('--paused', 'create it paused')
    .option('--note <text>', 'note shown with the schedule');
  const common = new Set(cmd.options.map((o) => o.attributeName()));
  addRunOptions(cmd);
  const byKind: Record<ScheduleKind, Set<string>> = {
    retrain: new Set(cmd.options.map((o) => o.attributeName())),
    drift: addKindOptions(cmd, 'drift', addDriftOptions(new Command())),
    monitor: addKindOptions(cmd, 'monitor', addMonitorOptions(new Command())),
  };

  cmd.action(async (o: CreateFlags) => {
    for (const name of Object.keys(o)) {
      if (cmd.getOptionValueSource(name) !== 'cli' || common.has(name) || byKind[o.kind].has(name)) continue;
      const flag = cmd.options.find((x) => x.attributeName() === name)?.long ?? name;
      throw new ConfigError(`${flag} does not apply to \`schedule create --kind ${o.kind}\``);
    }
    if (o.kind === 'drift') return createDrift(o);
    if (o.kind === 'monitor') return createMonitor(o);
    return createRetrain(o);
  });
}

async function createRetrain(o: CreateFlags): Promise<void> {
  const { buildConfig } = await import('./run');
  const { connectClient } = await import('../connection');
  const { createRetrainSchedule, retrainScheduleId } = await import('../schedules');
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
}

async function createDrift(o: CreateFlags): Promise<void> {
  const cron = o.cron ?? DEFAULT_CRON.drift;
  const timezone = o.timezone ?? 'UTC';
  validateCron(cron);
  validateTimezone(timezone);
  const input = driftInput({ ...o, window: o.window ?? '20' });
  const { connectClient } = await import('../connection');
  const { driftMonitor } = await import('../../workflows/driftMonitor');
  const { ScheduleOverlapPolicy } = await import('@temporalio/client');
  const { client, settings, close } = await connectClient();
  try {
    const scheduleId = driftScheduleId(input.modelName);
    await client.schedule.create({
      scheduleId,
      spec: { cronExpressions: [cron], timezone },
      action: {
        type: 'startWorkflow',
        workflowType: driftMonitor,
        workflowId: `drift-${input.modelName}`,
        taskQueue: settings.taskQueue,
        args: [input],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
      state: { paused: o.paused ?? false, note: o.note ?? 'created by trainctl schedule create --kind drift' },
    });
    console.log(`created schedule ${scheduleId}: "${cron}" (${timezone})${input.autoRetrain ? ', auto-retrain on critical drift' : ''}`);
  } catch (err) {
    if ((err as Error).name === 'ScheduleAlreadyRunning')
      throw new ConfigError(
        `schedule ${driftScheduleId(input.modelName)} already exists (see \`npx trainctl schedule describe --kind drift\`)`,
      );
    throw err;
  } finally {
    await close();
  }
}

async function createMonitor(o: CreateFlags): Promise<void> {
  const cron = o.cron ?? DEFAULT_CRON.monitor;
  const timezone = o.timezone ?? 'UTC';
  validateCron(cron);
  validateTimezone(timezone);
  const input = monitorInput(o);
  const { connectClient } = await import('../connection');
  const { createPerformanceSchedule } = await import('./monitor');
  const { client, settings, close } = await connectClient();
  try {
    const r = await createPerformanceSchedule({
      client,
      taskQueue: settings.taskQueue,
      input,
      cron,
      timezone,
      paused: o.paused ?? false,
      ...(o.note !== undefined ? { note: o.note } : {}),
    });
    console.log(
      `${r.created ? 'created' : 'kept the existing'} schedule ${r.scheduleId}: "${cron}" (${timezone})${input.autoRollback ? ', auto-rollback on a confirmed drop' : ''}`,
    );
  } finally {
    await close();
  }
}
