import { condition, log, sleep } from '@temporalio/workflow';
import type { ShadowEvidenceStatus } from './types';
import { monitoringOptions } from './timeouts';
import { activities } from './routing';

/** How often the shadow evidence is refreshed while the gate waits: one trading day's new outcomes. */
const REFRESH_MS = 24 * 3600_000;

const monitoring = activities(monitoringOptions({ startToCloseTimeout: '15m', maximumAttempts: 2 }));

/**
 * Evidence from live data at the gate: the candidate's shadow predictions and production's on the
 * same matured ticker-dates, compared pairwise. Refreshed when the gate opens and once a day while it
 * waits. Best effort: a failed refresh keeps the last evidence and never decides the run.
 */
export async function refreshShadowEvidence(o: {
  modelName: string;
  candidateVersion: string;
  seed: number;
  required: number;
}): Promise<ShadowEvidenceStatus | undefined> {
  try {
    const e = await monitoring.shadowEvidence({ modelName: o.modelName, candidateVersion: o.candidateVersion, seed: o.seed });
    return {
      required: o.required,
      days: e.days,
      pairs: e.pairs,
      productionVersion: e.productionVersion,
      candidateAccuracy: Number.isFinite(e.candidate.accuracy) ? e.candidate.accuracy : null,
      productionAccuracy: Number.isFinite(e.production.accuracy) ? e.production.accuracy : null,
      accuracyDifference: e.difference.accuracy,
      pValue: e.pValue.accuracy,
      report: e.report ?? null,
      note: e.note ?? null,
      refreshedAt: new Date().toISOString(),
    };
  } catch (err) {
    log.warn('shadow evidence could not be refreshed', { error: String(err) });
    return undefined;
  }
}

/**
 * `--min-shadow-days N`: a durable wait, before approval is asked for, until N trading days of the
 * candidate's shadow predictions have matured. Progress is in the status and the Web UI.
 */
export async function waitForShadowDays(o: { refresh: () => Promise<ShadowEvidenceStatus | undefined>; required: number }): Promise<void> {
  for (;;) {
    const e = await o.refresh();
    if (e && e.days >= o.required) return;
    await sleep(REFRESH_MS);
  }
}

/**
 * Wait for a decision until the deadline, in slices of at most a day so the shadow evidence stays
 * fresh; the reminder goes out once when `reminderMs` are left. Returns whether someone decided.
 */
export async function awaitDecision(o: {
  decided: () => boolean;
  timeoutMs: number;
  reminderMs: number;
  remind: () => Promise<void>;
  refresh: () => Promise<unknown>;
}): Promise<boolean> {
  const deadline = Date.now() + o.timeoutMs;
  let reminded = o.reminderMs >= o.timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return o.decided();
    const untilReminder = reminded ? Infinity : left - o.reminderMs;
    if (!reminded && untilReminder <= 0) {
      reminded = true;
      await o.remind();
      continue;
    }
    if (await condition(o.decided, Math.min(left, REFRESH_MS, untilReminder))) return true;
    if (deadline - Date.now() > 0 && Math.min(REFRESH_MS, untilReminder) === REFRESH_MS) await o.refresh();
  }
}
