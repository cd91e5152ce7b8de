import type { Command } from 'commander';
import { ConfigError } from '../../lib/util/errors';

interface RunsPruneFlags {
  keep?: string;
  maxAgeDays?: string;
  maxSizeMb?: string;
  dryRun?: boolean;
  json?: boolean;
}

const wholeNumber = (flag: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${flag} expects a whole number ≥ 0 (0 turns the rule off), got "${text}"`);
  return n;
};

/**
 * `trainctl runs prune`: the run scratch retention the worker applies every hour (lib/runs), now,
 * with the configured policy or the one given. Open runs come from Temporal: without a server
 * nothing is removed (exit 3), because an open run's scratch must stay.
 */
export function addRunsPruneCommand(runs: Command): void {
  runs
    .command('prune')
    .description('remove the scratch of old runs: keeps open runs, production and staging runs, and what the policy keeps')
    .option('--keep <n>', 'runs of each model line to keep (default TRAINCTL_RUNS_KEEP or 10)')
    .option('--max-age-days <d>', 'remove runs older than this (default TRAINCTL_RUNS_MAX_AGE_DAYS or 14)')
    .option('--max-size-mb <m>', 'then remove the oldest until the folder is under this (default TRAINCTL_RUNS_MAX_SIZE_MB or 2048)')
    .option('--dry-run', 'show what would be removed; remove nothing')
    .option('--json', 'machine-readable')
    .action(async (o: RunsPruneFlags) => {
      const { effectiveEnv } = await import('../../lib/config/load');
      const { resolvePaths } = await import('../../lib/config/paths');
      const { pruneRunScratch, scratchRetentionFromEnv } = await import('../../lib/runs');
      const { openPipelineIds } = await import('../../workers/scratchRetention');
      const { connectClient } = await import('../connection');
      const configured = scratchRetentionFromEnv(effectiveEnv());
      const policy = {
        keep: wholeNumber('--keep', o.keep) ?? configured.keep,
        maxAgeDays: wholeNumber('--max-age-days', o.maxAgeDays) ?? configured.maxAgeDays,
        maxSizeMb: wholeNumber('--max-size-mb', o.maxSizeMb) ?? configured.maxSizeMb,
      };
      const { client, close } = await connectClient();
      let openRuns: Set<string>;
      try {
        openRuns = await openPipelineIds(client);
      } finally {
        await close();
      }
      const result = await pruneRunScratch({ paths: resolvePaths(), policy, openRuns, dryRun: o.dryRun });
      const mb = (b: number) => (b / 1048576).toFixed(1);
      if (o.json) {
        const runs = result.decisions.map((d) => ({
          pipelineId: d.run.pipelineId,
          model: d.model,
          mb: Number(mb(d.run.bytes)),
          lastWrite: new Date(d.run.lastWriteMs).toISOString(),
          removed: d.remove,
          reason: d.reason,
        }));
        return console.log(JSON.stringify({ policy, dryRun: Boolean(o.dryRun), freedMb: Number(mb(result.freedBytes)), runs }, null, 2));
      }
      for (const d of result.decisions.filter((x) => x.remove))
        console.log(`${o.dryRun ? 'would remove' : 'removed'} ${d.run.pipelineId} (${mb(d.run.bytes)} MB, ${d.reason})`);
      const kept = result.decisions.filter((d) => !d.remove);
      console.log(
        `${o.dryRun ? 'would free' : 'freed'} ${mb(result.freedBytes)} MB; kept ${kept.length} run(s), ${mb(result.keptBytes)} MB ` +
          `(${kept.filter((d) => d.reason === 'open').length} open, ${kept.filter((d) => d.reason === 'live-version').length} production/staging) — ` +
          `policy keep ${policy.keep}, max age ${policy.maxAgeDays} d, max size ${policy.maxSizeMb} MB (0 = off)`,
      );
    });
}
