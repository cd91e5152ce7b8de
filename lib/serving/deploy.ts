import { ConfigError } from '../util/errors';

/** The failure type of a deploy whose instances did not switch in time (non-retryable; a workflow rolls production back). */
export const DEPLOY_TIMEOUT_ERROR = 'DeployTimeout';

export interface InstanceState {
  url: string;
  /** Production version the instance reported last; null if none or unreachable. */
  serving: string | null;
  /** Why it has not switched: unreachable, still on another version, or it refused the model. */
  problem: string | null;
  switchedAt: string | null;
}

export interface DeployWaitResult {
  ok: boolean;
  version: string;
  instances: InstanceState[];
  notSwitched: InstanceState[];
  ms: number;
}

/**
 * Wait until every configured instance reports `version` as production on GET /v1/models. The
 * instances load it themselves (they watch the registry), so this works across hosts with no
 * connection from the worker other than HTTP. An instance that reports it *refused* the version
 * ends the wait at once: it will not load a model it has judged corrupt.
 */
export async function waitForInstances(o: {
  instances: string[];
  modelName: string;
  version: string;
  timeoutMs: number;
  pollMs?: number;
  fetch?: typeof fetch;
  onPoll?: (states: InstanceState[]) => void;
}): Promise<DeployWaitResult> {
  const doFetch = o.fetch ?? fetch;
  const t0 = Date.now();
  const states: InstanceState[] = o.instances.map((url) => ({ url, serving: null, problem: 'not polled yet', switchedAt: null }));
  let refused = false;
  for (;;) {
    await Promise.all(
      states
        .filter((s) => !s.switchedAt)
        .map(async (s) => {
          try {
            const res = await doFetch(new URL('/v1/models', s.url), { signal: AbortSignal.timeout(5000) });
            if (!res.ok) throw new Error(`HTTP ${res.status}`);
            const body = (await res.json()) as {
              model?: string;
              production?: { version?: string } | null;
              refusals?: { version: string; reason: string }[];
            };
            s.serving = body.production?.version ?? null;
            const refusal = body.refusals?.find((r) => r.version === o.version);
            if (body.model !== o.modelName) s.problem = `serves model ${body.model}, not ${o.modelName}`;
            else if (s.serving === o.version) {
              s.problem = null;
              s.switchedAt = new Date().toISOString();
            } else if (refusal) {
              s.problem = `refused ${o.version}: ${refusal.reason}`;
              refused = true;
            } else s.problem = `still serving ${s.serving ?? 'nothing'}`;
          } catch (err) {
            s.serving = null;
            s.problem = `unreachable: ${(err as Error).message}`;
          }
        }),
    );
    o.onPoll?.(states);
    const notSwitched = states.filter((s) => !s.switchedAt);
    const ms = Date.now() - t0;
    if (notSwitched.length === 0 || refused || ms >= o.timeoutMs) {
      return { ok: notSwitched.length === 0, version: o.version, instances: states, notSwitched, ms };
    }
    await new Promise((r) => setTimeout(r, Math.min(o.pollMs ?? 500, Math.max(1, o.timeoutMs - ms))));
  }
}

/** `http://a:8080,http://b:8080` → URLs; a malformed entry is reported by name. */
export function parseInstanceList(text: string | undefined): string[] {
  if (!text?.trim()) return [];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      try {
        return new URL(s).toString();
      } catch {
        throw new ConfigError(`serving instance "${s}" is not a URL (expected e.g. http://host:8080)`);
      }
    });
}
