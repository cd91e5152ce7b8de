import { defineQuery, executeChild, isCancellation, setHandler } from '@temporalio/workflow';
import { parseDurationMs, type PipelineConfig } from '../lib/config/pipeline';
import { backtestSettings, compareSettings, featureSettings, fetchSettings, trainSettings } from '../lib/config/stageSettings';
import { reachesGate } from '../lib/validation/forced';
import { compareOptions, computeOptions, fetchOptions, registryOptions, trainOptions } from './timeouts';
import { deployStage } from './deploy';
import { hyperparameterSearch } from './hyperparameterSearch';
import { acceptDecisions, approvalGate, type Decision } from './pipeline/approvalGate';
import { compensateCancellation } from './pipeline/compensation';
import { trackPipeline, type Tracker } from './pipeline/tracker';
import type { ComparisonRef, Hyperparams, PipelineInput, PipelineStatus } from './types';
import { activities, inheritedRoutes } from './routing';

export { approveSignal, rejectSignal } from './pipeline/approvalGate';
export const statusQuery = defineQuery<PipelineStatus>('status');

const io = activities(registryOptions);
const comparing = activities(compareOptions);
const fetching = activities(fetchOptions);
const compute = activities(computeOptions);
const training = activities(trainOptions);

/**
 * fetch → features → (optimize) → train → backtest → compare → approval gate → promote → deploy.
 * Orchestration only: every stage is an activity that receives and returns references.
 */
export async function trainingPipeline({ config }: PipelineInput): Promise<PipelineStatus> {
  const t = trackPipeline(config);
  setHandler(statusQuery, () => t.status);
  const decision = acceptDecisions(t, config.approvers);
  try {
    await t.notify('started');
    const comparison = await buildCandidate(t, config);
    if (!comparison) return t.status;
    return await decide(t, config, comparison, decision);
  } catch (err) {
    if (isCancellation(err)) {
      await compensateCancellation(t);
      throw err;
    }
    t.status.outcome = 'failed';
    t.status.stage = 'done';
    t.publish();
    await t.notify('failed');
    throw err;
  }
}

/** fetch → features → (optimize) → train → backtest → compare; undefined when the run ended before the gate. */
async function buildCandidate(t: Tracker, config: PipelineConfig): Promise<ComparisonRef | undefined> {
  const { pipelineId, status } = t;
  const data = await t.stage(
    'fetch',
    () => fetching.fetchMarketData({ pipelineId, settings: fetchSettings(config) }),
    (d) => `${d.tickers.length} tickers ${d.start}..${d.end}${d.synthetic ? ' (synthetic)' : ''}`,
  );
  status.synthetic = data.synthetic;
  status.dataWindow = { start: data.start, end: data.end };

  if (config.trigger !== 'manual' && !config.ignoreNewData) {
    const fresh = await io.checkNewData({ modelName: config.modelName, data, minNewDays: config.minNewDays });
    if (!fresh.enough) {
      t.finish('skipped', fresh.reason);
      await t.notify('skipped');
      return undefined;
    }
  }

  const features = await t.stage(
    'features',
    () => compute.buildFeatures({ pipelineId, data, settings: featureSettings(config) }),
    (f) => `${f.rows} rows × ${f.featureNames.length} features${f.cacheHit ? ' (cache hit)' : ''}`,
  );
  status.featureSet = { rows: features.rows, features: features.featureNames.length, cacheHit: features.cacheHit };
  let tuned: Hyperparams | undefined;
  if (config.optimize) {
    const memo = { modelName: config.modelName, ...inheritedRoutes() };
    const search = await t.stage(
      'optimize',
      () => executeChild(hyperparameterSearch, { workflowId: `${pipelineId}-hpo`, memo, args: [{ config, features }] }),
      (r) =>
        `${r.completed} completed, ${r.pruned} pruned, ${r.failed} failed; best log loss ${r.value.toFixed(4)} (trial ${r.trialNumber})${r.bestNote ? `; best_hyperparameters.json ${r.bestNote}` : ''}`,
    );
    tuned = search.params;
  } else t.skip(['optimize']);

  const candidate = await t.stage(
    'train',
    () => training.trainModel({ pipelineId, features, settings: trainSettings(config), params: tuned }),
    (c) => `${c.modelType}, ${c.rounds} rounds, cv accuracy ${c.cv.accuracy.toFixed(3)} (baseline ${c.cv.baselineAccuracy.toFixed(3)})`,
  );
  status.cv = candidate.cv;

  const backtest = await t.stage(
    'backtest',
    () => compute.backtestModel({ pipelineId, features, candidate, settings: backtestSettings(config) }),
    (b) => `holdout ${b.holdoutRows} rows, accuracy ${b.candidate.metrics.accuracy.toFixed(3)}`,
  );
  status.candidate = backtest.candidate;
  status.production = backtest.production;
  status.buyHold = backtest.buyHold;

  const comparison = await t.stage(
    'compare',
    () =>
      comparing.compareModels({
        ...(config.dryRun ? { dryRun: true } : {}),
        ...{ pipelineId, settings: compareSettings(config), trainingConfig: config, data, features, candidate, backtest },
        budget: { ...status.budget! },
      }),
    (c) => `${c.version}: ${c.decision}${c.failed.length ? ` (${c.failed.join(', ')})` : ''}`,
  );
  Object.assign(status, {
    candidateVersion: comparison.version,
    decision: comparison.decision,
    failedCriteria: comparison.failed,
    report: comparison.report,
    summary: comparison.summary,
    ...(comparison.evidence ? { evidence: comparison.evidence } : {}),
    ...(comparison.tracking ? { tracking: comparison.tracking } : {}),
    ...(comparison.forced ? { forced: comparison.forced } : {}),
  });
  return comparison;
}

/** The gate and what follows it: rejected by the criteria, a dry run's end, approval, promote, deploy. */
async function decide(t: Tracker, config: PipelineConfig, comparison: ComparisonRef, decision: () => Decision | undefined) {
  const { pipelineId, status } = t;
  const passed = reachesGate(comparison, comparison.forced);
  const failedText = `validation failed: ${comparison.failed.join(', ')}`;
  if (config.dryRun) {
    const why = passed ? (status.forced ? status.forced.note : 'the candidate passed validation') : failedText;
    t.finish(passed ? 'skipped' : 'rejected', `dry run: ${why}; nothing was registered; report: ${comparison.report.html}`);
    if (!passed) await t.notify('rejected');
    return status;
  }
  const reject = async (by: string, reason: string, outcome: string) => {
    await io.rejectCandidate({ pipelineId, modelName: config.modelName, version: comparison.version, by, reason, stage: 'rejected' });
    t.finish('rejected', outcome);
    await t.notify('rejected');
    return status;
  };
  if (!passed) return reject('trainctl', failedText, failedText);

  const approval = await t.stage(
    'approval',
    () => approvalGate(t, { settings: config, candidateVersion: comparison.version, decision }),
    (d) => (d ? `${d.kind}d by ${d.by}` : 'no decision before the deadline'),
  );
  if (!approval) {
    // The candidate stays in staging: a reviewer can still promote it later by a new run or rollback.
    t.finish('expired', `no approval within ${config.approvalTimeout}; ${comparison.version} stays in staging`);
    await t.notify('expired');
    return status;
  }
  const decidedAt = new Date().toISOString();
  status.approval!.decision = { ...approval, at: decidedAt };
  if (approval.kind === 'reject') {
    const comment = approval.comment ?? 'rejected by reviewer';
    return reject(approval.by, comment, `rejected by ${approval.by}${approval.comment ? `: ${approval.comment}` : ''}`);
  }

  const promoted = await t.stage(
    'promote',
    () =>
      io.promoteModel({
        pipelineId,
        modelName: config.modelName,
        version: comparison.version,
        by: approval.by,
        reason: `${status.forced ? `${status.forced.note}; ` : ''}${approval.comment ?? 'approved'}`,
      }),
    (p) => `${p.from ?? 'none'} → ${p.to}`,
  );
  status.promotedFrom = promoted.from;
  status.deploy = await deployStage({
    pipelineId,
    modelName: config.modelName,
    version: comparison.version,
    previous: promoted.from,
    decidedAt,
    timeoutMs: parseDurationMs(config.deployTimeout)!,
    stage: t.stage,
    onResult: (d) => (status.deploy = d),
  });
  t.finish('promoted', `${comparison.version} promoted by ${approval.by}`);
  await t.notify('promoted');
  return status;
}
