import { describe, expect, it } from 'vitest';
import { decideComparison } from '../../../lib/validation';
import { comparisonFixture } from './comparisonFixture';

const decide = (f: ReturnType<typeof comparisonFixture>, paramsSource = 'default') =>
  decideComparison({
    detail: f.detail,
    candidate: f.backtest.candidate.metrics,
    production: f.backtest.production?.metrics ?? null,
    paramsSource,
    settings: f.config,
  });

describe('decideComparison (the compare stage decision, no files)', () => {
  it('promotes a skilled first model, reproducibly from the seed', () => {
    const f = comparisonFixture({ skill: 0.4 });
    const v = decide(f);
    expect(v.decision).toMatchObject({ decision: 'PROMOTE', failed: [], firstModel: true });
    expect(v.forced).toBeUndefined();
    expect(v.evidence.paired).toBeFalsy();
    expect(v.evidenceSummary.candidate.accuracy.estimate).toBeCloseTo(f.backtest.candidate.metrics.accuracy, 12);
    expect(decide(f)).toEqual(v);
  });

  it('rejects a candidate indistinguishable from the naive baseline', () => {
    const v = decide(comparisonFixture({ skill: 0 }));
    expect(v.decision.decision).toBe('REJECT');
    expect(v.decision.failed).toContain('baseline');
  });

  it('compares with production on the same rows, unless --force', () => {
    const withProd = comparisonFixture({ skill: 0.05, production: 0.5 });
    const v = decide(withProd);
    expect(v.decision.firstModel).toBe(false);
    expect(v.evidence.paired).toBeTruthy();
    expect(v.decision.criteria.map((c) => c.name)).toContain('vs_production');
    expect(v.decision.failed).toContain('vs_production');

    const forced = decide({ ...withProd, config: { ...withProd.config, force: true } });
    expect(forced.decision.firstModel).toBe(true);
    expect(forced.decision.criteria.map((c) => c.name)).not.toContain('vs_production');
    expect(forced.forced).toMatchObject({ by: ['force'] });
    expect(forced.forced!.note).toMatch(/^FORCED \(--force\)/);
  });

  it('--skip-validation marks the candidate FORCED and still compares with production', () => {
    const f = comparisonFixture({ skill: 0.05, production: 0.5 });
    const v = decide({ ...f, config: { ...f.config, skipValidation: true } });
    expect(v.decision.criteria.map((c) => c.name)).toContain('vs_production');
    expect(v.forced).toMatchObject({ by: ['skip-validation'], failed: v.decision.failed });
  });

  it('counts search trials for the Deflated Sharpe Ratio only when the parameters came from a search', () => {
    const f = comparisonFixture({ skill: 0.4, config: { trials: 25 } });
    expect(decide(f, 'search').evidence.candidate.dsr?.trials).toBe(25);
    expect(decide(f, 'default').evidence.candidate.dsr ?? null).toBeNull();
  });
});
