import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Paths } from '../../lib/config/paths';
import { FEATURE_NAMES } from '../../lib/features';
import { readPredictions } from '../../lib/predictionLog';
import { abArm, countShadowPredictions } from '../../lib/serving';
import { tempPaths } from '../support/temporal';
import { AS_OF, lineRegistry, prepareMarket, registerTrainedVersion, TICKERS, type MarketFixture } from './support/modelLine';
import { startServer, type RunningServer } from './support/server';

const MODEL = 'direction-classifier';
let paths: Paths;
let market: MarketFixture;
let server: RunningServer;
let v1: string;
let v2: string;

const post = (path: string, body: unknown, raw = false) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ? (body as string) : JSON.stringify(body),
  });
/** The fields of our JSON replies the tests read (each reply has a subset). */
interface Reply {
  requestId: string;
  version: string;
  probabilityUp: number;
  direction: string;
  asOf: string | null;
  arm?: string;
  error: string;
  results: { version: string; probabilityUp: number }[];
  production: { version: string; sha256: string } | null;
  staging: { version: string } | null;
  versionsLoaded: string[];
}
const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Reply });
const until = async (what: () => Promise<boolean> | boolean, ms = 5000) => {
  const t0 = Date.now();
  while (!(await what())) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

beforeAll(async () => {
  paths = tempPaths('serve-');
  market = await prepareMarket(paths);
  v1 = (await registerTrainedVersion({ paths, modelName: MODEL, market, rounds: 15, runId: 'run-1' })).version;
  await (await lineRegistry(paths, MODEL)).promote({ version: v1, by: 'test', reason: 'first', runId: 'run-1' });
  server = await startServer(paths, MODEL);
});
afterAll(async () => server?.close());

describe('prediction service', () => {
  it('answers by ticker and date, by latest day, and by feature row, all with the production version', async () => {
    const last = market.features.end;
    const a = await json(await post('/v1/predict', { ticker: 'SYN-A', date: '2026-11-02' }));
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ model: MODEL, version: v1, threshold: 0.5, asOf: '2026-11-02' });
    expect(a.body.direction).toBe(a.body.probabilityUp > 0.5 ? 'up' : 'down');
    expect(a.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const latest = await json(await post('/v1/predict', { ticker: 'SYN-A' }));
    expect(latest.body.asOf).toBe(last);
    expect(last <= AS_OF).toBe(true);

    // The same row sent as features gives the same score: the ticker path adds no transformation.
    const { FeatureRowProvider, dataCacheSeriesLoader } = await import('../../lib/serving');
    const { parseSource } = await import('../../lib/data');
    const rows = new FeatureRowProvider({
      load: dataCacheSeriesLoader({ dataCacheDir: paths.dataCacheDir, sourceKey: parseSource('synthetic').cacheKey }),
    });
    const entry = await (await lineRegistry(paths, MODEL)).get(v1);
    const row = await rows.row({
      ticker: 'SYN-A',
      date: '2026-11-02',
      windowStart: entry.metadata.dataSource.window.start,
      featureNames: [...FEATURE_NAMES],
    });
    const features = Object.fromEntries(FEATURE_NAMES.map((n, j) => [n, row.values[j]]));
    const f = await json(await post('/v1/predict', { features }));
    expect(f.status).toBe(200);
    expect(f.body.probabilityUp).toBe(a.body.probabilityUp);
    expect(f.body.asOf).toBeNull();

    const batch = await json(await post('/v1/predict/batch', { rows: TICKERS.map((ticker) => ({ ticker, date: '2026-11-02' })) }));
    expect(batch.status).toBe(200);
    expect(batch.body.results.map((r) => r.version)).toEqual([v1, v1, v1]);
    expect(batch.body.results[0]!.probabilityUp).toBe(a.body.probabilityUp);
  });

  it('reports models, health, readiness and Prometheus metrics', async () => {
    const models = await json(await fetch(`${server.url}/v1/models`));
    expect(models.body.production).toMatchObject({ version: v1 });
    expect(models.body.production?.sha256).toBe((await (await lineRegistry(paths, MODEL)).get(v1)).files['model.onnx']!.sha256);
    expect(models.body.versionsLoaded).toEqual([v1]);
    expect((await json(await fetch(`${server.url}/healthz`))).body).toEqual({ ok: true });
    expect((await json(await fetch(`${server.url}/readyz`))).body).toEqual({ ready: true, version: v1 });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(
      new RegExp(`serving_model_loaded\\{role="production",version="${v1}",sha256="[0-9a-f]{64}",model="${MODEL}"\\} 1`),
    );
    expect(text).toMatch(/serving_requests_total\{route="\/v1\/predict",status="200",model="direction-classifier"\} [1-9]/);
    expect(text).toMatch(/serving_request_duration_seconds_bucket\{le="\+Inf",model="direction-classifier",route="\/v1\/predict"\} [1-9]/);
  });

  it('refuses bad input with 400/413 naming the field, without crashing or logging a prediction', async () => {
    await server.log!.flush();
    const before = (await readPredictions(server.logDir)).records.length;
    const cases: [string, unknown, boolean, number, RegExp][] = [
      ['/v1/predict', '{"ticker": "SYN-A",', true, 400, /malformed JSON/],
      ['/v1/predict', { ticker: 'SYN-ZZ' }, false, 400, /field "ticker": unknown ticker SYN-ZZ/],
      ['/v1/predict', { ticker: '../../etc' }, false, 400, /field "ticker" must be a ticker symbol/],
      ['/v1/predict', { ticker: 'SYN-A', date: '1999-01-04' }, false, 400, /field "date": 1999-01-04 is outside the data/],
      ['/v1/predict', { ticker: 'SYN-A', date: '2026-11-21' }, false, 400, /field "date": 2026-11-21 is outside the data/],
      ['/v1/predict', { ticker: 'SYN-A', date: '2026-02-30' }, false, 400, /field "date" must be a YYYY-MM-DD date/],
      ['/v1/predict', { ticker: 'SYN-A', when: 'now' }, false, 400, /field "when" is not allowed/],
      ['/v1/predict', { features: { rsi_14: 1 } }, false, 400, /field "features.macd_12_26" is missing/],
      [
        '/v1/predict',
        { features: { ...Object.fromEntries(FEATURE_NAMES.map((n) => [n, 0])), extra_x: 1 } },
        false,
        400,
        /field "features.extra_x" is not a feature of v1.0.0/,
      ],
      [
        '/v1/predict',
        { features: { ...Object.fromEntries(FEATURE_NAMES.map((n) => [n, 0])), rsi_14: 'high' } },
        false,
        400,
        /field "features.rsi_14" must be a finite number/,
      ],
      [
        '/v1/predict/batch',
        { rows: [{ ticker: 'SYN-A' }, { ticker: 'NOPE-1' }] },
        false,
        400,
        /field "rows\[1\].ticker": unknown ticker NOPE-1/,
      ],
      [
        '/v1/predict/batch',
        { rows: Array.from({ length: 101 }, () => ({ ticker: 'SYN-A' })) },
        false,
        413,
        /101 rows exceed the batch limit of 100/,
      ],
      [
        '/v1/predict',
        { features: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`feature_${i}`, i])) },
        false,
        413,
        /larger than the limit/,
      ],
    ];
    for (const [path, body, raw, status, message] of cases) {
      const res = await json(await post(path, body, raw));
      expect([path, res.status]).toEqual([path, status]);
      expect(res.body.error).toMatch(message);
    }
    expect((await json(await post('/v1/predict', { ticker: 'SYN-A' }))).status).toBe(200);
    await server.log!.flush();
    expect((await readPredictions(server.logDir)).records.length).toBe(before + 1);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/serving_rejections_total\{reason="malformed_json",model="direction-classifier"\} 1/);
    expect(text).toMatch(/serving_rejections_total\{reason="body_too_large",model="direction-classifier"\} 1/);
    expect(text).toMatch(/serving_rejections_total\{reason="batch_too_large",model="direction-classifier"\} 1/);
  });

  it('answers 503 with the reason while a model line has no production model', async () => {
    const empty = await startServer(paths, 'other-line');
    try {
      const ready = await json(await fetch(`${empty.url}/readyz`));
      expect(ready).toEqual({ status: 503, body: { ready: false, reason: 'the registry of other-line has no production model yet' } });
      const res = await json(
        await fetch(`${empty.url}/v1/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"ticker":"SYN-A"}',
        }),
      );
      expect(res).toEqual({
        status: 503,
        body: { error: 'no production model of other-line is loaded: the registry of other-line has no production model yet' },
      });
    } finally {
      await empty.close();
    }
  });

  it('shadow-scores the staging candidate off the response path and logs both predictions', async () => {
    v2 = (await registerTrainedVersion({ paths, modelName: MODEL, market, rounds: 40, runId: 'run-2' })).version;
    await until(async () => (await json(await fetch(`${server.url}/v1/models`))).body.staging?.version === v2);
    const a = await json(await post('/v1/predict', { ticker: 'SYN-B', date: '2026-10-15' }));
    expect(a.body.version).toBe(v1);
    await until(async () => {
      await server.log!.flush();
      return (await readPredictions(server.logDir)).records.some((r) => r.requestId === a.body.requestId && r.role === 'shadow');
    });
    const pair = (await readPredictions(server.logDir)).records.filter((r) => r.requestId === a.body.requestId);
    expect(pair.map((r) => [r.role, r.version, r.ticker, r.date])).toEqual([
      ['production', v1, 'SYN-B', '2026-10-15'],
      ['shadow', v2, 'SYN-B', '2026-10-15'],
    ]);
    expect(pair[1]!.probabilityUp).not.toBe(pair[0]!.probabilityUp);
    // What a run awaiting approval reports: shadow predictions of its candidate so far.
    expect(await countShadowPredictions({ logDir: server.logDir, version: v2 })).toEqual({ total: 1, requests: 1, batch: 0 });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(new RegExp(`serving_shadow_scores_total\\{version="${v2}",model="${MODEL}"\\} [1-9]`));
    expect(text).toMatch(new RegExp(`serving_shadow_agreement_total\\{version="${v2}",agree="(true|false)",model="${MODEL}"\\} [1-9]`));
  });

  it('routes a sticky share of tickers to the candidate under A/B and names the version and arm', async () => {
    const ab = await startServer(paths, MODEL, { ab: { fraction: 0.5, experimentId: 'exp-7' } });
    try {
      const tickers = ['SYN-A', 'SYN-B', 'SYN-C'];
      const arms = tickers.map((ticker) => abArm({ ticker, experimentId: 'exp-7', fraction: 0.5 }));
      for (const [i, ticker] of tickers.entries()) {
        for (let k = 0; k < 2; k++) {
          const res = await json(
            await fetch(`${ab.url}/v1/predict`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ ticker }),
            }),
          );
          expect(res.body).toMatchObject({ version: arms[i] === 'candidate' ? v2 : v1, arm: arms[i] });
        }
      }
      await until(async () => {
        await ab.log!.flush();
        return (await readPredictions(ab.logDir)).records.length >= 6;
      });
      const logged = (await readPredictions(ab.logDir)).records.filter((r) => r.role !== 'shadow');
      expect(logged.map((r) => [r.ticker, r.role, r.arm])).toEqual(
        tickers.flatMap((t, i) => [0, 1].map(() => [t, arms[i] === 'candidate' ? 'ab' : 'production', arms[i]])),
      );
    } finally {
      await ab.close();
    }
  });
});
