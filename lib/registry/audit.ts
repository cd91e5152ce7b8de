import { open, readFile, stat } from 'node:fs/promises';
import { ConfigError } from '../util/errors';
import { auditEntrySchema } from './schemas';
import type { AuditEntry } from './types';

/** All complete entries. A torn last line (power loss mid-append) is ignored, not fatal. */
export async function readAudit(path: string): Promise<AuditEntry[]> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
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
      throw new ConfigError(`${path}: line ${n}: ${entry.error.issues[0]?.path.join('.') || '(entry)'}: ${entry.error.issues[0]?.message}`);
    entries.push(entry.data);
  }
  return entries;
}

const TAIL_BYTES = 64 * 1024;

async function lastSeq(path: string): Promise<{ seq: number; endsWithNewline: boolean }> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { seq: 0, endsWithNewline: true };
    throw err;
  }
  if (size === 0) return { seq: 0, endsWithNewline: true };
  const fh = await open(path, 'r');
  try {
    const length = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, size - length);
    const text = buf.toString('utf8');
    const lines = text.split('\n').filter((l) => l.trim());
    for (let i = lines.length - 1; i >= 0; i--) {
      try {
        return { seq: (JSON.parse(lines[i]!) as AuditEntry).seq, endsWithNewline: text.endsWith('\n') };
      } catch {
        continue;
      }
    }
    return { seq: 0, endsWithNewline: text.endsWith('\n') };
  } finally {
    await fh.close();
  }
}

/**
 * Append exactly once: entries carry a sequence number assigned at commit, and an entry whose
 * seq is already in the log (the committer appended it before crashing) is skipped on redo.
 */
export async function appendAudit(path: string, entry: AuditEntry): Promise<void> {
  const last = await lastSeq(path);
  if (last.seq >= entry.seq) return;
  const fh = await open(path, 'a');
  try {
    await fh.writeFile(`${last.endsWithNewline ? '' : '\n'}${JSON.stringify(entry)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
