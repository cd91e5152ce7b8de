import { join } from 'node:path';
import { fetchMarketData } from '../lib/data';
import {
  appendDriftHistory,
  checkDrift,
  columnsOf,
  writeDriftReport,
  type DriftResult,
  type DriftThresholds,
  type ReferenceProfile,
} from '../lib/drift';
import { buildFeatureSet, loadFeatureMatrix, selectRows } from '../lib/features';
import { OnnxModel } from '../lib/onnx';
import { modelLinePaths } from '../lib/config/paths';
import { featureOptionsForModel } from '../lib/features/modelFeatures';
import { referenceProfileSchema } from '../lib/drift/schemas';
import { ModelError } from '../lib/util/errors';
import { readJsonFile } from '../lib/util/jsonFile';
import type { ActivityDeps } from './deps';
import { heartbeat, stableNow } from './heartbeat';
import { registryFor } from './registry';
import { localFile, publishReport, registryFileRef } from './storeFiles';
import { updateStoredFiles } from './storedUpdate';

export interface CheckDriftInput {
  pipelineId: string;
  modelName: string;
  /** Trading days of the most recent data that form the "current" distribution. */
  windowDays: number;
  thresholds: DriftThresholds;
  watch?: string[];
  /** Defaults to the production model's own source; tests point it at other data. */
  source?: string;
  asOf?: string;
  seed: number;
}

export interface DriftSummary {
  status: DriftResult['status'];
  reason?: string;
  summary: string;
  productionVersion: string | null;
  rows: number;
  window: { start: string; end: string } | null;
  maxPsi: number | null;
  predictionPsi: number | null;
  flagged: { name: string; psi: number | null; level: string; reason?: string }[];
  /** 'calibrated' when the profile held thresholds for this window length, else 'fixed'. */
  thresholds: 'calibrated' | 'fixed';
  missing: string[];
  report: { markdown: string; html: string; json: string } | null;
  synthetic: boolean;
}

/**
 * Compare the newest `windowDays` of data with the production model's training distribution:
 * PSI and KS per feature, PSI of its predictions, label drift where outcomes are known. Writes a
 * report and appends the figures to the drift history.
 */
export function checkDriftActivity(deps: ActivityDeps) {
  return async function checkDriftNow(input: CheckDriftInput): Promise<DriftSummary> {
    const production = await (await registryFor(deps, input.modelName)).production();
    const empty = (reason: string): DriftSummary => ({
      status: 'nothing_to_compare',
      reason,
      summary: `nothing to compare: ${reason}`,
      productionVersion: production?.version ?? null,
      rows: 0,
      window: null,
      maxPsi: null,
      predictionPsi: null,
      flagged: [],
      missing: [],
      report: null,
      synthetic: false,
      thresholds: input.thresholds.mode ?? 'calibrated',
    });
    if (!production) return empty('there is no production model yet');
    const profileFile = production.files['reference_profile.json'];
    if (!profileFile) return empty(`production ${production.version} has no saved reference distribution`);
    const reference = (await readJsonFile({
      path: await localFile(deps, registryFileRef(profileFile)),
      schema: referenceProfileSchema,
      error: ModelError,
    })) as ReferenceProfile;

    const md = production.metadata;
    const asOf = input.asOf ?? deps.now().toISOString().slice(0, 10);
    // Rebuild the production model's own columns: its candlestick patterns and signals.
    const features = await featureOptionsForModel(md, { seed: input.seed, tickers: md.dataSource.tickers ?? [], asOf, now: deps.now() });
    const data = await fetchMarketData({
      source: input.source ?? md.dataSource.source,
      tickers: md.dataSource.tickers ?? [],
      period: '2y',
      asOf,
      seed: input.seed,
      cacheDir: deps.paths.dataCacheDir,
      onProgress: (p) => heartbeat(p),
    });
    const set = await buildFeatureSet({
      signals: features.signals,
      inputs: data.tickers.map((t) => ({ ticker: t.ticker, path: t.path, sha256: t.sha256 })),
      config: (md.labelDefinition as { horizon: number; threshold: number } | undefined)
        ? {
            labelHorizon: (md.labelDefinition as { horizon: number }).horizon,
            labelThreshold: (md.labelDefinition as { threshold: number }).threshold,
            candlestickPatterns: features.candlestickPatterns,
          }
        : { candlestickPatterns: features.candlestickPatterns },
      storeDir: deps.paths.featureStoreDir,
    });
    const all = await loadFeatureMatrix(set.path);
    const days = [...new Set(all.dates)].sort().slice(-input.windowDays);
    const first = days[0]!;
    const rows = all.dates.flatMap((d, i) => (d >= first ? [i] : []));

    let predictions: Float32Array | undefined;
    const onnxFile = production.files['model.onnx'];
    const model = onnxFile
      ? await OnnxModel.load(await localFile(deps, registryFileRef(onnxFile)), { expectedSha256: onnxFile.sha256 })
      : await OnnxModel.load(production.onnx);
    try {
      if (model.featureNames.every((n, i) => all.X.featureNames[i] === n) && model.featureNames.length === all.X.cols) {
        predictions = await model.predictProba(selectRows(all.X, rows));
      }
    } finally {
      await model.dispose();
    }
    const result = checkDrift({
      reference,
      current: {
        featureNames: all.X.featureNames,
        columns: columnsOf(all.X, rows),
        predictions,
        labels: rows.map((r) => all.y[r]!),
        windowDays: input.windowDays,
        dates: rows.map((r) => all.dates[r]!),
      },
      thresholds: input.thresholds,
      watch: input.watch,
    });
    // Named by when the check was scheduled: a retry rewrites this report and history line, it adds none.
    const checkedAt = stableNow(deps.now).toISOString();
    const stamp = checkedAt.replace(/[:.]/g, '-');
    const written = await writeDriftReport({
      dir: join(modelLinePaths(deps.paths, input.modelName).driftReportsDir, stamp),
      result,
      thresholds: input.thresholds,
      title: `Drift of ${input.modelName} ${production.version}: ${first} … ${days.at(-1)}`,
      synthetic: data.synthetic,
    });
    // Published, so a person (or the dashboard) on another host opens the same report.
    const report = await publishReport(deps, written);
    const history = modelLinePaths(deps.paths, input.modelName).driftHistory;
    // Shared by every worker of the line: appended by compare-and-swap when the store is a bucket.
    await updateStoredFiles(deps, [history], ([path]) =>
      appendDriftHistory(path!, {
        at: checkedAt,
        runId: input.pipelineId,
        productionVersion: production.version,
        status: result.status,
        rows: result.rows,
        window: { start: first, end: days.at(-1)! },
        predictionPsi: result.prediction?.psi ?? null,
        psi: Object.fromEntries(result.features.map((f) => [f.name, f.psi])),
      }),
    );
    const psis = result.features.map((f) => f.psi).filter((p): p is number => p !== null);
    deps.logger.info(
      { module: 'drift', pipelineId: input.pipelineId, status: result.status, maxPsi: Math.max(...psis), report: report.html },
      result.summary,
    );
    return {
      status: result.status,
      summary: result.summary,
      productionVersion: production.version,
      rows: result.rows,
      window: { start: first, end: days.at(-1)! },
      maxPsi: psis.length ? Math.max(...psis) : null,
      predictionPsi: result.prediction?.psi ?? null,
      flagged: result.features
        .filter((f) => f.level !== 'ok')
        .map((f) => ({ name: f.name, psi: f.psi, level: f.level, ...(f.reason ? { reason: f.reason } : {}) })),
      thresholds: result.features.some((f) => f.threshold?.source === 'calibrated') ? 'calibrated' : 'fixed',
      missing: result.features.filter((f) => f.missing).map((f) => f.name),
      report,
      synthetic: data.synthetic,
    };
  };
}
