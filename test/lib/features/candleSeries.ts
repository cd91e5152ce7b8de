import { SeededRandom } from '../../../lib/data/random';
import type { Candles } from '../../../lib/features/kernels/candleSettings';

/**
 * Random OHLC bars made to hit TA-Lib's pattern rules often, edge cases included: prices on a
 * coarse tick grid (so bodies end exactly where prior bodies end — the ±80 forms — and shadows are
 * often exactly zero), doji-like and long candles, gaps, and runs of same-coloured candles opening
 * inside the prior body (soldiers and crows), and reversal bars opening beyond the prior extreme
 * (piercing, dark cloud cover). A plain random walk almost never shows three crows.
 */
export function patternRichCandles(seed: string, n: number): Candles {
  const rng = new SeededRandom(seed);
  const tick = 0.05;
  const snap = (x: number): number => Math.max(tick, Math.round(x / tick) * tick);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  let level = 20;
  let run = 0;
  let runDir = 1;
  for (let i = 0; i < n; i++) {
    if (run === 0 && rng.next() < 0.08) {
      run = 3 + Math.floor(rng.next() * 2);
      runDir = rng.next() < 0.5 ? 1 : -1;
    }
    let o: number;
    let c: number;
    if (run > 0 && i > 0) {
      // Open inside the prior body, close beyond the prior close in the run's direction.
      const pc = close[i - 1]!;
      const po = open[i - 1]!;
      o = snap(pc + (po - pc) * rng.uniform(0.05, 0.6));
      c = snap(pc + runDir * rng.uniform(0.1, 0.8));
      run--;
    } else if (i > 0 && rng.next() < 0.05) {
      // A reversal bar: opens beyond the prior bar's extreme and closes back into its body
      // (piercing, dark cloud cover, engulfing).
      const po = open[i - 1]!;
      const pc = close[i - 1]!;
      const priorBlack = pc < po;
      o = snap(priorBlack ? low[i - 1]! - rng.uniform(0.05, 0.5) : high[i - 1]! + rng.uniform(0.05, 0.5));
      c = snap(pc + (po - pc) * rng.uniform(0.3, 1.2));
    } else {
      const kind = rng.next();
      o = snap(kind < 0.15 && i > 0 ? close[i - 1]! + (rng.next() < 0.5 ? 1 : -1) * rng.uniform(0, 1.2) : level + rng.uniform(-0.3, 0.3));
      const body = kind < 0.3 ? rng.uniform(0, 0.08) : kind < 0.6 ? rng.uniform(0.1, 0.6) : rng.uniform(0.6, 1.8);
      c = snap(o + (rng.next() < 0.5 ? 1 : -1) * body);
      // Sometimes end exactly on the prior body's edge (engulfing/harami at 80).
      if (i > 0 && rng.next() < 0.1) c = rng.next() < 0.5 ? open[i - 1]! : close[i - 1]!;
    }
    const shadow = (): number => (rng.next() < 0.35 ? 0 : snap(rng.uniform(0, rng.next() < 0.2 ? 2 : 0.4)));
    open[i] = o;
    close[i] = c;
    high[i] = Math.max(o, c) + shadow();
    low[i] = Math.max(tick / 2, Math.min(o, c) - shadow());
    level = 0.9 * level + 0.1 * c + rng.uniform(-0.2, 0.2);
    if (level < 2) level = 2;
  }
  return { open, high, low, close };
}
