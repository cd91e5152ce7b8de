import { routesMemo } from '../../lib/config/taskQueues';
import type { Command } from 'commander';
import { workflowUiLink } from '../../lib/config/temporal';
import { addRunOptions, configFromFlags, type RunFlags } from './runOptions';

/** `hpo start [flags]` and `hpo status <workflowId>`: the hyperparameter search (TPE) as a durable workflow. */
export function addHpoCommands(program: Command): void {
  const hpo = program.command('hpo').description('hyperparameter search (TPE) as a durable workflow: start one, show its trials');

  addRunOptions(
    hpo
      .command('start')
      .description('start a search over the configured space (every run flag sets its configuration)')
      .option('--timeout <duration>', 'stop starting new trials after this long (e.g. 30m, 2h); same as --search-timeout')
      .option('--wait', 'wait for the search to finish and print the best parameters')
      .option('--json', 'machine-readable output'),
  ).action(async (o: RunFlags & { timeout?: string; wait?: boolean; json?: boolean }) => {
    // Flags and the search space are checked before connecting: a bad one exits 3 with nothing started.
    const config = configFromFlags(o, o.timeout === undefined ? {} : { searchTimeout: o.timeout });
    const { runSignals } = await import('../../lib/features/runSignals');
    await runSignals(config, { now: new Date(), errorKind: 'config' });
    // Loaded here, not at start-up: the Temporal client and workflow definitions (see client/cli.ts).
    const { connectClient } = await import('../connection');
    const { hyperparameterSearch } = await import('../../workflows/hyperparameterSearch');
    const { rethrowFailure } = await import('../workflowFailure');
    const { client, settings, close } = await connectClient();
    try {
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
      const r = await handle.result().catch(rethrowFailure(`search ${id}`));
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
  });

  hpo
    .command('status <workflowId>')
    .description('the trials of a running or finished search, and its best parameters')
    .option('--json', 'machine-readable output')
    .action(async (workflowId: string, o: { json?: boolean }) => {
      const { connectClient } = await import('../connection');
      const { describeRun, searchJson, searchView } = await import('../runStatus');
      const { formatSearchView } = await import('../format');
      const { client, close } = await connectClient();
      try {
        const v = await searchView(client, await describeRun(client, workflowId));
        if (o.json) return console.log(JSON.stringify(searchJson(v), null, 2));
        console.log(formatSearchView(workflowId, v));
      } finally {
        await close();
      }
    });
}
