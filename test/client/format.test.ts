import { describe, expect, it } from 'vitest';
import { formatEvidence, formatScores } from '../../client/format';
import { classificationMetrics } from '../../lib/evaluation';
import { holdoutEvidence } from '../../lib/stats';
import { summariseEvidence } from '../../lib/validation';
import type { ModelScore } from '../../workflows/types';

describe('status with intervals', () => {
  it('shows each holdout metric as `estimate [low, high]` and the tests in words', () => {
    let s = 3;
    const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
    const dates: string[] = [],
      y: number[] = [],
      proba: number[] = [];
    for (let d = 0; d < 100; d++) {
      for (let t = 0; t < 2; t++) {
        const up = rnd() < 0.5 ? 1 : 0;
        dates.push(`d${String(d).padStart(3, '0')}`);
        y.push(up);
        proba.push(0.5 + (rnd() - 0.5) * 0.4); // no skill
      }
    }
    const ev = summariseEvidence(holdoutEvidence({ dates, y, candidate: { proba }, labelHorizon: 5, seed: 2, alpha: 0.05 }));
    const { n, accuracy, precision, recall, f1, rocAuc, logLoss, balancedAccuracy, baselineAccuracy } = classificationMetrics(y, proba);
    const metrics = { n, accuracy, precision, recall, f1, rocAuc, logLoss, balancedAccuracy, baselineAccuracy };
    const score: ModelScore = {
      version: 'v1.0.0',
      metrics,
      trading: {
        totalReturn: 0.01,
        cagr: 0.02,
        sharpe: 0.5,
        sortino: 0.7,
        maxDrawdown: -0.02,
        hitRate: 0.5,
        turnover: 0.3,
        exposure: 0.5,
        days: 99,
      },
    };
    const table = formatScores(score, null, ev);
    const acc = ev.candidate.accuracy;
    expect(table).toContain(`accuracy         ${acc.estimate.toFixed(3)} [${acc.low.toFixed(3)}, ${acc.high.toFixed(3)}]`);
    expect(table).toMatch(/^Brier {12}0\.\d{3} \[0\.\d{3}, 0\.\d{3}\]/m);
    const text = formatEvidence(ev);
    expect(text).toContain('not distinguishable from the baseline at α = 0.05');
    expect(text).toContain('blocks of 5 dates, 2000 resamples, seed 2');
    // Without evidence (runs recorded before it existed) the plain numbers stay.
    expect(formatScores(score, null)).toContain(`accuracy         ${metrics.accuracy.toFixed(3)}\n`);
  });
});
