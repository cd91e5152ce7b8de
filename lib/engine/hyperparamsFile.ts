/**
 * The numeric fields of a parameters object read from a file a person can edit: undefined when it
 * has a key outside `keys` (typically another engine's parameters), an error for a non-number.
 */
export function knownNumbers<K extends string>(
  params: Record<string, unknown>,
  keys: readonly K[],
): Partial<Record<K, number>> | undefined {
  if (!params || typeof params !== 'object') return undefined;
  const out: Partial<Record<K, number>> = {};
  for (const [key, value] of Object.entries(params)) {
    if (!keys.includes(key as K)) return undefined;
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
    out[key as K] = value;
  }
  return out;
}
