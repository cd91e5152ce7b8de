import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  appendMonitorHistory,
  judgeDrop,
  labelDefinitionOf,
  monitorLocations,
  monitorSnapshot,
  readMonitorHistory,
  writeMonitorReport,
  type DropPolicy,
  type DropVerdict,
  type MonitorSnapshot,
  type Outcome,
} from '../lib/monitoring';
import { readPredictions } from '../lib/predictionLog';
import type { Interval } from '../lib/stats';
import type { ActivityDeps } from './deps';
import { outcomesFor } from './monitoringOutcomes';
import { registryFor } from './registry';
import { localFile, publishReport, registryFileRef } from './storeFiles';
import { updateStoredFiles } from './storedUpdate';
import { withPredictionLog } from './predictionLogStore';

export interface MonitorPerformanceInput {
  pipelineId: string;
  modelName: string;
  /** Trading days of matured predictions in the rolling window. */
  windowDays: number;
  costBps: number;
  seed: number;
  policy: DropPolicy;
  /** Defaults to the production model's own source; tests point it at other data. */
  source?: string;
  asOf?: string;
  resamples?: number;
}

export interface CohortSummary {
  version: string;
  role: string;
  windowRows: number;
  accuracy: Interval | null;
  f1: Interval | null;
  strategyReturn: Interval | null;
  sinceDeploymentRows: number;
  sinceDeploymentAccuracy: Interval | null;
}

/** Small: what the workflow needs to decide and show; the figures themselves are in the report. */
export interface PerformanceSummary {
  productionVersion: string | null;
  cohorts: CohortSummary[];
  drop: DropVerdict;
  unused: MonitorSnapshot['unused'];
  tickersWithoutOutcomes: string[];
  report: { markdown: string; html: string; json: string } | null;
  synthetic: boolean;
  summary: string;
}

/**
 * Join the prediction log with outcomes (fetched through the normal fetch and feature stages, so
 * labels are defined exactly as at training), compute realised metrics per version and role,
 * append them to the history, write the report and judge production against its floors.
 */
export function measurePerformanceActivity(deps: ActivityDeps) {
  return async function measurePerformance(input: MonitorPerformanceInput): Promise<PerformanceSummary> {
    const registry = await registryFor(deps, input.modelName);
    const production = await registry.production();
    const at = deps.now().toISOString();
    const log = await withPredictionLog(deps, input.modelName, (dir) => readPredictions(dir));
    const label = labelDefinitionOf(production?.metadata.labelDefinition);
    const { outcomes, synthetic } = production
      ? await outcomesFor(deps, production, input)
      : { outcomes: new Map<string, Outcome>(), synthetic: false };
    const snapshot = monitorSnapshot({
      at,
      model: input.modelName,
      records: log.records,
      unreadableLines: log.skipped.length,
      outcomes,
      windowDays: input.windowDays,
      labelHorizon: label.horizon,
      costBps: input.costBps,
      seed: input.seed,
      alpha: input.policy.alpha,
      ...(input.resamples ? { resamples: input.resamples } : {}),
    });
    const prod = production
      ? snapshot.cohorts.find((c) => c.cohort.version === production.version && c.cohort.role === 'production')
      : undefined;
    let drop: DropVerdict = {
      status: 'insufficient',
      findings: [],
      note: production ? `no matured production predictions of ${production.version} yet` : 'no production model',
    };
    if (prod && production) {
      const profile = production.files['reference_profile.json'];
      const positiveRate = await trainingPositiveRate(profile && (await localFile(deps, registryFileRef(profile))));
      drop = judgeDrop({
        realised: prod.window,
        holdout: production.metadata.metrics,
        policy: input.policy,
        ...(positiveRate !== undefined ? { trainingPositiveRate: positiveRate } : {}),
      });
    }
    const where = monitorLocations(deps.paths, input.modelName);
    // The verdict goes into the history too: the dashboard lists the drops that were alerted.
    snapshot.verdict = {
      production: production?.version ?? null,
      status: drop.status,
      note: drop.note,
      ...(drop.status === 'drop' ? { level: drop.level } : {}),
    };
    // Shared by every worker of the line: appended by compare-and-swap when the store is a bucket.
    const { snapshots } = await updateStoredFiles(deps, [where.history], async ([path]) => {
      await appendMonitorHistory(path!, snapshot);
      return readMonitorHistory(path!);
    });
    const written = await writeMonitorReport({
      dir: join(where.reportsDir, at.replace(/[:.]/g, '-')),
      snapshot,
      history: snapshots,
      synthetic,
    });
    const report = await publishReport(deps, written);

    const cohorts = snapshot.cohorts.map((c) => ({
      version: c.cohort.version,
      role: c.cohort.role,
      windowRows: c.window.rows,
      accuracy: c.window.intervals.accuracy ?? point(c.window.metrics.accuracy),
      f1: c.window.intervals.f1 ?? point(c.window.metrics.f1),
      strategyReturn: c.window.intervals.strategyReturn ?? point(c.window.metrics.strategyReturn),
      sinceDeploymentRows: c.sinceDeployment.rows,
      sinceDeploymentAccuracy: c.sinceDeployment.intervals.accuracy ?? point(c.sinceDeployment.metrics.accuracy),
    }));
    const u = snapshot.unused;
    const summary = `${cohorts.length} cohort(s); production ${production?.version ?? 'none'}: ${drop.status} (${drop.note}); unused: ${u.pending} maturing, ${u.noOutcome} without outcome, ${u.foreign} foreign, ${u.unreadableLines} unreadable`;
    deps.logger.info({ module: 'monitor', pipelineId: input.pipelineId, drop: drop.status, report: report.html }, summary);
    return {
      productionVersion: production?.version ?? null,
      cohorts,
      drop,
      unused: u,
      tickersWithoutOutcomes: snapshot.tickersWithoutOutcomes,
      report,
      synthetic,
      summary,
    };
  };
}

function point(v: number | null): Interval | null {
  return v === null || !Number.isFinite(v) ? null : { estimate: v, low: NaN, high: NaN, level: 0 };
}

/** The positive rate at training, from the reference profile (absent for models without one). */
async function trainingPositiveRate(location: string | undefined): Promise<number | undefined> {
  if (!location) return undefined;
  try {
    const v = JSON.parse(await readFile(location, 'utf8')) as { positiveRate?: unknown };
    return typeof v.positiveRate === 'number' ? v.positiveRate : undefined;
  } catch {
    return undefined;
  }
}
