import { expect } from 'vitest';

/**
 * Element-wise comparison with a reference that uses null for "not defined": NaN positions must
 * agree exactly, values to `rel` relative error (plus `abs` for values that cancel to ~0).
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number | null>, rel = 1e-9, abs = 0): void {
  expect(actual.length).toBe(expected.length);
  const problems: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i];
    if (e === null || e === undefined || Number.isNaN(e)) {
      if (!Number.isNaN(a)) problems.push(`[${i}] expected NaN, got ${a}`);
    } else if (!(Math.abs(a - e) <= rel * Math.abs(e) + abs)) {
      problems.push(`[${i}] expected ${e}, got ${a}`);
    }
    if (problems.length >= 5) break;
  }
  expect(problems).toEqual([]);
  // Guard against comparing two all-NaN arrays.
  expect(Array.from(expected).some((e) => e !== null && !Number.isNaN(e))).toBe(true);
}
