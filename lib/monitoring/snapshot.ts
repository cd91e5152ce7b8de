import { joinOutcomes, type Cohort, type JoinResult, type Outcome } from './join';
import { realisedPerformance, type RealisedPerformance } from './realised';
import { validRecords } from './records';

export interface CohortPerformance {
  cohort: Cohort;
  firstPrediction: string;
  /** The last `windowDays` trading days with matured predictions. */
  window: RealisedPerformance;
  sinceDeployment: RealisedPerformance;
}

/** One monitoring pass: every cohort's realised performance, and what could not be used. */
export interface MonitorSnapshot {
  at: string;
  model: string;
  windowDays: number;
  cohorts: CohortPerformance[];
  unused: JoinResult['unused'] & { foreign: number; unreadableLines: number };
  tickersWithoutOutcomes: string[];
  /** Production's drop verdict of this pass (set by the monitor activity). */
  verdict?: { production: string | null; status: 'ok' | 'insufficient' | 'drop'; note: string; level?: 'warning' | 'critical' };
}

export function monitorSnapshot(o: {
  at: string;
  model: string;
  /** Parsed log lines (validated here) and how many lines the reader had to skip. */
  records: unknown[];
  unreadableLines: number;
  outcomes: Map<string, Outcome>;
  windowDays: number;
  labelHorizon: number;
  costBps: number;
  seed: number;
  alpha?: number;
  resamples?: number;
}): MonitorSnapshot {
  const { records, foreign } = validRecords(o.records);
  const joined = joinOutcomes({ records: records.filter((r) => r.model === o.model), outcomes: o.outcomes });
  const common = {
    labelHorizon: o.labelHorizon,
    costBps: o.costBps,
    seed: o.seed,
    ...(o.alpha !== undefined ? { alpha: o.alpha } : {}),
    ...(o.resamples !== undefined ? { resamples: o.resamples } : {}),
  };
  const cohorts = joined.cohorts.map(({ cohort, rows, firstPrediction }) => {
    const days = [...new Set(rows.map((r) => r.date))];
    const from = days[Math.max(0, days.length - o.windowDays)];
    const recent = from === undefined ? [] : rows.filter((r) => r.date >= from);
    return {
      cohort,
      firstPrediction,
      window: realisedPerformance({ ...common, rows: recent }),
      sinceDeployment: realisedPerformance({ ...common, rows }),
    };
  });
  return {
    at: o.at,
    model: o.model,
    windowDays: o.windowDays,
    cohorts,
    unused: { ...joined.unused, foreign, unreadableLines: o.unreadableLines },
    tickersWithoutOutcomes: joined.tickersWithoutOutcomes,
  };
}
