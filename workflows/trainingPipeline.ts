import {
  ApplicationFailure,
  ActivityFailure,
  CancellationScope,
  condition,
  defineQuery,
  executeChild,
  defineSignal,
  isCancellation,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { parseDurationMs } from '../lib/config/pipeline';
import { compareOptions, computeOptions, fetchOptions, notifyOptions, registryOptions, trainOptions } from './timeouts';
import { reachesGate } from '../lib/validation/forced';
import { watchBudget } from './budget';
import { describeDetails } from './details';
import { hyperparameterSearch } from './hyperparameterSearch';
import { deployStage } from './deploy';
import { pipelineIdOf } from './ids';
import { searchAttributePublisher } from './searchAttributes';
import { awaitDecision, refreshShadowEvidence, waitForShadowDays } from './shadowGate';
import type { ApprovalDecision, ComparisonRef, Hyperparams, PipelineInput, PipelineStatus, StageName, StageStatus } from './types';
import { STAGES } from './types';
import { activities, inheritedRoutes } from './routing';

export const approveSignal = defineSignal<[ApprovalDecision]>('approve');
export const rejectSignal = defineSignal<[ApprovalDecision]>('reject');
export const statusQuery = defineQuery<PipelineStatus>('status');

/** Marks runs that name themselves by pipelineIdOf (model lines) rather than by their workflow ID. */
const PIPELINE_ID_PATCH = 'pipeline-id-of-model-line';
/** Marks runs with a deploy stage after promote. */
const DEPLOY_PATCH = 'deploy-stage';
/** Marks runs whose gate shows (and may wait for) shadow evidence. */
const SHADOW_GATE_PATCH = 'shadow-evidence-at-gate';
/**
 * Runs started before the training-script convention: `force` meant "ignore the new-data check",
 * and there was no time budget nor a notification of a skipped run.
 */
const CONVENTION_PATCH = 'training-script-convention';
/**
 * Marks runs that keep their status in the memo (key `status`, read by `trainctl status`, `approve`
 * and `reject` through DescribeWorkflowExecution: no worker needed) and end `cancelled` when cancelled.
 */
const STATUS_MEMO_PATCH = 'status-in-memo';
/** Marks runs whose dry run registers nothing (the report goes to reports/<model>/dry-run/<pipelineId>/). */
const DRY_RUN_PATCH = 'dry-run-registers-nothing';

const io = activities(registryOptions);
const comparing = activities(compareOptions);
const fetching = activities(fetchOptions);
const compute = activities(computeOptions);
const training = activities(trainOptions);
const notifying = activities(notifyOptions);

/**
 * fetch → features → (optimize) → train → backtest → compare → approval gate → promote.
 * Orchestration only: every stage is an activity that receives and returns references.
 */
export async function trainingPipeline({ config }: PipelineInput): Promise<PipelineStatus> {
  // Runs of a model line share one workflow ID (workflows/ids.ts); runs started before that had
  // a workflow ID of their own, which stays their pipeline ID when they are replayed.
  const pipelineId = patched(PIPELINE_ID_PATCH) ? pipelineIdOf(workflowInfo()) : workflowInfo().workflowId;
  const status: PipelineStatus = {
    workflowId: workflowInfo().workflowId,
    pipelineId,
    modelName: config.modelName,
    trigger: config.trigger,
    outcome: 'running',
    stage: 'fetch',
    stages: STAGES.map((name): StageStatus => ({ name, state: 'pending' })),
    refusedSignals: [],
  };
  const convention = patched(CONVENTION_PATCH);
  const memo = patched(STATUS_MEMO_PATCH);
  let decision: (ApprovalDecision & { kind: 'approve' | 'reject' }) | undefined;

  // The Web UI's details, and (in runs with the memo) the memo whenever the status changed.
  let published = '';
  const publishSearchAttributes = searchAttributePublisher();
  const publish = () => {
    setCurrentDetails(describeDetails(status));
    publishSearchAttributes(status);
    if (!memo) return;
    const json = JSON.stringify(status);
    if (json === published) return;
    published = json;
    upsertMemo({ status: JSON.parse(json) as PipelineStatus });
  };

  setHandler(statusQuery, () => status);
  const onSignal = (kind: 'approve' | 'reject') => (d: ApprovalDecision) => {
    const refusal = decision ? `already ${decision.kind}d by ${decision.by}` : refuseReason(status, d, config.approvers);
    const at = new Date().toISOString();
    if (refusal) {
      status.refusedSignals.push({ ...d, kind, at, reason: refusal });
      log.warn('approval signal refused', { kind, version: d.version, by: d.by, reason: refusal });
      publish();
      return;
    }
    decision = { ...d, kind };
    // Out of the gate at once, so a reader of the memo sees the decision was taken.
    status.outcome = 'running';
    publish();
  };
  setHandler(approveSignal, onSignal('approve'));
  setHandler(rejectSignal, onSignal('reject'));

  const stage = async <T>(name: StageName, run: () => Promise<T>, note?: (r: T) => string): Promise<T> => {
    const s = status.stages.find((x) => x.name === name)!;
    status.stage = name;
    s.state = 'running';
    s.startedAt = new Date().toISOString();
    publish();
    try {
      const result = await run();
      s.state = 'done';
      s.note = note?.(result);
      await checkBudget();
      return result;
    } catch (err) {
      // A cancellation stays one (the run ends `cancelled`), it is not the stage's failure.
      if (memo && isCancellation(err)) {
        s.state = 'cancelled';
        throw err;
      }
      s.state = 'failed';
      throw stageFailure(status, name, err);
    } finally {
      s.finishedAt = new Date().toISOString();
      s.ms = Date.parse(s.finishedAt) - Date.parse(s.startedAt);
      if (memo) publish();
    }
  };
  const skip = (names: StageName[]) => {
    for (const s of status.stages) if (names.includes(s.name) && s.state === 'pending') s.state = 'skipped';
  };
  const notify = async (event: Parameters<Activities['notify']>[0]['event'], extra: Record<string, unknown> = {}) => {
    try {
      await notifying.notify({ event, pipelineId, modelName: config.modelName, status: { ...status }, ...extra });
    } catch (err) {
      // A notification that cannot be delivered must not decide the fate of a model.
      log.warn('notification failed', { event, error: String(err) });
    }
  };
  const checkBudget = convention
    ? watchBudget({ status, limit: config.pipelineBudget, notify: () => notify('budget_exceeded') })
    : async () => {};
  const finish = (outcome: PipelineStatus['outcome'], reason?: string): PipelineStatus => {
    status.outcome = outcome;
    status.stage = 'done';
    if (reason) status.reason = reason;
    skip([...STAGES]);
    publish();
    log.info('pipeline finished', { outcome, reason });
    return status;
  };

  try {
    await notify('started');
    const data = await stage(
      'fetch',
      () => fetching.fetchMarketData({ pipelineId, config }),
      (d) => `${d.tickers.length} tickers ${d.start}..${d.end}${d.synthetic ? ' (synthetic)' : ''}`,
    );
    status.synthetic = data.synthetic;
    status.dataWindow = { start: data.start, end: data.end };

    if (config.trigger !== 'manual' && !(convention ? config.ignoreNewData : config.force)) {
      const fresh = await io.checkNewData({ modelName: config.modelName, data, minNewDays: config.minNewDays });
      if (!fresh.enough) {
        finish('skipped', fresh.reason);
        if (convention) await notify('skipped');
        return status;
      }
    }

    const features = await stage(
      'features',
      () => compute.buildFeatures({ pipelineId, data, config }),
      (f) => `${f.rows} rows × ${f.featureNames.length} features${f.cacheHit ? ' (cache hit)' : ''}`,
    );
    status.featureSet = { rows: features.rows, features: features.featureNames.length, cacheHit: features.cacheHit };
    let tuned: Hyperparams | undefined;
    if (config.optimize) {
      const search = await stage(
        'optimize',
        () =>
          executeChild(hyperparameterSearch, {
            workflowId: `${pipelineId}-hpo`,
            // Configs recorded before these settings existed (histories, schedules) get the defaults.
            args: [{ config, features }],
            memo: { modelName: config.modelName, ...inheritedRoutes() },
          }),
        (r) =>
          `${r.completed} completed, ${r.pruned} pruned, ${r.failed} failed; best log loss ${r.value.toFixed(4)} (trial ${r.trialNumber})${r.bestNote ? `; best_hyperparameters.json ${r.bestNote}` : ''}`,
      );
      tuned = search.params;
    } else skip(['optimize']);

    const candidate = await stage(
      'train',
      () => training.trainModel({ pipelineId, features, config, params: tuned }),
      (c) => `${c.modelType}, ${c.rounds} rounds, cv accuracy ${c.cv.accuracy.toFixed(3)} (baseline ${c.cv.baselineAccuracy.toFixed(3)})`,
    );
    status.cv = candidate.cv;

    const backtest = await stage(
      'backtest',
      () => compute.backtestModel({ pipelineId, features, candidate, config }),
      (b) => `holdout ${b.holdoutRows} rows, accuracy ${b.candidate.metrics.accuracy.toFixed(3)}`,
    );
    status.candidate = backtest.candidate;
    status.production = backtest.production;
    status.buyHold = backtest.buyHold;

    // Decided before the stage, so the activity and the gate below agree.
    const dryRun = config.dryRun && patched(DRY_RUN_PATCH);
    const comparison: ComparisonRef = await stage(
      'compare',
      () =>
        comparing.compareModels({
          ...(dryRun ? { dryRun } : {}),
          pipelineId,
          config,
          data,
          features,
          candidate,
          backtest,
          ...(status.budget ? { budget: { ...status.budget } } : {}),
        }),
      (c) => `${c.version}: ${c.decision}${c.failed.length ? ` (${c.failed.join(', ')})` : ''}`,
    );
    status.candidateVersion = comparison.version;
    status.decision = comparison.decision;
    status.failedCriteria = comparison.failed;
    status.report = comparison.report;
    status.summary = comparison.summary;
    if (comparison.evidence) status.evidence = comparison.evidence;
    if (comparison.tracking) status.tracking = comparison.tracking;
    if (comparison.forced) status.forced = comparison.forced;

    if (dryRun) {
      const passed = reachesGate(comparison, comparison.forced);
      finish(
        passed ? 'skipped' : 'rejected',
        `dry run: ${passed ? (status.forced ? status.forced.note : 'the candidate passed validation') : `validation failed: ${comparison.failed.join(', ')}`}; nothing was registered; report: ${comparison.report.html}`,
      );
      if (!passed) await notify('rejected');
      return status;
    }
    if (!reachesGate(comparison, comparison.forced)) {
      await io.rejectCandidate({
        pipelineId,
        modelName: config.modelName,
        version: comparison.version,
        by: 'trainctl',
        reason: `validation failed: ${comparison.failed.join(', ')}`,
        stage: 'rejected',
      });
      finish('rejected', `validation failed: ${comparison.failed.join(', ')}`);
      await notify('rejected');
      return status;
    }
    if (config.dryRun) {
      return finish(
        'skipped',
        `dry run: ${status.forced ? status.forced.note : 'the candidate passed validation'}; promotion was not attempted`,
      );
    }

    const approval = await stage(
      'approval',
      async () => {
        const timeoutMs = parseDurationMs(config.approvalTimeout)!;
        const reminderMs = Math.min(parseDurationMs(config.approvalReminder)!, timeoutMs);
        // Runs from before the shadow gate wait as they began: two timers, no refreshes.
        if (!patched(SHADOW_GATE_PATCH)) {
          status.approval = { deadline: new Date(Date.now() + timeoutMs).toISOString() };
          status.outcome = 'awaiting_approval';
          publish();
          await notify('awaiting_approval');
          let decided = timeoutMs > reminderMs ? await condition(() => decision !== undefined, timeoutMs - reminderMs) : false;
          if (!decided) {
            if (timeoutMs > reminderMs) await notify('approval_reminder');
            decided = await condition(() => decision !== undefined, reminderMs);
          }
          status.outcome = 'running';
          return decided ? decision! : undefined;
        }
        const refresh = async () => {
          const e = await refreshShadowEvidence({
            modelName: config.modelName,
            candidateVersion: comparison.version,
            seed: config.seed,
            required: config.minShadowDays,
          });
          if (e) status.shadowEvidence = e;
          publish();
          return e;
        };
        if (config.minShadowDays > 0) await waitForShadowDays({ refresh, required: config.minShadowDays });
        else await refresh();
        status.approval = { deadline: new Date(Date.now() + timeoutMs).toISOString() };
        status.outcome = 'awaiting_approval';
        publish();
        await notify('awaiting_approval');
        const decided = await awaitDecision({
          decided: () => decision !== undefined,
          timeoutMs,
          reminderMs,
          remind: () => notify('approval_reminder'),
          refresh,
        });
        status.outcome = 'running';
        return decided ? decision! : undefined;
      },
      (d) => (d ? `${d.kind}d by ${d.by}` : 'no decision before the deadline'),
    );

    if (!approval) {
      // The candidate stays in staging: a reviewer can still promote it later by a new run or rollback.
      finish('expired', `no approval within ${config.approvalTimeout}; ${comparison.version} stays in staging`);
      await notify('expired');
      return status;
    }
    status.approval!.decision = { ...approval, at: new Date().toISOString() };
    if (approval.kind === 'reject') {
      await io.rejectCandidate({
        pipelineId,
        modelName: config.modelName,
        version: comparison.version,
        by: approval.by,
        reason: approval.comment ?? 'rejected by reviewer',
        stage: 'rejected',
      });
      finish('rejected', `rejected by ${approval.by}${approval.comment ? `: ${approval.comment}` : ''}`);
      await notify('rejected');
      return status;
    }

    const promoted = await stage(
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
    // Runs from before the deploy stage end at promote, as they began.
    if (patched(DEPLOY_PATCH)) {
      const deployed = await deployStage({
        pipelineId,
        modelName: config.modelName,
        version: comparison.version,
        previous: promoted.from,
        decidedAt: status.approval!.decision.at,
        timeoutMs: parseDurationMs(config.deployTimeout)!,
        stage,
        onResult: (d) => (status.deploy = d),
      });
      status.deploy = deployed;
    }
    finish('promoted', `${comparison.version} promoted by ${approval.by}`);
    await notify('promoted');
    return status;
  } catch (err) {
    if (memo && isCancellation(err)) {
      // Cancelled from the CLI or the Web UI: the activity in flight has stopped (compute waits
      // for it), a candidate already registered leaves staging, and the run ends `cancelled`.
      await CancellationScope.nonCancellable(async () => {
        const at = status.stage;
        status.outcome = 'cancelled';
        status.stage = 'done';
        status.reason = `cancelled during ${at}${status.candidateVersion ? `; ${status.candidateVersion} rejected` : '; nothing was registered'}`;
        skip([...STAGES]);
        if (status.candidateVersion && status.stages.find((x) => x.name === 'promote')?.state === 'pending') {
          await io
            .rejectCandidate({
              pipelineId,
              modelName: config.modelName,
              version: status.candidateVersion,
              by: 'trainctl',
              reason: 'run cancelled',
              stage: 'rejected',
            })
            .catch((e: unknown) => log.warn('could not reject the candidate of a cancelled run', { error: String(e) }));
        }
        publish();
        await notify('cancelled');
      });
      throw err;
    }
    status.outcome = 'failed';
    status.stage = 'done';
    publish();
    await notify('failed');
    throw err;
  }
}

/**
 * A signal must name who decides (one of the approvers when the configuration lists them) and the
 * candidate actually waiting, or it is refused and recorded.
 */
function refuseReason(status: PipelineStatus, d: ApprovalDecision, approvers: readonly string[] | undefined): string | undefined {
  if (status.outcome !== 'awaiting_approval') return `no candidate is awaiting approval (outcome: ${status.outcome})`;
  if (typeof d.by !== 'string' || !d.by.trim()) return 'the decision must name who made it (--by)';
  if (approvers?.length && !approvers.includes(d.by.trim())) {
    return `${d.by} is not an approver of ${status.modelName} (approvers: ${approvers.join(', ')})`;
  }
  if (d.version !== status.candidateVersion) {
    return `signal names ${d.version} but the candidate awaiting approval is ${status.candidateVersion}`;
  }
  return undefined;
}

function stageFailure(status: PipelineStatus, stage: StageName, err: unknown): ApplicationFailure {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const message = cause instanceof Error ? cause.message : String(cause);
  const type = cause instanceof ApplicationFailure && cause.type ? cause.type : 'TrainingError';
  status.error = { stage, message, type };
  return ApplicationFailure.create({
    message: `${stage} failed: ${message}`,
    type,
    nonRetryable: true,
    cause: cause instanceof Error ? cause : undefined,
  });
}
