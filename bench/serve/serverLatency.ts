/**
 * The service's own latency histogram for /v1/predict (handler in → response out, as fastify
 * measures it), read from /metrics before and after a load run. autocannon's figures also contain
 * the client, the kernel and — on a shared machine — every time either process waits for a core;
 * the difference between the two says where tail latency comes from.
 */
export type Buckets = Map<number, number>;

export async function predictBuckets(url: string): Promise<Buckets> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Buckets = new Map();
  const re = /^serving_request_duration_seconds_bucket\{le="([^"]+)",[^}]*route="\/v1\/predict"\} (\d+)$/gm;
  for (const m of text.matchAll(re)) out.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
  return out;
}

/** Upper bound (bucket edge, ms) of the p-quantile of the requests between two snapshots. */
export function quantileMs(before: Buckets, after: Buckets, p: number): number {
  const edges = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  for (const le of edges) {
    if ((after.get(le) ?? 0) - (before.get(le) ?? 0) >= p * total) return le * 1000;
  }
  return Infinity;
}
