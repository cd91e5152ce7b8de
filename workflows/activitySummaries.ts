import type { Activities } from '../activities';

/** What the Web UI shows for each activity in a run's event history (with the details activitySummary adds). */
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
