import { proxyActivities, workflowInfo, type ActivityInterfaceFor, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { TaskQueueRoutes } from '../lib/config/taskQueues';
import { ACTIVITY_KINDS } from './activityKinds';

/**
 * The memo key under which a run carries its task queues by kind (lib/config/taskQueues.ts). The
 * client that starts a run writes it; children and continued searches inherit it. Absent (runs
 * from before, or a set-up that does not split): every activity runs on the workflow's own queue.
 */
export const TASK_QUEUES_MEMO = 'taskQueues';

export function runRoutes(): TaskQueueRoutes | undefined {
  const r = workflowInfo().memo?.[TASK_QUEUES_MEMO] as Partial<TaskQueueRoutes> | undefined;
  return r && typeof r.io === 'string' && typeof r.compute === 'string' ? { io: r.io, compute: r.compute } : undefined;
}

/** The memo entry a child workflow (or the next run of a continued search) starts with. */
export function inheritedRoutes(): Record<string, TaskQueueRoutes> {
  const r = runRoutes();
  return r ? { [TASK_QUEUES_MEMO]: r } : {};
}

/**
 * Activities with these options, each sent to the task queue of its kind and carrying a one-line
 * summary that the Web UI shows in the run's event history ("Train xgb · direction-classifier ·
 * 12 tickers"). The queue is looked up at each call, from the run's memo.
 */
export function activities(options: ActivityOptions): ActivityInterfaceFor<Activities> {
  return new Proxy({} as ActivityInterfaceFor<Activities>, {
    get(_target, name) {
      if (typeof name !== 'string') return undefined;
      const activity = name as keyof Activities;
      return (...args: unknown[]) => {
        const queue = runRoutes()?.[ACTIVITY_KINDS[activity]];
        const summary = activitySummary(activity, args[0]);
        const proxy = proxyActivities<Activities>({ ...options, ...(queue ? { taskQueue: queue } : {}), summary });
        return (proxy[activity] as (...a: unknown[]) => Promise<unknown>)(...args);
      };
    },
  });
}

const LABELS: Record<keyof Activities, string> = {
  fetchMarketData: 'Fetch market data',
  checkNewData: 'Check for new market data',
  buildFeatures: 'Build features',
  trainModel: 'Train the candidate',
  backtestModel: 'Backtest candidate and production on the holdout',
  compareModels: 'Compare, register the candidate, write the report',
  promoteModel: 'Promote',
  rollbackRegistry: 'Roll back the registry',
  rejectCandidate: 'Reject the candidate',
  evaluateTrial: 'Search: one trial’s walk-forward folds',
  writeSearchResults: 'Search: write the study and best hyperparameters',
  checkDrift: 'Check drift against the reference profile',
  notify: 'Notify',
  deployModel: 'Deploy to the serving instances',
  scoreDailyPredictions: 'Score the day’s predictions',
  countShadowPredictions: 'Count shadow predictions',
  registeredVersion: 'Look up the registered version',
  writeValidationReport: 'Write the validation report',
  measurePerformance: 'Measure realised performance',
  planAutoRollback: 'Plan an automatic rollback',
  recordAutoRollback: 'Record the automatic rollback',
  productionRetrainConfig: 'Read production’s training set-up',
  shadowEvidence: 'Gather shadow evidence',
};

type Loose = Record<string, unknown> | undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length ? v : undefined);

/**
 * One line from the activity's input: what it does, for which model line and version, and the size
 * of the work. Only names, versions and counts: never a URL, a path or a setting that could carry
 * a credential.
 */
export function activitySummary(name: keyof Activities, input: unknown): string {
  const i = (input && typeof input === 'object' ? input : undefined) as Loose;
  // Stage activities take `settings` (lib/config/stageSettings), the others a `config` or none.
  const given = i?.settings ?? i?.config;
  const config = (given && typeof given === 'object' ? given : undefined) as Loose;
  const parts: string[] = [LABELS[name] ?? name];
  const model = str(config?.modelName) ?? str(i?.modelName);
  if (model) parts.push(model);
  const version = str(i?.version) ?? str(i?.candidateVersion);
  if (version) parts.push(version);
  if (name === 'notify' && str(i?.event)) parts.push(String(i!.event));
  if (name === 'trainModel' && str(config?.modelType)) parts[0] = `Train the ${String(config!.modelType)} candidate`;
  if (name === 'evaluateTrial' && typeof i?.trial === 'number') parts.push(`trial ${i.trial}`);
  const data = (i?.data && typeof i.data === 'object' ? i.data : undefined) as Loose;
  const tickers = Array.isArray(data?.tickers) ? data.tickers.length : Array.isArray(config?.tickers) ? config.tickers.length : undefined;
  if (tickers !== undefined && (name === 'fetchMarketData' || name === 'buildFeatures'))
    parts.push(`${tickers} ticker${tickers === 1 ? '' : 's'}`);
  const line = parts.join(' · ');
  // Summaries are single-line and short in the UI.
  return line.replace(/[\r\n\t]+/g, ' ').slice(0, 200);
}
