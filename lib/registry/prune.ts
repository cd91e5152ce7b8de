import { ConfigError } from '../util';
import { addAudit, type Tx } from './tx';
import { compareVersions } from './version';
import type { RetentionPolicy } from './types';

const DAY_MS = 86_400_000;

/**
 * Versions a policy removes: never production or staging; archived beyond the `keep` newest;
 * superseded/rejected/expired whenever `keep` is set; anything non-live older than `maxAgeDays`.
 * Version order is creation order, because every version is bumped from the highest one.
 */
export function selectPrunable(tx: Tx, policy: RetentionPolicy): string[] {
  const { keep, maxAgeDays } = policy;
  if (keep !== undefined && (!Number.isInteger(keep) || keep < 0)) {
    throw new ConfigError(`retention keep must be an integer ≥ 0, got ${keep}`);
  }
  if (maxAgeDays !== undefined && !(maxAgeDays >= 0)) {
    throw new ConfigError(`retention maxAgeDays must be ≥ 0, got ${maxAgeDays}`);
  }
  const live = new Set([tx.state.production, tx.state.staging]);
  const newestFirst = Object.keys(tx.state.versions)
    .filter((v) => !live.has(v))
    .sort((a, b) => compareVersions(b, a));
  const cutoff = maxAgeDays === undefined ? null : tx.now.getTime() - maxAgeDays * DAY_MS;
  let archivedKept = 0;
  const removed: string[] = [];
  for (const v of newestFirst) {
    const record = tx.state.versions[v]!;
    let remove = false;
    if (keep !== undefined) {
      if (record.stage === 'archived' && archivedKept < keep) archivedKept += 1;
      else remove = true;
    }
    if (cutoff !== null && Date.parse(record.createdAt) < cutoff) remove = true;
    if (remove) removed.push(v);
  }
  return removed;
}

export function prune(tx: Tx, policy: RetentionPolicy, by: string): string[] {
  const removed = selectPrunable(tx, policy);
  for (const version of removed) {
    const fromStage = tx.state.versions[version]!.stage;
    delete tx.state.versions[version];
    tx.state.pruned.push(version);
    tx.actions.push({ kind: 'remove', version });
    addAudit(tx, {
      action: 'prune',
      version,
      fromStage,
      toStage: null,
      by,
      reason: `retention ${JSON.stringify(policy)}`,
      runId: null,
    });
  }
  return removed;
}
