import type { Command } from 'commander';
import { resolveTemporalSettings, workflowUiLink, type TemporalSettings } from '../../lib/config/temporal';
import { temporalConnectionOptions } from '../../lib/config/temporalConnection';
import type { PipelineStatus } from '../../workflows/types';
import { environment } from '../environment';
import { ConfigError } from '../../lib/util/errors';
import { checkPerson } from './person';
import { formatSearchView, formatStatus } from '../format';

/** The status of a training run that completed, read without the SDK's client where the connection allows. */
async function readCompletedPipelineRun(workflowId: string): Promise<{ status: PipelineStatus; settings: TemporalSettings } | undefined> {
  const env = await environment();
  const settings = resolveTemporalSettings(env);
  const secured = temporalConnectionOptions(settings.address, env);
  if (secured.tls || secured.apiKey) return undefined;
  const { readCompletedRun } = await import('../direct/completedRun');
  const run = await readCompletedRun({ address: settings.address, namespace: settings.namespace, workflowId });
  return run?.workflowType === 'trainingPipeline' ? { status: run.result as PipelineStatus, settings } : undefined;
}

/**
 * `status`, `approve`, `reject` and `cancel`: the commands a person runs most, kept free of heavy
 * imports (no zod, no configuration schema) so they start fast; the Temporal client is loaded in
 * the action.
 */
export function addRunCommands(program: Command): void {
  program
    .command('status <workflowId>')
    .description(
      'stage, timings, metrics and outcome of a run (the latest under a workflow ID such as train-direction-classifier), or the trials of a search (<id>-hpo)',
    )
    .option('--json', 'machine-readable, with the `outcome` field')
    .action(async (workflowId: string, o: { json?: boolean }) => {
      const printStatus = async (s: PipelineStatus, settings: TemporalSettings) => {
        const { withShadowCount } = await import('../shadow');
        const shown = await withShadowCount(s);
        console.log(o.json ? JSON.stringify(shown, null, 2) : formatStatus(shown, workflowUiLink(settings, workflowId)));
      };
      // A finished training run, the usual case, is read with two direct calls (client/direct); the rest through the SDK.
      const completed = await readCompletedPipelineRun(workflowId);
      if (completed) return printStatus(completed.status, completed.settings);

      const { connectClient } = await import('../connection');
      const { describeRun, pipelineStatus, searchJson, searchView } = await import('../runStatus');
      const { client, settings, close } = await connectClient();
      try {
        const run = await describeRun(client, workflowId);
        if (run.description.type === 'hyperparameterSearch') {
          const v = await searchView(client, run);
          console.log(o.json ? JSON.stringify(searchJson(v), null, 2) : formatSearchView(workflowId, v));
          return;
        }
        await printStatus(await pipelineStatus(client, run), settings);
        // The state came from the run itself; whether anything will move it on is the next question.
        if (run.description.status.name === 'RUNNING') {
          const { missingKindWorker, noWorkerMessage, taskQueuePollers } = await import('../taskQueue');
          const pollers = await taskQueuePollers(client, run.description.taskQueue);
          if (!pollers.live.length) throw new ConfigError(noWorkerMessage(pollers));
          const missing = await missingKindWorker(client, run.description.memo);
          if (missing) throw new ConfigError(missing);
        }
      } finally {
        await close();
      }
    });

  for (const kind of ['approve', 'reject'] as const) {
    program
      .command(`${kind} <workflowId>`)
      .description(
        kind === 'approve' ? 'promote the candidate waiting at the approval gate' : 'reject the candidate waiting at the approval gate',
      )
      .requiredOption('--by <name>', 'who decides (recorded in the audit log; one of `approvers` when the configuration lists them)')
      .option('--comment <text>', 'why')
      .option('--candidate <version>', 'the candidate version you reviewed (refused if another one is waiting)')
      .option('--json', 'print the resulting status as JSON')
      .action(async (workflowId: string, o: { by: string; comment?: string; candidate?: string; json?: boolean }) => {
        // Before connecting: an empty name is a mistake in the command line, not a question for the run.
        checkPerson('--by', o.by);
        const { connectClient } = await import('../connection');
        const { decide } = await import('./decide');
        const { client, close } = await connectClient();
        try {
          const s = await decide(client, workflowId, kind, { by: o.by, comment: o.comment, version: o.candidate });
          if (o.json) console.log(JSON.stringify(s, null, 2));
          else console.log(`${workflowId}: ${s.outcome}${s.reason ? ` — ${s.reason}` : ''}`);
        } finally {
          await close();
        }
      });
  }

  program
    .command('cancel <workflowId>')
    .description('cancel a run (as the Web UI does): the stage in flight stops, nothing more is registered, the run ends `cancelled`')
    .option('--wait-ms <ms>', 'how long to wait for the run to end', '60000')
    .option('--json', 'print the resulting status as JSON')
    .action(async (workflowId: string, o: { waitMs: string; json?: boolean }) => {
      const waitMs = Number(o.waitMs);
      if (!Number.isFinite(waitMs) || waitMs < 0) throw new ConfigError(`--wait-ms ${o.waitMs}: expected a number of milliseconds`);
      const { connectClient } = await import('../connection');
      const { cancelRun } = await import('./cancel');
      const { client, close } = await connectClient();
      try {
        const s = await cancelRun(client, workflowId, { waitMs });
        if (o.json) console.log(JSON.stringify(s, null, 2));
        else console.log(`${workflowId}: ${s.outcome}${s.reason ? ` — ${s.reason}` : ''}`);
      } finally {
        await close();
      }
    });
}
