import { createRequire } from 'node:module';

/** The part of autocannon's API the benchmark uses (the package ships no types). */
export interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}

interface LaneResult {
  totalCompletedRequests: number;
  duration: number;
}

export interface LoadRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  setupRequest: (req: { body?: string }) => { body: string };
}

interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  pipelining: number;
  overallRate?: number;
  skipAggregateResult?: boolean;
  requests: LoadRequest[];
}

interface Autocannon {
  (o: AutocannonOptions): Promise<LoadResult>;
  aggregateResult(results: LaneResult[], opts: { url: string; connections: number }): LoadResult;
}

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** As fast as the service answers: `connections` closed-loop connections, pipelining 1. */
export function runMaxThroughput(o: { url: string; connections: number; duration: number; requests: LoadRequest[] }): Promise<LoadResult> {
  return autocannon({ ...o, pipelining: 1 });
}

/** autocannon's own `overallRate` pacing: rate/connections requests per connection per second, in bursts (see below). */
export function runBurstRate(o: {
  url: string;
  rate: number;
  connections: number;
  duration: number;
  requests: LoadRequest[];
}): Promise<LoadResult> {
  const { rate, ...rest } = o;
  return autocannon({ ...rest, overallRate: rate, pipelining: 1 });
}

/**
 * `rate` requests/s spread over the second. autocannon's `overallRate` gives every connection
 * rate/connections requests per second, sent back to back when its one-second interval fires, and
 * all connections' intervals start together: 1,000 req/s over 10 connections arrives as one burst of
 * 1,000 requests in the first ~100 ms of each second, so its "fixed rate" latencies are those of a
 * burst at full throughput. Here each connection is its own autocannon run ("lane") of
 * rate/connections req/s, the lanes started 1/connections s apart, so the bursts are 10× smaller
 * and evenly spaced. The latency statistic is still autocannon's: the lanes' histograms merged by
 * `autocannon.aggregateResult`.
 */
export async function runFixedRate(o: {
  url: string;
  rate: number;
  connections: number;
  duration: number;
  requests: LoadRequest[];
}): Promise<LoadResult> {
  const lane = async (i: number): Promise<LaneResult> => {
    await new Promise((resolve) => setTimeout(resolve, (i * 1000) / o.connections));
    const result: unknown = await autocannon({
      url: o.url,
      connections: 1,
      pipelining: 1,
      duration: o.duration,
      overallRate: Math.floor(o.rate / o.connections) + (i < o.rate % o.connections ? 1 : 0),
      skipAggregateResult: true,
      requests: o.requests,
    });
    return result as LaneResult;
  };
  const lanes = Array.from({ length: o.connections }, (_, i) => lane(i));
  const results = await Promise.all(lanes);
  const merged = autocannon.aggregateResult(results, { url: o.url, connections: o.connections });
  const completed = results.reduce((t, r) => t + r.totalCompletedRequests, 0);
  const seconds = Math.max(...results.map((r) => r.duration));
  return { ...merged, requests: { ...merged.requests, average: completed / seconds, total: completed }, duration: seconds };
}
