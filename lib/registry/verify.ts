import { readAudit } from './audit';
import { checkFiles } from './checksums';
import { METADATA, VERSIONS, versionKey, type Layout } from './layout';
import { metadataMatches, readMetadata } from './metadata';
import type { RegistryState } from './state';
import type { VerifyProblem, VerifyReport } from './types';

/**
 * Checksums of every file, plus the invariants a crash must never break: pointers name existing
 * versions in the matching stage, metadata.json copies agree with registry.json, versions/ holds
 * exactly the indexed versions, and the audit log has every committed entry once, in order.
 */
export async function verifyRegistry(layout: Layout, state: RegistryState, only?: string): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const warnings: VerifyProblem[] = [];
  const versions = only ? [only] : Object.keys(state.versions);
  for (const version of versions) {
    const record = state.versions[version];
    if (!record) {
      problems.push({ version, problem: 'not in registry.json' });
      continue;
    }
    const fileProblems = await checkFiles(layout, version, record).catch((err: Error) => [err.message]);
    for (const problem of fileProblems) problems.push({ version, problem });
    try {
      const meta = await readMetadata(layout, version);
      if (meta.version !== version) problems.push({ version, problem: `metadata.json says ${meta.version}` });
      if (!metadataMatches(meta, record)) problems.push({ version, problem: 'metadata.json disagrees with registry.json' });
    } catch (err) {
      problems.push({ version, problem: `metadata.json unreadable: ${(err as Error).message}` });
    }
    const dir = `${versionKey(version)}/`;
    const present = (await layout.store.list(dir)).map((k) => k.slice(dir.length));
    for (const name of present) {
      if (name !== METADATA && !(name in record.files)) warnings.push({ version, problem: `untracked file ${name}` });
    }
  }
  if (!only) problems.push(...(await checkGlobal(layout, state)));
  return { ok: problems.length === 0, checked: versions, problems, warnings };
}

async function checkGlobal(layout: Layout, state: RegistryState): Promise<VerifyProblem[]> {
  const problems: VerifyProblem[] = [];
  for (const pointer of ['production', 'staging'] as const) {
    const v = state[pointer];
    const holders = Object.entries(state.versions)
      .filter(([, r]) => r.stage === pointer)
      .map(([k]) => k);
    if (JSON.stringify(holders) !== JSON.stringify(v ? [v] : [])) {
      const problem = `${pointer} pointer is ${v ?? 'null'} but versions in stage ${pointer}: [${holders.join(', ')}]`;
      problems.push({ version: v, problem });
    }
  }
  if (state.pending.length > 0) {
    problems.push({ version: null, problem: `${state.pending.length} pending actions not applied` });
  }
  const folders = new Set((await layout.store.list(`${VERSIONS}/`)).map((k) => k.split('/')[1]!));
  for (const name of folders) {
    if (!(name in state.versions)) problems.push({ version: name, problem: 'folder not in registry.json' });
  }
  const audit = await readAudit(layout);
  audit.forEach((e, i) => {
    if (e.seq !== i + 1) problems.push({ version: e.version, problem: `audit entry ${i + 1} has seq ${e.seq}` });
  });
  if (audit.length !== state.auditSeq) {
    problems.push({ version: null, problem: `audit log has ${audit.length} entries, registry.json ${state.auditSeq}` });
  }
  return problems;
}
