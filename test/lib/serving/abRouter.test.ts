import { describe, expect, it } from 'vitest';
import { abArm } from '../../../lib/serving/abRouter';

const tickers = Array.from({ length: 20_000 }, (_, i) => `T${i.toString(36).toUpperCase()}`);
const share = (experimentId: string, fraction: number) =>
  tickers.filter((ticker) => abArm({ ticker, experimentId, fraction }) === 'candidate').length / tickers.length;

describe('A/B routing', () => {
  it('sends about the configured share of tickers to the candidate', () => {
    expect(Math.abs(share('exp-1', 0.1) - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(share('exp-1', 0.5) - 0.5)).toBeLessThan(0.015);
    expect(share('exp-1', 0)).toBe(0);
    expect(share('exp-1', 1)).toBe(1);
  });

  it('is sticky per (experiment, ticker), nested in the fraction, and reshuffled by a new experiment', () => {
    const arms = (exp: string, f: number) => tickers.map((ticker) => abArm({ ticker, experimentId: exp, fraction: f }));
    expect(arms('exp-1', 0.2)).toEqual(arms('exp-1', 0.2));
    // Raising the fraction only adds tickers to the candidate arm: nobody flips back.
    const small = arms('exp-1', 0.1);
    const large = arms('exp-1', 0.3);
    expect(small.every((a, i) => a === 'control' || large[i] === 'candidate')).toBe(true);
    const other = arms('exp-2', 0.2);
    const a = arms('exp-1', 0.2);
    const both = a.filter((x, i) => x === 'candidate' && other[i] === 'candidate').length / tickers.length;
    expect(Math.abs(both - 0.04)).toBeLessThan(0.01); // independent assignments overlap by 0.2 × 0.2
  });
});
