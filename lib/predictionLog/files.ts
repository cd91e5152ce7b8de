import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** One file per UTC day of writing: `predictions-YYYY-MM-DD.jsonl`. */
const FILE_RE = /^predictions-(\d{4}-\d{2}-\d{2})\.jsonl$/;

export function logFileFor(dir: string, at: Date): string {
  return join(dir, `predictions-${at.toISOString().slice(0, 10)}.jsonl`);
}

export async function listLogFiles(dir: string): Promise<{ day: string; path: string }[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .map((name) => ({ m: FILE_RE.exec(name), name }))
    .filter((x): x is { m: RegExpExecArray; name: string } => x.m !== null)
    .map(({ m, name }) => ({ day: m[1]!, path: join(dir, name) }))
    .sort((x, y) => (x.day < y.day ? -1 : 1));
}
