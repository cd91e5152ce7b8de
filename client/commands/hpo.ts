import type { Command } from 'commander';
import { parseDurationMs } from '../../lib/config/pipeline';
import { workflowUiLink } from '../../lib/config/temporal';
import { ConfigError } from '../../lib/util/errors';
import { hpoStatusQuery, hyperparameterSearch } from '../../workflows/hyperparameterSearch';
import { connectClient } from '../connection';
import { addRunOptions, configFromFlags, type RunFlags } from './runOptions';
import { buildConfig } from './run';

export function addHpoCommand(program: Command): void {
  addRunOptions(
    program
      .command('hpo')
      .description('hyperparameter search (TPE) as a durable workflow; `hpo status <runId>` shows its trials')
      .argument('[action]', '"status" to show a running or finished search')
      .argument('[runId]', 'the search to show')
      .option('--timeout <duration>', 'stop starting new trials after this long (e.g. 30m, 2h)')
      .option('--wait', 'wait for the search to finish and print the best parameters')
      .option('--json', 'machine-readable output'),
  ).action(async (action: string | undefined, runId: string | undefined, o: RunFlags & { timeout?: string; wait?: boolean; json?: boolean }) => {
    if (action !== undefined && action !== 'status') throw new ConfigError(`unknown hpo action "${action}": use \`trainctl hpo [flags]\` or \`trainctl hpo status <runId>\``);
    // Flags and the search space are checked before connecting: a bad one exits 3 with nothing started.
    const search = action === 'status' ? undefined : searchInput(o);
    const { client, settings, close } = await connectClient();
    try {
      if (action === 'status' || !search) {
        if (!runId) throw new ConfigError('usage: trainctl hpo status <runId>');
        const s = await client.workflow.getHandle(runId).query(hpoStatusQuery);
        if (o.json) return console.log(JSON.stringify(s, null, 2));
        console.log(`study ${s.studyName}${s.finished ? ' (finished)' : ''}`);
        for (const t of s.trials) console.log(`  #${String(t.number).padEnd(4)} ${t.state.padEnd(9)} ${t.value === null ? '—'.padEnd(8) : t.value.toFixed(4).padEnd(8)} folds ${t.folds}  ${JSON.stringify(t.params)}${t.reason ? `  (${t.reason})` : ''}`);
        if (s.best) console.log(`best: trial ${s.best.number}, log loss ${s.best.value.toFixed(4)} ${JSON.stringify(s.best.params)}`);
        return;
      }
      const { config, parallel, timeoutMs, trialTimeoutMs } = search;
      const id = `hpo-${config.modelName}-${Date.now()}`;
      const handle = await client.workflow.start(hyperparameterSearch, {
        taskQueue: settings.taskQueue,
        workflowId: id,
        args: [{ config, trials: config.trials, parallel, timeoutMs, trialTimeoutMs }],
        staticSummary: `TPE search for ${config.modelName}: ${config.trials} trials, ${parallel} at a time`,
      });
      if (!o.wait) return console.log(o.json ? JSON.stringify({ runId: id }) : `Started ${id}\nWeb UI: ${workflowUiLink(settings, id)}\nStatus: npx trainctl hpo status ${id}`);
      const r = await handle.result();
      if (o.json) return console.log(JSON.stringify({ runId: id, ...r }));
      console.log(`best trial ${r.trialNumber}: walk-forward log loss ${r.value.toFixed(4)} (${r.completed} completed, ${r.pruned} pruned, ${r.failed} failed)`);
      console.log(JSON.stringify(r.params));
      console.log(`written: ${r.bestFile} (train with it: npx trainctl run --use-best) · journal ${r.journal}`);
    } finally {
      await close();
    }
  });
}

function searchInput(o: RunFlags & { timeout?: string }) {
  const config = buildConfig(configFromFlags(o));
  const timeoutMs = o.timeout === undefined ? undefined : parseDurationMs(o.timeout);
  if (o.timeout !== undefined && timeoutMs === undefined) throw new ConfigError(`--timeout "${o.timeout}" must look like 30m, 2h or 1d`);
  return { config, parallel: config.hpoParallel, timeoutMs, trialTimeoutMs: parseDurationMs(config.trialTimeout)! };
}
