import type { HoldoutEvidence, ModelEvidence } from '../stats/holdoutEvidence';
import type { Interval } from '../stats/intervals';

/** A model's headline intervals, small enough for the workflow's status and the CLI. */
export interface ModelEvidenceSummary {
  accuracy: Interval;
  precision: Interval;
  recall: Interval;
  f1: Interval;
  rocAuc: Interval;
  logLoss: Interval;
  brier: Interval;
  sharpe: Interval | null;
  psr: number | null;
  dsr: { value: number; trials: number } | null;
}

/** What `status`, `--json` and notifications show about uncertainty; the full evidence is in the report's JSON. */
export interface EvidenceSummary {
  level: number;
  alpha: number;
  method: string;
  candidate: ModelEvidenceSummary;
  production: ModelEvidenceSummary | null;
  skill: { difference: Interval; pValue: number; significant: boolean };
  vsProduction: {
    accuracy: { difference: Interval; pValue: number };
    logLoss: { difference: Interval; pValue: number };
    mcnemar: { candidateOnly: number; productionOnly: number; pExact: number; pMid: number };
  } | null;
}

export function summariseEvidence(ev: HoldoutEvidence): EvidenceSummary {
  const m = ev.method;
  return {
    level: m.level,
    alpha: m.alpha,
    method: `${m.scheme} block bootstrap over ${m.dates} holdout dates (${m.rows} rows), blocks of ${m.blockLength} dates, ${m.resamples} resamples, seed ${m.seed}`,
    candidate: model(ev.candidate),
    production: ev.production ? model(ev.production) : null,
    skill: { difference: ev.skill.difference, pValue: ev.skill.p.greater, significant: ev.skill.significant },
    vsProduction: ev.paired
      ? {
          accuracy: { difference: ev.paired.metrics.accuracy.difference, pValue: ev.paired.metrics.accuracy.p.twoSided },
          logLoss: { difference: ev.paired.metrics.logLoss.difference, pValue: ev.paired.metrics.logLoss.p.twoSided },
          mcnemar: ev.paired.mcnemar,
        }
      : null,
  };
}

function model(e: ModelEvidence): ModelEvidenceSummary {
  const { accuracy, precision, recall, f1, rocAuc, logLoss, brier } = e.metrics;
  return {
    accuracy,
    precision,
    recall,
    f1,
    rocAuc,
    logLoss,
    brier,
    sharpe: e.sharpe,
    psr: e.psr,
    dsr: e.dsr ? { value: e.dsr.value, trials: e.dsr.trials } : null,
  };
}
