import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEARCH_ATTRIBUTES } from '../../lib/config/searchAttributes';
import { planQueues, resolveTaskQueues } from '../../lib/config/taskQueues';

const root = resolve(__dirname, '../..');
const composeFile = join(root, 'docker-compose.temporal.yml');

interface ComposeService {
  image?: string;
  build?: { context: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: unknown[];
  container_name?: string;
  depends_on?: Record<string, { condition: string }>;
}

/** `docker-compose config` (the Debian package; no Docker engine needed) → the resolved file as JSON. */
function resolvedCompose(env: Record<string, string> = {}): { services: Record<string, ComposeService>; volumes: Record<string, unknown> } {
  const config = spawnSync('docker-compose', ['-f', composeFile, 'config'], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (config.error)
    throw new Error(
      `docker-compose is not installed (Debian package docker-compose; npm test's set-up installs it): ${config.error.message}`,
    );
  expect(config.stderr).not.toMatch(/ERROR|Invalid/i);
  expect(config.status).toBe(0);
  const json = spawnSync('python3', ['-c', 'import sys, yaml, json; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], {
    input: config.stdout,
    encoding: 'utf8',
  });
  expect(json.status).toBe(0);
  return JSON.parse(json.stdout) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
}

let defaults: ReturnType<typeof resolvedCompose> | undefined;
const composeDefaults = () => (defaults ??= resolvedCompose());

describe('docker-compose.temporal.yml (validated with docker-compose config)', () => {
  it('brings up PostgreSQL, Temporal, its Web UI and admin tools, an S3 store and trainctl workers built from the Dockerfile', () => {
    const { services, volumes } = composeDefaults();
    expect(Object.keys(services).sort()).toEqual(
      expect.arrayContaining([
        'postgresql',
        'temporal',
        'temporal-setup',
        'temporal-admin-tools',
        'temporal-ui',
        's3',
        's3-setup',
        'worker-io',
        'worker-compute',
      ]),
    );
    expect(services.temporal!.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(services.temporal!.depends_on?.postgresql?.condition).toBe('service_healthy');
    expect(Object.keys(volumes)).toEqual(expect.arrayContaining(['postgres-data', 's3-data']));
    for (const name of ['worker-io', 'worker-compute']) {
      const w = services[name]!;
      expect(w.build?.context).toBe(root);
      expect(w.environment).toMatchObject({
        TEMPORAL_ADDRESS: 'temporal:7233',
        TRAINCTL_ARTIFACTS: expect.stringMatching(/^s3:\/\//),
        AWS_ENDPOINT_URL_S3: 'http://s3:8333',
      });
      expect(w.depends_on?.['temporal-setup']?.condition).toBe('service_completed_successfully');
      expect(w.command?.[0]).toBe('worker');
    }
  });

  it('routes activities by kind, and every queue a worker polls is one the clients route to', () => {
    const { services } = composeDefaults();
    const served = new Map<string, string[]>();
    for (const name of ['worker-io', 'worker-compute', 'cli']) {
      const s = services[name]!;
      const layout = resolveTaskQueues(s.environment ?? {}, s.environment?.TRAINCTL_TASK_QUEUE ?? 'trainctl');
      expect(layout.split, name).toBe(true);
      if (name === 'cli') continue;
      const i = s.command!.indexOf('--queues');
      // planQueues refuses (exit 3) a queue the set-up does not route to.
      for (const poll of planQueues(layout, s.command![i + 1]))
        served.set(poll.name, [...(served.get(poll.name) ?? []), ...(poll.workflows ? ['workflows'] : []), ...poll.kinds]);
    }
    // Workflows, io and compute each have a worker; compute is on the scalable service.
    expect(served.get('trainctl')).toContain('workflows');
    expect(served.get('trainctl-io')).toEqual(['io']);
    expect(served.get('trainctl-compute')).toEqual(['compute']);
    expect(services['worker-compute']!.command!.join(' ')).toContain('trainctl-compute');
  });

  it('keeps the compute workers scalable (--scale worker-compute=N): no fixed container name, no host port', () => {
    const w = composeDefaults().services['worker-compute']!;
    expect(w.container_name).toBeUndefined();
    expect(w.ports ?? []).toEqual([]);
  });

  it("registers every search attribute trainctl's workflows use", () => {
    const setup = composeDefaults().services['temporal-setup']!;
    const script = (setup.command ?? []).join(' ');
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) {
      expect(script).toContain(name);
      expect(type).toBe('Keyword');
    }
    expect(script).toContain('--type Keyword');
  });

  it('takes credentials from the environment instead of the file when they are set', () => {
    const { services } = resolvedCompose({ TRAINCTL_S3_ACCESS_KEY: 'team-key', TRAINCTL_S3_SECRET_KEY: 'team-secret' });
    expect(services['worker-io']!.environment).toMatchObject({ AWS_ACCESS_KEY_ID: 'team-key', AWS_SECRET_ACCESS_KEY: 'team-secret' });
  });

  it('builds the worker image from the repository with the pinned set-up and trainctl as entry point', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toContain('npm ci');
    expect(dockerfile).toContain('node scripts/setup.mjs');
    expect(dockerfile).toMatch(/ENTRYPOINT \[.*"\/app\/bin\/trainctl\.mjs"\]/);
  });
});
