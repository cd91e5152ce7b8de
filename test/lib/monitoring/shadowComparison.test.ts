import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../lib/data/random';
import { compareShadow, type MaturedRow } from '../../../lib/monitoring';

/** Two models on the same ticker-dates with 5-day overlapping labels; `skill` scales each one's signal. */
function pair(o: { days: number; seed: number; candidateSkill: number; productionSkill: number }) {
  const rng = new SeededRandom(`shadow:${o.seed}`);
  const candidate: MaturedRow[] = [];
  const production: MaturedRow[] = [];
  for (const ticker of ['A', 'B', 'C']) {
    const moves = Array.from({ length: o.days + 5 }, () => rng.normal());
    for (let d = 0; d < o.days; d++) {
      const ahead = moves.slice(d + 1, d + 6).reduce((a, b) => a + b, 0);
      const date = new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
      const row = (skill: number): MaturedRow => ({
        date,
        ticker,
        probability: 1 / (1 + Math.exp(-(skill * ahead + rng.normal()))),
        threshold: 0.5,
        label: ahead > 0 ? 1 : 0,
        nextReturn: 0,
      });
      candidate.push(row(o.candidateSkill));
      production.push(row(o.productionSkill));
    }
  }
  return { candidate, production };
}

describe('shadow evidence: candidate vs production on the same matured predictions', () => {
  it('a clearly better candidate: positive paired difference whose interval excludes 0, small p', () => {
    const r = compareShadow({
      ...pair({ days: 150, seed: 1, candidateSkill: 1.5, productionSkill: 0.2 }),
      labelHorizon: 5,
      seed: 7,
      resamples: 1000,
    });
    expect(r.pairs).toBe(450);
    expect(r.days).toBe(150);
    expect(r.difference.accuracy!.estimate).toBeCloseTo(r.candidate.accuracy - r.production.accuracy, 12);
    expect(r.difference.accuracy!.low).toBeGreaterThan(0);
    expect(r.pValue.accuracy!).toBeLessThan(0.01);
  });

  it('two equally good models: the interval covers 0', () => {
    const r = compareShadow({
      ...pair({ days: 150, seed: 2, candidateSkill: 0.6, productionSkill: 0.6 }),
      labelHorizon: 5,
      seed: 7,
      resamples: 1000,
    });
    expect(r.difference.accuracy!.low).toBeLessThan(0);
    expect(r.difference.accuracy!.high).toBeGreaterThan(0);
  });

  it('only ticker-dates both predicted are compared; too few days give figures without an interval', () => {
    const { candidate, production } = pair({ days: 30, seed: 3, candidateSkill: 1, productionSkill: 1 });
    const r = compareShadow({ candidate, production: production.filter((p) => p.ticker !== 'C'), labelHorizon: 5, seed: 1 });
    expect(r.pairs).toBe(60);
    expect(r.difference.accuracy).toBeNull();
    expect(r.note).toMatch(/interval needs at least/);
    expect(compareShadow({ candidate, production: [], labelHorizon: 5, seed: 1 }).pairs).toBe(0);
  });
});
