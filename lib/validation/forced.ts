import type { PromotionDecision } from './criteria';

/**
 * The convention's "force promotion" and skip_validation: a person still approves, but the candidate
 * reaches the gate whatever the criteria said, and every place that shows it says FORCED.
 */
export interface ForcedMark {
  /** Which switches were on. */
  by: Array<'force' | 'skip-validation'>;
  /** Criteria the candidate failed (empty when it passed anyway). */
  failed: string[];
  /** One line for reports, notifications and the audit log, starting with "FORCED". */
  note: string;
}

/** The mark for a run with --force and/or --skip-validation; undefined for an ordinary run. */
export function forcedMark(o: {
  force: boolean;
  skipValidation: boolean;
  decision: Pick<PromotionDecision, 'decision' | 'failed'>;
}): ForcedMark | undefined {
  const by = [...(o.force ? (['force'] as const) : []), ...(o.skipValidation ? (['skip-validation'] as const) : [])];
  if (by.length === 0) return undefined;
  const switches = by.map((b) => `--${b}`).join(' and ');
  const verdict = o.decision.failed.length
    ? `failed ${o.decision.failed.join(', ')} but reaches the approval gate`
    : 'passed the criteria it was checked on';
  const skipped = o.force ? '; not compared with production' : '';
  return { by, failed: [...o.decision.failed], note: `FORCED (${switches}): ${verdict}${skipped}` };
}

/** Whether the candidate goes on to the approval gate: it passed, or a person forced it there. */
export function reachesGate(decision: Pick<PromotionDecision, 'decision'>, forced: ForcedMark | undefined): boolean {
  return decision.decision === 'PROMOTE' || forced !== undefined;
}
