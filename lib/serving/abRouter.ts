import { createHash } from 'node:crypto';

/**
 * Sticky A/B assignment: a ticker's arm depends only on (experimentId, ticker), so it stays the
 * same across requests, restarts and instances; a new experiment ID reshuffles.
 */
export function abArm(o: { ticker: string; experimentId: string; fraction: number }): 'control' | 'candidate' {
  if (o.fraction <= 0) return 'control';
  const h = createHash('sha256').update(`${o.experimentId}\u0000${o.ticker}`).digest();
  return h.readUInt32BE(0) / 2 ** 32 < o.fraction ? 'candidate' : 'control';
}
