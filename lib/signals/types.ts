/** External daily series per ticker (e.g. a sentiment score), before they are joined to trading days. */
export interface SignalObservations {
  /** Publication dates, ascending, unique. */
  dates: string[];
  /** One array per signal name (SignalTable.names order), NaN = missing. */
  values: Float64Array[];
}

export interface SignalTable {
  /** Feature names of the signals, in column order. */
  names: string[];
  byTicker: Map<string, SignalObservations>;
  /** What the feature-store key hashes: the files as read (or the synthetic generator's parameters). */
  fingerprint: unknown;
}

/** Where a run's signals come from: `csv:DIR`, or the embedded synthetic sentiment. */
export type SignalSource = { kind: 'csv'; dir: string } | { kind: 'synthetic'; seed: number };

/** A problem in a signals file, located for a one-line message. */
export interface SignalProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export const formatSignalProblem = (p: SignalProblem): string => `${p.file}:${p.line}:${p.column}: ${p.message}`;
