import type { PromotionCriteria } from '../config/pipeline';
import { formatInterval, pIs } from '../stats/format';
import type { HoldoutEvidence } from '../stats/holdoutEvidence';

export interface MetricsForPromotion {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  rocAuc: number;
  balancedAccuracy: number;
  baselineAccuracy: number;
}

export interface CriterionResult {
  name: string;
  passed: boolean;
  actual: number;
  required: number;
  detail: string;
  /** The test's p-value, for criteria decided by a test (`baseline`, `vs_production`). */
  pValue?: number;
  /** The level it was compared with. */
  alpha?: number;
}

export interface PromotionDecision {
  decision: 'PROMOTE' | 'REJECT';
  criteria: CriterionResult[];
  failed: string[];
  firstModel: boolean;
}

/**
 * Minimum thresholds on the point estimates, then two tests on the holdout evidence (paired block
 * bootstrap over dates, lib/stats):
 * - `baseline`: the candidate's accuracy is above the naive baseline on the same rows at level α
 *   (one-sided bootstrap p-value), not merely numerically above it;
 * - `vs_production` (when a production model was scored on the same rows), on the primary metric:
 *   policy `non-inferior` — the difference is ≥ −tolerance *and* not significantly below 0 at α;
 *   policy `significant` — in addition significantly above 0 at α.
 * A first model is judged on thresholds and the skill test only.
 */
export function evaluatePromotion(o: {
  candidate: MetricsForPromotion;
  production?: MetricsForPromotion | null;
  criteria: PromotionCriteria;
  evidence: HoldoutEvidence;
}): PromotionDecision {
  const c = o.candidate;
  const k = o.criteria;
  const ev = o.evidence;
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));
  const min = (name: keyof MetricsForPromotion, label: string, required: number): CriterionResult => {
    const actual = c[name];
    const passed = actual >= required;
    const shown =
      name in ev.candidate.metrics
        ? formatInterval(ev.candidate.metrics[name as keyof HoldoutEvidence['candidate']['metrics']])
        : fmt(actual);
    return { name: label, passed, actual, required, detail: `${label} ${shown} ${passed ? '≥' : '<'} ${fmt(required)}` };
  };
  const criteria: CriterionResult[] = [
    min('accuracy', 'accuracy', k.minAccuracy),
    min('precision', 'precision', k.minPrecision),
    min('recall', 'recall', k.minRecall),
    min('f1', 'f1', k.minF1),
    skillCriterion(c, ev, k.alpha),
  ];
  if (o.production && ev.paired) criteria.push(productionCriterion(o.production, ev, k));
  const failed = criteria.filter((x) => !x.passed).map((x) => x.name);
  return { decision: failed.length === 0 ? 'PROMOTE' : 'REJECT', criteria, failed, firstModel: !o.production };
}

function skillCriterion(c: MetricsForPromotion, ev: HoldoutEvidence, alpha: number): CriterionResult {
  const p = ev.skill.p.greater;
  const passed = p < alpha;
  const verdict = passed ? `better than the naive baseline at α = ${alpha}` : `not distinguishable from the naive baseline at α = ${alpha}`;
  return {
    name: 'baseline',
    passed,
    actual: c.accuracy,
    required: c.baselineAccuracy,
    pValue: p,
    alpha,
    detail: `accuracy ${c.accuracy.toFixed(3)} vs naive baseline ${c.baselineAccuracy.toFixed(3)}: difference ${formatInterval(ev.skill.difference, 3, { signed: true })}, ${pIs(p)} — ${verdict}`,
  };
}

function productionCriterion(prod: MetricsForPromotion, ev: HoldoutEvidence, k: PromotionCriteria): CriterionResult {
  const metric = k.primaryMetric;
  const t = ev.paired!.metrics[metric];
  const diff = t.difference.estimate;
  const notWorse = diff >= -k.tolerance;
  const notSignificantlyWorse = t.p.less >= k.alpha;
  const significantlyBetter = t.p.greater < k.alpha;
  const passed = notWorse && notSignificantlyWorse && (k.policy !== 'significant' || significantlyBetter);
  const why = !notWorse
    ? `worse than production by more than the tolerance ${k.tolerance}`
    : !notSignificantlyWorse
      ? `significantly worse than production (${pIs(t.p.less)} < α = ${k.alpha})`
      : k.policy === 'significant' && !significantlyBetter
        ? `not significantly better than production (${pIs(t.p.greater)} ≥ α = ${k.alpha}), required by policy "significant"`
        : k.policy === 'significant'
          ? 'significantly better than production'
          : 'not worse than production';
  const pValue = k.policy === 'significant' ? t.p.greater : t.p.less;
  return {
    name: 'vs_production',
    passed,
    actual: diff,
    required: -k.tolerance,
    pValue,
    alpha: k.alpha,
    detail: `${metric} ${prod[metric].toFixed(3)} (production) → candidate − production ${formatInterval(t.difference, 3, { signed: true })}, two-sided ${pIs(t.p.twoSided)}; policy ${k.policy}, tolerance ${k.tolerance}: ${why}`,
  };
}
