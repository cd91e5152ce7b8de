import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../activities';
import { resolvePaths } from '../../lib/config/paths';
import { resolvePipelineConfig } from '../../lib/config/pipeline';
import { DEFAULT_DRIFT_THRESHOLDS } from '../../lib/drift';
import { openStore, type Store } from '../../lib/store';
import { awsEnv } from '../support/s3Server';
import { backtestSettings, compareSettings, featureSettings, fetchSettings, trainSettings } from '../../lib/config/stageSettings';

/**
 * The stages as activities on "hosts" that share nothing but an S3 bucket (SeaweedFS): each call
 * gets a fresh trainctl home of its own, so every input must come from the references alone. Then
 * what the bucket holds is altered behind a reference, and the default (no bucket) keeps today's
 * files where they were.
 */
const MODEL = 'store-refs';
const s3 = inject('s3Endpoint');
const artifacts = `s3://${s3.bucket}/store-refs-${Date.now().toString(36)}`;
const stores: Store[] = [];
afterAll(() => stores.forEach((s) => s.close()));

/** A new host: an empty home, the shared bucket. */
function host(o: { bucket?: boolean } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'store-refs-host-'));
  const paths = resolvePaths({}, root);
  const store = o.bucket === false ? undefined : openStore({ env: { ...awsEnv(s3), TRAINCTL_ARTIFACTS: artifacts, TRAINCTL_HOME: root } });
  if (store) stores.push(store);
  const activities = createActivities({
    paths,
    logger: pino({ level: 'silent' }),
    env: {},
    now: () => new Date('2026-11-02T12:00:00Z'),
    fetch,
    ...(store ? { store } : {}),
  });
  return { root, paths, store, activities };
}

const config = resolvePipelineConfig({
  modelName: MODEL,
  tickers: ['SYN-A', 'SYN-B'],
  period: '3y',
  holdout: '6m',
  asOf: '2026-10-30',
  criteria: { minAccuracy: 0.4, minPrecision: 0.2, minRecall: 0.05, minF1: 0.05 },
});

describe('activities pass store references', () => {
  it('every stage runs on a host of its own from references into the bucket; payloads stay small', async () => {
    const pipelineId = 'store-refs-1';
    const data = await host().activities.fetchMarketData({ pipelineId, settings: fetchSettings(config) });
    for (const t of data.tickers) expect(t.uri.startsWith(`${artifacts}/.trainctl/data/synthetic`), t.uri).toBe(true);
    const features = await host().activities.buildFeatures({ pipelineId, data, settings: featureSettings(config) });
    expect(features.uri).toMatch(new RegExp(`^${artifacts}/\\.trainctl/features/[0-9a-f]{24}/features\\.parquet$`));
    const candidate = await host().activities.trainModel({ pipelineId, features, settings: trainSettings(config) });
    expect(candidate.onnx.uri).toBe(`${artifacts}/.trainctl/runs/${pipelineId}/candidate/model.onnx`);
    expect(JSON.stringify(candidate.onnx).length).toBeLessThan(200);
    expect(JSON.stringify(features).length).toBeLessThan(2_000);
    const backtest = await host().activities.backtestModel({ pipelineId, features, candidate, settings: backtestSettings(config) });
    expect(backtest.result.uri).toBe(`${artifacts}/.trainctl/runs/${pipelineId}/backtest.json`);
    const compare = host();
    const comparison = await compare.activities.compareModels({
      pipelineId,
      settings: compareSettings(config),
      trainingConfig: config,
      data,
      features,
      candidate,
      backtest,
    });
    expect(comparison.version).toBe('v1.0.0');
    expect(comparison.report.html).toBe(`${artifacts}/reports/${MODEL}/v1.0.0/model_comparison.html`);
    expect(comparison.reportRefs?.json.uri).toBe(`${artifacts}/reports/${MODEL}/v1.0.0/model_comparison.json`);
    // The registry is the bucket's: no host has one on disk.
    expect(existsSync(join(compare.paths.modelsDir, MODEL))).toBe(false);
    const store = compare.store!;
    expect(await store.exists(`models/${MODEL}/registry.json`)).toBe(true);

    // A retried compare on yet another host: the same version, nothing registered twice.
    const again = await host().activities.compareModels({
      pipelineId,
      settings: compareSettings(config),
      trainingConfig: config,
      data,
      features,
      candidate,
      backtest,
    });
    expect(again.version).toBe('v1.0.0');
    expect((await store.list(`models/${MODEL}/versions/`)).filter((k) => k.endsWith('/model.onnx'))).toEqual([
      `models/${MODEL}/versions/v1.0.0/model.onnx`,
    ]);

    // Promotion, then the drift check and the deploy report on hosts that never saw the run.
    await host().activities.promoteModel({ pipelineId, modelName: MODEL, version: 'v1.0.0', by: 'test', reason: 'first' });
    const drift = await host().activities.checkDrift({
      pipelineId: 'drift-1',
      modelName: MODEL,
      windowDays: 20,
      thresholds: DEFAULT_DRIFT_THRESHOLDS,
      asOf: '2026-10-30',
      seed: config.seed,
    });
    expect(drift.productionVersion).toBe('v1.0.0');
    expect(drift.report?.html.startsWith(`${artifacts}/reports/${MODEL}/drift/`)).toBe(true);
    await host().activities.checkDrift({
      pipelineId: 'drift-2',
      modelName: MODEL,
      windowDays: 20,
      thresholds: DEFAULT_DRIFT_THRESHOLDS,
      asOf: '2026-10-30',
      seed: config.seed,
    });
    const history = await store.read(`.trainctl/drift/${MODEL}/drift_history.jsonl`);
    expect(
      history!.bytes
        .toString()
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { runId: string }).runId),
    ).toEqual(['drift-1', 'drift-2']);
    const deployed = await host().activities.deployModel({
      pipelineId,
      modelName: MODEL,
      version: 'v1.0.0',
      decidedAt: '2026-11-02T11:59:00Z',
      timeoutMs: 1_000,
    });
    expect(deployed.skipped).toBe(true);
    const report = JSON.parse((await store.read(`reports/${MODEL}/v1.0.0/model_comparison.json`))!.bytes.toString()) as {
      deployments?: { pipelineId: string; outcome: string }[];
    };
    expect(report.deployments).toEqual([expect.objectContaining({ pipelineId, outcome: 'skipped' })]);

    // A short search's results: the line's best parameters beside its registry in the bucket.
    const search = (n: number, value: number) =>
      host().activities.writeSearchResults({
        pipelineId: `search-${n}`,
        modelName: MODEL,
        studyName: `study-${n}`,
        state: { direction: 'minimize', trials: [] } as never,
        best: { params: candidate.params, value, trialNumber: 0 },
        dataWindow: { start: data.start, end: data.end },
        modelType: config.modelType,
      });
    const written = await search(1, 0.69);
    expect(written.best).toBe(`${artifacts}/models/${MODEL}/best_hyperparameters.json`);
    expect(written.journal).toBe(`${artifacts}/.trainctl/studies/${MODEL}/study-1.journal`);
    const worse = await search(2, 0.9);
    expect(worse.bestNote).toMatch(/^kept/);
    const best = JSON.parse((await store.read(`models/${MODEL}/best_hyperparameters.json`))!.bytes.toString()) as { value: number };
    expect(best.value).toBe(0.69);
    // --use-best on a host of its own reads it from the bucket.
    const useBest = await host().activities.trainModel({
      pipelineId: 'store-refs-2',
      features,
      settings: trainSettings({ ...config, useBest: true }),
    });
    expect(useBest.paramsSource).toBe('best_hyperparameters.json');

    // A second candidate waits in staging; daily scoring on two hosts adds to one log in the bucket, once.
    const pipeline2 = 'store-refs-2';
    const backtest2 = await host().activities.backtestModel({
      pipelineId: pipeline2,
      features,
      candidate: useBest,
      settings: backtestSettings(config),
    });
    const staged = await host().activities.compareModels({
      pipelineId: pipeline2,
      settings: compareSettings(config),
      trainingConfig: config,
      data,
      features,
      candidate: useBest,
      backtest: backtest2,
    });
    expect(staged.version).toBe('v1.1.0');
    const scoring = {
      pipelineId: 'scoring-1',
      modelName: MODEL,
      tickers: config.tickers,
      source: 'synthetic',
      seed: config.seed,
      threshold: 0.5,
    };
    const first = await host().activities.scoreDailyPredictions({ ...scoring, date: '2026-10-30' });
    expect(first.written).toBe(4); // 2 tickers × (production + shadow)
    expect(first.logDir).toBe(`${artifacts}/.trainctl/predictions/${MODEL}/`);
    const second = await host().activities.scoreDailyPredictions({ ...scoring, date: '2026-10-30' });
    expect([second.written, second.alreadyLogged]).toEqual([0, 4]);
    expect(await host().activities.countShadowPredictions({ modelName: MODEL, version: 'v1.1.0' })).toMatchObject({ total: 2, batch: 2 });
    expect((await store.list(`.trainctl/predictions/${MODEL}/`)).length).toBe(1);

    // An object altered behind its reference: the stage fails at once, non-retryable, one line naming it.
    await store.put(`.trainctl/runs/${pipelineId}/candidate/model.onnx`, 'not the model');
    const err = await host()
      .activities.backtestModel({ pipelineId, features, candidate, settings: backtestSettings(config) })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'DataError', nonRetryable: true });
    expect((err as Error).message).toMatch(new RegExp(`^${candidate.onnx.uri}: content does not match its reference \\(`));
    expect((err as Error).message).not.toContain('\n');
  }, 240_000);

  it('without a bucket the files stay where they always were, read in place', async () => {
    const h = host({ bucket: false });
    const pipelineId = 'local-1';
    const data = await h.activities.fetchMarketData({ pipelineId, settings: fetchSettings(config) });
    const features = await h.activities.buildFeatures({ pipelineId, data, settings: featureSettings(config) });
    const candidate = await h.activities.trainModel({ pipelineId, features, settings: trainSettings(config) });
    for (const ref of [...data.tickers, features, candidate.model, candidate.onnx, candidate.profile]) {
      expect(ref.uri.startsWith('file://'), ref.uri).toBe(true);
      expect(existsSync(fileURLToPath(ref.uri)), ref.uri).toBe(true);
    }
    expect(fileURLToPath(candidate.onnx.uri)).toBe(join(h.paths.runsDir, pipelineId, 'candidate', 'model.onnx'));
    expect(fileURLToPath(features.uri).startsWith(h.paths.featureStoreDir)).toBe(true);
    await h.activities.backtestModel({ pipelineId, features, candidate, settings: backtestSettings(config) });
    // Read in place: nothing was copied into a download cache.
    expect(existsSync(join(h.paths.stateDir, 'store-cache')) ? readdirSync(join(h.paths.stateDir, 'store-cache')) : []).toEqual([]);
  }, 120_000);
});
