import { routesMemo } from '../../lib/config/taskQueues';
import type { Command } from 'commander';
import { workflowUiLink } from '../../lib/config/temporal';
import { ConfigError } from '../../lib/util/errors';
import { EXIT } from '../exit';
import { addRunOptions, configFromFlags, type RunFlags } from './runOptions';

/**
 * `trainctl models validate <version>`: the convention's standalone validation script. Backtests a
 * registered version on the current data (the run flags choose the data, holdout and criteria)
 * and writes its report; the registry is not changed. Exit 0 when it meets the criteria, 2 when not.
 */
export function addValidateCommand(models: Command): void {
  addRunOptions(
    models
      .command('validate <version>')
      .description('backtest a registered version on the current data and write its report (the registry is not changed)')
      .option('--json', 'machine-readable result'),
  ).action(async (version: string, flags: RunFlags & { json?: boolean }) => {
    if (!/^v\d+\.\d+\.\d+$/.test(version))
      throw new ConfigError(`"${version}" is not a version: expected vX.Y.Z (see \`npx trainctl models list\`)`);
    const config = configFromFlags(flags);
    // Loaded here, not at start-up: the Temporal client and workflow definitions (see client/cli.ts).
    const { connectClient } = await import('../connection');
    const { rethrowFailure } = await import('../workflowFailure');
    const { validateVersion } = await import('../../workflows/validateVersion');
    const { client, settings, close } = await connectClient();
    const workflowId = `validate-${config.modelName}-${version}-${Date.now().toString(36)}`;
    try {
      const handle = await client.workflow.start(validateVersion, {
        taskQueue: settings.taskQueue,
        workflowId,
        args: [{ config, version }],
        memo: { modelName: config.modelName, ...routesMemo(settings) },
        staticSummary: `validation of ${config.modelName} ${version} on ${config.source} up to ${config.asOf ?? 'today'}`,
      });
      if (!flags.json) console.error(`Validating ${version} (${workflowId}) — ${workflowUiLink(settings, workflowId)}`);
      const r = await handle.result().catch(rethrowFailure(`models validate ${version}`));
      process.exitCode = r.decision === 'PROMOTE' ? EXIT.ok : EXIT.validationFailed;
      if (flags.json) return console.log(JSON.stringify({ workflowId, ...r, exitCode: process.exitCode }));
      const e = r.evidence.candidate;
      const show = (i: { estimate: number; low: number; high: number }) =>
        `${i.estimate.toFixed(3)} [${i.low.toFixed(3)}, ${i.high.toFixed(3)}]`;
      console.log(
        `${version} on holdout ${r.holdout.start} … ${r.holdout.end} (${r.holdout.rows} rows): accuracy ${show(e.accuracy)}, precision ${show(e.precision)}, recall ${show(e.recall)}, F1 ${show(e.f1)}`,
      );
      console.log(`criteria: ${r.decision === 'PROMOTE' ? 'all met' : `failed ${r.failed.join(', ')}`}`);
      console.log(`report: ${r.report.html}`);
    } finally {
      await close();
    }
  });
}
