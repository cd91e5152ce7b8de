import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, DataError } from '../util/errors';
import { sha256 } from '../util/hash';
import { parseSignalFile } from './csv';
import { syntheticSentiment } from './synthetic';
import { formatSignalProblem, type SignalObservations, type SignalProblem, type SignalSource, type SignalTable } from './types';

export interface LoadSignalsOptions {
  source: SignalSource;
  /** The run's tickers: rows of other tickers are refused. */
  tickers: readonly string[];
  /** The run's as-of date (YYYY-MM-DD): later dates are refused. */
  asOf: string;
  /** Names a signal may not take: the built-in features and the frame's key and target columns. */
  reserved: readonly string[];
  /**
   * `config` before a run starts (exit 3); `data` inside a run, where a file that changed since
   * the run was validated is a non-retryable data error.
   */
  errorKind: 'config' | 'data';
}

/** `csv:DIR` → the directory; `synthetic` → the embedded sentiment; undefined otherwise. */
export function parseSignalSource(text: string, seed: number): SignalSource | undefined {
  if (text === 'synthetic') return { kind: 'synthetic', seed };
  const m = /^csv:(.+)$/.exec(text);
  return m ? { kind: 'csv', dir: m[1]! } : undefined;
}

/**
 * Every signals file of a source, validated as a whole: the first problem (in file-name order)
 * stops it with a one-line message naming file, line and column.
 */
export async function loadSignals(o: LoadSignalsOptions): Promise<SignalTable> {
  const fail = (message: string, problem?: SignalProblem): never => {
    throw o.errorKind === 'config' ? new ConfigError(message, { ...problem }) : new DataError(message, { ...problem });
  };
  if (o.source.kind === 'synthetic') return syntheticSentiment({ seed: o.source.seed, tickers: o.tickers, asOf: o.asOf });
  const dir = o.source.dir;
  let entries: string[];
  try {
    entries = (await readdir(dir)).filter((f) => f.toLowerCase().endsWith('.csv')).sort();
  } catch (err) {
    return fail(`signals: cannot read directory ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (entries.length === 0) return fail(`signals: ${dir} holds no .csv file (expected files with a header date,ticker,<signal>…)`);

  const tickers = new Set(o.tickers);
  const reserved = new Set(o.reserved);
  const names: string[] = [];
  const owner = new Map<string, string>();
  const perFile: { columnsAt: number[]; rows: { date: string; ticker: string; values: number[] }[] }[] = [];
  const fingerprint: { file: string; sha256: string }[] = [];
  for (const name of entries) {
    const file = join(dir, name);
    const bytes = await readFile(file);
    fingerprint.push({ file: name, sha256: sha256(bytes) });
    const parsed = parseSignalFile({ file, text: bytes.toString('utf8'), tickers, asOf: o.asOf });
    if ('message' in parsed) return fail(formatSignalProblem(parsed), parsed);
    for (const c of parsed.columns) {
      if (reserved.has(c.name))
        return fail(
          formatSignalProblem({
            file,
            line: 1,
            column: c.column,
            message: `signal "${c.name}" collides with a built-in feature or column name; rename it`,
          }),
        );
      const other = owner.get(c.name);
      if (other !== undefined)
        return fail(formatSignalProblem({ file, line: 1, column: c.column, message: `signal "${c.name}" is also defined in ${other}` }));
      owner.set(c.name, file);
    }
    perFile.push({ columnsAt: parsed.columns.map((c) => names.push(c.name) - 1), rows: parsed.rows });
  }
  return { names, byTicker: gather(names.length, perFile), fingerprint };
}

/** Rows of all files → per ticker, one date axis (ascending) with NaN where a file has no row. */
function gather(
  width: number,
  files: { columnsAt: number[]; rows: { date: string; ticker: string; values: number[] }[] }[],
): Map<string, SignalObservations> {
  const cells = new Map<string, Map<string, Float64Array>>();
  for (const f of files) {
    for (const r of f.rows) {
      let byDate = cells.get(r.ticker);
      if (!byDate) cells.set(r.ticker, (byDate = new Map<string, Float64Array>()));
      let row = byDate.get(r.date);
      if (!row) byDate.set(r.date, (row = new Float64Array(width).fill(Number.NaN)));
      f.columnsAt.forEach((j, k) => (row[j] = r.values[k]!));
    }
  }
  const out = new Map<string, SignalObservations>();
  for (const [ticker, byDate] of cells) {
    const dates = [...byDate.keys()].sort();
    const values = Array.from({ length: width }, (_, j) => Float64Array.from(dates, (d) => byDate.get(d)![j]!));
    out.set(ticker, { dates, values });
  }
  return out;
}
