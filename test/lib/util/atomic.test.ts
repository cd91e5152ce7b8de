import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../lib/util/atomic';

/** The PID of a process that has exited (for temp files a killed writer left behind). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temp file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
    const target = join(dir, 'registry.json');
    await writeFileAtomic(target, 'one');
    await writeFileAtomic(target, 'two');
    expect(readFileSync(target, 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['registry.json']);
  });

  it("removes the target's temp files left by a killed writer, and keeps those of live processes and other files", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-orphans-'));
    const dead = deadPid();
    const orphan = join(dir, `.equity.png.${dead}.0a1b2c3d.tmp`);
    const live = join(dir, `.equity.png.${process.ppid}.0a1b2c3d.tmp`);
    const otherTarget = join(dir, `.roc.png.${dead}.0a1b2c3d.tmp`);
    for (const f of [orphan, live, otherTarget]) writeFileSync(f, 'partial');
    await writeFileAtomic(join(dir, 'equity.png'), 'png');
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(live)).toBe(true);
    // Another target's orphan goes when that target is next written.
    expect(existsSync(otherTarget)).toBe(true);
    await writeFileAtomic(join(dir, 'roc.png'), 'png');
    expect(existsSync(otherTarget)).toBe(false);
  });
});
