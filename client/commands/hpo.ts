import { routesMemo } from '../../lib/config/taskQueues';
import type { Command } from 'commander';
import { workflowUiLink } from '../../lib/config/temporal';
import { ConfigError } from '../../lib/util/errors';
import { addRunOptions, configFromFlags, type RunFlags } from './runOptions';

export function addHpoCommand(program: Command): void {
  addRunOptions(
    program
      .command('hpo')
      .description('hyperparameter search (TPE) as a durable workflow; `hpo status <workflowId>` shows its trials')
      .argument('[action]', '"status" to show a running or finished search')
      .argument('[workflowId]', 'the search to show')
      .option('--timeout <duration>', 'stop starting new trials after this long (e.g. 30m, 2h); same as --search-timeout')
      .option('--wait', 'wait for the search to finish and print the best parameters')
      .option('--json', 'machine-readable output'),
  ).action(
    async (
      action: string | undefined,
      workflowId: string | undefined,
      o: RunFlags & { timeout?: string; wait?: boolean; json?: boolean },
    ) => {
      if (action !== undefined && action !== 'status')
        throw new ConfigError(`unknown hpo action "${action}": use \`trainctl hpo [flags]\` or \`trainctl hpo status <workflowId>\``);
      // Flags and the search space are checked before connecting: a bad one exits 3 with nothing started.
      const search = action === 'status' ? undefined : searchInput(o);
      if (search) {
        const { runSignals } = await import('../../lib/features/runSignals');
        await runSignals(search.config, { now: new Date(), errorKind: 'config' });
      }
      // Loaded here, not at start-up: the Temporal client and workflow definitions (see client/cli.ts).
      const { connectClient } = await import('../connection');
      const { hyperparameterSearch } = await import('../../workflows/hyperparameterSearch');
      const { client, settings, close } = await connectClient();
      try {
        if (action === 'status' || !search) {
          if (!workflowId) throw new ConfigError('usage: trainctl hpo status <workflowId>');
          const { describeRun, searchJson, searchView } = await import('../runStatus');
          const { formatSearchView } = await import('../format');
          const v = await searchView(client, await describeRun(client, workflowId));
          if (o.json) return console.log(JSON.stringify(searchJson(v), null, 2));
          console.log(formatSearchView(workflowId, v));
          return;
        }
        const { config } = search;
        const id = `hpo-${config.modelName}-${Date.now()}`;
        const handle = await client.workflow.start(hyperparameterSearch, {
          taskQueue: settings.taskQueue,
          workflowId: id,
          args: [{ config }],
          memo: { modelName: config.modelName, ...routesMemo(settings) },
          staticSummary: `TPE search for ${config.modelName}: ${config.trials} trials, ${config.hpoParallel} at a time`,
        });
        if (!o.wait)
          return console.log(
            o.json
              ? JSON.stringify({ workflowId: id })
              : `Started ${id}\nWeb UI: ${workflowUiLink(settings, id)}\nStatus: npx trainctl hpo status ${id}`,
          );
        const r = await handle.result();
        if (o.json) return console.log(JSON.stringify({ workflowId: id, ...r }));
        console.log(
          `best trial ${r.trialNumber}: walk-forward log loss ${r.value.toFixed(4)} (${r.completed} completed, ${r.pruned} pruned, ${r.failed} failed)`,
        );
        console.log(JSON.stringify(r.params));
        console.log(
          `${r.bestNote ? `best_hyperparameters.json ${r.bestNote}\n` : ''}file: ${r.bestFile} (train with it: npx trainctl run --use-best) · journal ${r.journal}`,
        );
      } finally {
        await close();
      }
    },
  );
}

/** `--timeout` is the search's own name for --search-timeout; validated with everything else. */
function searchInput(o: RunFlags & { timeout?: string }) {
  return { config: configFromFlags(o, o.timeout === undefined ? {} : { searchTimeout: o.timeout }) };
}
