import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { businessDays } from '../../lib/data/dates';
import { chartJson } from '../lib/data/yahooServer';

/**
 * A Yahoo-compatible chart server on loopback whose symbols each misbehave in one way, for the
 * fault suite. Every symbol answers from the same seeded-free, smooth price path; what differs is
 * how the answer arrives:
 *
 * OK · TOKYO (exchange in UTC+9: bars stamped on the previous UTC day) · NOADJ (no adjclose) ·
 * E500 (always 500) · FLAKY (503 twice, then OK) · RATE (429 with Retry-After: 1 once, then OK) ·
 * SLOW (headers after `slowMs`) · TRUNC (Content-Length promises more than is sent) ·
 * BADJSON (a cut-off JSON document) · EMPTY (an empty 200).
 */
export interface YahooFixture {
  url: string;
  /** Request times (ms) per symbol. */
  requests: Map<string, number[]>;
  close(): Promise<void>;
}

interface Bar {
  date: string;
  close: number;
}

function bars(start: string, end: string): Bar[] {
  return businessDays(start, end).map((date, i) => ({ date, close: 100 + Math.sin(i / 7) * 5 + i * 0.03 }));
}

const ALL = bars('2023-01-02', '2024-06-28');

/** A v8/finance/chart body; `utcOffsetH` places the session open (09:00 local) in UTC. */
function chart(symbol: string, from: number, to: number, o: { utcOffsetH: number; adjclose: boolean }): unknown {
  const rows = ALL.filter((b) => Date.parse(b.date) >= from - 86_400_000 + 1 && Date.parse(b.date) < to);
  const bars = rows.map((b, i) => ({
    date: b.date,
    open: b.close - 0.3,
    high: b.close + 1,
    low: b.close - 1,
    close: b.close,
    adjclose: b.close * 0.99,
    volume: 1e6 + i,
  }));
  return chartJson(symbol, bars, { exchange: { utcOffsetH: o.utcOffsetH, openHour: 9 }, adjclose: o.adjclose });
}

/** The dates and adjusted closes every well-behaved symbol serves in [start, end]. */
export function expectedBars(start: string, end: string): { dates: string[]; adjClose: number[] } {
  const rows = ALL.filter((b) => b.date >= start && b.date <= end);
  return { dates: rows.map((b) => b.date), adjClose: rows.map((b) => b.close * 0.99) };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

export async function startYahooFixture({ slowMs = 2_000 }: { slowMs?: number } = {}): Promise<YahooFixture> {
  const requests = new Map<string, number[]>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = /^\/v8\/finance\/chart\/([^/]+)$/.exec(url.pathname);
    if (!m) return json(res, 404, { chart: { result: null, error: { code: 'Not Found', description: 'No data found' } } });
    const symbol = decodeURIComponent(m[1]!);
    const seen = requests.get(symbol) ?? [];
    seen.push(Date.now());
    requests.set(symbol, seen);
    const n = seen.length;
    const from = Number(url.searchParams.get('period1')) * 1000;
    const to = Number(url.searchParams.get('period2')) * 1000;
    const good = () => chart(symbol, from, to, { utcOffsetH: symbol === 'TOKYO' ? 9 : -5, adjclose: symbol !== 'NOADJ' });
    switch (symbol) {
      case 'E500':
        return json(res, 500, 'Internal Server Error');
      case 'FLAKY':
        return n <= 2 ? json(res, 503, 'Service Unavailable') : json(res, 200, good());
      case 'RATE':
        return n === 1 ? json(res, 429, 'Too Many Requests', { 'retry-after': '1' }) : json(res, 200, good());
      case 'SLOW': {
        const timer = setTimeout(() => json(res, 200, good()), slowMs);
        res.once('close', () => clearTimeout(timer));
        return;
      }
      case 'TRUNC': {
        const body = JSON.stringify(good());
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
        res.write(body.slice(0, Math.floor(body.length / 2)));
        setTimeout(() => res.destroy(), 20);
        return;
      }
      case 'BADJSON':
        return json(res, 200, JSON.stringify(good()).slice(0, 120));
      case 'EMPTY':
        return json(res, 200, '');
      case 'OK':
      case 'TOKYO':
      case 'NOADJ':
        return json(res, 200, good());
      default:
        return json(res, 404, {
          chart: { result: null, error: { code: 'Not Found', description: 'No data found, symbol may be delisted' } },
        });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
