import pl from 'nodejs-polars';
import { DataError } from '../util/errors';
import { quote } from '../util/quote';
import { isIsoDate } from './dates';
import { emptySeries } from './series';
import type { PriceSeries } from './types';

/** Yahoo Finance's CSV export header, in its order. */
export const CSV_COLUMNS = ['Date', 'Open', 'High', 'Low', 'Close', 'Adj Close', 'Volume'] as const;
const FIELD_OF = { Open: 'open', High: 'high', Low: 'low', Close: 'close', 'Adj Close': 'adjClose', Volume: 'volume' } as const;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parse one ticker's Yahoo-format CSV. Polars does the column split; a line scan beforehand
 * catches ragged rows, which polars would silently pad or truncate. Every problem is reported as a
 * DataError naming ticker, file and 1-based line. Yahoo marks sessions without prices with
 * `null` in every price column; such rows are skipped.
 */
export function parseYahooCsv(text: string, ticker: string, file: string): PriceSeries {
  const fail = (line: number, problem: string): never => {
    throw new DataError(`${file} line ${line} (${ticker}): ${problem}`, { ticker, file, line, problem });
  };
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.split(',').map((h) => h.trim()) ?? [];
  const missing = CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) fail(1, `missing column(s) ${missing.join(', ')} (expected ${CSV_COLUMNS.join(',')})`);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const fields = line.split(',').length;
    if (fields !== header.length) fail(i + 1, `${fields} fields where the header has ${header.length}`);
  }

  let df: pl.DataFrame;
  try {
    df = pl.readCSV(text, { inferSchemaLength: 0, hasHeader: true });
  } catch (err) {
    // Polars' messages span lines and quote the data: its first line, cut short, is the reason.
    const reason = ((err as Error).message.split('\n').find((l) => l.trim() !== '') ?? 'unknown error').trim().slice(0, 120);
    throw new DataError(`${file} (${ticker}) is not readable as CSV: ${reason}`, { ticker, file });
  }
  const raw: Record<string, (string | null)[]> = {};
  for (const c of CSV_COLUMNS) raw[c] = df.getColumn(c).toArray() as (string | null)[];
  const keep: number[] = [];
  for (let r = 0; r < df.height; r++) {
    const cells = CSV_COLUMNS.map((c) => raw[c]![r]?.trim() ?? null);
    if (cells.every((v) => v === null || v === '')) continue; // blank line
    if (cells.slice(1).every((v) => v === 'null')) continue;
    keep.push(r);
  }

  const series = emptySeries(ticker, new Array<string>(keep.length));
  keep.forEach((r, i) => {
    // Polars keeps blank lines as all-null rows, so row r is file line r + 2.
    const line = r + 2;
    const date = raw.Date![r]?.trim() ?? '';
    if (!isIsoDate(date)) fail(line, `bad date ${quote(date)} (expected YYYY-MM-DD)`);
    series.dates[i] = date;
    for (const [column, field] of Object.entries(FIELD_OF)) {
      const cell = raw[column]![r]?.trim() ?? '';
      if (!NUMBER.test(cell)) fail(line, `${column} is ${quote(cell)}, not a number`);
      series[field][i] = Number(cell);
    }
  });
  return sortByDate(series);
}

/** Exports are usually ascending already; sort stably so duplicates stay visible to validation. */
function sortByDate(s: PriceSeries): PriceSeries {
  const n = s.dates.length;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = s.dates[i - 1]! <= s.dates[i]!;
  if (sorted) return s;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) =>
    s.dates[a]! < s.dates[b]! ? -1 : s.dates[a]! > s.dates[b]! ? 1 : a - b,
  );
  const out = emptySeries(
    s.ticker,
    order.map((i) => s.dates[i]!),
  );
  for (const f of ['open', 'high', 'low', 'close', 'adjClose', 'volume'] as const) {
    order.forEach((from, to) => {
      out[f][to] = s[f][from]!;
    });
  }
  return out;
}
