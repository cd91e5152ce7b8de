import { describe, expect, it } from 'vitest';
import { DEFAULT_PIPELINE_CONFIG, type PromotionCriteria } from '../../../lib/config/pipeline';
import { classificationMetrics } from '../../../lib/evaluation';
import { holdoutEvidence } from '../../../lib/stats';
import { ValidationError } from '../../../lib/util/errors';
import { comparisonSummary, evaluatePromotion, evidenceFor, searchTrials, summariseEvidence } from '../../../lib/validation';

/** 150 dates × 4 tickers; `flip` of the candidate's correct rows made wrong for production. */
function holdout(o: { seed: number; skill: number }) {
  let s = o.seed;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const dates: string[] = [],
    y: number[] = [],
    proba: number[] = [];
  for (let d = 0; d < 150; d++) {
    const date = new Date(Date.UTC(2026, 2, 1) + d * 86_400_000).toISOString().slice(0, 10);
    for (let t = 0; t < 4; t++) {
      const up = rnd() < 0.52 ? 1 : 0;
      dates.push(date);
      y.push(up);
      proba.push(Math.min(0.95, Math.max(0.05, 0.5 + (up ? o.skill : -o.skill) + (rnd() - 0.5) * 0.6)));
    }
  }
  return { dates, y, proba };
}

/** A production model equal to the candidate except on every k-th row, where it is flipped to the other side. */
function perturbed(proba: number[], every: number): number[] {
  return proba.map((p, i) => (i % every === 0 ? 1 - p : p));
}

const criteria = (over: Partial<PromotionCriteria> = {}): PromotionCriteria => ({
  ...DEFAULT_PIPELINE_CONFIG.criteria,
  minAccuracy: 0,
  minPrecision: 0,
  minRecall: 0,
  minF1: 0,
  tolerance: 0,
  ...over,
});
const summary = (y: number[], p: number[]) => {
  const { n, accuracy, precision, recall, f1, rocAuc, logLoss, balancedAccuracy, baselineAccuracy } = classificationMetrics(y, p);
  return { n, accuracy, precision, recall, f1, rocAuc, logLoss, balancedAccuracy, baselineAccuracy };
};

describe('evidence-based promotion criteria', () => {
  it('the baseline criterion is the skill test: numerically above the baseline is not enough', () => {
    const weak = holdout({ seed: 6, skill: 0.03 }); // accuracy 0.562 vs baseline 0.538 on 600 rows
    const m = summary(weak.y, weak.proba);
    const ev = holdoutEvidence({ dates: weak.dates, y: weak.y, candidate: { proba: weak.proba }, labelHorizon: 5, seed: 1, alpha: 0.05 });
    expect(m.accuracy).toBeGreaterThan(m.baselineAccuracy); // the old raw comparison would pass it
    const d = evaluatePromotion({ candidate: m, criteria: criteria(), evidence: ev });
    const baseline = d.criteria.find((c) => c.name === 'baseline')!;
    expect(baseline.passed).toBe(false);
    expect(baseline.pValue).toBe(ev.skill.p.greater);
    expect(baseline.pValue!).toBeGreaterThanOrEqual(0.05);
    expect(baseline.detail).toContain('not distinguishable from the naive baseline at α = 0.05');
    expect(d).toMatchObject({ decision: 'REJECT', failed: ['baseline'], firstModel: true });

    const strong = holdout({ seed: 4, skill: 0.2 });
    const evs = holdoutEvidence({
      dates: strong.dates,
      y: strong.y,
      candidate: { proba: strong.proba },
      labelHorizon: 5,
      seed: 1,
      alpha: 0.05,
    });
    const ds = evaluatePromotion({ candidate: summary(strong.y, strong.proba), criteria: criteria(), evidence: evs });
    expect(ds.decision).toBe('PROMOTE');
    expect(ds.criteria.find((c) => c.name === 'baseline')!.detail).toMatch(
      /difference \+0\.\d{3} \[\+0\.\d{3}, \+0\.\d{3}\], p (<|=) 0\.\d{3} — better than the naive baseline/,
    );
  });

  it('non-inferior by default: equal passes, any point loss fails with tolerance 0; "significant" needs a significant gain', () => {
    const h = holdout({ seed: 9, skill: 0.2 });
    const run = (prodProba: number[], over: Partial<PromotionCriteria> = {}) => {
      const ev = holdoutEvidence({
        dates: h.dates,
        y: h.y,
        candidate: { proba: h.proba },
        production: { proba: prodProba },
        labelHorizon: 5,
        seed: 3,
        alpha: 0.05,
      });
      const d = evaluatePromotion({
        candidate: summary(h.y, h.proba),
        production: summary(h.y, prodProba),
        criteria: criteria(over),
        evidence: ev,
      });
      return d.criteria.find((c) => c.name === 'vs_production')!;
    };
    const same = run(h.proba);
    expect(same.passed).toBe(true);
    expect(same.detail).toContain('not worse than production');
    // Production flipped on a few rows: the candidate is better, by a small margin.
    const slightlyBetter = run(perturbed(h.proba, 150));
    expect(slightlyBetter.actual).toBeGreaterThan(0);
    expect(slightlyBetter.passed).toBe(true);
    expect(run(perturbed(h.proba, 150), { policy: 'significant' }).passed).toBe(false);
    expect(run(perturbed(h.proba, 150), { policy: 'significant' }).detail).toContain('not significantly better than production');
    // Clearly better: production wrong on every 3rd row.
    expect(run(perturbed(h.proba, 3), { policy: 'significant' }).passed).toBe(true);
    // The candidate is the perturbed one: a point loss fails at tolerance 0 …
    const hCand = perturbed(h.proba, 150);
    const evWorse = holdoutEvidence({
      dates: h.dates,
      y: h.y,
      candidate: { proba: hCand },
      production: { proba: h.proba },
      labelHorizon: 5,
      seed: 3,
      alpha: 0.05,
    });
    const worse = (over: Partial<PromotionCriteria>) =>
      evaluatePromotion({
        candidate: summary(h.y, hCand),
        production: summary(h.y, h.proba),
        criteria: criteria(over),
        evidence: evWorse,
      }).criteria.find((c) => c.name === 'vs_production')!;
    expect(worse({}).passed).toBe(false);
    expect(worse({}).detail).toContain('worse than production by more than the tolerance 0');
    // … and passes within a tolerance when the loss is not significant.
    const tol = worse({ tolerance: 0.05 });
    expect(evWorse.paired!.metrics.accuracy.p.less).toBeGreaterThanOrEqual(0.05);
    expect(tol.passed).toBe(true);
  });

  it('a significant loss fails even within the tolerance', () => {
    const h = holdout({ seed: 9, skill: 0.2 });
    const cand = perturbed(h.proba, 4);
    const ev = holdoutEvidence({
      dates: h.dates,
      y: h.y,
      candidate: { proba: cand },
      production: { proba: h.proba },
      labelHorizon: 5,
      seed: 3,
      alpha: 0.05,
    });
    const d = evaluatePromotion({
      candidate: summary(h.y, cand),
      production: summary(h.y, h.proba),
      criteria: criteria({ tolerance: 0.5 }),
      evidence: ev,
    });
    const c = d.criteria.find((x) => x.name === 'vs_production')!;
    expect(c.passed).toBe(false);
    expect(c.detail).toContain('significantly worse than production');
  });

  it('summarises with intervals and words, builds evidence from the backtest detail, and refuses a detail without dates', () => {
    const h = holdout({ seed: 2, skill: 0.01 });
    const days = [...new Set(h.dates)];
    let eq = 1;
    const daily = days.map((date, i) => ({ date, strategy: (eq *= 1 + 0.0005 * Math.cos(i)) }));
    const detail = { dates: h.dates, y: h.y, candidate: { proba: h.proba, backtest: { daily } }, production: null };
    const ev = evidenceFor({
      detail,
      labelHorizon: 5,
      seed: 11,
      alpha: 0.05,
      trials: searchTrials({ paramsSource: 'search', trials: 30 }),
    });
    expect(ev.candidate.dsr?.trials).toBe(30);
    expect(searchTrials({ paramsSource: 'default', trials: 30 })).toBeUndefined();
    const m = summary(h.y, h.proba);
    const decision = evaluatePromotion({ candidate: m, criteria: criteria(), evidence: ev });
    const text = comparisonSummary({
      version: 'v1.0.0',
      modelType: 'xgb',
      synthetic: true,
      productionVersion: null,
      holdout: { start: days[0]!, end: days.at(-1)!, rows: h.y.length },
      metrics: m,
      evidence: ev,
      decision,
    });
    expect(text).toMatch(/accuracy 0\.\d{3} \[0\.\d{3}, 0\.\d{3}\] \(naive baseline 0\.\d{3}, skill p = /);
    expect(text).toContain('the candidate is not distinguishable from the naive baseline');
    expect(text).toContain('DSR');
    const s = summariseEvidence(ev);
    expect(s.candidate.accuracy).toEqual(ev.candidate.metrics.accuracy);
    expect(s.method).toContain('blocks of 5 dates, 2000 resamples, seed 11');
    expect(JSON.stringify(s).length).toBeLessThan(4000);
    expect(() => evidenceFor({ detail: { ...detail, dates: undefined }, labelHorizon: 5, seed: 1, alpha: 0.05 })).toThrow(ValidationError);
  });
});
