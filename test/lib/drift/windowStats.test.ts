import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { profileColumn, rollingWindowStats, windowStats } from '../../../lib/drift';

/** The definition: every window's values gathered and judged by `windowStats` (a sort per window). */
function perWindow(o: { values: number[]; dates: string[]; windowDays: number; sample?: number[] }) {
  const profile = { ...profileColumn(o.values.slice(0, Math.ceil(o.values.length / 2))), ...(o.sample ? { sample: o.sample } : {}) };
  const days = [...new Set(o.dates)].sort();
  const psi: number[] = [];
  const ks: number[] = [];
  for (let w = 0; w + o.windowDays <= days.length; w++) {
    const inWindow = new Set(days.slice(w, w + o.windowDays));
    const stats = windowStats(
      profile,
      o.values.filter((_, r) => inWindow.has(o.dates[r]!)),
    );
    psi.push(stats.psi);
    ks.push(stats.ks);
  }
  return { profile, psi, ks, ends: days.slice(o.windowDays - 1) };
}

// Values on a coarse grid (ties within windows and with the reference sample), NaN, days with
// different numbers of tickers, rows in any order.
const panel = fc
  .record({
    days: fc.integer({ min: 1, max: 40 }),
    tickers: fc.integer({ min: 1, max: 12 }),
    windowDays: fc.integer({ min: 1, max: 25 }),
    grid: fc.constantFrom(0.5, 0.1, 0.001),
    seed: fc.integer(),
  })
  .chain((p) =>
    fc
      .array(fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.constant(Number.NaN), fc.constant(0), fc.constant(-0)), {
        minLength: p.days * p.tickers,
        maxLength: p.days * p.tickers,
      })
      .chain((raw) =>
        fc
          .shuffledSubarray(
            raw.map((_, i) => i),
            { minLength: Math.min(raw.length, 1) },
          )
          .map((keep) => ({ p, raw, keep })),
      ),
  )
  .map(({ p, raw, keep }) => {
    const values = keep.map((i) => (Number.isNaN(raw[i]!) ? NaN : Math.round(raw[i]! / p.grid) * p.grid));
    const dates = keep.map((i) => `2020-01-${String(1 + Math.floor(i / p.tickers)).padStart(2, '0')}T${i % p.tickers}`);
    return { values, dates, windowDays: p.windowDays };
  });

describe('rolling window statistics in one pass', () => {
  it('equal the per-window definition to the bit: ties, NaN, missing tickers, any row order', () => {
    fc.assert(
      fc.property(panel, (o) => {
        const want = perWindow(o);
        const got = rollingWindowStats({ profile: want.profile, values: o.values, dates: o.dates, windowDays: o.windowDays });
        expect(Array.from(got.psi)).toEqual(want.psi);
        expect(Array.from(got.ks)).toEqual(want.ks);
        expect(got.ends).toEqual(want.ends);
      }),
      { numRuns: 300, seed: 26 },
    );
  });

  it('give NaN KS statistics (and the PSI) against an empty reference sample', () => {
    const values = Array.from({ length: 200 }, (_, i) => Math.sin(i));
    const dates = values.map((_, i) => `d${String(Math.floor(i / 4)).padStart(3, '0')}`);
    for (const sample of [[]]) {
      const want = perWindow({ values, dates, windowDays: 5, sample });
      const got = rollingWindowStats({ profile: want.profile, values, dates, windowDays: 5 });
      expect(Array.from(got.ks)).toEqual(want.ks);
      expect(Array.from(got.psi)).toEqual(want.psi);
    }
  });
});
