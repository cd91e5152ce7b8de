import fc from 'fast-check';
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { formatDay } from '../../lib/data/dates';
import { splitHoldout, walkForwardFolds } from '../../lib/evaluation/folds';
import { openRegistry, compareVersions } from '../../lib/registry';
import { TrainctlError } from '../../lib/util/errors';
import { candidate, tempRoot } from '../lib/registry/support/fixtures';

/** Issue 16, item 8: the purged walk-forward folds and the registry's invariants over generated inputs. */

/** Rows of a panel: distinct trading days, each with 1–3 tickers, in a shuffled row order. */
const panelArb = fc
  .record({
    first: fc.integer({ min: 10_000, max: 20_000 }),
    gaps: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 30, maxLength: 260 }),
    tickers: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer(),
  })
  .map(({ first, gaps, tickers, seed }) => {
    const days: string[] = [];
    let d = first;
    for (const g of gaps) days.push(formatDay((d += g)));
    const rows = days.flatMap((day) => Array.from({ length: tickers }, () => day));
    // A deterministic shuffle: the builders must not rely on row order.
    let s = seed >>> 0 || 1;
    for (let i = rows.length - 1; i > 0; i--) {
      s = (s * 1103515245 + 12345) >>> 0;
      const j = s % (i + 1);
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    return { days, rows };
  });

/** Distinct dates strictly between a and b in the calendar of the data. */
const between = (days: string[], a: string, b: string) => days.filter((d) => d > a && d < b).length;

describe('purged walk-forward folds (lib/evaluation/folds.ts)', () => {
  it('no overlap, purge gap ≥ horizon, no look-ahead, test blocks in time order and disjoint', () => {
    fc.assert(
      fc.property(panelArb, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 12 }), ({ days, rows }, nFolds, purgeGap) => {
        let folds;
        try {
          folds = walkForwardFolds({ dates: rows, nFolds, purgeGap });
        } catch (err) {
          // Refused only when the data is genuinely too short, and then as a user error.
          expect(err).toBeInstanceOf(TrainctlError);
          expect(days.length - Math.floor(days.length * 0.5) < nFolds || Math.floor(days.length * 0.5) - purgeGap < 20).toBe(true);
          return;
        }
        expect(folds).toHaveLength(nFolds);
        const tested = new Set<number>();
        let lastTestEnd = '';
        for (const f of folds) {
          expect(f.trainIdx.length).toBeGreaterThan(0);
          expect(f.testIdx.length).toBeGreaterThan(0);
          const train = new Set(f.trainIdx);
          expect(f.testIdx.some((i) => train.has(i))).toBe(false);
          const maxTrain = f.trainIdx.reduce((m, i) => (rows[i]! > m ? rows[i]! : m), '');
          const minTest = f.testIdx.reduce((m, i) => (rows[i]! < m ? rows[i]! : m), '9999');
          expect(maxTrain).toBe(f.trainEnd);
          expect(minTest).toBe(f.testStart);
          // Every training label (looking purgeGap days ahead) ends before the test block starts.
          expect(between(days, f.trainEnd, f.testStart)).toBeGreaterThanOrEqual(purgeGap);
          expect(f.testStart > lastTestEnd).toBe(true);
          lastTestEnd = f.testEnd;
          // All rows of every training date are in, all rows of every test date are in.
          expect(f.trainIdx.length).toBe(rows.filter((d) => d <= f.trainEnd).length);
          expect(f.testIdx.length).toBe(rows.filter((d) => d >= f.testStart && d <= f.testEnd).length);
          for (const i of f.testIdx) {
            expect(tested.has(i)).toBe(false);
            tested.add(i);
          }
        }
        // The test blocks tile the second half of the calendar exactly.
        expect(lastTestEnd).toBe(days.at(-1));
      }),
      { numRuns: 300 },
    );
  });

  it('the holdout split: training ends purgeGap trading days before the holdout, nothing shared', () => {
    fc.assert(
      fc.property(
        panelArb,
        fc.constantFrom('1m', '2m', '3w', '20d', '45d'),
        fc.integer({ min: 0, max: 10 }),
        ({ days, rows }, holdout, purgeGap) => {
          let s;
          try {
            s = splitHoldout({ dates: rows, holdout, purgeGap, minRows: 1 });
          } catch (err) {
            expect(err).toBeInstanceOf(TrainctlError);
            return;
          }
          const train = new Set(s.trainIdx);
          expect(s.holdoutIdx.some((i) => train.has(i))).toBe(false);
          expect(s.trainIdx.every((i) => rows[i]! <= s.trainEnd)).toBe(true);
          expect(s.holdoutIdx.every((i) => rows[i]! >= s.holdoutStart)).toBe(true);
          expect(between(days, s.trainEnd, s.holdoutStart)).toBe(purgeGap);
          expect(s.holdoutEnd).toBe(days.at(-1));
        },
      ),
      { numRuns: 300 },
    );
  });
});

type Op = { kind: 'register'; major: boolean } | { kind: 'promote' } | { kind: 'rollback' } | { kind: 'reject' };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('register' as const), major: fc.boolean() }),
  fc.record({ kind: fc.constant('promote' as const) }),
  fc.record({ kind: fc.constant('rollback' as const) }),
  fc.record({ kind: fc.constant('reject' as const) }),
);

describe('registry operations (lib/registry)', () => {
  it('any sequence of register/promote/rollback/reject keeps one production, increasing versions and a complete audit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 10 }), async (ops) => {
        const root = await tempRoot('registry-prop-');
        const dir = await tempRoot('registry-prop-art-');
        try {
          const registry = await openRegistry({ root });
          const registered: string[] = [];
          let succeeded = 0;
          let run = 0;
          for (const op of ops) {
            const before = await registry.production();
            try {
              if (op.kind === 'register') {
                const r = await registry.registerCandidate(
                  await candidate(dir, `run-${run++}`, op.major ? { schemaHash: `schema-${run}` } : {}),
                );
                registered.push(r.version);
              } else if (op.kind === 'promote') {
                const staging = await registry.staging();
                if (!staging) continue;
                const r = await registry.promote({ version: staging.version, by: 'prop', reason: 'test', runId: `p-${run++}` });
                expect(r.from).toBe(before?.version ?? null);
                expect(r.to).toBe(staging.version);
              } else if (op.kind === 'rollback') {
                const r = await registry.rollback({ to: 'previous', by: 'prop', reason: 'test' });
                expect(r.from).toBe(before?.version ?? null);
              } else {
                const staging = await registry.staging();
                if (!staging) continue;
                await registry.reject({ version: staging.version, by: 'prop', reason: 'test', runId: `j-${run++}` });
              }
              succeeded++;
            } catch (err) {
              // A refused operation (nothing to roll back to …) is a user error and changes nothing.
              expect(err).toBeInstanceOf(TrainctlError);
              expect((await registry.production())?.version ?? null).toBe(before?.version ?? null);
            }
            const list = await registry.list();
            expect(list.filter((v) => v.stage === 'production').length).toBeLessThanOrEqual(1);
            expect(list.filter((v) => v.stage === 'staging').length).toBeLessThanOrEqual(1);
            expect((await registry.production())?.version ?? null).toBe(list.find((v) => v.stage === 'production')?.version ?? null);
            expect((await registry.verify()).ok).toBe(true);
          }
          // Versions strictly increase in registration order and are never reused.
          for (let i = 1; i < registered.length; i++) expect(compareVersions(registered[i - 1]!, registered[i]!)).toBeLessThan(0);
          // The audit: one entry per successful operation, sequence numbers 1, 2, 3 … with no gap.
          const audit = await registry.audit();
          expect(audit.map((e) => e.seq)).toEqual(audit.map((_, i) => audit[0]!.seq + i));
          expect(audit.filter((e) => e.action !== 'prune')).toHaveLength(succeeded);
          expect(audit.filter((e) => e.action === 'register').map((e) => e.version)).toEqual(registered);
        } finally {
          await rm(root, { recursive: true, force: true });
          await rm(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 25 },
    );
  }, 300_000);
});
