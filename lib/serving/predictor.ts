import { randomUUID } from 'node:crypto';
import { predictsUp } from '../evaluation/metrics';
import type { PredictionLogWriter, PredictionRecord } from '../predictionLog';
import { abArm } from './abRouter';
import type { FeatureRowProvider } from './featureRows';
import type { LoadedModel } from './loadedModel';
import type { ModelSet } from './modelSet';
import { featureRowOf, type PredictQuery } from './predictQuery';
import { RequestError } from './requestError';
import type { ServingMetrics } from './metrics';

export interface Prediction {
  requestId: string;
  model: string;
  version: string;
  role: 'production' | 'ab';
  probabilityUp: number;
  direction: 'up' | 'down';
  threshold: number;
  /** The trading day the feature row belongs to; null for a request that sent the features. */
  asOf: string | null;
  ticker: string | null;
  arm?: 'control' | 'candidate';
}

interface Row {
  query: PredictQuery;
  ticker: string | null;
  date: string | null;
  model: LoadedModel;
  role: Prediction['role'];
  arm?: Prediction['arm'];
  values: Float32Array;
}

export interface PredictorOptions {
  modelName: string;
  threshold: number;
  shadow: boolean;
  features: FeatureRowProvider;
  log: PredictionLogWriter | null;
  metrics: ServingMetrics;
}

/** Scores requests against one ModelSet snapshot; shadow scoring runs after the response. */
export class Predictor {
  constructor(private readonly o: PredictorOptions) {}

  /** All rows of one request, answered by the models of `set` only. */
  async predict(set: ModelSet, queries: PredictQuery[], batch: boolean): Promise<Prediction[]> {
    const production = set.production;
    if (!production) throw new RequestError(503, `no production model of ${this.o.modelName} is loaded`, 'no_model');
    const rows: Row[] = [];
    for (const [i, query] of queries.entries()) rows.push(await this.rowOf(set, production, query, batch ? `rows[${i}].` : ''));
    const scores = await this.score(rows);
    const at = new Date().toISOString();
    const out = rows.map((row, i): Prediction => {
      const p = scores[i]!;
      return {
        requestId: randomUUID(),
        model: this.o.modelName,
        version: row.model.version,
        role: row.role,
        probabilityUp: p,
        direction: predictsUp(p, this.o.threshold) ? 'up' : 'down',
        threshold: this.o.threshold,
        asOf: row.date,
        ticker: row.ticker,
        ...(row.arm ? { arm: row.arm } : {}),
      };
    });
    for (const p of out) this.o.metrics.predictions.inc({ version: p.version, role: p.role });
    // Before the response, so a client that got its answer finds it in the log after the next flush.
    this.o.log?.append(...out.map((p) => this.record(p, at)));
    return out;
  }

  /**
   * Score the staging candidate on the same requests, off the response path: the caller starts
   * this after replying and releases its snapshot when it settles.
   */
  async shadow(set: ModelSet, queries: PredictQuery[], answered: Prediction[]): Promise<void> {
    const candidate = set.candidate;
    if (!this.o.shadow || !candidate) return;
    const rows: Row[] = [];
    const answers: Prediction[] = [];
    for (const [i, query] of queries.entries()) {
      if (answered[i]!.role !== 'production') continue; // the candidate already answered it (A/B)
      try {
        rows.push(await this.rowFor(candidate, 'production', query, ''));
        answers.push(answered[i]!);
      } catch {
        // A feature row the candidate cannot take (schema changed): nothing to compare.
      }
    }
    if (rows.length === 0) return;
    const scores = await this.score(rows);
    const at = new Date().toISOString();
    const records = answers.map((a, i): PredictionRecord => {
      const p = scores[i]!;
      const direction = predictsUp(p, this.o.threshold) ? 'up' : 'down';
      this.o.metrics.shadowScores.inc({ version: candidate.version });
      this.o.metrics.shadowAgreement.inc({ version: candidate.version, agree: String(direction === a.direction) });
      return { ...this.record(a, at), version: candidate.version, role: 'shadow', probabilityUp: p, direction };
    });
    this.o.log?.append(...records);
  }

  private async rowOf(set: ModelSet, production: LoadedModel, query: PredictQuery, at: string): Promise<Row> {
    if (query.kind === 'ticker' && set.ab && set.candidate && typeof query.ticker === 'string') {
      const arm = abArm({ ticker: query.ticker, experimentId: set.ab.experimentId, fraction: set.ab.fraction });
      const row = await this.rowFor(arm === 'candidate' ? set.candidate : production, arm === 'candidate' ? 'ab' : 'production', query, at);
      return { ...row, arm };
    }
    return this.rowFor(production, 'production', query, at);
  }

  private async rowFor(model: LoadedModel, role: Row['role'], query: PredictQuery, at: string): Promise<Row> {
    if (query.kind === 'features') {
      return { query, ticker: null, date: null, model, role, values: featureRowOf(query.features, model.featureNames, model.version, at) };
    }
    try {
      const r = await this.o.features.row({
        ticker: query.ticker,
        date: query.date,
        windowStart: model.windowStart,
        featureNames: model.featureNames,
      });
      return { query, ticker: r.ticker, date: r.date, model, role, values: r.values };
    } catch (err) {
      if (err instanceof RequestError && at)
        throw new RequestError(err.statusCode, err.message.replace(/field "/, `field "${at}`), err.reason);
      throw err;
    }
  }

  /** One batched onnxruntime call per model for all rows it answers. */
  private async score(rows: Row[]): Promise<number[]> {
    const out = new Array<number>(rows.length);
    const byModel = new Map<LoadedModel, number[]>();
    rows.forEach((r, i) => {
      const list = byModel.get(r.model);
      if (list) list.push(i);
      else byModel.set(r.model, [i]);
    });
    await Promise.all(
      [...byModel].map(async ([model, idx]) => {
        const p = await model.score(idx.map((i) => rows[i]!.values));
        idx.forEach((i, k) => (out[i] = p[k]!));
      }),
    );
    return out;
  }

  private record(p: Prediction, at: string): PredictionRecord {
    return {
      requestId: p.requestId,
      at,
      model: p.model,
      version: p.version,
      role: p.role,
      source: 'request',
      ticker: p.ticker,
      date: p.asOf,
      probabilityUp: p.probabilityUp,
      direction: p.direction,
      threshold: p.threshold,
      ...(p.arm ? { arm: p.arm } : {}),
    };
  }
}
