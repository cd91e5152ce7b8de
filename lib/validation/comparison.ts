import type { PipelineConfig } from '../config/pipeline';
import type { HoldoutEvidence } from '../stats/holdoutEvidence';
import { evaluatePromotion, type MetricsForPromotion, type PromotionDecision } from './criteria';
import { searchTrials } from './decide';
import { evidenceFor, type HoldoutRowsDetail } from './evidenceInput';
import { summariseEvidence, type EvidenceSummary } from './evidenceSummary';
import { forcedMark, type ForcedMark } from './forced';

export type ComparisonSettings = Pick<PipelineConfig, 'labelHorizon' | 'seed' | 'criteria' | 'trials' | 'force' | 'skipValidation'>;

export interface ComparisonVerdict {
  evidence: HoldoutEvidence;
  evidenceSummary: EvidenceSummary;
  decision: PromotionDecision;
  /** Set when --force or --skip-validation let the candidate reach the gate whatever the criteria said. */
  forced?: ForcedMark;
}

/**
 * The compare stage's decision, from the backtest's per-row holdout detail alone: the evidence
 * (seeded from the run's seed, so a retried compare reproduces every number), PROMOTE/REJECT
 * against the criteria and the FORCED mark. Pure: no files, no registry.
 */
export function decideComparison(o: {
  detail: HoldoutRowsDetail;
  candidate: MetricsForPromotion;
  /** Production's metrics on the same rows, or null when there is none (a first model). */
  production: MetricsForPromotion | null;
  /** Where the candidate's parameters came from ('search' counts the trials for the Deflated Sharpe Ratio). */
  paramsSource: string;
  settings: ComparisonSettings;
}): ComparisonVerdict {
  const s = o.settings;
  const evidence = evidenceFor({
    detail: o.detail,
    labelHorizon: s.labelHorizon,
    seed: s.seed,
    alpha: s.criteria.alpha,
    trials: searchTrials({ paramsSource: o.paramsSource, trials: s.trials }),
  });
  // --force skips the comparison with production (the convention's "force promotion").
  const decision = evaluatePromotion({
    candidate: o.candidate,
    production: s.force ? null : o.production,
    criteria: s.criteria,
    evidence,
  });
  const forced = forcedMark({ force: s.force, skipValidation: s.skipValidation, decision });
  return { evidence, evidenceSummary: summariseEvidence(evidence), decision, ...(forced ? { forced } : {}) };
}
