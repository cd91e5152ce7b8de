import { quote } from '../util/quote';
import { RequestError } from './requestError';

export type PredictQuery = { kind: 'ticker'; ticker: unknown; date?: unknown } | { kind: 'features'; features: Record<string, unknown> };

/** The shape of one prediction request; `at` prefixes field names (`rows[3].`) in batch errors. */
export function parsePredictQuery(body: unknown, at = ''): PredictQuery {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new RequestError(
      400,
      `${at ? `field "${at.slice(0, -1)}"` : 'body'} must be a JSON object with "ticker" (and optional "date") or "features"`,
      'bad_body',
    );
  }
  const o = body as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!['ticker', 'date', 'features'].includes(key))
      throw new RequestError(400, `field ${quote(`${at}${key}`)} is not allowed (use "ticker"/"date" or "features")`, 'bad_body');
  }
  if ('features' in o) {
    if ('ticker' in o || 'date' in o)
      throw new RequestError(400, `field "${at}features" cannot be combined with "ticker"/"date"`, 'bad_body');
    const f = o.features;
    if (f === null || typeof f !== 'object' || Array.isArray(f))
      throw new RequestError(400, `field "${at}features" must be an object of feature name → number`, 'bad_features');
    return { kind: 'features', features: f as Record<string, unknown> };
  }
  if (!('ticker' in o)) throw new RequestError(400, `field "${at}ticker" is required (or send "features")`, 'bad_ticker');
  return { kind: 'ticker', ticker: o.ticker, date: o.date };
}

/** A feature object as a row in the model's order: every feature present, numeric, nothing else. */
export function featureRowOf(features: Record<string, unknown>, names: string[], version: string, at = ''): Float32Array {
  const row = new Float32Array(names.length);
  names.forEach((name, j) => {
    if (!(name in features))
      throw new RequestError(400, `field "${at}features.${name}" is missing (${version} needs ${names.length} features)`, 'bad_features');
    const v = features[name];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new RequestError(400, `field "${at}features.${name}" must be a finite number`, 'bad_features');
    row[j] = v;
  });
  const known = new Set(names);
  for (const key of Object.keys(features)) {
    if (!known.has(key)) throw new RequestError(400, `field "${at}features.${key}" is not a feature of ${version}`, 'bad_features');
  }
  return row;
}
