/**
 * Pull the plug at every step: a child process runs one operation and SIGKILLs itself at a named
 * step (TRAINCTL_REGISTRY_CRASH_AT). The parent then opens the registry — breaking the dead
 * child's lock — and checks it holds the old or the new state, never a mix, that verify() passes,
 * and that re-running the operation completes it exactly once. On both backends: a local folder
 * (lock file, rename commit) and an S3 bucket on a real SeaweedFS server (lease object,
 * conditional-PUT commit).
 */
import { readFile, rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditEntry, LocalRegistry } from '../../../lib/registry';
import { registryBackends, type RegistryBackend } from './support/backends';
import { candidate, tempRoot } from './support/fixtures';
import { runChild } from './support/runChild';

interface Scenario {
  name: string;
  template: 'withCandidate' | 'afterPromotion';
  op: string;
  args: () => Promise<unknown>;
  run: (registry: LocalRegistry, args: unknown) => Promise<unknown>;
  /** What identifies old vs new in registry.json, and the audit entry the operation writes. */
  observe: (state: { production: string | null; staging: string | null }) => string;
  old: string;
  new: string;
  auditOf: (e: AuditEntry) => boolean;
}

const scenarios: Scenario[] = [
  {
    name: 'promotion',
    template: 'withCandidate',
    op: 'promote',
    args: async () => ({ version: 'v1.1.0', by: 'bob', reason: 'better', runId: 'r2' }),
    run: (r, a) => r.promote(a as Parameters<LocalRegistry['promote']>[0]),
    observe: (s) => `${s.production}/${s.staging}`,
    old: 'v1.0.0/v1.1.0',
    new: 'v1.1.0/null',
    auditOf: (e) => e.action === 'promote' && e.runId === 'r2',
  },
  {
    name: 'registration',
    template: 'withCandidate',
    op: 'register',
    args: () => candidate(artifactsDir, 'r3'),
    run: (r, a) => r.registerCandidate(a as Parameters<LocalRegistry['registerCandidate']>[0]),
    observe: (s) => `${s.production}/${s.staging}`,
    old: 'v1.0.0/v1.1.0',
    new: 'v1.0.0/v1.2.0',
    auditOf: (e) => e.action === 'register' && e.runId === 'r3',
  },
  {
    name: 'rollback',
    template: 'afterPromotion',
    op: 'rollback',
    args: async () => ({ to: 'previous', by: 'ops', reason: 'drift', runId: 'rb-1' }),
    run: (r, a) => r.rollback(a as Parameters<LocalRegistry['rollback']>[0]),
    observe: (s) => `${s.production}/${s.staging}`,
    old: 'v1.1.0/null',
    new: 'v1.0.0/null',
    auditOf: (e) => e.action === 'rollback' && e.runId === 'rb-1',
  },
];

let artifactsDir: string;
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe.each(registryBackends)('$name registry', (backend: RegistryBackend) => {
  let dir: string;
  const templates = { withCandidate: '', afterPromotion: '' };

  /** prod v1.0.0, staging v1.1.0; and after promotion: prod v1.1.0, archived v1.0.0. */
  async function makeTemplates(): Promise<void> {
    if (templates.withCandidate) return;
    dir = await tempRoot('registry-crash-');
    dirs.push(dir);
    artifactsDir = dir;
    templates.withCandidate = backend.root(dir, 'template-candidate');
    const registry = await backend.open(templates.withCandidate);
    await registry.registerCandidate(await candidate(dir, 'r1'));
    await registry.promote({ version: 'v1.0.0', by: 'alice', reason: 'first', runId: 'r1' });
    await registry.registerCandidate(await candidate(dir, 'r2'));
    templates.afterPromotion = backend.root(dir, 'template-promoted');
    await backend.copy(templates.withCandidate, templates.afterPromotion);
    await (await backend.open(templates.afterPromotion)).promote({ version: 'v1.1.0', by: 'alice', reason: 'go', runId: 'r2' });
    await candidate(dir, 'r3');
  }

  async function traceSteps(s: Scenario, args: unknown): Promise<string[]> {
    const root = backend.root(dir, `${s.name}-trace`);
    await backend.copy(templates[s.template], root);
    const trace = `${dir}/${s.name}-trace.txt`;
    const res = await runChild(root, s.op, args, { ...backend.env(), TRAINCTL_REGISTRY_CRASH_TRACE: trace });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    await backend.remove(root);
    return (await readFile(trace, 'utf8')).trim().split('\n');
  }

  async function rawObserve(s: Scenario, root: string): Promise<string> {
    return s.observe(JSON.parse((await backend.read(root, 'registry.json'))!));
  }

  async function crashAndRecover(s: Scenario, args: unknown, step: string, committed: boolean): Promise<void> {
    const root = backend.root(dir, `${s.name}-${step.replace('#', '_')}`);
    await backend.copy(templates[s.template], root);
    const res = await runChild(root, s.op, args, { ...backend.env(), TRAINCTL_REGISTRY_CRASH_AT: step });
    expect(res.signal, `${step}: ${res.stderr}`).toBe('SIGKILL');
    expect(await rawObserve(s, root), step).toBe(committed ? s.new : s.old);

    // The dead child's lock is still there; opening and verifying must recover it.
    const registry = await backend.open(root, { lockTimeoutMs: 5_000 });
    const report = await registry.verify();
    expect(report.problems, step).toEqual([]);
    const state = `${(await registry.production())?.version ?? null}/${(await registry.staging())?.version ?? null}`;
    expect(state, step).toBe(committed ? s.new : s.old);
    expect((await registry.audit()).filter(s.auditOf), step).toHaveLength(committed ? 1 : 0);

    await s.run(registry, args);
    expect(await rawObserve(s, root), step).toBe(s.new);
    expect((await registry.audit()).filter(s.auditOf), step).toHaveLength(1);
    expect((await registry.verify()).problems, step).toEqual([]);
    const keys = await backend.keys(root);
    expect(keys, step).not.toContain('registry.lock');
    expect(
      keys.filter((k) => k.startsWith('.tmp/')),
      step,
    ).toEqual([]);
    await backend.remove(root);
  }

  describe.each(scenarios)('crash during $name', (s) => {
    it('leaves the old or the new state at every step, and a re-run completes it', async () => {
      await makeTemplates();
      // Made once: a candidate's files rewritten by one worker while the other uploads them would
      // register whatever half of the rewrite the upload happened to read.
      const args = await s.args();
      const steps = await traceSteps(s, args);
      // Every step a crash can hit, in order; the commit point is the replacement of registry.json.
      expect(steps).toContain('state-renamed');
      expect(steps).toContain('pending-cleared');
      if (s.op !== 'register') expect(steps).toContain('checksums-verified');
      const commitAt = steps.indexOf('state-renamed');
      const queue = steps.map((step, i) => ({ step, committed: i >= commitAt }));
      const worker = async (): Promise<void> => {
        for (let job = queue.shift(); job; job = queue.shift()) await crashAndRecover(s, args, job.step, job.committed);
      };
      await Promise.all([worker(), worker()]);
      console.log(`${backend.name}: crash during ${s.name}: ${steps.length} steps checked: ${steps.join(', ')}`);
    });
  });
});
