import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fetchMarketData } from '../../lib/data/fetchMarketData';
import { readSeriesParquet } from '../../lib/data/parquet';
import type { FaultRow } from '../support/faultHarness';
import { tempFilesIn } from '../support/faultHarness';
import { expectedBars, startYahooFixture, type YahooFixture } from '../support/yahooFixture';
import { scratchDir } from './pipelineRuns';

const ATTEMPTS = 3;
const retry = { attempts: ATTEMPTS, baseDelayMs: 50, maxDelayMs: 2_000 };
/** Generous: the fixture answers from the test process, whose event loop is busy with the other scenarios. */
const TIMEOUT_MS = 3_000;
const ASOF = '2024-06-28';

interface Expectation {
  scenario: string;
  symbol: string;
  /** ok: the bars arrive intact; otherwise the error must match and come after this many requests. */
  ok: boolean;
  error?: RegExp;
  requests: number;
}

export const YAHOO_CASES: Expectation[] = [
  { scenario: 'yahoo: 5xx, always', symbol: 'E500', ok: false, error: /E500.*HTTP 500/, requests: ATTEMPTS },
  { scenario: 'yahoo: 503 twice, then OK', symbol: 'FLAKY', ok: true, requests: 3 },
  { scenario: 'yahoo: 429 with Retry-After: 1', symbol: 'RATE', ok: true, requests: 2 },
  { scenario: 'yahoo: slow past the timeout', symbol: 'SLOW', ok: false, error: /SLOW.*timed out/, requests: ATTEMPTS },
  { scenario: 'yahoo: truncated body', symbol: 'TRUNC', ok: false, error: /TRUNC.*failed/, requests: ATTEMPTS },
  { scenario: 'yahoo: malformed JSON', symbol: 'BADJSON', ok: false, error: /BADJSON.*not parsable/, requests: ATTEMPTS },
  { scenario: 'yahoo: empty 200', symbol: 'EMPTY', ok: false, error: /EMPTY.*not parsable/, requests: ATTEMPTS },
  { scenario: 'yahoo: missing adjclose', symbol: 'NOADJ', ok: false, error: /no adjusted close for NOADJ/, requests: 1 },
  { scenario: 'yahoo: non-US time zone (UTC+9)', symbol: 'TOKYO', ok: true, requests: 1 },
];

export interface YahooRun {
  scenario: string;
  correct: boolean;
  detail: string;
  tempFiles: string[];
  /** Cache entries that are half-written: data without meta, meta without data, or disagreeing. */
  halfWritten: string[];
  /** Seconds between the 429 and the retry. */
  waitedS?: number;
}

/** Every cache entry must be whole: parquet and meta together, the meta's row count matching. */
async function halfWrittenEntries(cacheDir: string): Promise<string[]> {
  const dir = join(cacheDir, 'yahoo');
  if (!existsSync(dir)) return [];
  const bad: string[] = [];
  const names = readdirSync(dir).filter((n) => n.endsWith('.parquet') || n.endsWith('.meta.json'));
  for (const ticker of new Set(names.map((n) => n.replace(/\.(parquet|meta\.json)$/, '')))) {
    const data = join(dir, `${ticker}.parquet`);
    const meta = join(dir, `${ticker}.meta.json`);
    if (!existsSync(data) || !existsSync(meta)) {
      bad.push(ticker);
      continue;
    }
    const rows = (await readSeriesParquet(data, ticker)).dates.length;
    if ((JSON.parse(readFileSync(meta, 'utf8')) as { rows: number }).rows !== rows) bad.push(ticker);
  }
  return bad;
}

/** One fetch against a fresh fixture (its 503s and 429 come first again). */
async function runOnce(c: Expectation, rep: number): Promise<YahooRun> {
  const fixture = await startYahooFixture({ slowMs: TIMEOUT_MS * 3 });
  try {
    return await fetchOnce(fixture, c, rep);
  } finally {
    await fixture.close();
  }
}

async function fetchOnce(fixture: YahooFixture, c: Expectation, rep: number): Promise<YahooRun> {
  const cacheDir = scratchDir(`trainctl-yahoo-${c.symbol}-${rep}-`);
  const before = fixture.requests.get(c.symbol)?.length ?? 0;
  const outcome = await fetchMarketData({
    source: 'yahoo',
    sourceOptions: { yahoo: { baseUrl: fixture.url, retry, timeoutMs: TIMEOUT_MS } },
    tickers: [c.symbol],
    period: '1y',
    asOf: ASOF,
    cacheDir,
  }).then(
    (r) => ({ ok: true as const, r }),
    (err: unknown) => ({ ok: false as const, message: String(err) }),
  );
  const times = (fixture.requests.get(c.symbol) ?? []).slice(before);
  let correct = outcome.ok === c.ok && times.length === c.requests;
  let detail = `${times.length} requests`;
  if (outcome.ok) {
    const t = outcome.r.tickers[0]!;
    const got = await readSeriesParquet(t.path, c.symbol);
    const want = expectedBars(t.start, ASOF);
    correct &&= t.start >= '2023-06-28' && JSON.stringify(got.dates) === JSON.stringify(want.dates);
    correct &&= got.adjClose.every((v, i) => Math.abs(v - want.adjClose[i]!) < 1e-9);
    detail += `, ${got.dates.length} bars ${t.start}..${t.end}`;
  } else {
    correct &&= c.error!.test(outcome.message);
    detail += `, ${outcome.message.slice(0, 160)}`;
  }
  return {
    scenario: c.scenario,
    correct,
    detail,
    tempFiles: tempFilesIn([cacheDir]),
    halfWritten: await halfWrittenEntries(cacheDir),
    ...(c.symbol === 'RATE' && times.length >= 2 ? { waitedS: (times[1]! - times[0]!) / 1000 } : {}),
  };
}

/** Each case `reps` times, the cases side by side. */
export async function yahooFaults(reps: number): Promise<YahooRun[]> {
  const perCase = await Promise.all(
    YAHOO_CASES.map(async (c) => {
      const runs: YahooRun[] = [];
      for (let rep = 0; rep < reps; rep++) runs.push(await runOnce(c, rep));
      return runs;
    }),
  );
  return perCase.flat();
}

export function yahooRows(runs: YahooRun[]): FaultRow[] {
  return YAHOO_CASES.map((c) => {
    const mine = runs.filter((r) => r.scenario === c.scenario);
    const waited = mine.flatMap((r) => (r.waitedS === undefined ? [] : [r.waitedS]));
    return {
      scenario: c.scenario,
      runs: mine.length,
      completed: mine.length,
      correct: mine.filter((r) => r.correct).length,
      versions: '—',
      tempFiles: mine.reduce((n, r) => n + r.tempFiles.length, 0),
      dataLost: mine.reduce((n, r) => n + r.halfWritten.length, 0),
      stalls: [],
      note: `${c.ok ? 'fetched' : 'clear failure'} after ${c.requests} request(s)${waited.length ? `; waited ${Math.min(...waited).toFixed(1)}–${Math.max(...waited).toFixed(1)} s after the 429` : ''}`,
    };
  });
}
