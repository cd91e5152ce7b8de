import { describe, expect, it } from 'vitest';
import { evidenceMetrics } from '../../../lib/mlflow';
import { holdoutEvidence } from '../../../lib/stats';

function holdout(seed: number) {
  let s = seed;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const dates: string[] = [],
    y: number[] = [],
    cand: number[] = [],
    prod: number[] = [];
  for (let d = 0; d < 120; d++) {
    for (let t = 0; t < 3; t++) {
      const up = rnd() < 0.5 ? 1 : 0;
      dates.push(`2026-${String(1 + Math.floor(d / 28)).padStart(2, '0')}-${String(1 + (d % 28)).padStart(2, '0')}`);
      y.push(up);
      cand.push(0.5 + (up ? 0.1 : -0.1) + (rnd() - 0.5) * 0.5);
      prod.push(0.5 + (rnd() - 0.5) * 0.5);
    }
  }
  return { dates, y, cand, prod };
}

describe('evidence as MLflow metrics', () => {
  it('logs interval bounds, the skill p-value and the paired differences, all finite', () => {
    const h = holdout(5);
    const ev = holdoutEvidence({
      dates: h.dates,
      y: h.y,
      candidate: { proba: h.cand },
      production: { proba: h.prod },
      labelHorizon: 5,
      seed: 1,
      alpha: 0.05,
    });
    const m = evidenceMetrics(ev);
    expect(m.holdout_accuracy_ci_low).toBe(ev.candidate.metrics.accuracy.low);
    expect(m.holdout_accuracy_ci_high).toBe(ev.candidate.metrics.accuracy.high);
    expect(m.holdout_logLoss_ci_high).toBe(ev.candidate.metrics.logLoss.high);
    expect(m.holdout_skill_p_value).toBe(ev.skill.p.greater);
    expect(m.vs_production_accuracy_diff).toBe(ev.paired!.metrics.accuracy.difference.estimate);
    expect(m.vs_production_mcnemar_p_value).toBe(ev.paired!.mcnemar.pExact);
    for (const [k, v] of Object.entries(m)) expect(Number.isFinite(v), k).toBe(true);
    // No daily returns given: no Sharpe metrics rather than NaN ones.
    expect(m).not.toHaveProperty('holdout_sharpe_ci_low');
    expect(m).not.toHaveProperty('holdout_dsr');
  });
});
