import { ConfigError } from '../util';
import { parseJsonText } from '../util/jsonFile';
import { crashPoint } from './crash';
import { STATE, VERSIONS, type Layout } from './layout';
import { RegistryLockedError } from './lock';
import { registryStateSchema } from './schemas';
import type { AuditEntry, Stage, StageChange } from './types';

/** The index entry of one version: everything that changes after registration lives here. */
export interface VersionRecord {
  stage: Stage;
  createdAt: string;
  runId: string;
  modelType: string;
  schemaHash: string;
  labelHash: string;
  metrics: Record<string, number>;
  files: Record<string, { sha256: string; bytes: number }>;
  stageHistory: StageChange[];
}

/** Work that a commit promised and that recovery redoes until it is done (all idempotent). */
export type PendingAction =
  | { kind: 'audit'; entry: AuditEntry }
  | { kind: 'metadata'; version: string }
  /** Keys relative to the registry root (a staged folder or file → its place under versions/). */
  | { kind: 'rename'; from: string; to: string }
  | { kind: 'remove'; version: string };

/**
 * registry.json: the single source of truth. Replacing it is the commit point of every change
 * (locally temp file + rename, on S3 one PUT; both conditional on the version read under the
 * lock); metadata.json copies and the audit log are brought in line afterwards from `pending`,
 * by the committer or, after a crash, by the next lock holder.
 */
export interface RegistryState {
  format: 1;
  production: string | null;
  staging: string | null;
  /** Every version that became production, in order; `rollback previous` reads it. */
  productionHistory: string[];
  versions: Record<string, VersionRecord>;
  /** Removed by prune; kept so their numbers are never handed out again. */
  pruned: string[];
  /** Registration runId → version. */
  runs: Record<string, string>;
  /** Operation key (e.g. `promote:<runId>`) → its result, so a retry returns the first answer. */
  done: Record<string, unknown>;
  auditSeq: number;
  pending: PendingAction[];
}

export function emptyState(): RegistryState {
  return {
    format: 1,
    production: null,
    staging: null,
    productionHistory: [],
    versions: {},
    pruned: [],
    runs: {},
    done: {},
    auditSeq: 0,
    pending: [],
  };
}

/** The state and the etag a commit must match (null: no registry.json yet). */
export interface StateRead {
  state: RegistryState;
  etag: string | null;
}

export async function readState(layout: Layout): Promise<StateRead> {
  const found = await layout.store.read(STATE);
  if (!found) {
    // A missing index next to existing versions means damage, not a fresh registry: refuse
    // rather than let recovery treat every folder as an orphan.
    if ((await layout.store.list(`${VERSIONS}/`)).length > 0) {
      throw new ConfigError(`${where(layout, STATE)} is missing but ${where(layout, VERSIONS)} has versions`);
    }
    return { state: emptyState(), etag: null };
  }
  const state = parseJsonText({
    text: found.bytes.toString('utf8'),
    file: where(layout, STATE),
    schema: registryStateSchema,
  }) as RegistryState;
  return { state, etag: found.etag };
}

/**
 * The commit point: replace registry.json only if it is still the version this lock holder read.
 * A mismatch means someone else committed meanwhile — our lock was broken as stale — so nothing
 * is written and the operation fails retryably. Crash steps: state-temp-written (old state
 * visible), state-renamed (new). Returns the new etag.
 */
export async function writeState(layout: Layout, state: RegistryState, etag: string | null): Promise<string> {
  const text = `${JSON.stringify(state, null, 2)}\n`;
  crashPoint('state-temp-written');
  const next = etag === null ? await layout.store.putIfAbsent(STATE, text) : await layout.store.putIfMatch(STATE, text, etag);
  if (next === null) {
    throw new RegistryLockedError(`${where(layout, STATE)} changed under this operation (the registry lock was broken as stale?); retry`);
  }
  crashPoint('state-renamed');
  return next;
}

/** A file path on the local backend (as error messages always said), a URI elsewhere. */
export function where(layout: Layout, key: string): string {
  return layout.localRoot ? `${layout.localRoot}/${key}` : layout.store.uriOf(key);
}
