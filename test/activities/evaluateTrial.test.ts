import { asyncLocalStorage, type Context } from '@temporalio/activity';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { scoreFold } from '../../activities/searchActivities';
import { resolvePipelineConfig } from '../../lib/config/pipeline';
import { WALK_FORWARD_FOLDS } from '../../lib/evaluation';
import type { PruningSnapshot } from '../../lib/hpo';
import type { FeatureSetRef } from '../../workflows/types';
import { tempPaths } from '../support/temporal';
import { featureSettings, fetchSettings, trialSettings } from '../../lib/config/stageSettings';

/**
 * A search trial as one activity (evaluateTrial): the same fold scores as each fold scored alone
 * (scoreFold), self-pruning on the snapshot it is given, and a retry that resumes after the folds
 * its previous attempt heartbeated.
 */
const deps = {
  paths: tempPaths('evaluate-trial-'),
  logger: pino({ level: 'silent' }),
  env: {},
  now: () => new Date('2026-11-02T12:00:00Z'),
  fetch,
};
const activities = createActivities(deps);
const config = resolvePipelineConfig({
  modelName: 'evaluate-trial',
  tickers: ['SYN-A', 'SYN-B'],
  period: '3y',
  asOf: '2026-10-30',
  seed: 3,
});
const params = { nEstimators: 40, maxDepth: 4, learningRate: 0.1, minChildWeight: 2, subsample: 0.8, colsampleBytree: 0.8 };
const noPruning: PruningSnapshot = { direction: 'minimize', nStartupTrials: 5, completed: [] };
let features: FeatureSetRef;

/** Runs `fn` as an activity attempt whose previous attempt heartbeated `details`; returns what this one heartbeated too. */
async function asAttempt<T>(details: unknown, fn: () => Promise<T>) {
  const beats: unknown[] = [];
  const ctx = {
    info: { heartbeatDetails: details, isLocal: false },
    heartbeat: (d?: unknown) => void beats.push(d),
    cancellationSignal: new AbortController().signal,
  } as unknown as Context;
  return { result: await asyncLocalStorage.run(ctx, fn), beats };
}

beforeAll(async () => {
  const data = await activities.fetchMarketData({ pipelineId: 'evaluate-trial', settings: fetchSettings(config) });
  features = await activities.buildFeatures({ pipelineId: 'evaluate-trial', data, settings: featureSettings(config) });
}, 120_000);

describe('evaluateTrial', () => {
  it('scores every fold as scoring it alone does, heartbeating each finished fold', async () => {
    const perFold = [];
    for (let fold = 0; fold < WALK_FORWARD_FOLDS; fold++)
      perFold.push(await scoreFold(deps, { features, settings: trialSettings(config), params }, fold, () => {}));
    const { result, beats } = await asAttempt(undefined, () =>
      activities.evaluateTrial({ features, settings: trialSettings(config), params, trial: 0, pruning: noPruning }),
    );
    expect(result).toEqual({ folds: perFold, pruned: false });
    // Fold beats carry the folds so far and no round (round beats are throttled; keep-alive beats repeat the latest).
    const foldBeats = beats.filter((b) => b && typeof b === 'object' && (b as { round?: number }).round === undefined) as {
      folds: unknown[];
    }[];
    expect(foldBeats.map((b) => b.folds.length)).toEqual([1, 2, 3, 4]);
  }, 120_000);

  it('a retry resumes after the folds its previous attempt heartbeated (they are not evaluated again)', async () => {
    const full = await asAttempt(undefined, () =>
      activities.evaluateTrial({ features, settings: trialSettings(config), params, trial: 1, pruning: noPruning }),
    );
    // Planted scores for the first two folds: a resumed attempt keeps them, so they show in its result.
    const planted = [
      { logLoss: 0.5, accuracy: 0.6, baselineAccuracy: 0.5 },
      { logLoss: 0.55, accuracy: 0.58, baselineAccuracy: 0.5 },
    ];
    const resumed = await asAttempt({ trial: 1, folds: planted }, () =>
      activities.evaluateTrial({ features, settings: trialSettings(config), params, trial: 1, pruning: noPruning }),
    );
    expect(resumed.result.folds).toEqual([...planted, ...full.result.folds.slice(2)]);
    // Details of another shape are ignored: the trial starts over.
    const garbled = await asAttempt({ folds: [{ logLoss: 'x' }] }, () =>
      activities.evaluateTrial({ features, settings: trialSettings(config), params, trial: 1, pruning: noPruning }),
    );
    expect(garbled.result).toEqual(full.result);
  }, 120_000);

  it('prunes itself after the first fold worse than the median of the completed trials, also when resuming there', async () => {
    const full = await asAttempt(undefined, () =>
      activities.evaluateTrial({ features, settings: trialSettings(config), params, trial: 2, pruning: noPruning }),
    );
    const first = full.result.folds[0]!.logLoss;
    // Five completed trials, all better than this one after fold 1: the median pruner stops it there.
    const better: PruningSnapshot = {
      direction: 'minimize',
      nStartupTrials: 5,
      completed: Array.from({ length: 5 }, (_, i) => ({ 0: first - 0.01 * (i + 1), 1: 0.1, 2: 0.1, 3: 0.1 })),
    };
    const pruned = await asAttempt(undefined, () =>
      activities.evaluateTrial({ features, settings: trialSettings(config), params, trial: 2, pruning: better }),
    );
    expect(pruned.result).toEqual({ folds: full.result.folds.slice(0, 1), pruned: true });
    // Four completed trials are fewer than n_startup_trials: no pruning.
    const early = await asAttempt(undefined, () =>
      activities.evaluateTrial({
        features,
        settings: trialSettings(config),
        params,
        trial: 2,
        pruning: { ...better, completed: better.completed.slice(0, 4) },
      }),
    );
    expect(early.result.pruned).toBe(false);
    // A previous attempt that finished fold 1 and died before returning: the retry prunes at once.
    const resumed = await asAttempt({ trial: 2, folds: full.result.folds.slice(0, 1) }, () =>
      activities.evaluateTrial({ features, settings: trialSettings(config), params, trial: 2, pruning: better }),
    );
    expect(resumed.result).toEqual({ folds: full.result.folds.slice(0, 1), pruned: true });
    expect(resumed.beats.filter((b) => b && typeof b === 'object' && (b as { round?: number }).round !== undefined)).toEqual([]);
  }, 120_000);
});
