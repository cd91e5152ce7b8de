import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Paths } from '../../lib/config/paths';
import { FEATURE_NAMES } from '../../lib/features';
import { readPredictions } from '../../lib/predictionLog';
import { lineRegistry, prepareMarket, registerTrainedVersion } from '../serving/support/modelLine';
import { startServer, type RunningServer } from '../serving/support/server';
import { tempPaths } from '../support/temporal';
import { changes, snapshot } from './support';

/**
 * Issue 16, item 8: the HTTP bodies of the prediction service, through the real fastify app over a
 * real model line. Every bad body gets a 4xx with one short JSON error line, nothing is logged as
 * a prediction, nothing is written to the registry, and the service keeps answering.
 */

const MODEL = 'direction-classifier';
let paths: Paths;
let server: RunningServer;

beforeAll(async () => {
  paths = tempPaths('badinput-serve-');
  const market = await prepareMarket(paths);
  const { version } = await registerTrainedVersion({ paths, modelName: MODEL, market, rounds: 10, runId: 'run-1' });
  await (await lineRegistry(paths, MODEL)).promote({ version, by: 'test', reason: 'first', runId: 'run-1' });
  server = await startServer(paths, MODEL);
}, 180_000);
afterAll(async () => server?.close());

const row = Object.fromEntries(FEATURE_NAMES.map((n) => [n, 0.1]));
const long = (n: number) => 'x'.repeat(n);

interface HttpCase {
  name: string;
  path?: string;
  /** A string is sent as is (raw bytes); anything else as JSON. */
  body: unknown;
  contentType?: string;
  status: number | number[];
  says: RegExp;
  /** A gap in lib/serving (owned elsewhere), reported in .trainctl/helpers/badinput.md: expected to fail until fixed. */
  gap?: string;
}

const single: HttpCase[] = [
  { name: 'empty body', body: '', status: 400, says: /body|JSON/i },
  { name: 'malformed JSON', body: '{"ticker": "SYN-A",', status: 400, says: /malformed JSON/ },
  { name: 'JSON null', body: 'null', status: 400, says: /must be a JSON object/ },
  { name: 'a JSON array', body: [1, 2], status: 400, says: /must be a JSON object/ },
  { name: 'a JSON string', body: '"SYN-A"', status: 400, says: /must be a JSON object/ },
  { name: 'a number for the ticker', body: { ticker: 42 }, status: 400, says: /field "ticker"/ },
  { name: 'null ticker', body: { ticker: null }, status: 400, says: /field "ticker"/ },
  { name: 'path traversal ticker', body: { ticker: '../../etc/passwd' }, status: 400, says: /field "ticker" must be a ticker symbol/ },
  { name: 'control characters in the ticker', body: { ticker: 'SYN-A\u0000\n' }, status: 400, says: /field "ticker"/ },
  { name: 'a 20,000-character ticker', body: { ticker: long(20_000) }, status: 400, says: /field "ticker"/ },
  { name: 'impossible date', body: { ticker: 'SYN-A', date: '2026-02-30' }, status: 400, says: /field "date" must be a YYYY-MM-DD date/ },
  { name: 'numeric date', body: { ticker: 'SYN-A', date: 20260105 }, status: 400, says: /field "date"/ },
  { name: 'date with a time', body: { ticker: 'SYN-A', date: '2026-01-05T00:00:00Z' }, status: 400, says: /field "date"/ },
  { name: 'date before the data', body: { ticker: 'SYN-A', date: '1900-01-01' }, status: 400, says: /outside the data/ },
  { name: 'unknown field', body: { ticker: 'SYN-A', admin: true }, status: 400, says: /field "admin" is not allowed/ },
  {
    name: 'a 5,000-character field name',
    body: { ticker: 'SYN-A', [long(5000)]: 1 },
    status: 400,
    says: /is not allowed/,
  },
  {
    name: 'prototype key',
    body: '{"ticker": "SYN-A", "__proto__": {"x": 1}}',
    status: 400,
    says: /malformed JSON|"__proto__" is not allowed/,
  },
  { name: 'features and ticker together', body: { ticker: 'SYN-A', features: row }, status: 400, says: /cannot be combined/ },
  { name: 'features as an array', body: { features: [1, 2, 3] }, status: 400, says: /field "features" must be an object/ },
  { name: 'a feature missing', body: { features: { rsi_14: 1 } }, status: 400, says: /is missing/ },
  { name: 'a NaN feature (as string)', body: { features: { ...row, rsi_14: 'NaN' } }, status: 400, says: /must be a finite number/ },
  { name: 'a bare NaN token', body: `{"features": {"rsi_14": NaN}}`, status: 400, says: /malformed JSON/ },
  {
    name: 'a 1e999 feature (Infinity)',
    body: `{"features": ${JSON.stringify(row).replace('0.1', '1e999')}}`,
    status: 400,
    says: /must be a finite number/,
  },
  { name: 'a null feature', body: { features: { ...row, rsi_14: null } }, status: 400, says: /must be a finite number/ },
  { name: 'an unknown feature', body: { features: { ...row, evil: 1 } }, status: 400, says: /is not a feature of/ },
  { name: 'a 1 MB body', body: { ticker: 'SYN-A', pad: long(1_000_000) }, status: 413, says: /larger than the limit/ },
  { name: 'deeply nested JSON', body: `${'['.repeat(5000)}${']'.repeat(5000)}`, status: 400, says: /must be a JSON object|malformed JSON/ },
  { name: 'form-encoded body', body: 'ticker=SYN-A', contentType: 'application/x-www-form-urlencoded', status: [400, 415], says: /./ },
];

const batch: HttpCase[] = [
  { name: 'batch: no rows', body: {}, status: 400, says: /rows/ },
  { name: 'batch: empty rows', body: { rows: [] }, status: 400, says: /rows/ },
  { name: 'batch: rows not a list', body: { rows: { ticker: 'SYN-A' } }, status: 400, says: /rows/ },
  { name: 'batch: a null row', body: { rows: [{ ticker: 'SYN-A' }, null] }, status: 400, says: /rows\[1\]/ },
  {
    name: 'batch: one bad row among good ones',
    body: { rows: [{ ticker: 'SYN-A' }, { ticker: '..' }] },
    status: 400,
    says: /rows\[1\]\.ticker/,
  },
  {
    name: 'batch: too many rows',
    body: { rows: Array.from({ length: 101 }, () => ({ ticker: 'SYN-A' })) },
    status: 413,
    says: /exceed the batch limit/,
  },
  {
    name: 'batch: extra top-level field',
    body: { rows: [{ ticker: 'SYN-A' }], x: 1 },
    status: 400,
    says: /"x"/,
  },
].map((c) => ({ ...c, path: '/v1/predict/batch' }));

async function send(c: HttpCase): Promise<{ status: number; text: string }> {
  const res = await fetch(`${server.url}${c.path ?? '/v1/predict'}`, {
    method: 'POST',
    headers: { 'content-type': c.contentType ?? 'application/json' },
    body: typeof c.body === 'string' ? c.body : JSON.stringify(c.body),
  });
  return { status: res.status, text: await res.text() };
}

async function check(c: HttpCase): Promise<void> {
  await server.log!.flush();
  const logged = (await readPredictions(server.logDir)).records.length;
  const models = snapshot(paths.modelsDir);
  const r = await send(c);
  expect([r.status].flat(), r.text.slice(0, 300)).toSatisfy((s: number[]) => [c.status].flat().includes(s[0]!));
  const body = JSON.parse(r.text) as { error?: unknown };
  expect(typeof body.error, r.text.slice(0, 300)).toBe('string');
  const error = body.error as string;
  expect(error).toMatch(c.says);
  // One short line: a hostile value is neither echoed at length nor allowed to break the line.
  expect(error).not.toMatch(/[\n\r\u0000]/);
  expect(error.length, error.slice(0, 200)).toBeLessThanOrEqual(400);
  expect(error).not.toMatch(/\bat .*\.(ts|js):\d+/);
  await server.log!.flush();
  expect((await readPredictions(server.logDir)).records.length).toBe(logged);
  expect(changes(models, snapshot(paths.modelsDir))).toEqual([]);
}

const cases = [...single, ...batch];

describe('bad input: prediction service bodies', () => {
  it.each(cases.filter((c) => !c.gap).map((c) => [c.name, c] as const))('%s', async (_name, c) => check(c));
  // Reported gaps: these fail today; when one is fixed, its `gap` mark goes.
  const gaps = cases.filter((c) => c.gap);
  if (gaps.length > 0) it.fails.each(gaps.map((c) => [c.gap!, c] as const))('known gap: %s', async (_gap, c) => check(c));

  it('still answers a good request after all of them', async () => {
    const res = await fetch(`${server.url}/v1/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ticker: 'SYN-A' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { probabilityUp: number };
    expect(body.probabilityUp).toBeGreaterThanOrEqual(0);
    expect(body.probabilityUp).toBeLessThanOrEqual(1);
  });
});
