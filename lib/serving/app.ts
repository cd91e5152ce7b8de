import { hostname } from 'node:os';
import Fastify, { type FastifyInstance } from 'fastify';
import type { PredictionLogWriter } from '../predictionLog';
import { errorReply } from './errorReply';
import { FeatureRowProvider } from './featureRows';
import { createServingMetrics, type ServingMetrics } from './metrics';
import { ModelSetHolder, type AbConfig } from './modelSet';
import { parsePredictQuery } from './predictQuery';
import { Predictor } from './predictor';
import { RegistryWatcher } from './registryWatcher';
import { quote } from '../util/quote';
import { RequestError } from './requestError';
import { ShadowQueue } from './shadowQueue';
import type { Prediction } from './predictor';
import type { SeriesLoader } from './seriesLoader';
import type { Store } from '../store';
import { describeModels } from './modelsView';

export interface ServerOptions {
  modelName: string;
  /** The model line's registry folder (see registryRoot). */
  registryRoot: string;
  /** The line's registry in a bucket (see RegistryWatcherOptions.store); `registryRoot` is then unused. */
  registryStore?: Store;
  series: SeriesLoader & { stat?: (ticker: string) => Promise<string | null> };
  log: PredictionLogWriter | null;
  threshold: number;
  shadow: boolean;
  ab: AbConfig | null;
  pollMs: number;
  bodyLimitBytes: number;
  maxBatchRows: number;
  /** Shown on /v1/models so a deploy names the instance that did not switch. */
  instanceId?: string;
}

export interface ServingServer {
  app: FastifyInstance;
  watcher: RegistryWatcher;
  holder: ModelSetHolder;
  metrics: ServingMetrics;
  log: PredictionLogWriter | null;
  close(): Promise<void>;
}

/** The prediction service; `await server.watcher.check()` before listening loads the models. */
export function buildServer(o: ServerOptions): ServingServer {
  const metrics = createServingMetrics(o.modelName);
  const holder = new ModelSetHolder();
  const watcher = new RegistryWatcher({
    root: o.registryRoot,
    ...(o.registryStore ? { store: o.registryStore } : {}),
    holder,
    pollMs: o.pollMs,
    ab: o.ab,
    onSwap: (set) => metrics.onSwap(set),
    onRefusal: (r) => metrics.onRefusal(r),
  });
  const predictor = new Predictor({
    modelName: o.modelName,
    threshold: o.threshold,
    shadow: o.shadow,
    features: new FeatureRowProvider({ load: o.series, stat: o.series.stat }),
    log: o.log,
    metrics,
  });
  const instanceId = o.instanceId ?? `${hostname()}:${process.pid}`;
  const app = Fastify({ logger: false, bodyLimit: o.bodyLimitBytes });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ route, status: String(reply.statusCode) });
    metrics.latency.observe({ route }, reply.elapsedTime / 1000);
  });

  app.setErrorHandler(errorReply({ metrics, bodyLimitBytes: o.bodyLimitBytes }));

  const notReadyReason = (): string => {
    const refused = watcher.refusals().find((r) => r.role === 'production');
    if (refused) return `production ${refused.version} was refused: ${refused.reason}`;
    return watcher.registry.production
      ? `production ${watcher.registry.production} is loading`
      : `the registry of ${o.modelName} has no production model yet`;
  };

  const shadowQueue = new ShadowQueue({ maxDelayMs: 50 });

  /** A request's models come from one snapshot, kept alive until its shadow scoring is done too. */
  const serve = async (queries: ReturnType<typeof parsePredictQuery>[], batch: boolean) => {
    const { set, release } = holder.acquire();
    if (!set.production) {
      release();
      throw new RequestError(503, `no production model of ${o.modelName} is loaded: ${notReadyReason()}`, 'no_model');
    }
    shadowQueue.begin();
    try {
      const answers = await predictor.predict(set, queries, batch);
      shadowQueue.push(() =>
        predictor
          .shadow(set, queries, answers)
          .catch(() => metrics.shadowErrors.inc())
          .finally(release),
      );
      return answers;
    } catch (err) {
      release();
      throw err;
    } finally {
      shadowQueue.end();
    }
  };

  app.post('/v1/predict', async (req) => {
    const [answer] = await serve([parsePredictQuery(req.body)], false);
    return publicAnswer(answer!);
  });

  app.post('/v1/predict/batch', async (req) => {
    const body = req.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new RequestError(400, 'body must be a JSON object with "rows": an array of prediction requests', 'bad_body');
    const extra = Object.keys(body).find((k) => k !== 'rows');
    if (extra !== undefined) throw new RequestError(400, `field ${quote(extra)} is not allowed (send "rows" only)`, 'bad_body');
    const rows = (body as { rows?: unknown }).rows;
    if (!Array.isArray(rows) || rows.length === 0)
      throw new RequestError(400, 'field "rows" must be a non-empty array of prediction requests', 'bad_body');
    if (rows.length > o.maxBatchRows)
      throw new RequestError(413, `field "rows": ${rows.length} rows exceed the batch limit of ${o.maxBatchRows}`, 'batch_too_large');
    const answers = await serve(
      rows.map((r, i) => parsePredictQuery(r, `rows[${i}].`)),
      true,
    );
    return { results: answers.map(publicAnswer) };
  });

  app.get('/v1/models', (_req, reply) =>
    reply.send(describeModels({ modelName: o.modelName, instanceId, set: holder.peek(), watcher, shadow: o.shadow })),
  );
  app.get('/healthz', (_req, reply) => reply.send({ ok: true }));
  app.get('/readyz', (_req, reply) => {
    const production = holder.peek().production;
    if (production) return reply.send({ ready: true, version: production.version });
    return reply.code(503).send({ ready: false, reason: notReadyReason() });
  });
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));

  return {
    app,
    watcher,
    holder,
    metrics,
    log: o.log,
    async close() {
      watcher.stop();
      await app.close();
      await shadowQueue.settle();
      await o.log?.flush();
      watcher.close();
      holder.close();
    },
  };
}

/** The response fields: ticker and role are for the log; `arm` only under A/B. */
function publicAnswer(p: Prediction) {
  const { requestId, model, version, probabilityUp, direction, threshold, asOf, arm } = p;
  return { requestId, model, version, probabilityUp, direction, threshold, asOf, ...(arm ? { arm } : {}) };
}
