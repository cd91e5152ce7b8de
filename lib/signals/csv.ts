import { isIsoDate } from '../data/dates';
import { quote } from '../util/quote';
import type { SignalProblem } from './types';

export interface ParsedSignalFile {
  /** Signal columns (after date and ticker), with their 1-based column numbers. */
  columns: { name: string; column: number }[];
  rows: { line: number; date: string; ticker: string; values: number[] }[];
}

export interface ParseSignalFileOptions {
  file: string;
  text: string;
  /** Tickers of the run; any other ticker is refused. */
  tickers: ReadonlySet<string>;
  /** The run's as-of date: a value dated after it cannot have been published yet. */
  asOf: string;
}

const NAME_RE = /^[a-z][a-z0-9_]{0,62}$/;
const MISSING = new Set(['', 'NA', 'NaN', 'nan', 'null']);

/**
 * One signals file: a header `date,ticker,<signal>…` and one row per ticker and publication date.
 * An empty cell (or NA/NaN/null) is a missing value. Returns the first problem, located by line and
 * column (1-based), so the message points at the cell to fix.
 */
export function parseSignalFile(o: ParseSignalFileOptions): ParsedSignalFile | SignalProblem {
  const at = (line: number, column: number, message: string): SignalProblem => ({ file: o.file, line, column, message });
  const lines = o.text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCells(lines[0] ?? '');
  if (header[0] !== 'date' || header[1] !== 'ticker')
    return at(1, 1, `expected a header starting "date,ticker," (got ${quote(lines[0] ?? '')})`);
  if (header.length < 3) return at(1, 3, 'expected at least one signal column after date,ticker');
  const columns = header.slice(2).map((name, k) => ({ name, column: k + 3 }));
  for (const c of columns) {
    if (!NAME_RE.test(c.name))
      return at(1, c.column, `signal name ${quote(c.name)} must be lowercase letters, digits and _ starting with a letter (at most 63)`);
    const first = columns.find((d) => d.name === c.name)!;
    if (first !== c) return at(1, c.column, `signal "${c.name}" appears twice in the header (also column ${first.column})`);
  }
  const rows: ParsedSignalFile['rows'] = [];
  const seen = new Map<string, number>();
  for (let k = 1; k < lines.length; k++) {
    const line = k + 1;
    if (lines[k]!.trim() === '') continue;
    const cells = splitCells(lines[k]!);
    if (cells.length !== header.length)
      return at(line, Math.min(cells.length, header.length) + 1, `expected ${header.length} cells, found ${cells.length}`);
    const [date, ticker] = cells as [string, string];
    if (!isIsoDate(date)) return at(line, 1, `${quote(date)} is not a date YYYY-MM-DD`);
    if (date > o.asOf)
      return at(line, 1, `date ${date} is after the run's as-of date ${o.asOf} (a value cannot be published in the future)`);
    if (!o.tickers.has(ticker)) return at(line, 2, `unknown ticker ${quote(ticker)} (the run's tickers: ${[...o.tickers].join(', ')})`);
    const key = `${ticker}|${date}`;
    const before = seen.get(key);
    if (before !== undefined) return at(line, 1, `duplicate date ${date} for ${ticker} (first on line ${before})`);
    seen.set(key, line);
    const values: number[] = [];
    for (const c of columns) {
      const cell = cells[c.column - 1]!;
      if (MISSING.has(cell)) {
        values.push(Number.NaN);
        continue;
      }
      const v = Number(cell);
      if (!Number.isFinite(v) || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(cell))
        return at(line, c.column, `${quote(cell)} in column ${c.name} is not a number (leave the cell empty for a missing value)`);
      values.push(v);
    }
    rows.push({ line, date, ticker, values });
  }
  return { columns, rows };
}

/** Comma-separated cells, each trimmed and unquoted (signal files hold no embedded commas). */
function splitCells(line: string): string[] {
  return line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}
