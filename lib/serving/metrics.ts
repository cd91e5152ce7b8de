import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ModelSet } from './modelSet';
import type { Refusal } from './registryWatcher';

/** One prom-client registry per server, so two servers in one process (tests) never share counts. */
export function createServingMetrics(modelName: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ model: modelName });
  const m = {
    registry,
    requests: new Counter({
      name: 'serving_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'serving_request_duration_seconds',
      help: 'Request latency by route',
      labelNames: ['route'],
      buckets: [0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
      registers: [registry],
    }),
    predictions: new Counter({
      name: 'serving_predictions_total',
      help: 'Predictions by version and role',
      labelNames: ['version', 'role'],
      registers: [registry],
    }),
    loaded: new Gauge({
      name: 'serving_model_loaded',
      help: '1 for each version loaded, by role',
      labelNames: ['role', 'version', 'sha256'],
      registers: [registry],
    }),
    shadowScores: new Counter({
      name: 'serving_shadow_scores_total',
      help: 'Shadow scores of the staging candidate',
      labelNames: ['version'],
      registers: [registry],
    }),
    shadowAgreement: new Counter({
      name: 'serving_shadow_agreement_total',
      help: 'Shadow scores by whether the direction agrees with production',
      labelNames: ['version', 'agree'],
      registers: [registry],
    }),
    shadowErrors: new Counter({
      name: 'serving_shadow_errors_total',
      help: 'Shadow scorings that failed (the response was already sent)',
      registers: [registry],
    }),
    refusals: new Counter({
      name: 'serving_model_refusals_total',
      help: 'Model versions refused at load (checksum, schema, corrupt file)',
      labelNames: ['version', 'role'],
      registers: [registry],
    }),
    rejections: new Counter({
      name: 'serving_rejections_total',
      help: 'Requests refused (bad input, no model, too large) by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
  };
  return {
    ...m,
    onSwap(set: ModelSet): void {
      m.loaded.reset();
      if (set.production) m.loaded.set({ role: 'production', version: set.production.version, sha256: set.production.sha256 }, 1);
      if (set.candidate) m.loaded.set({ role: 'candidate', version: set.candidate.version, sha256: set.candidate.sha256 }, 1);
    },
    onRefusal(r: Refusal): void {
      m.refusals.inc({ version: r.version, role: r.role });
    },
  };
}

export type ServingMetrics = ReturnType<typeof createServingMetrics>;
