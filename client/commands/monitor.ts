import type { Command } from 'commander';
import { resolvePaths } from '../../lib/config/paths';
import { loadConfig } from '../../lib/config/load';
import type { PipelineConfig } from '../../lib/config/pipeline';
import { ConfigError } from '../../lib/util/errors';
import type { PerformanceMonitorInput } from '../../workflows/performanceMonitor';
import { performanceScheduleId } from '../scheduleIds';
import { MODEL_NAME_HELP, MODEL_NAME_OPTION, resolveModelName } from '../modelLine';

// The Temporal client and workflow definitions are loaded by the actions (see client/cli.ts).
const temporal = async () => ({ ...(await import('../connection')), ...(await import('../../workflows/performanceMonitor')) });

/**
 * Settings of the monitor until the lead moves them into lib/config/schema.ts (monitor.*): one
 * place for the defaults, read by every subcommand.
 */
export const MONITOR_DEFAULTS = { windowDays: 60, minMatured: 100, alpha: 0.05, holdoutMargin: 0.05, coolDownHours: 24 };

export interface MonitorFlags {
  modelName?: string;
  window?: string;
  minMatured?: string;
  alpha?: string;
  holdoutMargin?: string;
  autoRollback?: boolean;
  coolDown?: string;
  source?: string;
  asOf?: string;
}

function positive(name: string, v: string | undefined, d: number, o: { integer?: boolean; max?: number } = {}): number {
  if (v === undefined) return d;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (o.integer && !Number.isInteger(n)) || (o.max !== undefined && n > o.max)) {
    throw new ConfigError(
      `${name} expects a positive ${o.integer ? 'whole number' : 'number'}${o.max !== undefined ? ` ≤ ${o.max}` : ''}, got "${v}"`,
    );
  }
  return n;
}

export function monitorInput(o: MonitorFlags): PerformanceMonitorInput {
  const pipeline = loadConfig({
    flags: { ...(o.modelName ? { modelName: o.modelName } : {}), ...(o.source ? { source: o.source } : {}) },
  }).pipeline;
  return monitorInputFromConfig(pipeline, o);
}

/** The monitor's input from a resolved configuration (what `npm start` has at hand) and flags. */
export function monitorInputFromConfig(pipeline: PipelineConfig, o: MonitorFlags = {}): PerformanceMonitorInput {
  const c = pipeline.criteria;
  return {
    modelName: pipeline.modelName,
    windowDays: positive('--window', o.window, MONITOR_DEFAULTS.windowDays, { integer: true }),
    costBps: pipeline.backtest.costBps,
    seed: pipeline.seed,
    policy: {
      // The floors default to the promotion criteria: production is held to what it was admitted on.
      floors: { accuracy: c.minAccuracy, precision: c.minPrecision, recall: c.minRecall, f1: c.minF1 },
      holdoutMargin: positive('--holdout-margin', o.holdoutMargin, MONITOR_DEFAULTS.holdoutMargin, { max: 1 }),
      minMatured: positive('--min-matured', o.minMatured, MONITOR_DEFAULTS.minMatured, { integer: true }),
      alpha: positive('--alpha', o.alpha, MONITOR_DEFAULTS.alpha, { max: 0.5 }),
    },
    autoRollback: o.autoRollback ?? false,
    coolDownHours: positive('--cool-down', o.coolDown, MONITOR_DEFAULTS.coolDownHours),
    ...(o.source ? { source: o.source } : {}),
    ...(o.asOf ? { asOf: o.asOf } : {}),
  };
}

/** The monitor's flags: `monitor check` and `schedule create --kind monitor`. */
export const addMonitorOptions = (cmd: Command) =>
  cmd
    .option(MODEL_NAME_OPTION, MODEL_NAME_HELP)
    .option('--window <days>', `trading days of matured predictions in the rolling window (default ${MONITOR_DEFAULTS.windowDays})`)
    .option('--min-matured <n>', `fewer matured production predictions never confirm a drop (default ${MONITOR_DEFAULTS.minMatured})`)
    .option('--alpha <level>', `one-sided level of the drop test (default ${MONITOR_DEFAULTS.alpha})`)
    .option('--holdout-margin <x>', `how far below its own holdout metrics production may fall (default ${MONITOR_DEFAULTS.holdoutMargin})`)
    .option('--auto-rollback', 'roll production back to the previous production version on a confirmed drop (off by default)')
    .option('--cool-down <hours>', `at most one automatic rollback per this many hours (default ${MONITOR_DEFAULTS.coolDownHours})`)
    .option('--source <source>', "outcome data source (default: the production model's own)");

export { performanceScheduleId };

/**
 * The daily monitoring schedule (overlap SKIP). Idempotent, so `npm start` can call it on every
 * start: an existing schedule is kept as it is (its settings may have been changed on purpose).
 */
export async function createPerformanceSchedule(o: {
  client: import('@temporalio/client').Client;
  taskQueue: string;
  input: PerformanceMonitorInput;
  cron?: string;
  timezone?: string;
  paused?: boolean;
  note?: string;
}): Promise<{ scheduleId: string; created: boolean }> {
  const { ScheduleAlreadyRunning, ScheduleOverlapPolicy } = await import('@temporalio/client');
  const { performanceMonitor } = await import('../../workflows/performanceMonitor');
  const scheduleId = performanceScheduleId(o.input.modelName);
  try {
    await o.client.schedule.create({
      scheduleId,
      spec: { cronExpressions: [o.cron ?? '0 7 * * *'], timezone: o.timezone ?? 'UTC' },
      action: {
        type: 'startWorkflow',
        workflowType: performanceMonitor,
        workflowId: `performance-${o.input.modelName}`,
        taskQueue: o.taskQueue,
        args: [o.input],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
      state: { paused: o.paused ?? false, note: o.note ?? 'created by trainctl schedule create --kind monitor' },
    });
    return { scheduleId, created: true };
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return { scheduleId, created: false };
    throw err;
  }
}

export function addMonitorCommands(program: Command): void {
  const monitor = program
    .command('monitor')
    .description('realised performance of production, shadow and A/B models from the prediction log');

  addMonitorOptions(monitor.command('check').description('one monitoring pass now (a performanceMonitor workflow)'))
    .option('--as-of <date>', 'outcomes up to this date (YYYY-MM-DD)')
    .option('--json', 'machine-readable')
    .action(async (o: MonitorFlags & { json?: boolean }) => {
      const input = monitorInput(o);
      const { connectClient, performanceMonitor } = await temporal();
      const { client, settings, close } = await connectClient();
      try {
        const { rethrowFailure } = await import('../workflowFailure');
        const r = await client.workflow
          .execute(performanceMonitor, {
            taskQueue: settings.taskQueue,
            workflowId: `performance-check-${input.modelName}-${Date.now()}`,
            args: [input],
          })
          .catch(rethrowFailure(`monitor check of ${input.modelName}`));
        if (o.json) return console.log(JSON.stringify(r, null, 2));
        console.log(r.summary);
        const { formatInterval } = await import('../../lib/stats/format');
        for (const c of r.cohorts)
          console.log(
            `  ${c.version.padEnd(9)} ${c.role.padEnd(13)} window ${String(c.windowRows).padStart(5)} matured  accuracy ${formatInterval(c.accuracy)}  F1 ${formatInterval(c.f1)}  strategy ${formatInterval(c.strategyReturn)}`,
          );
        if (r.rollback)
          console.log(`rollback: ${r.rollback.done ? `${r.rollback.from} → ${r.rollback.to}` : `not done (${r.rollback.reason})`}`);
        if (r.report) console.log(`report: ${r.report.html}`);
      } finally {
        await close();
      }
    });

  monitor
    .command('history')
    .description('every monitoring pass so far, production and shadow accuracy per pass')
    .option(MODEL_NAME_OPTION, MODEL_NAME_HELP)
    .option('--json', 'machine-readable')
    .action(async (o: { json?: boolean; modelName?: string }) => {
      const { readMonitorHistory, monitorLocations } = await import('../../lib/monitoring');
      const { withStoredFiles } = await import('../storedFiles');
      const paths = resolvePaths();
      // The history the monitoring activities keep: in the bucket with TRAINCTL_ARTIFACTS=s3://….
      const { snapshots, skipped } = await withStoredFiles(
        paths,
        [monitorLocations(paths, resolveModelName(o.modelName)).history],
        ([path]) => readMonitorHistory(path!),
      );
      if (o.json) return console.log(JSON.stringify({ snapshots, skipped }, null, 2));
      if (!snapshots.length) return console.log('No monitoring passes yet: `npx trainctl monitor check`.');
      for (const s of snapshots) {
        const parts = s.cohorts.map(
          (c) => `${c.cohort.version} ${c.cohort.role} ${c.window.metrics.accuracy?.toFixed(3) ?? '—'} (${c.window.rows})`,
        );
        console.log(`${s.at}  ${parts.join('  ') || 'no predictions'}`);
      }
      if (skipped) console.log(`(${skipped} unreadable line(s) skipped)`);
    });

  monitor
    .command('report')
    .description('write the latest pass as Markdown + HTML (with the history chart)')
    .option(MODEL_NAME_OPTION, MODEL_NAME_HELP)
    .option('--out <dir>', 'output folder (default: reports/<model>/performance/latest)')
    .action(async (o: { modelName?: string; out?: string }) => {
      const { readMonitorHistory, monitorLocations, writeMonitorReport } = await import('../../lib/monitoring');
      const { withStoredFiles } = await import('../storedFiles');
      const where = monitorLocations(resolvePaths(), resolveModelName(o.modelName));
      const { snapshots } = await withStoredFiles(resolvePaths(), [where.history], ([path]) => readMonitorHistory(path!));
      const latest = snapshots.at(-1);
      if (!latest) throw new ConfigError('no monitoring pass yet: run `npx trainctl monitor check` first');
      const paths = await writeMonitorReport({
        dir: o.out ?? `${where.reportsDir}/latest`,
        snapshot: latest,
        history: snapshots,
        synthetic: false,
      });
      console.log(`report: ${paths.markdown}\n        ${paths.html}`);
    });
}
