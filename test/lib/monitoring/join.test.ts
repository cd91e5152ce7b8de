import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { monitorSnapshot, type Outcome } from '../../../lib/monitoring';
import { frameLine, readPredictions } from '../../../lib/predictionLog';

const rec = (o: Partial<Record<string, unknown>>) => ({
  requestId: 'r',
  at: '2026-01-05T21:00:00Z',
  model: 'm',
  version: 'v1.0.0',
  role: 'production',
  source: 'batch',
  ticker: 'A',
  date: '2026-01-05',
  probabilityUp: 0.7,
  direction: 'up',
  threshold: 0.5,
  ...o,
});

describe('joining the prediction log with outcomes', () => {
  it('uses what it can and reports the rest: torn and foreign lines, missing outcomes, pending labels, repeats, other models', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plog-'));
    const lines = [
      rec({}),
      rec({ requestId: 'again', probabilityUp: 0.1 }), // the same ticker/date again: counted once
      rec({ ticker: 'B' }), // B has no outcome data at all
      rec({ date: '2026-01-09' }), // label not known yet
      rec({ ticker: null, date: null }), // a feature-row request
      rec({ role: 'shadow', version: 'v1.1.0', probabilityUp: 0.2 }),
      rec({ role: 'ab', arm: 'candidate', version: 'v1.1.0' }),
      rec({ model: 'other' }),
      { some: 'thing else' },
      rec({ probabilityUp: 7 }), // not a probability
    ].map((r) => frameLine(JSON.stringify(r)));
    writeFileSync(join(dir, 'predictions-2026-01-05.jsonl'), `${lines.join('')}garbage line\n{"torn":`);
    const log = await readPredictions(dir);
    const outcomes = new Map<string, Outcome>([
      ['A|2026-01-05', { label: 1, nextReturn: 0.01 }],
      ['A|2026-01-09', { label: NaN, nextReturn: NaN }],
    ]);
    const s = monitorSnapshot({
      at: '2026-01-12T00:00:00Z',
      model: 'm',
      records: log.records,
      unreadableLines: log.skipped.length,
      outcomes,
      windowDays: 20,
      labelHorizon: 5,
      costBps: 5,
      seed: 1,
    });
    expect(s.unused).toEqual({ pending: 1, noOutcome: 1, noTicker: 1, duplicate: 1, foreign: 2, unreadableLines: 2 });
    expect(s.tickersWithoutOutcomes).toEqual(['B']);
    const roles = Object.fromEntries(s.cohorts.map((c) => [`${c.cohort.version} ${c.cohort.role}`, c.window]));
    expect(Object.keys(roles).sort()).toEqual(['v1.0.0 production', 'v1.1.0 ab:candidate', 'v1.1.0 shadow']);
    expect(roles['v1.0.0 production']!.metrics.accuracy).toBe(1); // 0.7 on an up day, the repeat ignored
    expect(roles['v1.1.0 shadow']!.metrics.accuracy).toBe(0);
    expect(roles['v1.0.0 production']!.intervals.accuracy).toBeNull(); // one day: no interval, no crash
  });
});
