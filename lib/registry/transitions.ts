import { ConfigError, ModelError } from '../util';
import { checkFiles } from './checksums';
import { crashPoint } from './crash';
import { addAudit, setStage, type Tx } from './tx';
import { assertVersion } from './version';
import type { PromoteInput, PromoteResult, RejectInput, RollbackInput, Stage } from './types';
import type { VersionRecord } from './state';

function recordOf(tx: Tx, version: string): VersionRecord {
  assertVersion(version);
  const record = tx.state.versions[version];
  if (!record) {
    const hint = tx.state.pruned.includes(version) ? ' (removed by prune)' : '';
    throw new ConfigError(`unknown model version ${version}${hint}`, { version });
  }
  return record;
}

/** staging/superseded → production; the old production becomes 'archived'. */
export async function promote(tx: Tx, input: PromoteInput): Promise<PromoteResult> {
  const key = `promote:${input.runId}:${input.version}`;
  const done = tx.state.done[key] as PromoteResult | undefined;
  if (done) return done;
  const record = recordOf(tx, input.version);
  if (tx.state.production === input.version) return { from: input.version, to: input.version };
  if (record.stage !== 'staging' && record.stage !== 'superseded') {
    const hint = record.stage === 'archived' ? '; use rollback to reinstate a former production model' : '';
    throw new ConfigError(`cannot promote ${input.version}: it is ${record.stage}${hint}`, { version: input.version });
  }
  const problems = await checkFiles(tx.layout, input.version, record);
  if (problems.length > 0) throw new ModelError(`cannot promote ${input.version}: ${problems.join('; ')}`, { problems });
  crashPoint('checksums-verified');

  const fromStage = record.stage;
  const result = switchProduction(tx, input.version, input);
  if (tx.state.staging === input.version) tx.state.staging = null;
  addAudit(tx, {
    action: 'promote',
    version: input.version,
    fromStage,
    toStage: 'production',
    ...result,
    by: input.by,
    reason: input.reason,
    runId: input.runId,
  });
  tx.state.done[key] = result;
  return result;
}

function switchProduction(tx: Tx, to: string, why: { by: string; reason: string; runId?: string }): PromoteResult {
  const from = tx.state.production;
  const runId = why.runId ?? null;
  if (from) setStage(tx, from, 'archived', { by: why.by, reason: `replaced by ${to}: ${why.reason}`, runId });
  setStage(tx, to, 'production', { by: why.by, reason: why.reason, runId });
  tx.state.production = to;
  tx.state.productionHistory.push(to);
  return { from, to };
}

/** A candidate that will not go live: rejected by a person or expired at the approval deadline. */
export function reject(tx: Tx, input: RejectInput): { version: string; stage: Stage } {
  const stage = input.stage ?? 'rejected';
  if (stage !== 'rejected' && stage !== 'expired') throw new ConfigError(`invalid reject stage ${String(stage)}`);
  const record = recordOf(tx, input.version);
  if (record.stage === stage) return { version: input.version, stage };
  if (record.stage !== 'staging' && record.stage !== 'superseded') {
    throw new ConfigError(`cannot mark ${input.version} ${stage}: it is ${record.stage}`, { version: input.version });
  }
  const fromStage = record.stage;
  setStage(tx, input.version, stage, { by: input.by, reason: input.reason, runId: input.runId });
  if (tx.state.staging === input.version) tx.state.staging = null;
  addAudit(tx, {
    action: stage === 'rejected' ? 'reject' : 'expire',
    version: input.version,
    fromStage,
    toStage: stage,
    by: input.by,
    reason: input.reason,
    runId: input.runId,
  });
  return { version: input.version, stage };
}

/**
 * 'previous' is the model that was production before the current one, like `kubectl rollout
 * undo`: rolling back twice returns to where you started.
 */
export function resolveRollbackTarget(tx: Tx, to: string): string {
  if (to !== 'previous') return assertVersion(to);
  const history = tx.state.productionHistory;
  for (let i = history.length - 1; i >= 0; i--) {
    const v = history[i]!;
    if (v !== tx.state.production && tx.state.versions[v]?.stage === 'archived') return v;
  }
  throw new ConfigError('no previous production model to roll back to');
}

/** Only pointer changes after a checksum check of the target; refuses before touching anything. */
export async function rollback(tx: Tx, input: RollbackInput): Promise<PromoteResult> {
  const key = input.runId ? `rollback:${input.runId}:${input.to}` : null;
  const done = key ? (tx.state.done[key] as PromoteResult | undefined) : undefined;
  if (done) return done;
  const target = resolveRollbackTarget(tx, input.to);
  const record = recordOf(tx, target);
  if (tx.state.production === target) return { from: target, to: target };
  if (record.stage !== 'archived') {
    throw new ConfigError(`cannot roll back to ${target}: it was never in production (stage ${record.stage}); promote it instead`, {
      version: target,
    });
  }
  const problems = await checkFiles(tx.layout, target, record);
  if (problems.length > 0) {
    throw new ConfigError(`refusing to roll back to ${target}: files fail verification: ${problems.join('; ')}`, {
      version: target,
      problems,
    });
  }
  crashPoint('checksums-verified');
  const result = switchProduction(tx, target, input);
  addAudit(tx, {
    action: 'rollback',
    version: target,
    fromStage: 'archived',
    toStage: 'production',
    ...result,
    by: input.by,
    reason: input.reason,
    runId: input.runId ?? null,
  });
  if (key) tx.state.done[key] = result;
  return result;
}
