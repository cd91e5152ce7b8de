import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `trainctl` CLI as a user runs it: a child process over a home of its own. */
export const bin = fileURLToPath(new URL('../../bin/trainctl.mjs', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of a run: the test's own, minus any trainctl setting that would leak in from the shell. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('TRAINCTL_') || k === 'MLFLOW_TRACKING_URI' || k.startsWith('TEMPORAL_')) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

export function runCli(o: { args: string[]; home: string; env?: Record<string, string>; timeoutMs?: number }): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...o.args],
      {
        cwd: o.home,
        env: cleanEnv({ TRAINCTL_HOME: o.home, ...o.env }),
        timeout: o.timeoutMs ?? 60_000,
        killSignal: 'SIGKILL',
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

export function tempHome(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `trainctl-${prefix}-`));
}

export function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [name, content] of Object.entries(files)) {
    const path = join(root, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

/** Every file under `root` with its size and content hash: what "nothing is written" is checked against. */
export function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        out.set(`${relative(root, path)}/`, 'dir');
        walk(path);
      } else {
        const size = statSync(path).size;
        out.set(relative(root, path), `${size}:${createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16)}`);
      }
    }
  };
  walk(root);
  return out;
}

/** What changed between two snapshots, as readable lines (empty: nothing). */
export function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of after) if (before.get(k) !== v) out.push(`${before.has(k) ? 'changed' : 'added'} ${k}`);
  for (const k of before.keys()) if (!after.has(k)) out.push(`removed ${k}`);
  return out;
}

/** One actionable line: no stack trace, no blank padding, no multi-line dump. */
export function expectOneLine(stderr: string): string | undefined {
  const lines = stderr.trimEnd().split('\n');
  if (lines.length !== 1) return `expected one line on stderr, got ${lines.length}: ${stderr.slice(0, 600)}`;
  if (/^\s+at\s|\bat .*\.(ts|js|mjs):\d+/.test(stderr)) return `stack trace on stderr: ${stderr.slice(0, 600)}`;
  if (lines[0]!.length > 2000) return `a ${lines[0]!.length}-character line: long values must be cut short`;
  return undefined;
}

/** Run `fn` over `items`, `limit` at a time (the machine has 2 cores and is shared). */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}
