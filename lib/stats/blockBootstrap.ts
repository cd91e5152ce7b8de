import { SeededRandom } from './rng';

export type BlockScheme = 'circular' | 'stationary';

export interface BlockBootstrapOptions {
  /** Number of consecutive periods (dates) in the series. */
  periods: number;
  /** Block length (circular) or mean block length (stationary), in periods. */
  blockLength: number;
  resamples: number;
  seed: number;
  scheme?: BlockScheme;
}

/**
 * Block bootstrap of a series of `periods` dates, as multiplicities: each resample is a vector
 * `counts` with counts[d] = how often date d was drawn (Σ counts = periods). Every statistic
 * that is a function of the rows of the drawn dates (and not of their order) is then a
 * weighted statistic with row weight counts[date(row)]; two models evaluated with the same
 * counts are resampled *paired*, on the identical rows.
 *
 * - `circular` (Politis & Romano 1992, the circular version of Künsch's 1989 moving blocks):
 *   ⌈periods / b⌉ blocks of exactly b consecutive dates with uniform starts, wrapped at the end,
 *   the last block cut so the resample has `periods` dates. With b ≥ the label horizon every
 *   block keeps the overlap of the labels inside it.
 * - `stationary` (Politis & Romano 1994): geometric block lengths with mean b, so the resampled
 *   series is stationary; blocks can be shorter than b.
 *
 * Random numbers are drawn in this order per resample: for `circular`, one start per block; for
 * `stationary`, one start, then per further date one uniform (continue or jump) and on a jump
 * one new start.
 */
export function* blockResamples(o: BlockBootstrapOptions): Generator<Int32Array> {
  const { periods: m, blockLength: b, resamples } = o;
  if (!(Number.isInteger(m) && m >= 1)) throw new RangeError(`block bootstrap needs at least one period, got ${m}`);
  if (!(Number.isInteger(b) && b >= 1 && b <= m)) throw new RangeError(`block length ${b} must be an integer in [1, ${m}]`);
  if (!(Number.isInteger(resamples) && resamples >= 1)) throw new RangeError(`resamples ${resamples} must be a positive integer`);
  const rng = new SeededRandom(o.seed);
  const counts = new Int32Array(m);
  const jump = 1 / b;
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    if ((o.scheme ?? 'circular') === 'circular') {
      for (let filled = 0; filled < m;) {
        const start = rng.int(m);
        const len = Math.min(b, m - filled);
        for (let j = 0; j < len; j++) counts[(start + j) % m]!++;
        filled += len;
      }
    } else {
      let d = rng.int(m);
      counts[d]!++;
      for (let filled = 1; filled < m; filled++) {
        d = rng.uniform() < jump ? rng.int(m) : (d + 1) % m;
        counts[d]!++;
      }
    }
    yield counts;
  }
}

/** Row → date position (0 … dates−1, in date order) for panel data with several rows per date. */
export function dateIndex(dates: readonly string[]): { dateOf: Int32Array; dates: string[] } {
  const unique = [...new Set(dates)].sort();
  const pos = new Map(unique.map((d, i) => [d, i]));
  return { dateOf: Int32Array.from(dates, (d) => pos.get(d)!), dates: unique };
}

/** Row weights of one resample: the multiplicity of each row's date. */
export function rowWeights(counts: Int32Array, dateOf: Int32Array, out = new Float64Array(dateOf.length)): Float64Array {
  for (let i = 0; i < dateOf.length; i++) out[i] = counts[dateOf[i]!]!;
  return out;
}
