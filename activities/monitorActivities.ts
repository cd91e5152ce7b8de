import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../lib/util/atomic';
import {
  appendAutoRollback,
  compareShadow,
  joinOutcomes,
  labelDefinitionOf,
  loadOutcomes,
  shadowMarkdown,
  validRecords,
  appendMonitorHistory,
  decideAutoRollback,
  retrainConfig,
  judgeDrop,
  monitorLocations,
  monitorSnapshot,
  readAutoRollbacks,
  readMonitorHistory,
  writeMonitorReport,
  type AutoRollbackRecord,
  type DropPolicy,
  type DropVerdict,
  type MonitorSnapshot,
  type Outcome,
  type RollbackDecision,
  type ShadowComparison,
} from '../lib/monitoring';
import type { ModelEntry } from '../lib/registry';
import type { PipelineConfig } from '../lib/config/pipeline';
import { readPredictions } from '../lib/predictionLog';
import type { Interval } from '../lib/stats';
import type { ActivityDeps } from './deps';
import { heartbeat } from './heartbeat';
import { registryFor } from './registry';
import { displayLocation, localFile, publish, publishReport, registryFileRef } from './storeFiles';
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
export function monitorActivities(deps: ActivityDeps) {
  const outcomesFor = (production: ModelEntry, o: { source?: string; asOf?: string; seed: number }) =>
    loadOutcomes({
      source: o.source ?? production.metadata.dataSource.source,
      tickers: production.metadata.dataSource.tickers ?? [],
      asOf: o.asOf ?? deps.now().toISOString().slice(0, 10),
      seed: o.seed,
      label: labelDefinitionOf(production.metadata.labelDefinition),
      cacheDir: deps.paths.dataCacheDir,
      featureStoreDir: deps.paths.featureStoreDir,
      onProgress: (p) => heartbeat(p),
    });

  async function measurePerformance(input: MonitorPerformanceInput): Promise<PerformanceSummary> {
    const registry = await registryFor(deps, input.modelName);
    const production = await registry.production();
    const at = deps.now().toISOString();
    const log = await withPredictionLog(deps, input.modelName, (dir) => readPredictions(dir));
    const label = labelDefinitionOf(production?.metadata.labelDefinition);
    const { outcomes, synthetic } = production
      ? await outcomesFor(production, input)
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
  }

  async function planAutoRollback(input: { modelName: string; coolDownHours: number }): Promise<RollbackDecision> {
    const registry = await registryFor(deps, input.modelName);
    const production = await registry.production();
    if (!production) return { rollback: false, reason: 'no production model' };
    const staging = await registry.staging();
    const former = [];
    for (const s of await registry.list()) {
      if (s.stage !== 'archived') continue;
      const e = await registry.get(s.version);
      const left = e.metadata.stageHistory.filter((h, i, all) => i > 0 && all[i - 1]!.stage === 'production');
      if (left.length) former.push({ version: s.version, leftAt: left.at(-1)!.at });
    }
    return decideAutoRollback({
      now: deps.now().toISOString(),
      production: production.version,
      formerProductions: former,
      history: await updateStoredFiles(deps, [monitorLocations(deps.paths, input.modelName).autoRollbacks], ([path]) =>
        readAutoRollbacks(path!),
      ),
      pendingDecision: staging?.version ?? null,
      coolDownHours: input.coolDownHours,
    });
  }

  async function recordAutoRollback(input: { modelName: string; record: AutoRollbackRecord }): Promise<void> {
    await updateStoredFiles(deps, [monitorLocations(deps.paths, input.modelName).autoRollbacks], ([path]) =>
      appendAutoRollback(path!, input.record),
    );
  }

  /** The retrain configuration from production's own training set-up (see lib/monitoring/retrainConfig). */
  async function productionRetrainConfig(input: {
    modelName: string;
    base: PipelineConfig;
  }): Promise<{ config: PipelineConfig; from: string[]; productionVersion: string | null }> {
    const production = await (await registryFor(deps, input.modelName)).production();
    if (!production) return { config: input.base, from: [], productionVersion: null };
    const md = production.metadata;
    const stored = (md.extra as { trainingConfig?: Partial<PipelineConfig> } | undefined)?.trainingConfig;
    const r = retrainConfig({
      base: input.base,
      production: {
        modelType: md.modelType,
        dataSource: md.dataSource,
        labelDefinition: md.labelDefinition,
        ...(stored ? { trainingConfig: stored } : {}),
      },
    });
    return { ...r, productionVersion: production.version };
  }

  /**
   * Shadow evidence for the approval gate: the candidate's shadow predictions and production's on
   * the same matured ticker-dates, compared pairwise (lib/monitoring/shadowComparison).
   */
  async function shadowEvidence(input: {
    modelName: string;
    candidateVersion: string;
    seed: number;
    source?: string;
    asOf?: string;
  }): Promise<ShadowComparison & { productionVersion: string | null; report?: string }> {
    const production = await (await registryFor(deps, input.modelName)).production();
    const empty = compareShadow({ candidate: [], production: [], labelHorizon: 5, seed: input.seed });
    if (!production) return { ...empty, note: 'no production model', productionVersion: null };
    const log = await withPredictionLog(deps, input.modelName, (dir) => readPredictions(dir));
    // Nothing scored in shadow yet: no need to fetch outcomes.
    if (!log.records.some((r) => r.role === 'shadow' && r.version === input.candidateVersion)) {
      return { ...empty, note: `no shadow predictions of ${input.candidateVersion} yet`, productionVersion: production.version };
    }
    const { outcomes } = await outcomesFor(production, input);
    const { records } = validRecords(log.records);
    const joined = joinOutcomes({ records: records.filter((r) => r.model === input.modelName), outcomes });
    const rows = (version: string, role: string) =>
      joined.cohorts.find((c) => c.cohort.version === version && c.cohort.role === role)?.rows ?? [];
    const comparison = compareShadow({
      candidate: rows(input.candidateVersion, 'shadow'),
      production: rows(production.version, 'production'),
      labelHorizon: labelDefinitionOf(production.metadata.labelDefinition).horizon,
      seed: input.seed,
    });
    // The refreshed part of the comparison report, next to it: reports/<model>/<candidate>/shadow_comparison.{md,json}.
    const dir = join(deps.paths.reportsDir, input.modelName, input.candidateVersion);
    const markdown = join(dir, 'shadow_comparison.md');
    await writeFileAtomic(
      markdown,
      `${shadowMarkdown({ candidate: input.candidateVersion, production: production.version, comparison })}\n`,
    );
    await writeJsonAtomic(join(dir, 'shadow_comparison.json'), comparison);
    const stored = await publish(deps, markdown);
    await publish(deps, join(dir, 'shadow_comparison.json'));
    return { ...comparison, productionVersion: production.version, report: displayLocation(stored) };
  }

  return { measurePerformance, planAutoRollback, recordAutoRollback, productionRetrainConfig, shadowEvidence };
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
