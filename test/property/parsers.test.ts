import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDurationMs } from '../../lib/config/duration';
import { parseYahooCsv } from '../../lib/data/csvFile';
import {
  addDays,
  businessDays,
  countBusinessDaysAfter,
  formatDay,
  isBusinessDay,
  isIsoDate,
  parseDay,
  weekday,
} from '../../lib/data/dates';
import { periodToRange, PERIOD_CHOICES } from '../../lib/data/period';
import { parseHoldout, subtractMonths } from '../../lib/evaluation/folds';
import { parseSignalFile } from '../../lib/signals/csv';
import { TrainctlError } from '../../lib/util/errors';
import { describeJsonSyntaxError } from '../../lib/util/jsonSyntax';

/** Issue 16, item 8: parsers and date arithmetic over generated inputs, checked against independent oracles. */

const RUNS = { numRuns: 300 };
/** Day numbers 1900-01-01 … 2199-12-31. */
const dayArb = fc.integer({ min: -25567, max: 84005 });
const dateArb = dayArb.map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));

describe('dates (lib/data/dates.ts)', () => {
  it('parseDay and formatDay are inverse on every real date, and agree with Date', () => {
    fc.assert(
      fc.property(dayArb, (d) => {
        const text = formatDay(d);
        expect(parseDay(text)).toBe(d);
        expect(isIsoDate(text)).toBe(true);
        expect(new Date(`${text}T00:00:00Z`).getUTCDay()).toBe(weekday(d));
      }),
      RUNS,
    );
  });

  it('refuses any string that is not a real YYYY-MM-DD date, never throwing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 14 }), (s) => {
        const day = parseDay(s);
        const oracle = /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString?.().slice(0, 10) === s;
        expect(Number.isNaN(day)).toBe(!oracleSafe(() => oracle));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), (y, m, d) => {
        const s = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const lastDay = m >= 1 && m <= 12 ? new Date(Date.UTC(2000, m, 0)).getUTCDate() : 0;
        const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
        const real = m >= 1 && m <= 12 && d >= 1 && d <= (m === 2 ? (leap ? 29 : 28) : lastDay);
        expect(isIsoDate(s), s).toBe(real && y >= 100);
      }),
      { numRuns: 2000 },
    );
  });

  it('addDays is additive and businessDays counts Monday–Friday exactly', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: -2000, max: 2000 }), fc.integer({ min: -2000, max: 2000 }), (s, a, b) => {
        expect(addDays(addDays(s, a), b)).toBe(addDays(s, a + b));
        expect(parseDay(addDays(s, a)) - parseDay(s)).toBe(a);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 0, max: 400 }), (start, span) => {
        const end = addDays(start, span);
        const days = businessDays(start, end);
        let brute = 0;
        for (let k = 0; k <= span; k++) if (![0, 6].includes(new Date(`${addDays(start, k)}T00:00:00Z`).getUTCDay())) brute++;
        expect(days).toHaveLength(brute);
        expect(days.every((d) => isBusinessDay(parseDay(d)) && d >= start && d <= end)).toBe(true);
        expect([...days].sort()).toEqual(days);
        expect(countBusinessDaysAfter(start, end)).toBe(brute - (isBusinessDay(parseDay(start)) ? 1 : 0));
      }),
      RUNS,
    );
  });
});

/** The oracle itself throws on years Date cannot render; treat that as "not a date". */
function oracleSafe(f: () => boolean): boolean {
  try {
    return f();
  } catch {
    return false;
  }
}

describe('periods (lib/data/period.ts) and holdout windows', () => {
  it('periodToRange: N years back plus one day, ends at the end date, start before end', () => {
    fc.assert(
      fc.property(dateArb, fc.constantFrom(...PERIOD_CHOICES), (end, period) => {
        const r = periodToRange(period, end);
        expect(r.end).toBe(end);
        if (period === 'max') {
          expect(r.start).toBeUndefined();
          return;
        }
        const years = Number(period.slice(0, -1));
        expect(isIsoDate(r.start!)).toBe(true);
        expect(r.start! < end).toBe(true);
        // One period back, exclusive: the day before the start is N calendar years before the end
        // (29 Feb rolls to 1 Mar).
        const before = new Date(`${addDays(r.start!, -1)}T00:00:00Z`);
        const e = new Date(`${end}T00:00:00Z`);
        expect(before.getUTCFullYear()).toBe(e.getUTCFullYear() - years);
        const span = parseDay(end) - parseDay(r.start!);
        expect(span).toBeGreaterThanOrEqual(365 * years - 1);
        expect(span).toBeLessThanOrEqual(366 * years);
      }),
      RUNS,
    );
  });

  it('periodToRange refuses anything else with a ConfigError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 6 }), dateArb, (p, end) => {
        fc.pre(!(PERIOD_CHOICES as readonly string[]).includes(p));
        expect(() => periodToRange(p, end)).toThrow(TrainctlError);
      }),
      RUNS,
    );
  });

  it('parseHoldout accepts exactly N[mwd] with N > 0; subtractMonths clamps to the month end', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.constantFrom('m', 'w', 'd'), (n, u) => {
        const h = parseHoldout(`${n}${u}`);
        expect(h).toEqual(u === 'm' ? { months: n } : { days: u === 'w' ? 7 * n : n });
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 6 }), (s) => {
        fc.pre(!/^[1-9]\d*[mwd]$/.test(s) && !/^0+[1-9]\d*[mwd]$/.test(s));
        expect(() => parseHoldout(s)).toThrow(TrainctlError);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 0, max: 240 }), (s, months) => {
        const d = new Date(`${s}T00:00:00Z`);
        const back = subtractMonths(d, months);
        const monthsApart = (d.getUTCFullYear() - back.getUTCFullYear()) * 12 + d.getUTCMonth() - back.getUTCMonth();
        expect(monthsApart).toBe(months);
        const lastOfMonth = new Date(Date.UTC(back.getUTCFullYear(), back.getUTCMonth() + 1, 0)).getUTCDate();
        expect(back.getUTCDate()).toBe(Math.min(d.getUTCDate(), lastOfMonth));
      }),
      RUNS,
    );
  });

  it('parseDurationMs: N unit → N × unit, anything else undefined', () => {
    const unit = { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8 } as const;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom(...(Object.keys(unit) as (keyof typeof unit)[])), (n, u) => {
        expect(parseDurationMs(`${n}${u}`)).toBe(n * unit[u]);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), (s) => {
        fc.pre(!/^\s*\d+(\.\d+)?(ms|s|m|h|d|w)\s*$/.test(s));
        expect(parseDurationMs(s)).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });
});

/** A valid Yahoo export for generated bars, in the given row order. */
function yahooCsv(rows: { date: string; close: number; volume: number }[]): string {
  const lines = rows.map((r) => `${r.date},${r.close},${r.close * 1.01},${r.close * 0.99},${r.close},${r.close},${r.volume}`);
  return ['Date,Open,High,Low,Close,Adj Close,Volume', ...lines].join('\n');
}

describe('market CSV (lib/data/csvFile.ts)', () => {
  const barsArb = fc
    .uniqueArray(dayArb, { minLength: 1, maxLength: 40 })
    .chain((days) =>
      fc.tuple(
        fc.constant(days.map(formatDay)),
        fc.array(fc.double({ min: 0.01, max: 1e6, noNaN: true }), { minLength: days.length, maxLength: days.length }),
        fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: days.length, maxLength: days.length }),
      ),
    );

  it('round-trips any valid export in any row order: sorted by date, every value kept', () => {
    fc.assert(
      fc.property(barsArb, ([dates, closes, volumes]) => {
        const rows = dates.map((date, i) => ({ date, close: closes[i]!, volume: volumes[i]! }));
        const s = parseYahooCsv(yahooCsv(rows), 'T', 't.csv');
        const sorted = [...rows].sort((a, b) => (a.date < b.date ? -1 : 1));
        expect(s.dates).toEqual(sorted.map((r) => r.date));
        expect(Array.from(s.close)).toEqual(sorted.map((r) => r.close));
        expect(Array.from(s.volume)).toEqual(sorted.map((r) => r.volume));
      }),
      { numRuns: 100 },
    );
  });

  it('a corrupted cell is a DataError naming the file and its line, on one line', () => {
    const junk = fc.oneof(
      fc.constantFrom('', 'NaN', 'Infinity', '-', '1e', '0x10', '1,5', '"1', 'null\u0000', '\u001b[31m1', '1\n2'),
      fc.string({ maxLength: 300 }),
    );
    fc.assert(
      fc.property(barsArb, fc.nat(), fc.integer({ min: 1, max: 6 }), junk, ([dates, closes, volumes], pick, column, cell) => {
        // A number, bare or in CSV quotes, is a valid cell.
        fc.pre(!/^"?\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*"?$/.test(cell.trim()));
        const rows = dates.map((date, i) => ({ date, close: closes[i]!, volume: volumes[i]! }));
        const lines = yahooCsv(rows).split('\n');
        const at = 1 + (pick % rows.length);
        const cells = lines[at]!.split(',');
        cells[column] = cell;
        lines[at] = cells.join(',');
        let thrown: unknown;
        try {
          parseYahooCsv(lines.join('\n'), 'T', 't.csv');
        } catch (err) {
          thrown = err;
        }
        // A cell holding a comma or a line break changes the row's shape instead; also refused.
        expect(thrown).toBeInstanceOf(TrainctlError);
        const message = (thrown as Error).message;
        expect(message).toMatch(/^t\.csv/);
        expect(message).not.toMatch(/[\n\r]/);
        expect(message.length).toBeLessThanOrEqual(300);
      }),
      { numRuns: 300 },
    );
  });
});

describe('signal files (lib/signals/csv.ts)', () => {
  it('any text: a parse or a problem with a line and column inside the file, never a throw', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 400 }),
      fc
        .array(fc.tuple(dateArb, fc.constantFrom('A', 'B', 'Q', ''), fc.oneof(fc.double(), fc.constantFrom('', 'NA', 'x'))), {
          maxLength: 20,
        })
        .map((rows) => ['date,ticker,mood', ...rows.map((r) => r.join(','))].join('\n')),
    );
    fc.assert(
      fc.property(text, (t) => {
        const r = parseSignalFile({ file: 's.csv', text: t, tickers: new Set(['A', 'B']), asOf: '2100-01-01' });
        if ('message' in r) {
          const lines = t.split(/\r?\n/).length;
          expect(r.line).toBeGreaterThanOrEqual(1);
          expect(r.line).toBeLessThanOrEqual(lines);
          expect(r.column).toBeGreaterThanOrEqual(1);
          expect(r.message).not.toMatch(/[\n\r]/);
          expect(r.message.length).toBeLessThanOrEqual(300);
        } else {
          const keys = r.rows.map((row) => `${row.ticker}|${row.date}`);
          expect(new Set(keys).size).toBe(keys.length);
          for (const row of r.rows) expect(row.values.every((v) => Number.isNaN(v) || Number.isFinite(v))).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('JSON syntax errors (lib/util/jsonSyntax.ts)', () => {
  it('locates the first bad character of any broken JSON without quoting the text', () => {
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.string({ minLength: 1, maxLength: 3 }), (good, pick, junk) => {
        const at = pick % (good.length + 1);
        const broken = good.slice(0, at) + junk + good.slice(at);
        let ok = true;
        try {
          JSON.parse(broken);
        } catch {
          ok = false;
        }
        fc.pre(!ok);
        const message = describeJsonSyntaxError(broken);
        expect(message).toMatch(/^(unexpected (U\+[0-9A-F]{4}|'.') at line \d+, column \d+|the file is empty|the text ends too early)$/);
        const m = /line (\d+), column (\d+)/.exec(message);
        if (m) {
          const offset =
            broken
              .split('\n')
              .slice(0, Number(m[1]) - 1)
              .join('\n').length +
            (Number(m[1]) > 1 ? 1 : 0) +
            Number(m[2]) -
            1;
          // Everything before the reported character is a valid JSON prefix.
          expect(offset).toBeLessThan(broken.length);
          expect(offset).toBeLessThanOrEqual(at + junk.length + good.length);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
