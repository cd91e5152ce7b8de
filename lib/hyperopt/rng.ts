/**
 * NumPy's legacy `RandomState` (MT19937), the generator Optuna's samplers draw from: the same
 * integer seed gives the same stream of doubles as `numpy.random.RandomState(seed)`, so a study
 * sampled here can follow the trajectory Optuna takes for that seed. Plain JavaScript (no Node
 * modules), and its state is plain data, so a study carries it through Temporal's continue-as-new.
 */
const N = 624;
const M = 397;

export interface RandomStateSnapshot {
  /** The 624 words of MT19937's state. */
  key: number[];
  pos: number;
}

export class RandomState {
  private readonly key = new Uint32Array(N);
  private pos = N;

  constructor(seed: number | RandomStateSnapshot = 0) {
    if (typeof seed === 'number') {
      if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
        throw new RangeError(`seed must be an integer in [0, 2^32 − 1], got ${seed}`);
      // init_genrand, as numpy's RandomState(int) seeds it.
      let s = seed >>> 0;
      for (let i = 0; i < N; i++) {
        this.key[i] = s;
        s = (Math.imul(1812433253, (s ^ (s >>> 30)) >>> 0) + i + 1) >>> 0;
      }
      return;
    }
    if (!Array.isArray(seed.key) || seed.key.length !== N || !(Number.isInteger(seed.pos) && seed.pos >= 0 && seed.pos <= N)) {
      throw new RangeError('not a RandomState snapshot (expected 624 state words and a position)');
    }
    this.key.set(seed.key);
    this.pos = seed.pos;
  }

  state(): RandomStateSnapshot {
    return { key: Array.from(this.key), pos: this.pos };
  }

  private refill(): void {
    const k = this.key;
    for (let i = 0; i < N; i++) {
      const y = (k[i]! & 0x80000000) | (k[(i + 1) % N]! & 0x7fffffff);
      k[i] = k[(i + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.pos = 0;
  }

  nextUint32(): number {
    if (this.pos >= N) this.refill();
    let y = this.key[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `random_sample()`: uniform in [0, 1) from two words (53 bits). */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `uniform(low, high)`: low + (high − low)·u. */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /**
   * `choice(len(p), p=p, size)`: one uniform per draw, located in the normalised cumulative sum
   * (the first index whose cumulative probability exceeds it).
   */
  choice(p: ArrayLike<number>, size: number): number[] {
    const cdf = new Array<number>(p.length);
    let acc = 0;
    for (let i = 0; i < p.length; i++) cdf[i] = acc += p[i]!;
    const last = cdf[cdf.length - 1]!;
    for (let i = 0; i < cdf.length; i++) cdf[i]! /= last;
    const out = new Array<number>(size);
    for (let s = 0; s < size; s++) {
      const u = this.random();
      let lo = 0;
      let hi = cdf.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cdf[mid]! <= u) lo = mid + 1;
        else hi = mid;
      }
      out[s] = lo;
    }
    return out;
  }
}

/** Round half to even, as NumPy's `np.round` and Python's `round` do. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const view = new DataView(new ArrayBuffer(8));

/** The largest double below x (`np.nextafter(x, -inf)`) for finite x. */
export function nextDown(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 ? bits - 1n : bits + 1n);
  return view.getFloat64(0);
}
