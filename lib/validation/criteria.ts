import type { PromotionCriteria } from '../config/pipeline';

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
}

export interface PromotionDecision {
  decision: 'PROMOTE' | 'REJECT';
  criteria: CriterionResult[];
  failed: string[];
  firstModel: boolean;
}

/**
 * Thresholds, the naive baseline, and — when there is a production model scored on the same
 * holdout rows — "not worse than production by more than the tolerance" on the primary metric.
 * A first model is judged on thresholds and baseline only.
 */
export function evaluatePromotion(o: { candidate: MetricsForPromotion; production?: MetricsForPromotion | null; criteria: PromotionCriteria }): PromotionDecision {
  const c = o.candidate;
  const k = o.criteria;
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : String(x));
  const min = (name: string, actual: number, required: number): CriterionResult => ({
    name,
    passed: actual >= required,
    actual,
    required,
    detail: `${name} ${fmt(actual)} ${actual >= required ? '≥' : '<'} ${fmt(required)}`,
  });
  const criteria: CriterionResult[] = [
    min('accuracy', c.accuracy, k.minAccuracy),
    min('precision', c.precision, k.minPrecision),
    min('recall', c.recall, k.minRecall),
    min('f1', c.f1, k.minF1),
    {
      name: 'baseline',
      passed: c.accuracy > c.baselineAccuracy,
      actual: c.accuracy,
      required: c.baselineAccuracy,
      detail: `accuracy ${fmt(c.accuracy)} ${c.accuracy > c.baselineAccuracy ? '>' : '≤'} naive baseline ${fmt(c.baselineAccuracy)}`,
    },
  ];
  if (o.production) {
    const metric = k.primaryMetric;
    const required = o.production[metric] - k.tolerance;
    criteria.push({
      name: 'vs_production',
      passed: c[metric] >= required,
      actual: c[metric],
      required,
      detail: `${metric} ${fmt(c[metric])} vs production ${fmt(o.production[metric])} (tolerance ${k.tolerance})`,
    });
  }
  const failed = criteria.filter((x) => !x.passed).map((x) => x.name);
  return { decision: failed.length === 0 ? 'PROMOTE' : 'REJECT', criteria, failed, firstModel: !o.production };
}
