import { log, workflowInfo } from '@temporalio/workflow';
import type { ScoreDailyResult } from '../activities/scoring';
import { monitoringOptions } from './timeouts';
import { activities } from './routing';

export interface DailyScoringInput {
  modelName: string;
  tickers: string[];
  source: string;
  seed: number;
  threshold: number;
  /** Score this day instead of the newest one (backfills; the schedule leaves it unset). */
  date?: string;
}

const scoring = activities(monitoringOptions({ startToCloseTimeout: '15m', maximumAttempts: 3 }));

/**
 * Score the newest trading day of every configured ticker with production and the waiting
 * candidate, so shadow evidence accumulates without outside traffic. Safe to re-run: the
 * activity writes each (model, version, ticker, date) once.
 */
export async function dailyScoring(input: DailyScoringInput): Promise<ScoreDailyResult> {
  const result = await scoring.scoreDailyPredictions({ ...input, pipelineId: workflowInfo().workflowId });
  log.info('daily scoring done', {
    written: result.written,
    alreadyLogged: result.alreadyLogged,
    production: result.production,
    candidate: result.candidate,
  });
  return result;
}
