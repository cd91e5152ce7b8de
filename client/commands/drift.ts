import type { Command } from 'commander';
import { modelLinePaths, resolvePaths } from '../../lib/config/paths';
// From its own module: lib/drift's index also carries the report (echarts, ~300 ms to load).
import { DEFAULT_DRIFT_THRESHOLDS, type DriftThresholds } from '../../lib/drift/check';
import { ConfigError } from '../../lib/util/errors';
import type { DriftMonitorInput } from '../../workflows/driftMonitor';
import { loadConfig } from '../../lib/config/load';
import { MODEL_NAME_HELP, MODEL_NAME_OPTION, resolveModelName } from '../modelLine';

// The Temporal client and workflow definitions are loaded by the actions (see client/cli.ts).
const temporal = async () => ({ ...(await import('../connection')), ...(await import('../../workflows/driftMonitor')) });

export interface DriftFlags {
  modelName?: string;
  window: string;
  autoRetrain?: boolean;
  watch?: string;
  source?: string;
  psiWarning?: string;
  psiCritical?: string;
  ksPValue?: string;
  fixedThresholds?: boolean;
}

export function driftInput(o: DriftFlags): DriftMonitorInput {
  // The configuration (file, environment, defaults) with this command's model name and source.
  const pipeline = loadConfig({
    flags: { ...(o.modelName ? { modelName: o.modelName } : {}), ...(o.source ? { source: o.source } : {}) },
  }).pipeline;
  const windowDays = Number(o.window);
  if (!Number.isInteger(windowDays) || windowDays < 5) throw new ConfigError(`--window expects whole trading days ≥ 5, got "${o.window}"`);
  const num = (name: string, v: string | undefined, d: number) => {
    if (v === undefined) return d;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} expects a positive number, got "${v}"`);
    return n;
  };
  const thresholds: DriftThresholds = {
    psiWarning: num('--psi-warning', o.psiWarning, DEFAULT_DRIFT_THRESHOLDS.psiWarning),
    psiCritical: num('--psi-critical', o.psiCritical, DEFAULT_DRIFT_THRESHOLDS.psiCritical),
    ksPValue: num('--ks-p-value', o.ksPValue, DEFAULT_DRIFT_THRESHOLDS.ksPValue),
    mode: o.fixedThresholds ? 'fixed' : 'calibrated',
  };
  if (thresholds.psiWarning >= thresholds.psiCritical) throw new ConfigError('--psi-warning must be below --psi-critical');
  return {
    modelName: pipeline.modelName,
    windowDays,
    thresholds,
    watch: o.watch
      ? o.watch
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined,
    autoRetrain: o.autoRetrain ?? false,
    pipeline,
    source: o.source,
  };
}

/** The drift check's flags: `drift check` and `schedule create --kind drift`. */
export const addDriftOptions = (cmd: Command) =>
  cmd
    .option(MODEL_NAME_OPTION, MODEL_NAME_HELP)
    .option('--window <days>', 'trading days of recent data to compare with the training distribution', '20')
    .option('--watch <features>', 'comma-separated features to watch (default: all)')
    .option('--auto-retrain', 'start a training run on critical drift (at most one at a time)')
    .option('--source <source>', "data source (default: the production model's own)")
    .option('--psi-warning <x>', `PSI warning threshold (default ${DEFAULT_DRIFT_THRESHOLDS.psiWarning})`)
    .option('--psi-critical <x>', `PSI critical threshold (default ${DEFAULT_DRIFT_THRESHOLDS.psiCritical})`)
    .option(
      '--ks-p-value <x>',
      `KS significance, Bonferroni-corrected over watched features (default ${DEFAULT_DRIFT_THRESHOLDS.ksPValue})`,
    )
    .option(
      '--fixed-thresholds',
      "judge every feature by the fixed PSI/KS thresholds above instead of the ones calibrated on the reference's own windows (saved with each model)",
    );

export function addDriftCommands(program: Command): void {
  const drift = program.command('drift').description('feature and prediction drift of the production model (PSI, KS)');

  addDriftOptions(drift.command('check').description('run one drift check now (a driftMonitor workflow) and print the result'))
    .option('--json', 'machine-readable')
    .action(async (o: DriftFlags & { json?: boolean }) => {
      const input = driftInput(o);
      const { connectClient, driftMonitor } = await temporal();
      const { client, settings, close } = await connectClient();
      try {
        const { rethrowFailure } = await import('../workflowFailure');
        const r = await client.workflow
          .execute(driftMonitor, {
            taskQueue: settings.taskQueue,
            workflowId: `drift-check-${input.modelName}-${Date.now()}`,
            args: [input],
          })
          .catch(rethrowFailure(`drift check of ${input.modelName}`));
        if (o.json) return console.log(JSON.stringify(r, null, 2));
        console.log(`${r.status.toUpperCase()} — ${r.summary}`);
        if (r.reason) console.log(r.reason);
        for (const f of r.flagged)
          console.log(`  ${f.name.padEnd(16)} PSI ${f.psi?.toFixed(3) ?? '—'}  ${f.level}${f.reason ? `  (${f.reason})` : ''}`);
        if (r.report) console.log(`report: ${r.report.html}`);
        if (r.retrain) console.log(`retraining: ${r.retrain.started ? `started ${r.retrain.workflowId}` : r.retrain.reason}`);
      } finally {
        await close();
      }
    });

  drift
    .command('history')
    .description('every drift check of a model line so far (from its drift log)')
    .option(MODEL_NAME_OPTION, MODEL_NAME_HELP)
    .option('--json', 'machine-readable')
    .action(async (o: { json?: boolean; modelName?: string }) => {
      const { readDriftHistory } = await import('../../lib/drift/history');
      const { withStoredFiles } = await import('../storedFiles');
      const paths = resolvePaths();
      const rows = await withStoredFiles(paths, [modelLinePaths(paths, resolveModelName(o.modelName)).driftHistory], ([path]) =>
        readDriftHistory(path!),
      );
      if (o.json) return console.log(JSON.stringify(rows, null, 2));
      if (!rows.length) return console.log('No drift checks yet: `npx trainctl drift check`.');
      for (const r of rows) {
        const psis = Object.values(r.psi).filter((v): v is number => v !== null);
        console.log(
          `${r.at}  ${r.productionVersion ?? '—'}  ${r.status.padEnd(8)} max PSI ${psis.length ? Math.max(...psis).toFixed(3) : '—'}  prediction PSI ${r.predictionPsi?.toFixed(3) ?? '—'}  ${r.window ? `${r.window.start}…${r.window.end}` : ''}`,
        );
      }
    });
}
