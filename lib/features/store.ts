import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { readSeriesParquet } from '../data/parquet';
import { writeFileAtomicWith, writeJsonAtomic } from '../util/atomic';
import { DataError } from '../util/errors';
import { sha256File, stableHash } from '../util/hash';
import { FEATURE_CODE_VERSION, resolveFeatureConfig, type FeatureConfig } from './config';
import { priceFeatureNames } from './definitions';
import { assembleFeatureFrame, tickerFeatureColumns, type JoinedSignals, type TickerColumns } from './featureFrame';
import { z } from 'zod';

export interface FeatureInput {
  ticker: string;
  path: string;
  sha256: string;
}

export interface FeatureSchema {
  names: string[];
  dtypes: string[];
}

export interface ClassBalance {
  positive: number;
  negative: number;
  positiveRate: number;
}

export interface FeatureSetResult {
  path: string;
  sha256: string;
  rows: number;
  labelledRows: number;
  schema: FeatureSchema;
  schemaHash: string;
  featureNames: string[];
  cacheHit: boolean;
  classBalance: ClassBalance;
  start: string;
  end: string;
  /** Content key: hash of input data hashes, feature config and FEATURE_CODE_VERSION. */
  key: string;
}

export interface BuildFeatureSetOptions {
  inputs: FeatureInput[];
  config?: Partial<FeatureConfig>;
  storeDir: string;
  /** External daily signals joined as features (lib/signals), already validated. */
  signals?: JoinedSignals;
}

const DATA_FILE = 'features.parquet';
const SCHEMA_FILE = 'schema.json';
/** Written last: its presence marks a complete entry. */
const MANIFEST_FILE = 'manifest.json';

export function featureSetKey(o: { inputs: FeatureInput[]; config: FeatureConfig; signals?: JoinedSignals }): string {
  const { inputs, config, signals } = o;
  const data = [...inputs].sort((a, b) => (a.ticker < b.ticker ? -1 : 1)).map((i) => ({ ticker: i.ticker, sha256: i.sha256 }));
  // Without signals the key is what it always was, so existing store entries stay valid.
  const joined = signals && { names: signals.table.names, lagDays: signals.lagDays, source: signals.table.fingerprint };
  return stableHash(
    joined ? { codeVersion: FEATURE_CODE_VERSION, config, data, signals: joined } : { codeVersion: FEATURE_CODE_VERSION, config, data },
  );
}

/**
 * Features + labels for all tickers as one Parquet file sorted by (date, ticker), stored under a
 * content key so an identical request is served from the store without recomputation.
 */
export async function buildFeatureSet(options: BuildFeatureSetOptions): Promise<FeatureSetResult> {
  const config = resolveFeatureConfig(options.config);
  if (options.inputs.length === 0) throw new DataError('no tickers to build features from');
  const key = featureSetKey({ inputs: options.inputs, config, signals: options.signals });
  const dir = join(options.storeDir, key.slice(0, 24));
  const cached = await readCachedEntry(dir);
  if (cached) return { ...cached, cacheHit: true };

  const parts: TickerColumns[] = [];
  for (const input of options.inputs) {
    const actual = await sha256File(input.path);
    if (actual !== input.sha256) {
      throw new DataError(`price data for ${input.ticker} changed since it was fetched (${input.path})`, {
        ticker: input.ticker,
        path: input.path,
        expected: input.sha256,
        actual,
      });
    }
    parts.push(tickerFeatureColumns(await readSeriesParquet(input.path, input.ticker), { ...config, signals: options.signals }));
  }
  const featureNames = parts[0]?.featureNames ?? priceFeatureNames(config);
  const df = assembleFeatureFrame(parts, { sorted: true, release: true });
  parts.length = 0;
  if (df.height === 0) throw new DataError('too little data: no ticker has more rows than the feature warm-up');
  const classBalance = countClasses(df);
  const labelledRows = classBalance.positive + classBalance.negative;
  if (labelledRows === 0) throw new DataError('too little data: no row has a known forward return yet');
  if (classBalance.positive === 0 || classBalance.negative === 0) {
    throw new DataError(`labels have one class only (${classBalance.positive} up, ${classBalance.negative} down)`, {
      classBalance,
    });
  }
  const schema: FeatureSchema = { names: df.columns, dtypes: df.dtypes.map(dtypeName) };
  // Written to the file by polars (not through a buffer of the whole file in this process).
  const path = join(dir, DATA_FILE);
  await writeFileAtomicWith(path, async (tmp) => df.writeParquet(tmp));
  const dates = df.getColumn('date');
  const result: FeatureSetResult = {
    path,
    sha256: await sha256File(path),
    rows: df.height,
    labelledRows,
    schema,
    schemaHash: stableHash(schema),
    featureNames,
    cacheHit: false,
    classBalance,
    start: dates.get(0) as string,
    end: dates.get(df.height - 1) as string,
    key,
  };
  await writeJsonAtomic(join(dir, SCHEMA_FILE), { ...schema, schemaHash: result.schemaHash, codeVersion: FEATURE_CODE_VERSION });
  await writeJsonAtomic(join(dir, MANIFEST_FILE), { ...result, config, inputs: options.inputs, codeVersion: FEATURE_CODE_VERSION });
  return result;
}

const manifestSchema = z.looseObject({
  path: z.string(),
  sha256: z.string(),
  rows: z.number(),
  labelledRows: z.number(),
  schema: z.unknown(),
  schemaHash: z.string(),
  featureNames: z.array(z.string()),
  start: z.string(),
  end: z.string(),
  key: z.string(),
});

/** The stored entry if complete and intact (a corrupted file is rebuilt, not trusted). */
async function readCachedEntry(dir: string): Promise<FeatureSetResult | undefined> {
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) return undefined;
  // A manifest that does not parse or has the wrong shape is not trusted: the entry is rebuilt.
  const parsed = manifestSchema.safeParse(
    await readFile(manifestPath, 'utf8').then(
      (t) => JSON.parse(t) as unknown,
      () => undefined,
    ),
  );
  if (!parsed.success) return undefined;
  const manifest = parsed.data as unknown as FeatureSetResult & Record<string, unknown>;
  if (!existsSync(manifest.path) || (await sha256File(manifest.path)) !== manifest.sha256) return undefined;
  const { config: _config, inputs: _inputs, codeVersion: _codeVersion, ...result } = manifest;
  return result;
}

function countClasses(df: pl.DataFrame): ClassBalance {
  let positive = 0;
  let negative = 0;
  for (const v of df.getColumn('label').toArray() as (number | null)[]) {
    if (v === 1) positive++;
    else if (v === 0) negative++;
  }
  return { positive, negative, positiveRate: positive + negative > 0 ? positive / (positive + negative) : 0 };
}

/** `DataType(Float64)` → `Float64`. */
function dtypeName(d: unknown): string {
  return String(d).replace(/^DataType\((.*)\)$/, '$1');
}
