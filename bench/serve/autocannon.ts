import { createRequire } from 'node:module';

/** The part of autocannon's API the benchmark uses (the package ships no types). */
export interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  duration: number;
  /** Fixed total request rate (open loop); omitted = as fast as the server answers. */
  overallRate?: number;
  requests: { method: 'POST'; path: string; headers: Record<string, string>; setupRequest: (req: { body?: string }) => { body: string } }[];
}

const autocannon = createRequire(import.meta.url)('autocannon') as (o: LoadOptions) => Promise<LoadResult>;

export function runLoad(o: LoadOptions): Promise<LoadResult> {
  return autocannon(o);
}
