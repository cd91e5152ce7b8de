/**
 * The kinds of schedule `trainctl schedule` manages and their IDs, one per model line and kind.
 * Free of Temporal imports: `--help` and argument checks load it without the client.
 */
export const SCHEDULE_KINDS = ['retrain', 'drift', 'monitor'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export function retrainScheduleId(modelName: string): string {
  return `weekly-retrain-${modelName}`;
}

export function driftScheduleId(modelName: string): string {
  return `daily-drift-${modelName}`;
}

export function performanceScheduleId(modelName: string): string {
  return `daily-performance-${modelName}`;
}

export function dailyScoringScheduleId(modelName: string): string {
  return `daily-scoring-${modelName}`;
}

export function scheduleIdFor(kind: ScheduleKind, modelName: string): string {
  return kind === 'drift'
    ? driftScheduleId(modelName)
    : kind === 'monitor'
      ? performanceScheduleId(modelName)
      : retrainScheduleId(modelName);
}

/** The kind of a schedule from its ID (`schedule list`); the daily scoring that `npm start` creates is its own. */
export function kindOfScheduleId(scheduleId: string): ScheduleKind | 'scoring' | 'other' {
  if (scheduleId.startsWith('weekly-retrain-')) return 'retrain';
  if (scheduleId.startsWith('daily-drift-')) return 'drift';
  if (scheduleId.startsWith('daily-performance-')) return 'monitor';
  if (scheduleId.startsWith('daily-scoring-')) return 'scoring';
  return 'other';
}
