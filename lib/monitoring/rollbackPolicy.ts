/** One automatic rollback, kept in the model line's auto-rollback log. */
export interface AutoRollbackRecord {
  at: string;
  from: string;
  to: string;
  reason: string;
  /** The monitoring run that decided it (the workflow ID of performanceMonitor). */
  runId: string;
}

export interface FormerProduction {
  version: string;
  /** When it last left production. */
  leftAt: string;
}

export type RollbackDecision = { rollback: true; to: string; reason: string } | { rollback: false; reason: string };

/**
 * Whether a confirmed drop may roll production back: at most once per cool-down, never to a
 * version that was itself rolled back for a drop, never while a candidate awaits a human decision
 * on the same model (the reviewer would approve against a production that changed under them).
 * The target is the most recent former production that passes those rules.
 */
export function decideAutoRollback(o: {
  now: string;
  production: string;
  formerProductions: FormerProduction[];
  history: AutoRollbackRecord[];
  pendingDecision: string | null;
  coolDownHours: number;
}): RollbackDecision {
  if (o.pendingDecision) return { rollback: false, reason: `a human decision is pending on ${o.pendingDecision}` };
  const last = o.history.at(-1);
  if (last) {
    const hours = (Date.parse(o.now) - Date.parse(last.at)) / 3_600_000;
    if (hours < o.coolDownHours)
      return {
        rollback: false,
        reason: `cool-down: the last automatic rollback (${last.from} → ${last.to}) was ${hours.toFixed(1)} h ago, the cool-down is ${o.coolDownHours} h`,
      };
  }
  const droppedBefore = new Set(o.history.map((h) => h.from));
  const candidates = o.formerProductions
    .filter((f) => f.version !== o.production && !droppedBefore.has(f.version))
    .sort((a, b) => (a.leftAt < b.leftAt ? 1 : -1));
  const target = candidates[0];
  if (!target) {
    const excluded = o.formerProductions.filter((f) => droppedBefore.has(f.version)).map((f) => f.version);
    return {
      rollback: false,
      reason: `no former production version to roll back to${excluded.length ? ` (${excluded.join(', ')} were rolled back for a drop)` : ''}`,
    };
  }
  return { rollback: true, to: target.version, reason: `performance drop of ${o.production}` };
}
