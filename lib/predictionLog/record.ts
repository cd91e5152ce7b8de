/** One scored prediction. `role` says which model answered or scored it alongside. */
export type PredictionRole = 'production' | 'shadow' | 'ab';
/** `request`: an HTTP prediction; `batch`: the dailyScoring workflow. */
export type PredictionSource = 'request' | 'batch';

export interface PredictionRecord {
  requestId: string;
  /** ISO time the prediction was made. */
  at: string;
  model: string;
  version: string;
  role: PredictionRole;
  source: PredictionSource;
  /** Null for requests that sent a feature row instead of a ticker/date. */
  ticker: string | null;
  date: string | null;
  probabilityUp: number;
  direction: 'up' | 'down';
  threshold: number;
  /** For A/B requests: the arm the ticker fell in. */
  arm?: 'control' | 'candidate';
}

/** The idempotency key of batch scoring: one prediction per model, version, ticker and date. */
export function batchKey(r: Pick<PredictionRecord, 'model' | 'version' | 'ticker' | 'date'>): string {
  return `${r.model}|${r.version}|${r.ticker ?? ''}|${r.date ?? ''}`;
}
