import { rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Paths } from '../config/paths';
import { listModelLines, openRegistry, registryRoot } from '../registry';
import { planScratchPrune, type ScratchDecision } from './plan';
import type { ScratchRetentionPolicy } from './policy';
import { listRunScratch, modelOfRun } from './scratch';

export interface PruneRunScratchInput {
  paths: Pick<Paths, 'runsDir' | 'modelsDir'>;
  policy: ScratchRetentionPolicy;
  /** Pipeline IDs of the runs still open. The caller must know them: when it cannot, do not prune. */
  openRuns: Iterable<string>;
  now?: Date;
  /** Default one hour (see planScratchPrune). */
  graceMs?: number;
  /** Decide only; remove nothing. */
  dryRun?: boolean;
}

export interface PruneRunScratchResult {
  decisions: ScratchDecision[];
  removed: string[];
  freedBytes: number;
  keptBytes: number;
}

export const DEFAULT_SCRATCH_GRACE_MS = 3_600_000;

/** Apply the retention policy to `runsDir` (see planScratchPrune for the rules). */
export async function pruneRunScratch(o: PruneRunScratchInput): Promise<PruneRunScratchResult> {
  const { registered, live } = await registeredRuns(o.paths.modelsDir);
  const decisions = planScratchPrune({
    runs: await listRunScratch(o.paths.runsDir),
    policy: o.policy,
    modelOf: (id) => modelOfRun(id, registered),
    open: new Set(o.openRuns),
    live,
    now: (o.now ?? new Date()).getTime(),
    graceMs: o.graceMs ?? DEFAULT_SCRATCH_GRACE_MS,
  });
  const removed: string[] = [];
  let freedBytes = 0;
  for (const d of decisions.filter((x) => x.remove)) {
    // Only ever a direct child of runsDir, whatever the folder is called.
    if (dirname(resolve(d.run.dir)) !== resolve(o.paths.runsDir)) continue;
    if (!o.dryRun) await rm(d.run.dir, { recursive: true, force: true });
    removed.push(d.run.pipelineId);
    freedBytes += d.run.bytes;
  }
  const keptBytes = decisions.filter((d) => !d.remove).reduce((s, d) => s + d.run.bytes, 0);
  return { decisions, removed, freedBytes, keptBytes };
}

/**
 * From every model line's registry: pipeline ID → model line of each registered version, and the
 * pipeline IDs behind the production and staging versions (their scratch stays).
 */
async function registeredRuns(modelsDir: string): Promise<{ registered: Map<string, string>; live: Set<string> }> {
  const registered = new Map<string, string>();
  const live = new Set<string>();
  for (const line of await listModelLines(modelsDir)) {
    const versions = await (await openRegistry({ root: registryRoot(modelsDir, line) })).list();
    for (const v of versions) {
      registered.set(v.runId, line);
      if (v.stage === 'production' || v.stage === 'staging') live.add(v.runId);
    }
  }
  return { registered, live };
}
