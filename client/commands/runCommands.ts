import type { Command } from 'commander';
import { workflowUiLink } from '../../lib/config/temporal';
import { formatStatus } from '../format';

/**
 * `status`, `approve` and `reject`: the commands a person runs most, kept free of heavy imports
 * (no zod, no configuration schema) so they start fast; the Temporal client is loaded in the action.
 */
export function addRunCommands(program: Command): void {
  program
    .command('status <workflowId>')
    .description('stage, timings, metrics and outcome of a run (the latest under a workflow ID such as train-direction-classifier)')
    .option('--json', 'machine-readable, with the `outcome` field')
    .action(async (workflowId: string, o: { json?: boolean }) => {
      const { connectClient } = await import('../connection');
      const { readRunStatus } = await import('../runStatus');
      const { client, settings, close } = await connectClient();
      try {
        const { withShadowCount } = await import('../shadow');
        const s = await withShadowCount(await readRunStatus(client, workflowId));
        if (o.json) console.log(JSON.stringify(s, null, 2));
        else console.log(formatStatus(s, workflowUiLink(settings, workflowId)));
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
      .requiredOption('--by <name>', 'who decides (recorded in the audit log)')
      .option('--comment <text>', 'why')
      .option('--candidate <version>', 'the candidate version you reviewed (refused if another one is waiting)')
      .option('--json', 'print the resulting status as JSON')
      .action(async (workflowId: string, o: { by: string; comment?: string; candidate?: string; json?: boolean }) => {
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
}
