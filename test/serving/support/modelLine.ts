import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Paths } from '../../../lib/config/paths';
import { fetchMarketData, type MarketDataResult } from '../../../lib/data';
import { buildFeatureSet, loadFeatureMatrix, type FeatureSetResult } from '../../../lib/features';
import { exportToOnnx } from '../../../lib/onnx';
import { openRegistry, registryPrefix, registryRoot, type LocalRegistry } from '../../../lib/registry';
import type { Store } from '../../../lib/store';
import { sha256File } from '../../../lib/util';
import { trainModel } from '../../../lib/xgboost';

export const TICKERS = ['SYN-A', 'SYN-B', 'SYN-C'];
export const AS_OF = '2026-11-20';

export interface MarketFixture {
  data: MarketDataResult;
  features: FeatureSetResult;
}

/** The embedded synthetic market fetched into the data cache and featurised, as the pipeline's first stages do. */
export async function prepareMarket(paths: Paths): Promise<MarketFixture> {
  const data = await fetchMarketData({ source: 'synthetic', tickers: TICKERS, period: '3y', cacheDir: paths.dataCacheDir, asOf: AS_OF });
  const features = await buildFeatureSet({
    inputs: data.tickers.map((t) => ({ ticker: t.ticker, path: t.path, sha256: t.sha256 })),
    storeDir: paths.featureStoreDir,
  });
  return { data, features };
}

export interface TrainedVersion {
  version: string;
  onnx: { path: string; sha256: string };
}

/**
 * Train a real XGBoost model on the market (rounds vary the model), export it to ONNX and register
 * it in the model line's registry with the metadata shape compareModels writes.
 */
export async function registerTrainedVersion(o: {
  paths: Paths;
  modelName: string;
  market: MarketFixture;
  rounds: number;
  runId: string;
  /** Broken models for refusal tests: different declared features, or bytes that are no ONNX model. */
  declaredFeatureNames?: string[];
  onnxBytes?: Buffer;
  maxDepth?: number;
  /** Register into the line's registry in this artefact store (a bucket) instead of the home's models folder. */
  store?: Store;
}): Promise<TrainedVersion> {
  const { data, features } = o.market;
  const all = await loadFeatureMatrix(features.path, { labelledOnly: true });
  const { booster } = await trainModel({
    train: { X: all.X, y: all.y },
    modelType: 'xgb',
    params: { nEstimators: o.rounds, maxDepth: o.maxDepth ?? 4 },
    seed: 7,
    nthread: 1,
  });
  const dir = join(o.paths.runsDir, o.runId, 'candidate');
  await mkdir(dir, { recursive: true });
  const json = booster.toJson();
  booster.dispose();
  await writeFile(join(dir, 'model.json'), json);
  await writeFile(
    join(dir, 'model.onnx'),
    o.onnxBytes ?? exportToOnnx(json, { featureNames: all.X.featureNames, metadata: { schema_hash: features.schemaHash } }),
  );
  const registry = await lineRegistry(o.paths, o.modelName, o.store);
  const { version } = await registry.registerCandidate({
    runId: o.runId,
    artifacts: { modelJson: join(dir, 'model.json'), onnx: join(dir, 'model.onnx') },
    schemaHash: features.schemaHash,
    labelDefinition: { horizon: 5, threshold: 0 },
    metadata: {
      modelType: 'xgb',
      params: { nEstimators: o.rounds, maxDepth: o.maxDepth ?? 4 },
      featureSchema: { names: o.declaredFeatureNames ?? features.featureNames, schemaHash: features.schemaHash },
      dataSource: {
        source: 'synthetic',
        window: {
          start: data.tickers.map((t) => t.start).sort()[0]!,
          end: data.tickers
            .map((t) => t.end)
            .sort()
            .at(-1)!,
        },
        tickers: TICKERS,
      },
      rawDataHash: 'test',
      featureSetHash: features.sha256,
      metrics: { accuracy: 0.6 },
      codeVersion: 'test',
    },
  });
  return { version, onnx: { path: join(dir, 'model.onnx'), sha256: await sha256File(join(dir, 'model.onnx')) } };
}

export function lineRegistry(paths: Paths, modelName: string, store?: Store): Promise<LocalRegistry> {
  return openRegistry(store ? { store: store.scope(registryPrefix(modelName)) } : { root: registryRoot(paths.modelsDir, modelName) });
}
