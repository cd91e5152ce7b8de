import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import { workflowUiLink, type TemporalSettings } from '../../lib/config/temporal';
import { ConfigError } from '../../lib/util/errors';
import type { PipelineStatus } from '../../workflows/types';

export interface RunsFilter {
  modelName?: string;
  awaitingApproval?: boolean;
  outcome?: string;
  limit: number;
}

export interface RunRow {
  workflowId: string;
  runId: string;
  model: string | null;
  stage: string | null;
  candidate: string | null;
  outcome: string | null;
  status: string;
  startedAt: string;
  uiLink: string;
}

const NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** A visibility query over trainctl's search attributes (values are checked, never pasted raw). */
export function runsQuery(f: RunsFilter): string {
  const parts = ["WorkflowType = 'trainingPipeline'"];
  if (f.modelName !== undefined) {
    if (!NAME.test(f.modelName))
      throw new ConfigError(`--model-name ${JSON.stringify(f.modelName)}: letters, digits, dot, dash and underscore only`);
    parts.push(`ModelName = '${f.modelName}'`);
  }
  if (f.awaitingApproval) parts.push(`PipelineStage = 'awaiting_approval'`, `ExecutionStatus = 'Running'`);
  if (f.outcome !== undefined) {
    if (!NAME.test(f.outcome))
      throw new ConfigError(`--outcome ${JSON.stringify(f.outcome)}: expected an outcome such as promoted, failed, cancelled`);
    parts.push(`Outcome = '${f.outcome}'`);
  }
  return parts.join(' AND ');
}

/** Runs by their search attributes (Temporal visibility), newest first, without a worker. */
export async function listRuns(client: Client, settings: TemporalSettings, f: RunsFilter): Promise<RunRow[]> {
  const rows: RunRow[] = [];
  for await (const w of client.workflow.list({ query: runsQuery(f), pageSize: Math.min(f.limit, 100) })) {
    const sa = w.typedSearchAttributes;
    const memoStatus = (w.memo?.status ?? null) as PipelineStatus | null;
    const get = (name: string): string | null => {
      const pair = sa.getAll().find((p) => p.key.name === name);
      return typeof pair?.value === 'string' ? pair.value : null;
    };
    rows.push({
      workflowId: w.workflowId,
      runId: w.runId,
      model: get('ModelName') ?? memoStatus?.modelName ?? (w.memo?.modelName as string | undefined) ?? null,
      stage: get('PipelineStage') ?? memoStatus?.stage ?? null,
      candidate: get('CandidateVersion') ?? memoStatus?.candidateVersion ?? null,
      outcome: get('Outcome') ?? memoStatus?.outcome ?? null,
      status: w.status.name,
      startedAt: w.startTime.toISOString(),
      uiLink: workflowUiLink(settings, w.workflowId),
    });
    if (rows.length >= f.limit) break;
  }
  return rows;
}

export function formatRuns(rows: RunRow[], f: RunsFilter): string {
  if (rows.length === 0) return f.awaitingApproval ? 'no run is awaiting approval' : 'no runs match';
  const header = ['workflow ID', 'model', 'stage', 'candidate', 'outcome', 'started'];
  const table = rows.map((r) => [
    r.workflowId,
    r.model ?? '—',
    r.stage ?? '—',
    r.candidate ?? '—',
    r.outcome ?? r.status.toLowerCase(),
    r.startedAt.slice(0, 19).replace('T', ' '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [line(header), ...table.map(line)];
  if (f.awaitingApproval)
    out.push('', ...rows.map((r) => `npx trainctl approve ${r.workflowId} --by NAME   # ${r.candidate ?? ''} · ${r.uiLink}`));
  return out.join('\n');
}

/** `trainctl runs list`: runs by their search attributes (ModelName, PipelineStage, CandidateVersion, Outcome). */
export function addRunsListCommand(runs: Command): void {
  runs
    .command('list')
    .description('runs found by their search attributes, newest first: all, one model line, one outcome, or those awaiting approval')
    .option('--model-name <name>', 'only this model line')
    .option('--awaiting-approval', 'only open runs waiting at the approval gate (with the command to decide each)')
    .option('--outcome <outcome>', 'only runs that ended so (promoted, rejected, expired, failed, skipped, cancelled)')
    .option('--limit <n>', 'at most this many', '20')
    .option('--json', 'machine-readable')
    .action(async (o: { modelName?: string; awaitingApproval?: boolean; outcome?: string; limit: string; json?: boolean }) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new ConfigError(`--limit ${o.limit}: expected a whole number from 1 to 1000`);
      const filter: RunsFilter = {
        limit,
        ...(o.modelName !== undefined ? { modelName: o.modelName } : {}),
        ...(o.awaitingApproval ? { awaitingApproval: true } : {}),
        ...(o.outcome !== undefined ? { outcome: o.outcome } : {}),
      };
      runsQuery(filter); // a bad filter is a configuration error before connecting
      const { connectClient } = await import('../connection');
      const { client, settings, close } = await connectClient();
      try {
        const rows = await listRuns(client, settings, filter);
        console.log(o.json ? JSON.stringify(rows, null, 2) : formatRuns(rows, filter));
      } finally {
        await close();
      }
    });
}
