import { appendFile, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { writeJsonAtomic } from '../util/atomic';
import { bestParamsFileSchema, type BestParamsFile } from './bestParamsFile';

export interface BestParamsDecision {
  replaced: boolean;
  /** One sentence for the run's status, the CLI and the log. */
  reason: string;
}

const sameWindow = (a?: { start: string; end: string }, b?: { start: string; end: string }) =>
  !!a && !!b && a.start === b.start && a.end === b.end;
const score = (f: Pick<BestParamsFile, 'value' | 'metric' | 'trialNumber' | 'studyName'>) =>
  `${f.value.toFixed(4)} (${f.metric}${f.trialNumber !== undefined ? `, trial ${f.trialNumber}` : ''}${f.studyName ? ` of ${f.studyName}` : ''})`;

/**
 * Scores are comparable only on the same objective, engine and data window. There the new best
 * replaces the old one only when it is better (lower: the objective is a loss); a search on another
 * window or objective replaces it (its score says nothing about the old parameters on the new data).
 */
export function decideReplacement(old: BestParamsFile | undefined, next: BestParamsFile): BestParamsDecision {
  if (!old) return { replaced: true, reason: `written: first best parameters, ${score(next)}` };
  const comparable =
    old.metric === next.metric && sameWindow(old.dataWindow, next.dataWindow) && (old.engine === undefined || old.engine === next.engine);
  if (!comparable) {
    const what =
      old.metric !== next.metric
        ? `objective (${old.metric})`
        : old.engine !== undefined && old.engine !== next.engine
          ? `engine (${old.engine})`
          : `data window (${old.dataWindow ? `${old.dataWindow.start}..${old.dataWindow.end}` : 'unknown'})`;
    return { replaced: true, reason: `replaced: the previous best ${score(old)} was scored on another ${what}; it is kept in the history` };
  }
  if (next.value < old.value)
    return {
      replaced: true,
      reason: `replaced: ${score(next)} is better than the previous ${score(old)} on the same data window; the previous is kept in the history`,
    };
  return {
    replaced: false,
    reason: `kept the previous best ${score(old)}: this search's best ${score(next)} is not better on the same objective and data window`,
  };
}

/**
 * Write best_hyperparameters.json by the rule above; a replaced file goes to `historyPath` (one JSON
 * line each, with its score and when it was replaced). An unreadable old file is replaced and its
 * text kept in the history.
 */
export async function writeBestParams(o: {
  path: string;
  historyPath: string;
  next: BestParamsFile;
  now: Date;
}): Promise<BestParamsDecision> {
  let old: BestParamsFile | undefined;
  let oldText: string | undefined;
  if (existsSync(o.path)) {
    oldText = await readFile(o.path, 'utf8');
    try {
      const parsed = bestParamsFileSchema.safeParse(JSON.parse(oldText));
      if (parsed.success) old = parsed.data;
    } catch {
      /* unreadable: replaced below, its text kept */
    }
  }
  // A retry of the write that put this very result there (same search, trial and score): the same
  // answer as the first time, and nothing written or moved to the history again.
  const own = old;
  const next = o.next as BestParamsFile & { pipelineId?: unknown };
  if (
    own &&
    (own.pipelineId ?? own.runId) !== undefined &&
    (own.pipelineId ?? own.runId) === (next.pipelineId ?? next.runId) &&
    own.studyName === next.studyName &&
    own.trialNumber === next.trialNumber &&
    own.value === next.value
  )
    return { replaced: true, reason: typeof own.decision === 'string' ? own.decision : `written: ${score(own)}` };
  const decision =
    oldText !== undefined && !old
      ? {
          replaced: true,
          reason: 'replaced: the previous file was not a readable best_hyperparameters.json; its text is kept in the history',
        }
      : decideReplacement(old, o.next);
  if (!decision.replaced) return decision;
  if (oldText !== undefined) {
    const entry = old
      ? { ...old, replacedAt: o.now.toISOString(), replacedBy: o.next.runId ?? null }
      : { raw: oldText, replacedAt: o.now.toISOString() };
    await appendFile(o.historyPath, `${JSON.stringify(entry)}\n`);
  }
  await writeJsonAtomic(o.path, { ...o.next, writtenAt: o.now.toISOString(), decision: decision.reason });
  return decision;
}
