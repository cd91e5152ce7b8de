import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PredictionLogWriter, readPredictions } from '../../../lib/predictionLog';

/** Run the writer child until it is writing, let it write a while, then SIGKILL it. */
async function killMidWrite(dir: string, afterMs: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support/writerChild.ts'), dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  await new Promise((r) => setTimeout(r, afterMs));
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describe('prediction log across a crash', () => {
  it('keeps every record written before a SIGKILL, in order, and the next writer continues cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plog-crash-'));
    await killMidWrite(dir, 150);
    const { records, skipped } = await readPredictions(dir);
    expect(records.length).toBeGreaterThanOrEqual(50);
    // Only a lost tail: the intact records are exactly r0 … r(n-1), nothing merged or reordered.
    expect(records.map((r) => r.requestId)).toEqual(records.map((_, i) => `r${i}`));
    expect(skipped.every((s) => s.reason === 'torn last line (no newline)')).toBe(true);

    const writer = new PredictionLogWriter({ dir, flushMs: 0 });
    writer.append({ ...records[0]!, requestId: 'after-restart' });
    await writer.close();
    const after = await readPredictions(dir);
    expect(after.records.at(-1)?.requestId).toBe('after-restart');
    expect(after.records.length).toBe(records.length + 1);
    expect(after.skipped.length).toBe(skipped.length); // a torn tail stays one skipped line
  });
});
