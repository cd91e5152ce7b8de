import { readFile } from 'node:fs/promises';
import { ConfigError } from '../util/errors';
import { scrubUrl } from '../notify/scrub';

export class MlflowError extends Error {
  constructor(
    readonly status: number | undefined,
    readonly errorCode: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'MlflowError';
  }
}

type Tag = { key: string; value: string };
const tags = (o: Record<string, string>): Tag[] => Object.entries(o).map(([key, value]) => ({ key, value }));

export interface MlflowRun {
  runId: string;
  experimentId: string;
  artifactUri: string;
  status: string;
}

export interface ModelVersion {
  name: string;
  version: string;
  runId?: string;
  source: string;
  tags: Record<string, string>;
  aliases: string[];
}

/** A small typed client of MLflow's REST API (tracking, artifacts via the server's proxy, registry). */
export class MlflowClient {
  constructor(
    readonly trackingUri: string,
    private readonly options: { fetch?: typeof fetch; timeoutMs?: number } = {},
  ) {}

  private async call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const url = new URL(`${this.trackingUri.replace(/\/$/, '')}/api/2.0/mlflow/${path}`);
    // user:password@ in the tracking URI becomes basic auth (fetch refuses URLs with credentials).
    const auth =
      url.username || url.password
        ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
        : undefined;
    url.username = '';
    url.password = '';
    if (method === 'GET' && body) for (const [k, v] of Object.entries(body as Record<string, string>)) url.searchParams.set(k, v);
    let res: Response;
    try {
      res = await (this.options.fetch ?? fetch)(url, {
        method,
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
        body: method === 'GET' || body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (err) {
      // Only the origin: a tracking URI may carry credentials (user:token@, a token in the path or query).
      throw new MlflowError(
        undefined,
        'UNREACHABLE',
        `MLflow at ${originOf(this.trackingUri)} is unreachable: ${scrubUrl((err as Error).message, this.trackingUri)}`,
      );
    }
    const text = await res.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!res.ok)
      throw new MlflowError(
        res.status,
        json.error_code as string | undefined,
        `MLflow ${path}: HTTP ${res.status} ${typeof json.message === 'string' ? json.message : text.slice(0, 200)}`,
      );
    return json as T;
  }

  async getOrCreateExperiment(name: string): Promise<string> {
    try {
      const r = await this.call<{ experiment: { experiment_id: string } }>('GET', 'experiments/get-by-name', { experiment_name: name });
      return r.experiment.experiment_id;
    } catch (err) {
      if (!(err instanceof MlflowError) || err.errorCode !== 'RESOURCE_DOES_NOT_EXIST') throw err;
      return (await this.call<{ experiment_id: string }>('POST', 'experiments/create', { name })).experiment_id;
    }
  }

  /** One MLflow run per workflow: a retried activity finds the run it created (tag trainctl.workflow_id). */
  async startRun(o: { experimentName: string; runName: string; workflowId: string; tags?: Record<string, string> }): Promise<MlflowRun> {
    const experimentId = await this.getOrCreateExperiment(o.experimentName);
    const found = await this.call<{ runs?: { info: { run_id: string; artifact_uri: string; status: string } }[] }>('POST', 'runs/search', {
      experiment_ids: [experimentId],
      filter: `tags.\`trainctl.workflow_id\` = '${o.workflowId.replace(/'/g, "\\'")}'`,
      max_results: 1,
    });
    const existing = found.runs?.[0];
    if (existing)
      return { runId: existing.info.run_id, experimentId, artifactUri: existing.info.artifact_uri, status: existing.info.status };
    const r = await this.call<{ run: { info: { run_id: string; artifact_uri: string; status: string } } }>('POST', 'runs/create', {
      experiment_id: experimentId,
      run_name: o.runName,
      start_time: Date.now(),
      tags: tags({ 'trainctl.workflow_id': o.workflowId, 'mlflow.runName': o.runName, ...o.tags }),
    });
    return { runId: r.run.info.run_id, experimentId, artifactUri: r.run.info.artifact_uri, status: r.run.info.status };
  }

  async logBatch(
    runId: string,
    o: { params?: Record<string, string | number>; metrics?: Record<string, number>; step?: number; tags?: Record<string, string> },
  ): Promise<void> {
    const now = Date.now();
    await this.call('POST', 'runs/log-batch', {
      run_id: runId,
      params: Object.entries(o.params ?? {}).map(([key, value]) => ({ key, value: String(value) })),
      metrics: Object.entries(o.metrics ?? {})
        .filter(([, v]) => Number.isFinite(v))
        .map(([key, value]) => ({ key, value, timestamp: now, step: o.step ?? 0 })),
      tags: tags(o.tags ?? {}),
    });
  }

  async endRun(runId: string, status: 'FINISHED' | 'FAILED' | 'KILLED' = 'FINISHED'): Promise<void> {
    await this.call('POST', 'runs/update', { run_id: runId, status, end_time: Date.now() });
  }

  async getRun(runId: string): Promise<{
    info: { status: string; artifact_uri: string };
    data: { params?: Tag[]; metrics?: { key: string; value: number; step: number }[]; tags?: Tag[] };
  }> {
    return (await this.call<{ run: never }>('GET', 'runs/get', { run_id: runId })).run;
  }

  /** Upload through the tracking server's artifact proxy (`mlflow server --serve-artifacts`, the default). */
  async logArtifact(run: MlflowRun, localPath: string, artifactPath: string): Promise<void> {
    const prefix = 'mlflow-artifacts:/';
    if (!run.artifactUri.startsWith(prefix)) {
      throw new MlflowError(
        undefined,
        'UNSUPPORTED_ARTIFACT_STORE',
        `artifact URI ${run.artifactUri} is not served by the tracking server (start it with --serve-artifacts)`,
      );
    }
    const path = `${run.artifactUri.slice(prefix.length).replace(/^\/+/, '')}/${artifactPath}`;
    const url = `${this.trackingUri.replace(/\/$/, '')}/api/2.0/mlflow-artifacts/artifacts/${path.split('/').map(encodeURIComponent).join('/')}`;
    const res = await (this.options.fetch ?? fetch)(url, {
      method: 'PUT',
      body: await readFile(localPath),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
    });
    if (!res.ok)
      throw new MlflowError(
        res.status,
        undefined,
        `artifact upload ${artifactPath}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`,
      );
  }

  async listArtifacts(runId: string, path?: string): Promise<string[]> {
    const r = await this.call<{ files?: { path: string }[] }>('GET', 'artifacts/list', { run_id: runId, ...(path ? { path } : {}) });
    return (r.files ?? []).map((f) => f.path);
  }

  async ensureRegisteredModel(name: string): Promise<void> {
    try {
      await this.call('POST', 'registered-models/create', { name, description: 'trainctl stock-direction classifier' });
    } catch (err) {
      if (!(err instanceof MlflowError) || err.errorCode !== 'RESOURCE_ALREADY_EXISTS') throw err;
    }
  }

  async searchVersions(name: string): Promise<ModelVersion[]> {
    const r = await this.call<{
      model_versions?: { name: string; version: string; run_id?: string; source: string; tags?: Tag[]; aliases?: string[] }[];
    }>('GET', 'model-versions/search', { filter: `name='${name.replace(/'/g, "\\'")}'`, max_results: '1000' });
    return (r.model_versions ?? []).map((v) => ({
      name: v.name,
      version: v.version,
      runId: v.run_id,
      source: v.source,
      tags: Object.fromEntries((v.tags ?? []).map((t) => [t.key, t.value])),
      aliases: v.aliases ?? [],
    }));
  }

  /** Our semantic version ↔ MLflow's version number, through the model-version tag `trainctl_version`. */
  async findVersionByTag(name: string, trainctlVersion: string): Promise<ModelVersion | undefined> {
    return (await this.searchVersions(name)).find((v) => v.tags.trainctl_version === trainctlVersion);
  }

  /** Idempotent: registering the same trainctl version twice returns the existing model version. */
  async registerVersion(o: { name: string; trainctlVersion: string; run: MlflowRun; artifactPath: string }): Promise<ModelVersion> {
    await this.ensureRegisteredModel(o.name);
    const existing = await this.findVersionByTag(o.name, o.trainctlVersion);
    if (existing) return existing;
    const r = await this.call<{ model_version: { version: string; source: string } }>('POST', 'model-versions/create', {
      name: o.name,
      source: `${o.run.artifactUri}/${o.artifactPath}`,
      run_id: o.run.runId,
      tags: tags({ trainctl_version: o.trainctlVersion }),
    });
    return {
      name: o.name,
      version: r.model_version.version,
      runId: o.run.runId,
      source: r.model_version.source,
      tags: { trainctl_version: o.trainctlVersion },
      aliases: [],
    };
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.call('POST', 'registered-models/alias', { name, alias, version });
  }

  async getAlias(name: string, alias: string): Promise<ModelVersion | undefined> {
    try {
      const r = await this.call<{
        model_version: { name: string; version: string; source: string; run_id?: string; tags?: Tag[]; aliases?: string[] };
      }>('GET', 'registered-models/alias', { name, alias });
      const v = r.model_version;
      return {
        name: v.name,
        version: v.version,
        source: v.source,
        runId: v.run_id,
        tags: Object.fromEntries((v.tags ?? []).map((t) => [t.key, t.value])),
        aliases: v.aliases ?? [],
      };
    } catch (err) {
      if (err instanceof MlflowError && (err.errorCode === 'RESOURCE_DOES_NOT_EXIST' || err.errorCode === 'INVALID_PARAMETER_VALUE'))
        return undefined;
      throw err;
    }
  }
}

/** The client when MLFLOW_TRACKING_URI is set, else null (tracking off). */
export function mlflowFromEnv(env: Record<string, string | undefined>, options?: { fetch?: typeof fetch }): MlflowClient | null {
  return env.MLFLOW_TRACKING_URI ? new MlflowClient(env.MLFLOW_TRACKING_URI, options) : null;
}

/** At start-up: a malformed MLFLOW_TRACKING_URI is a configuration error, not a warning in every run. */
export function checkMlflowEnv(env: Record<string, string | undefined>): void {
  const problem = env.MLFLOW_TRACKING_URI ? trackingUriProblem(env.MLFLOW_TRACKING_URI) : undefined;
  if (problem) throw new ConfigError(problem);
}

/** Why MLFLOW_TRACKING_URI cannot be used (only an MLflow server over http(s) is supported), or undefined. */
export function trackingUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `MLFLOW_TRACKING_URI "${uri}" is not a URL: use the tracking server's address, e.g. http://127.0.0.1:5000`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `MLFLOW_TRACKING_URI "${uri}" uses ${url.protocol.replace(':', '')}: trainctl talks to an MLflow tracking server over http(s), e.g. http://127.0.0.1:5000`;
  }
  return undefined;
}

export interface TrackingOutcome<T> {
  ok: boolean;
  value?: T;
  error?: string;
}

/** Tracking is not allowed to lose a model: a failing MLflow call is reported, never thrown. */
export async function safeTracking<T>(fn: () => Promise<T>): Promise<TrackingOutcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** scheme://host[:port] of a URL, without user, password, path or query. */
function originOf(uri: string): string {
  try {
    return new URL(uri).origin;
  } catch {
    return '(malformed tracking URI)';
  }
}
