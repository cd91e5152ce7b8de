import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The end of a run, as the pipeline's last notification names it. */
const TERMINAL_EVENTS = new Set(['promoted', 'rejected', 'expired', 'failed', 'skipped', 'cancelled']);
const DRIFT_LEVEL: Record<string, number> = { ok: 0, nothing_to_compare: 0, warning: 1, critical: 2 };
const PERFORMANCE_LEVEL: Record<string, number> = { ok: 0, insufficient: 0, drop: 2 };
/** Trial states as the search's journal writes them (Optuna's TrialState names, or their numbers). */
const TRIAL_STATES = ['RUNNING', 'COMPLETE', 'PRUNED', 'FAIL', 'WAITING'];

export interface ActivityObservation {
  /** Activity type (`trainModel`, `evaluateFold`, …). */
  type: string;
  seconds: number;
  ok: boolean;
  input: unknown;
  result?: unknown;
}

const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Pipeline metrics of one worker process (Prometheus, prom-client), fed from what its activities
 * take and return — no workflow code involved, so they cost nothing in replay: runs by outcome,
 * stage (activity) durations, the latest candidate's holdout metrics, search trials by state, and
 * the latest drift and performance status per model.
 */
export class PipelineMetrics {
  readonly registry = new Registry();
  private readonly runs = new Counter({
    name: 'trainctl_runs_total',
    help: 'Pipeline runs that ended on this worker, by model and outcome',
    labelNames: ['model', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly activities = new Histogram({
    name: 'trainctl_activity_duration_seconds',
    help: 'Duration of pipeline activities (one per stage, plus search folds and monitors), by activity and result',
    labelNames: ['activity', 'result'] as const,
    buckets: [0.05, 0.25, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
    registers: [this.registry],
  });
  private readonly candidate = new Gauge({
    name: 'trainctl_candidate_holdout_metric',
    help: "The latest candidate's holdout metrics per model (accuracy, auc, f1, logLoss, …); version in a label",
    labelNames: ['model', 'version', 'metric'] as const,
    registers: [this.registry],
  });
  private readonly trials = new Gauge({
    name: 'trainctl_search_trials',
    help: "Trials of the model's latest hyperparameter search, by state",
    labelNames: ['model', 'state'] as const,
    registers: [this.registry],
  });
  private readonly drift = new Gauge({
    name: 'trainctl_drift_status',
    help: 'Latest drift check per model: 0 ok, 1 warning, 2 critical',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  private readonly performance = new Gauge({
    name: 'trainctl_performance_status',
    help: 'Latest realised-performance check of production per model: 0 ok or not enough matured predictions, 1 drop warning, 2 drop critical',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });

  private readonly candidateSeries = new Map<string, { model: string; version: string; metric: string }[]>();

  observe(o: ActivityObservation): void {
    this.activities.observe({ activity: o.type, result: o.ok ? 'ok' : 'error' }, o.seconds);
    if (!o.ok) return;
    const input = obj(o.input);
    // Stage activities carry the model line in `settings` (lib/config/stageSettings), others in `config` or at the top.
    const model = str(input.modelName) ?? str(obj(input.settings).modelName) ?? str(obj(input.config).modelName) ?? 'unknown';
    if (o.type === 'notify') this.onNotify(model, input);
    else if (o.type === 'writeSearchResults') this.onSearch(model, input);
    else if (o.type === 'checkDrift') {
      const level = DRIFT_LEVEL[str(obj(o.result).status) ?? ''];
      if (level !== undefined) this.drift.set({ model }, level);
    } else if (o.type === 'measurePerformance') {
      const drop = obj(obj(o.result).drop);
      const level = drop.status === 'drop' && drop.level === 'warning' ? 1 : PERFORMANCE_LEVEL[str(drop.status) ?? ''];
      if (level !== undefined) this.performance.set({ model }, level);
    }
  }

  private onNotify(model: string, input: Record<string, unknown>): void {
    const event = str(input.event) ?? '';
    const status = obj(input.status);
    if (TERMINAL_EVENTS.has(event)) this.runs.inc({ model, outcome: event });
    const candidate = obj(status.candidate);
    const version = str(status.candidateVersion) ?? str(candidate.version);
    // The candidate's holdout figures are final once compare has run: the gate's first notification carries them.
    if (version && (event === 'awaiting_approval' || TERMINAL_EVENTS.has(event))) {
      const metrics = obj(candidate.metrics);
      const numeric = Object.entries(metrics).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]));
      if (numeric.length > 0) {
        // One candidate per model: the previous candidate's series go, so a dashboard never mixes two.
        for (const labels of this.candidateSeries.get(model) ?? []) this.candidate.remove(labels);
        const series = numeric.map(([metric]) => ({ model, version, metric }));
        numeric.forEach(([, value], i) => this.candidate.set(series[i]!, value));
        this.candidateSeries.set(model, series);
      }
    }
  }

  private onSearch(model: string, input: Record<string, unknown>): void {
    const trials = obj(input.state).trials;
    if (!Array.isArray(trials)) return;
    const counts = Object.fromEntries(TRIAL_STATES.map((s) => [s, 0])) as Record<string, number>;
    for (const t of trials) {
      const state = obj(t).state;
      const name = typeof state === 'number' ? TRIAL_STATES[state] : str(state)?.toUpperCase();
      if (name !== undefined && name in counts) counts[name]! += 1;
    }
    for (const [state, n] of Object.entries(counts)) this.trials.set({ model, state: state.toLowerCase() }, n);
  }
}
