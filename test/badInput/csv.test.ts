import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePaths } from '../../lib/config/paths';
import { addDays, isBusinessDay, parseDay } from '../../lib/data/dates';
import { createTrainingWorker } from '../../workers/worker';
import { connectTestTemporal, testLogger, uniqueTaskQueue, type TemporalTestContext } from '../support/temporal';
import { changes, expectOneLine, pool, runCli, snapshot, tempHome, writeFiles } from './support';

/**
 * Issue 16, item 8: market CSV files (`--source csv:DIR`) that are malformed, empty, huge or
 * hostile. They are read by the fetch stage, so each case is a real run on the suite's dev server
 * with a real worker: it must fail with one line and the exit code of its class (1: data, 2:
 * validation), and leave no price cache, feature set, model, report or temporary file behind.
 */

const HEADER = 'Date,Open,High,Low,Close,Adj Close,Volume';
/** `n` business days of a plausible random walk ending on 2026-10-30, as Yahoo exports them. */
function bars(n: number, price: (i: number) => number = (i) => 100 * Math.exp(0.02 * Math.sin(i * 1.7) + 0.0001 * i)): string[] {
  const days: string[] = [];
  for (let d = '2026-10-30'; days.length < n; d = addDays(d, -1)) if (isBusinessDay(parseDay(d))) days.unshift(d);
  return days.map((d, i) => {
    const c = price(i);
    return `${d},${c},${c * 1.01},${c * 0.99},${c},${c},${1000 + i}`;
  });
}
const csv = (rows: string[]) => [HEADER, ...rows].join('\n') + '\n';
const good = bars(520);
const edit = (i: number, f: (cells: string[]) => void) => {
  const rows = [...good];
  const cells = rows[i]!.split(',');
  f(cells);
  rows[i] = cells.join(',');
  return csv(rows);
};

interface CsvCase {
  name: string;
  text: string;
  codes: number[];
  says: RegExp;
  /** The prices are fine (the failure is later): caching them is right. */
  validData?: boolean;
}

const cases: CsvCase[] = [
  { name: 'empty file', text: '', codes: [1], says: /BAD\.csv line 1 \(BAD\): missing column/ },
  { name: 'header only', text: `${HEADER}\n`, codes: [1, 2], says: /BAD/ },
  {
    name: 'a missing column',
    text: good.map((r) => r.split(',').slice(0, 6).join(',')).join('\n'),
    codes: [1],
    says: /missing column\(s\) Date, Open/,
  },
  {
    name: 'a ragged row',
    text: edit(10, (c) => c.push('7')),
    codes: [1],
    says: /BAD\.csv line 12 \(BAD\): 8 fields where the header has 7/,
  },
  { name: 'a word for a price', text: edit(20, (c) => (c[4] = 'abc')), codes: [1], says: /line 22 \(BAD\): Close is "abc", not a number/ },
  { name: 'NaN price', text: edit(20, (c) => (c[4] = 'NaN')), codes: [1], says: /Close is "NaN", not a number/ },
  { name: 'Infinity price', text: edit(20, (c) => (c[2] = 'Infinity')), codes: [1], says: /High is "Infinity", not a number/ },
  { name: 'zero price', text: edit(30, (c) => (c[4] = c[5] = '0')), codes: [1], says: /BAD/ },
  { name: 'negative price', text: edit(30, (c) => (c[1] = '-5')), codes: [1], says: /BAD/ },
  {
    name: 'duplicated date',
    text: csv([...good.slice(0, 40), good[39]!, ...good.slice(40)]),
    codes: [1],
    says: /BAD/,
  },
  { name: 'impossible date', text: edit(5, (c) => (c[0] = '2025-02-30')), codes: [1], says: /bad date "2025-02-30"/ },
  {
    name: 'control characters in a cell',
    text: edit(5, (c) => (c[3] = '1\u001b[2J')),
    codes: [1],
    says: /Low is "1\\u001b\[2J", not a number/,
  },
  {
    name: 'a 20,000-character cell',
    text: edit(5, (c) => (c[6] = '9'.repeat(20_000) + 'x')),
    codes: [1],
    says: /Volume is "9{40}…", not a number/,
  },
  { name: 'binary garbage', text: '\u0000\u0001\u00ff'.repeat(1000), codes: [1], says: /BAD/ },
  { name: 'too short a history', text: csv(bars(30)), codes: [1, 2], says: /BAD|holdout|too few|rows/ },
  {
    name: 'a one-class label series (a price that only rises)',
    text: csv(bars(520, (i) => 50 * Math.exp(0.004 * i))),
    codes: [1, 2],
    says: /single class|one class/,
    validData: true,
  },
];

let t: TemporalTestContext;
let worker: Worker;
let running: Promise<void>;
const home = tempHome('badinput-csv');
/** Input files live outside the home, so the home's snapshot sees only what the runs wrote. */
const inputs = tempHome('badinput-csv-inputs');
const paths = resolvePaths({}, home);
const taskQueue = uniqueTaskQueue('badinput-csv');

beforeAll(async () => {
  t = await connectTestTemporal();
  worker = await createTrainingWorker({
    connection: t.connection,
    settings: { namespace: 'default', taskQueue },
    workflowBundle: t.bundle,
    deps: { paths, logger: testLogger(paths), env: {}, now: () => new Date(), fetch },
  });
  running = worker.run();
}, 180_000);
afterAll(async () => {
  worker?.shutdown();
  await running;
  await t?.close();
});

/** Reported in .trainctl/helpers/badinput.md: the raw price cache is written before the quality checks. */
const cacheGaps: string[] = [];
let ran = false;

describe('bad input: market CSV through a real run', () => {
  it(`${cases.length} files: one line, exit 1 or 2, no cache, model, report or temp file left`, async () => {
    const failures: string[] = [];
    // One run at a time: the worker's home is shared, and each run's before/after must be its own.
    await pool(
      cases.map((c, i) => ({ c, i })),
      1,
      async ({ c, i }) => {
        const dir = join(inputs, `m${i}`);
        writeFiles(dir, { 'BAD.csv': c.text });
        const model = `csv-case-${i}`;
        const before = snapshot(home);
        const r = await runCli({
          args: [
            'run',
            '--model-name',
            model,
            '--source',
            `csv:${dir}`,
            '--tickers',
            'BAD',
            '--period',
            '2y',
            '--as-of',
            '2026-10-30',
            '--wait',
          ],
          home,
          env: { TEMPORAL_ADDRESS: t.address, TRAINCTL_TASK_QUEUE: taskQueue },
          timeoutMs: 240_000,
        });
        const label = `${c.name}: exit ${r.code}, stderr ${r.stderr.slice(0, 300)} stdout ${JSON.stringify(r.stdout.slice(-900))}`;
        try {
          expect(c.codes, label).toContain(r.code);
          // `run --wait` shows the run's status; its failure is the one `error` line, then the exit code.
          const errorLines = r.stdout.split('\n').filter((l) => /^error\s/.test(l));
          expect(errorLines, label).toHaveLength(1);
          expect(expectOneLine(errorLines[0]!), label).toBeUndefined();
          expect(errorLines[0], label).toMatch(c.says);
          expect(r.stdout + r.stderr, label).not.toMatch(/^\s+at\s|\.(ts|js):\d+:\d+/m);
          // Only the log may grow; no snapshot, feature set, model, report or *.tmp of bad data.
          const written = changes(before, snapshot(home)).filter((line) => !/^(added|changed) logs\//.test(line));
          const rawCache = (line: string) =>
            /^(added|changed) \.trainctl\/((data\/)?(csv-[0-9a-f]+\/)?(BAD\.(parquet|meta\.json))?)?$/.test(line);
          const allowed = (line: string) => (c.validData ? /^(added|changed) \.trainctl\/(data\/.*)?$/.test(line) : rawCache(line));
          expect(
            written.filter((line) => !allowed(line)),
            label,
          ).toEqual([]);
          if (!c.validData) cacheGaps.push(...written.filter(rawCache).map((line) => `${c.name}: ${line}`));
        } catch (err) {
          failures.push(`${(err as Error).message.split('\n')[0]!} written: ${JSON.stringify(changes(before, snapshot(home)))}`);
        }
      },
    );
    ran = true;
    expect(failures).toEqual([]);
  }, 900_000);

  it('prices that fail the quality checks (zero, negative, duplicated, too few) never reach the raw price cache', () => {
    expect(ran).toBe(true);
    expect(cacheGaps).toEqual([]);
  });
});
