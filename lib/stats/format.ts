import type { Interval } from './intervals';

/** `0.680 [0.642, 0.716]`: the estimate with its interval, as the report, status and summaries print it. */
export function formatInterval(i: Interval | null | undefined, digits = 3, o: { signed?: boolean } = {}): string {
  if (!i || !Number.isFinite(i.estimate)) return '—';
  const f = (x: number) => (Number.isFinite(x) ? `${o.signed && x >= 0 ? '+' : ''}${x.toFixed(digits)}` : '—');
  return `${f(i.estimate)} [${f(i.low)}, ${f(i.high)}]`;
}

/** p-values: three decimals, `< 0.001` below that (the resampling cannot resolve smaller values anyway). */
export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** `p = 0.012` or `p < 0.001`, for prose. */
export function pIs(p: number | null | undefined): string {
  const f = formatP(p);
  return f.startsWith('<') ? `p ${f}` : `p = ${f}`;
}
