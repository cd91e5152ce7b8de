import type { ColumnProfile } from './profile';

/**
 * Values farther outside the reference's [min, max] than the whole width of that range. Ten years
 * of an indicator never came close to them, so they indicate a changed definition or scale rather
 * than a new market regime (regimes move the distribution within and just beyond the range).
 */
export function unseenCount(profile: ColumnProfile, values: ArrayLike<number>): number {
  const lo = profile.sample[0];
  const hi = profile.sample.at(-1);
  if (lo === undefined || hi === undefined) return 0;
  const width = hi - lo;
  if (!(width > 0)) return 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > hi + width || v < lo - width) count++;
  }
  return count;
}
