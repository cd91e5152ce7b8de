/**
 * Pull the plug at every step: a child process runs one operation and SIGKILLs itself at a named
 * step (TRAINCTL_REGISTRY_CRASH_AT). The parent then opens the registry — breaking the dead
 * child's lock — and checks it holds the old or the new state, never a mix, that verify() passes,
 * and that re-running the operation completes it exactly once.
 */
import { cp, readFile, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistry, type AuditEntry, type LocalRegistry } from '../../../lib/registry';
import { candidate, tempRoot } from './support/fixtures';
import { runChild } from './support/runChild';

let dir: string;
/** prod v1.0.0, staging v1.1.0 */
let withCandidate: string;
/** prod v1.1.0, archived v1.0.0 */
let afterPromotion: string;

beforeAll(async () => {
  dir = await tempRoot('registry-crash-');
  withCandidate = join(dir, 'template-candidate');
  const registry = await openRegistry({ root: withCandidate });
  await registry.registerCandidate(await candidate(dir, 'r1'));
  await registry.promote({ version: 'v1.0.0', by: 'alice', reason: 'first', runId: 'r1' });
  await registry.registerCandidate(await candidate(dir, 'r2'));
  afterPromotion = join(dir, 'template-promoted');
  await cp(withCandidate, afterPromotion, { recursive: true });
  await (await openRegistry({ root: afterPromotion })).promote({ version: 'v1.1.0', by: 'alice', reason: 'go', runId: 'r2' });
  await candidate(dir, 'r3');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Scenario {
  name: string;
  template: () => string;
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
    template: () => withCandidate,
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
    template: () => withCandidate,
    op: 'register',
    args: () => candidate(dir, 'r3'),
    run: (r, a) => r.registerCandidate(a as Parameters<LocalRegistry['registerCandidate']>[0]),
    observe: (s) => `${s.production}/${s.staging}`,
    old: 'v1.0.0/v1.1.0',
    new: 'v1.0.0/v1.2.0',
    auditOf: (e) => e.action === 'register' && e.runId === 'r3',
  },
  {
    name: 'rollback',
    template: () => afterPromotion,
    op: 'rollback',
    args: async () => ({ to: 'previous', by: 'ops', reason: 'drift', runId: 'rb-1' }),
    run: (r, a) => r.rollback(a as Parameters<LocalRegistry['rollback']>[0]),
    observe: (s) => `${s.production}/${s.staging}`,
    old: 'v1.1.0/null',
    new: 'v1.0.0/null',
    auditOf: (e) => e.action === 'rollback' && e.runId === 'rb-1',
  },
];

async function traceSteps(s: Scenario): Promise<string[]> {
  const root = join(dir, `${s.name}-trace`);
  await cp(s.template(), root, { recursive: true });
  const trace = join(dir, `${s.name}-trace.txt`);
  const res = await runChild(root, s.op, await s.args(), { TRAINCTL_REGISTRY_CRASH_TRACE: trace });
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  return (await readFile(trace, 'utf8')).trim().split('\n');
}

async function rawObserve(s: Scenario, root: string): Promise<string> {
  return s.observe(JSON.parse(await readFile(join(root, 'registry.json'), 'utf8')));
}

async function crashAndRecover(s: Scenario, step: string, committed: boolean): Promise<void> {
  const root = join(dir, `${s.name}-${step.replace('#', '_')}`);
  await cp(s.template(), root, { recursive: true });
  const args = await s.args();
  const res = await runChild(root, s.op, args, { TRAINCTL_REGISTRY_CRASH_AT: step });
  expect(res.signal, `${step}: ${res.stderr}`).toBe('SIGKILL');
  expect(await rawObserve(s, root), step).toBe(committed ? s.new : s.old);

  // The dead child's lock is still on disk; opening and verifying must recover it.
  const registry = await openRegistry({ root, lockTimeoutMs: 5_000 });
  const report = await registry.verify();
  expect(report.problems, step).toEqual([]);
  const state = `${(await registry.production())?.version ?? null}/${(await registry.staging())?.version ?? null}`;
  expect(state, step).toBe(committed ? s.new : s.old);
  expect((await registry.audit()).filter(s.auditOf), step).toHaveLength(committed ? 1 : 0);

  await s.run(registry, args);
  expect(await rawObserve(s, root), step).toBe(s.new);
  expect((await registry.audit()).filter(s.auditOf), step).toHaveLength(1);
  expect((await registry.verify()).problems, step).toEqual([]);
  expect(existsSync(join(root, 'registry.lock')), step).toBe(false);
  expect(await readdir(root), step).not.toContain('.tmp');
  await rm(root, { recursive: true, force: true });
}

describe.each(scenarios)('crash during $name', (s) => {
  it('leaves the old or the new state at every step, and a re-run completes it', async () => {
    const steps = await traceSteps(s);
    // Every step a crash can hit, in order; the commit point is the rename of registry.json.
    expect(steps).toContain('state-renamed');
    expect(steps).toContain('pending-cleared');
    if (s.op !== 'register') expect(steps).toContain('checksums-verified');
    const commitAt = steps.indexOf('state-renamed');
    const queue = steps.map((step, i) => ({ step, committed: i >= commitAt }));
    const worker = async (): Promise<void> => {
      for (let job = queue.shift(); job; job = queue.shift()) await crashAndRecover(s, job.step, job.committed);
    };
    await Promise.all([worker(), worker()]);
    console.log(`crash during ${s.name}: ${steps.length} steps checked: ${steps.join(', ')}`);
  });
});
