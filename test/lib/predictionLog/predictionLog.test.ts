import { appendFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyRetention,
  PredictionLogWriter,
  readPredictionFrame,
  readPredictions,
  type PredictionRecord,
} from '../../../lib/predictionLog';

const record = (i: number, over: Partial<PredictionRecord> = {}): PredictionRecord => ({
  requestId: `r${i}`,
  at: '2026-11-20T10:00:00.000Z',
  model: 'm',
  version: 'v1.0.0',
  role: 'production',
  source: 'request',
  ticker: 'SYN-A',
  date: '2026-11-19',
  probabilityUp: 0.25 + i / 1000,
  direction: 'down',
  threshold: 0.5,
  ...over,
});

describe('prediction log', () => {
  it('appends concurrently without interleaving, rotates by UTC day, and reads back every record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plog-'));
    let now = new Date('2026-11-20T23:59:59.900Z');
    const writer = new PredictionLogWriter({ dir, flushMs: 5, clock: () => now });
    for (let i = 0; i < 500; i++) writer.append(record(i));
    await writer.flush();
    now = new Date('2026-11-21T00:00:00.100Z');
    writer.append(record(500, { role: 'shadow', version: 'v1.1.0' }));
    await writer.close();
    expect(readdirSync(dir).sort()).toEqual(['predictions-2026-11-20.jsonl', 'predictions-2026-11-21.jsonl']);
    const { records, skipped } = await readPredictions(dir);
    expect(skipped).toEqual([]);
    expect(records.map((r) => r.requestId)).toEqual(Array.from({ length: 501 }, (_, i) => `r${i}`));
    expect((await readPredictions(dir, { from: '2026-11-21' })).records.map((r) => r.role)).toEqual(['shadow']);
  });

  it('skips a torn last line and a line altered by another writer instead of merging them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plog-'));
    const writer = new PredictionLogWriter({ dir, flushMs: 0, clock: () => new Date('2026-11-20T12:00:00Z') });
    writer.append(record(1), record(2));
    await writer.close();
    const path = join(dir, 'predictions-2026-11-20.jsonl');
    appendFileSync(path, '{"requestId":"foreign"}\n');
    // A crash in the middle of an append: the start of a framed line, no newline.
    appendFileSync(path, '212\t0123456789abcdef\t{"requestId":"r3","at":"2026');
    const { records, skipped } = await readPredictions(dir);
    expect(records.map((r) => r.requestId)).toEqual(['r1', 'r2']);
    expect(skipped.map((s) => [s.line, s.reason])).toEqual([
      [3, 'no frame header'],
      [4, 'torn last line (no newline)'],
    ]);
    // The next writer ends the torn fragment first, so its own records stay intact.
    const again = new PredictionLogWriter({ dir, flushMs: 0, clock: () => new Date('2026-11-20T13:00:00Z') });
    again.append(record(4), record(5));
    await again.close();
    const after = await readPredictions(dir);
    expect(after.records.map((r) => r.requestId)).toEqual(['r1', 'r2', 'r4', 'r5']);
    expect(after.skipped.map((s) => [s.line, s.reason])).toEqual([
      [3, 'no frame header'],
      [4, 'length mismatch'],
    ]);
  });

  it('reads into a polars DataFrame with typed columns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plog-'));
    const writer = new PredictionLogWriter({ dir, flushMs: 0 });
    writer.append(
      record(1),
      record(2, { role: 'ab', arm: 'candidate', probabilityUp: 0.75, direction: 'up' }),
      record(3, { ticker: null, date: null }),
    );
    await writer.close();
    const df = await readPredictionFrame(dir);
    expect(df.height).toBe(3);
    expect(df.getColumn('probabilityUp').toArray()).toEqual([0.251, 0.75, 0.253]);
    expect(df.getColumn('arm').toArray()).toEqual([null, 'candidate', null]);
    expect(df.getColumn('ticker').toArray()).toEqual(['SYN-A', 'SYN-A', null]);
  });

  it('retention removes day files older than the kept days', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plog-'));
    for (const d of ['2026-11-01', '2026-11-18', '2026-11-19', '2026-11-20']) writeFileSync(join(dir, `predictions-${d}.jsonl`), '');
    writeFileSync(join(dir, 'notes.txt'), 'not a log file');
    const removed = await applyRetention({ dir, keepDays: 2, now: new Date('2026-11-20T08:00:00Z') });
    expect(removed.map((p) => basename(p))).toEqual(['predictions-2026-11-01.jsonl', 'predictions-2026-11-18.jsonl']);
    expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'predictions-2026-11-19.jsonl', 'predictions-2026-11-20.jsonl']);
    await expect(applyRetention({ dir, keepDays: 0 })).rejects.toThrow(/whole number/);
  });
});
