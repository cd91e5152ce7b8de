import type { Trial } from '../../lib/hyperopt';

// Identical to bench/tpe/functions.py (keep them in sync).
const A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
];
const ALPHA = [1.0, 1.2, 3.0, 3.2];
const floats = (t: Trial, n: number, lo: number, hi: number) => Array.from({ length: n }, (_, i) => t.suggestFloat(`x${i}`, lo, hi));

export const FUNCTIONS: Record<string, (t: Trial) => number> = {
  branin: (t) => {
    const x1 = t.suggestFloat('x1', -5, 10);
    const x2 = t.suggestFloat('x2', 0, 15);
    return (x2 - (5.1 / (4 * Math.PI ** 2)) * x1 ** 2 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
  },
  hartmann6: (t) => {
    const x = floats(t, 6, 0, 1);
    return -ALPHA.reduce((s, a, i) => s + a * Math.exp(-x.reduce((q, xj, j) => q + A[i]![j]! * (xj - P[i]![j]! * 1e-4) ** 2, 0)), 0);
  },
  rosenbrock5: (t) => {
    const x = floats(t, 5, -5, 10);
    let s = 0;
    for (let i = 0; i < 4; i++) s += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
    return s;
  },
  ackley5: (t) => {
    const x = floats(t, 5, -32.768, 32.768);
    const n = x.length;
    return (
      -20 * Math.exp(-0.2 * Math.sqrt(x.reduce((s, v) => s + v * v, 0) / n)) -
      Math.exp(x.reduce((s, v) => s + Math.cos(2 * Math.PI * v), 0) / n) +
      20 +
      Math.E
    );
  },
  mixed: (t) => {
    const lr = t.suggestFloat('lr', 1e-5, 1, { log: true });
    const depth = t.suggestInt('depth', 1, 10);
    const c = t.suggestCategorical('c', ['a', 'b', 'c']);
    return (Math.log10(lr) + 3) ** 2 / 10 + (depth - 7) ** 2 / 100 + (c === 'b' ? 0 : 0.1);
  },
};
