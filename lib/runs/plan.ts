import type { ScratchRetentionPolicy } from './policy';
import type { RunScratch } from './scratch';

/** Why a run's scratch stays whatever the rules say. */
export type ProtectedReason = 'open' | 'live-version' | 'recent';

export interface ScratchDecision {
  run: RunScratch;
  model: string | null;
  remove: boolean;
  /** For a removal: the rule (`keep`, `max-age`, `max-size`); for a kept run: protected or `policy`. */
  reason: ProtectedReason | 'policy' | 'keep' | 'max-age' | 'max-size';
}

export interface PlanScratchPruneInput {
  runs: RunScratch[];
  policy: ScratchRetentionPolicy;
  /** The model line of each run (null: unknown, grouped together). */
  modelOf: (pipelineId: string) => string | null;
  /** Pipeline IDs of runs still open in Temporal. */
  open: ReadonlySet<string>;
  /** Pipeline IDs of the runs that registered the versions in production or staging. */
  live: ReadonlySet<string>;
  now: number;
  /**
   * Scratch written more recently than this is never removed: a run that has just started may
   * not be visible as open yet (visibility lags), or may belong to another Temporal namespace.
   */
  graceMs: number;
}

const DAY_MS = 86_400_000;

/**
 * Which run folders to remove. Removed when beyond the newest `keep` of its model line, or older
 * than `maxAgeDays`; then, while the folder is over `maxSizeMb`, the oldest of the rest. Never an
 * open run, the run of a production or staging version, or a folder written within the grace.
 */
export function planScratchPrune(o: PlanScratchPruneInput): ScratchDecision[] {
  const newestFirst = [...o.runs].sort((a, b) => b.lastWriteMs - a.lastWriteMs || a.pipelineId.localeCompare(b.pipelineId));
  const seenPerModel = new Map<string | null, number>();
  const decisions = newestFirst.map((run): ScratchDecision => {
    const model = o.modelOf(run.pipelineId);
    const rank = seenPerModel.get(model) ?? 0;
    seenPerModel.set(model, rank + 1);
    const guard = protection(run, o);
    if (guard) return { run, model, remove: false, reason: guard };
    if (o.policy.keep > 0 && rank >= o.policy.keep) return { run, model, remove: true, reason: 'keep' };
    if (o.policy.maxAgeDays > 0 && o.now - run.lastWriteMs > o.policy.maxAgeDays * DAY_MS)
      return { run, model, remove: true, reason: 'max-age' };
    return { run, model, remove: false, reason: 'policy' };
  });
  if (o.policy.maxSizeMb > 0) {
    let total = decisions.filter((d) => !d.remove).reduce((s, d) => s + d.run.bytes, 0);
    const cap = o.policy.maxSizeMb * 1024 * 1024;
    for (const d of [...decisions].reverse()) {
      if (total <= cap) break;
      if (d.remove || d.reason !== 'policy') continue;
      d.remove = true;
      d.reason = 'max-size';
      total -= d.run.bytes;
    }
  }
  return decisions;
}

function protection(run: RunScratch, o: PlanScratchPruneInput): ProtectedReason | null {
  if (o.open.has(run.pipelineId)) return 'open';
  if (o.live.has(run.pipelineId)) return 'live-version';
  if (o.now - run.lastWriteMs < o.graceMs) return 'recent';
  return null;
}
