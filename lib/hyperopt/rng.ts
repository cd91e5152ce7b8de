/**
 * A small seeded generator (xoshiro128**, seeded through splitmix32) whose whole state is four
 * integers, so a study can carry it through Temporal's continue-as-new and resume exactly.
 */
export class SeededRng {
  private s: [number, number, number, number];

  constructor(seed: number | [number, number, number, number] = 0) {
    if (Array.isArray(seed)) {
      this.s = [...seed];
      return;
    }
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s = [next(), next(), next(), next()];
  }

  state(): [number, number, number, number] {
    return [...this.s];
  }

  private nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  /** Index drawn with the given (normalised) probabilities. */
  choice(probs: ArrayLike<number>): number {
    let u = this.random();
    for (let i = 0; i < probs.length - 1; i++) {
      u -= probs[i]!;
      if (u < 0) return i;
    }
    return probs.length - 1;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
