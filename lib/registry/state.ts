import { open, readFile, readdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError, fsyncDir } from '../util';
import { crashPoint } from './crash';
import { parseJsonText } from '../util/jsonFile';
import type { Layout } from './layout';
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
  /** Paths relative to the registry root. */
  | { kind: 'rename'; from: string; to: string }
  | { kind: 'remove'; version: string };

/**
 * registry.json: the single source of truth. Replacing it (temp file + rename) is the commit
 * point of every change; metadata.json copies and the audit log are brought in line afterwards
 * from `pending`, by the committer or, after a crash, by the next lock holder.
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

export async function readState(layout: Layout): Promise<RegistryState> {
  let text: string;
  try {
    text = await readFile(layout.state, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    // A missing index next to existing versions means damage, not a fresh registry: refuse
    // rather than let recovery treat every folder as an orphan.
    const existing = await readdir(layout.versionsDir).catch(() => []);
    if (existing.length > 0) throw new ConfigError(`${layout.state} is missing but ${layout.versionsDir} has versions`);
    return emptyState();
  }
  return parseJsonText({ text, file: layout.state, schema: registryStateSchema }) as RegistryState;
}

const STATE_TMP_PREFIX = '.registry.json.';

/** The commit point. Crash steps: state-temp-written (old state visible), state-renamed (new). */
export async function writeState(layout: Layout, state: RegistryState): Promise<void> {
  const dir = dirname(layout.state);
  const tmp = join(dir, `${STATE_TMP_PREFIX}${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(`${JSON.stringify(state, null, 2)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  crashPoint('state-temp-written');
  await rename(tmp, layout.state);
  crashPoint('state-renamed');
  await fsyncDir(dir);
}

export function isStateTemp(name: string): boolean {
  return name.startsWith(STATE_TMP_PREFIX) && name.endsWith('.tmp');
}
