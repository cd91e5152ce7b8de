import { ConfigError } from '../util/errors';
import { AUDIT, type Layout } from './layout';
import { RegistryLockedError } from './lock';
import { auditEntrySchema } from './schemas';
import { where } from './state';
import type { AuditEntry } from './types';

/** All complete entries. A torn last line (power loss mid-append, older files) is ignored, not fatal. */
export async function readAudit(layout: Layout): Promise<AuditEntry[]> {
  const text = (await layout.store.read(AUDIT))?.bytes.toString('utf8') ?? '';
  const file = where(layout, AUDIT);
  const entries: AuditEntry[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    const n = i + 1;
    if (!line.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      // torn line: the entry is still pending in registry.json and will be re-appended
      continue;
    }
    const entry = auditEntrySchema.safeParse(parsed);
    // A complete line that is not an audit entry is damage, not a torn write: say where.
    if (!entry.success)
      throw new ConfigError(`${file}: line ${n}: ${entry.error.issues[0]?.path.join('.') || '(entry)'}: ${entry.error.issues[0]?.message}`);
    entries.push(entry.data);
  }
  return entries;
}

function lastSeq(text: string): number {
  const lines = text.split('\n').filter((l) => l.trim());
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      return (JSON.parse(lines[i]!) as AuditEntry).seq;
    } catch {
      continue;
    }
  }
  return 0;
}

/**
 * Append exactly once: entries carry a sequence number assigned at commit, and an entry whose
 * seq is already in the log (the committer appended it before crashing) is skipped on redo. The
 * log is replaced whole and conditionally (objects cannot be appended to on S3; locally the
 * result is the same bytes an append gave), so a holder whose lock was broken cannot drop an
 * entry someone else wrote meanwhile.
 */
export async function appendAudit(layout: Layout, entry: AuditEntry): Promise<void> {
  const current = await layout.store.read(AUDIT);
  const text = current?.bytes.toString('utf8') ?? '';
  if (lastSeq(text) >= entry.seq) return;
  const next = `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${JSON.stringify(entry)}\n`;
  const etag = current ? await layout.store.putIfMatch(AUDIT, next, current.etag) : await layout.store.putIfAbsent(AUDIT, next);
  if (etag === null)
    throw new RegistryLockedError(`${where(layout, AUDIT)} changed under this operation (the registry lock was broken as stale?); retry`);
}
