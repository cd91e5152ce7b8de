import type { PipelineConfig } from '../config/pipeline';

/** What the registry keeps about how a model was trained (a subset of its metadata). */
export interface TrainingSetup {
  modelType?: string;
  dataSource?: { source: string; window: { start: string; end: string }; tickers?: string[] };
  labelDefinition?: unknown;
  /** The full configuration of the run, when the registry stored it (metadata.extra.trainingConfig). */
  trainingConfig?: Partial<PipelineConfig>;
}

const PERIOD_YEARS: [PipelineConfig['period'], number][] = [
  ['1y', 1],
  ['2y', 2],
  ['3y', 3],
  ['5y', 5],
  ['10y', 10],
];

/**
 * The configuration of a drift- or performance-triggered retrain: the production model's own
 * source, tickers, period and settings, not the defaults, so a model trained from a CSV folder is
 * retrained from that folder. What the registry does not know keeps the base value; `asOf`,
 * trigger, reason and force always come from the base (the retrain is about new data).
 */
export function retrainConfig(o: { base: PipelineConfig; production: TrainingSetup }): { config: PipelineConfig; from: string[] } {
  const p = o.production;
  const from: string[] = [];
  const stored = p.trainingConfig ?? {};
  // What is about this retrain (its date, trigger, reason, force) never comes from the old run.
  const setup = Object.fromEntries(
    Object.entries(stored).filter(([k]) => !['asOf', 'trigger', 'reason', 'force'].includes(k)),
  ) as Partial<PipelineConfig>;
  const config: PipelineConfig = { ...o.base, ...setup };
  if (Object.keys(setup).length) from.push('stored training configuration');
  if (p.dataSource) {
    config.source = p.dataSource.source;
    if (p.dataSource.tickers?.length) config.tickers = [...p.dataSource.tickers];
    if (!('period' in setup)) config.period = periodCovering(p.dataSource.window);
    from.push('data source');
  }
  if (p.modelType && ['xgb', 'rf', 'linear', 'lgb'].includes(p.modelType)) config.modelType = p.modelType as PipelineConfig['modelType'];
  const label = p.labelDefinition as { horizon?: unknown; threshold?: unknown } | undefined;
  if (typeof label?.horizon === 'number') config.labelHorizon = label.horizon;
  if (typeof label?.threshold === 'number') config.labelThreshold = label.threshold;
  return { config, from };
}

/** The smallest standard period that covers the model's data window (10y+ → max). */
export function periodCovering(window: { start: string; end: string }): PipelineConfig['period'] {
  const years = (Date.parse(window.end) - Date.parse(window.start)) / (365.25 * 86_400_000);
  // A small tolerance: a "2y" fetch yields a window a few days short of two calendar years.
  for (const [period, y] of PERIOD_YEARS) if (years <= y + 0.05) return period;
  return 'max';
}
