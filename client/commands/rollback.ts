import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { parseDurationMs } from '../../lib/config/duration';
import { loadConfig } from '../../lib/config/load';
import { routesMemo } from '../../lib/config/taskQueues';
import { ConfigError } from '../../lib/util/errors';
import { checkVersion, MODEL_NAME_HELP, MODEL_NAME_OPTION } from '../modelLine';
import { checkPerson } from './person';

/** `models rollback`: production back to an earlier version, through the short audited rollbackModel workflow. */
export function addRollbackCommand(models: Command): void {
  models
    .command('rollback')
    .description('switch production back to an earlier version (a short, audited Temporal workflow)')
    .option('--to <version>', 'the version to restore')
    .option('--previous', 'restore the version that was production before the current one')
    .requiredOption('--by <name>', 'who rolls back (audited)')
    .requiredOption('--reason <text>', 'why (audited)')
    .option(MODEL_NAME_OPTION, MODEL_NAME_HELP)
    .action(async (o: { to?: string; previous?: boolean; by: string; reason: string; modelName?: string }) => {
      if (!!o.to === !!o.previous) throw new ConfigError('give exactly one of --to vX.Y.Z or --previous');
      checkPerson('--by', o.by);
      const to = o.previous ? 'previous' : checkVersion(o.to!);
      // The model line and its deploy timeout from the configuration (file, environment, defaults).
      const pipeline = loadConfig({ flags: o.modelName === undefined ? {} : { modelName: o.modelName } }).pipeline;
      const modelName = pipeline.modelName;
      // Loaded here, not at start-up: the Temporal client and workflow definitions (see client/cli.ts).
      const { rethrowFailure, workflowFailure } = await import('../workflowFailure');
      const { rollbackModel } = await import('../../workflows/rollbackModel');
      const { connectClient } = await import('../connection');
      const started = performance.now();
      const { client, settings, close } = await connectClient();
      try {
        const handle = await client.workflow.start(rollbackModel, {
          taskQueue: settings.taskQueue,
          workflowId: `rollback-${modelName}-${Date.now()}`,
          args: [{ modelName, to, by: o.by, reason: o.reason, deployTimeoutMs: parseDurationMs(pipeline.deployTimeout) }],
          memo: { modelName, ...routesMemo(settings) },
          staticSummary: `rollback ${modelName} to ${to} by ${o.by}`,
        });
        const result = await handle.result().catch((err: unknown) => {
          const failure = workflowFailure(err);
          if (failure?.type === 'ConfigError') throw new ConfigError(`rollback refused: ${failure.message} (nothing changed)`);
          return rethrowFailure(`rollback of ${modelName}`)(err);
        });
        const ms = performance.now() - started;
        const serving =
          result.servingMs === null || result.servingMs === undefined
            ? ''
            : `; every serving instance answers with ${result.to} ${(result.servingMs / 1000).toFixed(1)} s after the request`;
        console.log(
          `production ${result.from ?? 'none'} → ${result.to} in ${(ms / 1000).toFixed(2)} s (registry switch ${result.registryMs.toFixed(0)} ms, checksums verified${serving})`,
        );
      } finally {
        await close();
      }
    });
}
