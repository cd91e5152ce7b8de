import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestModelActivity, type BacktestDetail } from '../../activities/backtestModel';
import { resolvePipelineConfig } from '../../lib/config/pipeline';
import { loadFeatureMatrix } from '../../lib/features';
import type { CandidateRef, FeatureSetRef } from '../../workflows/types';
import { tempPaths, testLogger } from '../support/temporal';
import { lineRegistry, prepareMarket, registerTrainedVersion } from './support/modelLine';
import { startServer, type RunningServer } from './support/server';
import { backtestSettings } from '../../lib/config/stageSettings';

const MODEL = 'direction-classifier';
let server: RunningServer;
afterAll(async () => server?.close());

describe('training/serving parity', () => {
  let detail: BacktestDetail;
  let holdout: Awaited<ReturnType<typeof loadFeatureMatrix>>;
  let production: string;

  beforeAll(async () => {
    const paths = tempPaths('serve-parity-');
    const market = await prepareMarket(paths);
    production = (await registerTrainedVersion({ paths, modelName: MODEL, market, rounds: 30, runId: 'run-1' })).version;
    await (await lineRegistry(paths, MODEL)).promote({ version: production, by: 'test', reason: 'first', runId: 'run-1' });
    const candidate = await registerTrainedVersion({ paths, modelName: MODEL, market, rounds: 10, runId: 'run-2' });
    const f = market.features;
    const features: FeatureSetRef = {
      uri: pathToFileURL(f.path).href,
      sha256: f.sha256,
      size: statSync(f.path).size,
      rows: f.rows,
      labelledRows: f.labelledRows,
      featureNames: f.featureNames,
      schemaHash: f.schemaHash,
      cacheHit: f.cacheHit,
      classBalance: f.classBalance,
      start: f.start,
      end: f.end,
    };
    // The backtest stage itself (activities/backtestModel): it scores the current production model
    // through onnxruntime on the holdout rows of the stored feature set and writes the scores.
    const backtest = backtestModelActivity({ paths, logger: testLogger(paths), env: {}, now: () => new Date(), fetch });
    const ref = await backtest({
      pipelineId: 'parity',
      features,
      candidate: {
        onnx: { uri: pathToFileURL(candidate.onnx.path).href, sha256: candidate.onnx.sha256, size: statSync(candidate.onnx.path).size },
      } as CandidateRef,
      settings: backtestSettings(resolvePipelineConfig({ modelName: MODEL })),
    });
    detail = JSON.parse(await readFile(fileURLToPath(ref.result.uri), 'utf8')) as BacktestDetail;
    holdout = await loadFeatureMatrix(f.path, { labelledOnly: true, from: detail.holdout.start, to: detail.holdout.end });
    server = await startServer(paths, MODEL);
  });

  it("serves, for every holdout (ticker, date), exactly the backtest's ONNX score of that row for the same version", async () => {
    expect(detail.production?.version).toBe(production);
    expect(holdout.dates.length).toBe(detail.holdout.rows);
    const expected = detail.production!.proba;
    expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(0.01); // not a constant model
    const served: number[] = [];
    for (let start = 0; start < holdout.dates.length; start += 100) {
      const rows = holdout.dates.slice(start, start + 100).map((date, k) => ({ ticker: holdout.tickers[start + k], date }));
      const res = await fetch(`${server.url}/v1/predict/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rows }),
      });
      const body = (await res.json()) as { results: { version: string; probabilityUp: number }[] };
      expect(res.status).toBe(200);
      for (const r of body.results) {
        expect(r.version).toBe(production);
        served.push(r.probabilityUp);
      }
    }
    const mismatches = served.map((p, i) => [i, p, expected[i]] as const).filter(([, p, e]) => !Object.is(p, e));
    if (process.env.DEBUG_PARITY)
      console.log(mismatches.slice(0, 10).map(([i, p, e]) => [i, holdout.tickers[i], holdout.dates[i], p, e, p - e!]));
    expect(mismatches).toEqual([]);
    // Single-row requests take the same path as batches: spot-check a few.
    for (const i of [0, Math.floor(served.length / 2), served.length - 1]) {
      const res = await fetch(`${server.url}/v1/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ticker: holdout.tickers[i], date: holdout.dates[i] }),
      });
      expect(((await res.json()) as { probabilityUp: number }).probabilityUp).toBe(expected[i]);
    }
    // Concurrent single-row requests share onnxruntime runs (lib/serving/scoreBatcher): still bit for bit.
    const picks = Array.from({ length: 60 }, (_, k) => Math.floor((k * served.length) / 60));
    const concurrent = await Promise.all(
      picks.map(async (i) => {
        const res = await fetch(`${server.url}/v1/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ticker: holdout.tickers[i], date: holdout.dates[i] }),
        });
        return ((await res.json()) as { probabilityUp: number }).probabilityUp;
      }),
    );
    expect(concurrent.map((p, k) => [picks[k], p]).filter(([i, p]) => !Object.is(p, expected[i!]))).toEqual([]);
  });
});
