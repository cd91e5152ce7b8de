import { utimes, writeFile, rm } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRegistry, RegistryLockedError, type LocalRegistry } from '../../../lib/registry';
import { layoutOf } from '../../../lib/registry/layout';
import { acquireLock } from '../../../lib/registry/lock';
import { readState, writeState } from '../../../lib/registry/state';
import { acquireLease } from '../../../lib/store';
import { registryBackends, s3Backend, type RegistryBackend } from './support/backends';
import { candidate, tempRoot } from './support/fixtures';
import { runChild } from './support/runChild';

let dir: string;
let root: string;
let registry: LocalRegistry;

beforeEach(async () => {
  dir = await tempRoot('registry-conc-');
  root = join(dir, 'models');
  registry = await openRegistry({ root });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each(registryBackends)('$name registry: two processes at once', (backend: RegistryBackend) => {
  let root: string;
  let registry: LocalRegistry;
  beforeEach(async () => {
    root = backend.root(dir, 'shared');
    registry = await backend.open(root);
  });
  afterEach(async () => {
    await backend.remove(root);
  });
  const versionFolders = async (): Promise<string[]> => [
    ...new Set((await backend.keys(root)).filter((k) => k.startsWith('versions/')).map((k) => k.split('/')[1]!)),
  ];
  const child = (op: string, args: unknown) => runChild(root, op, args, backend.env());

  it('serializes registrations: distinct versions, one audit entry each', async () => {
    const inputs = await Promise.all(['a', 'b', 'c'].map((r) => candidate(dir, r)));
    const results = await Promise.all(inputs.map((input) => child('register', input)));
    for (const r of results) expect(r.stderr).toBe('');
    const versions = results.map((r) => JSON.parse(r.stdout).version).sort();
    expect(versions).toEqual(['v1.0.0', 'v1.1.0', 'v1.2.0']);
    expect(new Set(versions).size).toBe(3);
    expect(await versionFolders()).toHaveLength(3);
    const audit = await registry.audit();
    expect(audit.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect((await registry.list()).filter((s) => s.stage === 'staging')).toHaveLength(1);
    expect((await registry.verify()).problems).toEqual([]);
  });

  it('the same run registered by two workers gets one version', async () => {
    const input = await candidate(dir, 'same-run');
    const results = await Promise.all([child('register', input), child('register', input)]);
    // A child that failed says why on stderr (seen once under CI load: an empty stdout, reason unknown).
    expect(results.map((r) => r.stderr)).toEqual(['', '']);
    const parsed = results.map((r) => JSON.parse(r.stdout) as { version: string; created: boolean });
    expect(parsed.map((p) => p.version)).toEqual(['v1.0.0', 'v1.0.0']);
    expect(parsed.map((p) => p.created).sort()).toEqual([false, true]);
    expect(await versionFolders()).toEqual(['v1.0.0']);
    expect(await registry.audit()).toHaveLength(1);
  });

  it('serializes promotions: one ends in production, the other archived', async () => {
    const { version: v1 } = await registry.registerCandidate(await candidate(dir, 'r1'));
    await registry.promote({ version: v1, by: 'a', reason: 'first', runId: 'r1' });
    const { version: a } = await registry.registerCandidate(await candidate(dir, 'r2'));
    const { version: b } = await registry.registerCandidate(await candidate(dir, 'r3'));
    const results = await Promise.all([
      child('promote', { version: a, by: 'x', reason: 'a', runId: 'r2' }),
      child('promote', { version: b, by: 'y', reason: 'b', runId: 'r3' }),
    ]);
    for (const r of results) expect(r.stderr).toBe('');
    const promotes = (await registry.audit()).filter((e) => e.action === 'promote');
    expect(promotes).toHaveLength(3);
    // Serialized: the second promotion replaced the first, not the original production.
    expect(promotes[2]!.from).toBe(promotes[1]!.to);
    expect(promotes[1]!.from).toBe(v1);
    const prod = (await registry.production())!.version;
    expect(prod).toBe(promotes[2]!.to);
    expect(
      (await registry.list())
        .filter((s) => s.stage === 'archived')
        .map((s) => s.version)
        .sort(),
    ).toEqual([v1, prod === a ? b : a].sort());
    expect((await registry.verify()).problems).toEqual([]);
  });
});

describe('lock', () => {
  async function twoProductionModels(): Promise<void> {
    for (const r of ['r1', 'r2']) {
      const { version } = await registry.registerCandidate(await candidate(dir, r));
      await registry.promote({ version, by: 'a', reason: 'ok', runId: r });
    }
  }

  it('a rollback waits for a promotion holding the lock, or fails with a clear message', async () => {
    await twoProductionModels();
    const held = await acquireLock({ path: join(root, 'registry.lock'), op: 'promote', timeoutMs: 1000, staleMs: 60_000 });
    const impatient = await openRegistry({ root, lockTimeoutMs: 200 });
    const err = await impatient.rollback({ to: 'previous', by: 'ops', reason: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryLockedError);
    expect((err as Error).message).toMatch(new RegExp(`busy: pid ${process.pid} .*promote.*gave up after 200 ms`));
    expect((await registry.production())!.version).toBe('v1.1.0');

    setTimeout(() => void held.release(), 300);
    const result = await registry.rollback({ to: 'previous', by: 'ops', reason: 'x' });
    expect(result).toMatchObject({ from: 'v1.1.0', to: 'v1.0.0' });
    expect(result.ms).toBeGreaterThanOrEqual(250);
  });

  it('breaks a lock whose holder is dead, unwritten, or too old', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const lock = join(root, 'registry.lock');
    const quick = await openRegistry({ root, lockTimeoutMs: 1000 });
    const holder = (pid: number, host = hostname()) =>
      JSON.stringify({ pid, host, token: 't', op: 'promote', acquiredAt: new Date().toISOString() });

    await writeFile(lock, holder(dead));
    await quick.registerCandidate(await candidate(dir, 'r1'));

    await writeFile(lock, '');
    await utimes(lock, new Date(Date.now() - 5_000), new Date(Date.now() - 5_000));
    await quick.registerCandidate(await candidate(dir, 'r2'));

    // Alive pid (ours) but older than staleLockMs: pid reuse or a hung holder.
    const old = await openRegistry({ root, lockTimeoutMs: 1000, staleLockMs: 1000 });
    await writeFile(lock, holder(process.pid, 'other-host'));
    await utimes(lock, new Date(Date.now() - 5_000), new Date(Date.now() - 5_000));
    await old.registerCandidate(await candidate(dir, 'r3'));

    // A live holder on another host within staleLockMs is respected.
    await writeFile(lock, holder(process.pid, 'other-host'));
    await expect(quick.registerCandidate(await candidate(dir, 'r4'))).rejects.toThrow(RegistryLockedError);
    expect((await registry.list()).map((s) => s.version)).toEqual(['v1.0.0', 'v1.1.0', 'v1.2.0']);
  });
});

describe('lease on S3', () => {
  let root: string;
  beforeEach(() => {
    root = s3Backend.root(dir, 'leased');
  });
  afterEach(async () => {
    await s3Backend.remove(root);
  });
  const leaseHolder = (o: { pid: number; host?: string; expiresInMs: number; ttlMs?: number }) =>
    JSON.stringify({
      pid: o.pid,
      host: o.host ?? hostname(),
      token: 't',
      op: 'promote',
      acquiredAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + o.expiresInMs).toISOString(),
      ttlMs: o.ttlMs ?? 60_000,
    });

  it('a rollback waits for a promotion holding the lease, or fails with a clear message', async () => {
    const registry = await s3Backend.open(root);
    for (const r of ['r1', 'r2']) {
      const { version } = await registry.registerCandidate(await candidate(dir, r));
      await registry.promote({ version, by: 'a', reason: 'ok', runId: r });
    }
    const held = await acquireLease(registry.store, { key: 'registry.lock', op: 'promote', timeoutMs: 1000, ttlMs: 60_000 });
    const impatient = await s3Backend.open(root, { lockTimeoutMs: 200 });
    const err = await impatient.rollback({ to: 'previous', by: 'ops', reason: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryLockedError);
    expect((err as Error).message).toMatch(new RegExp(`busy: pid ${process.pid} .*promote.*${root}/registry.lock; gave up after 200 ms`));
    expect((await registry.production())!.version).toBe('v1.1.0');
    setTimeout(() => void held.release(), 300);
    const result = await registry.rollback({ to: 'previous', by: 'ops', reason: 'x' });
    expect(result).toMatchObject({ from: 'v1.1.0', to: 'v1.0.0' });
    expect(result.ms).toBeGreaterThanOrEqual(250);
    expect(await registry.store.exists('registry.lock')).toBe(false);
  });

  it('breaks a lease whose holder is dead, expired or silent for its ttl, and respects a live one', async () => {
    const registry = await s3Backend.open(root, { lockTimeoutMs: 2_000 });
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await registry.store.put('registry.lock', leaseHolder({ pid: dead, expiresInMs: 60_000 }));
    await registry.registerCandidate(await candidate(dir, 'r1'));
    // Another host, expired by its own clock well beyond the allowed skew.
    await registry.store.put('registry.lock', leaseHolder({ pid: process.pid, host: 'other-host', expiresInMs: -120_000 }));
    await registry.registerCandidate(await candidate(dir, 'r2'));
    // Another host whose clock says "not expired", but that has not renewed for its ttl as we watched.
    await registry.store.put('registry.lock', leaseHolder({ pid: process.pid, host: 'other-host', expiresInMs: 3_600_000, ttlMs: 500 }));
    await registry.registerCandidate(await candidate(dir, 'r3'));
    // A live holder on another host within its ttl is respected.
    await registry.store.put('registry.lock', leaseHolder({ pid: process.pid, host: 'other-host', expiresInMs: 60_000 }));
    await expect(registry.registerCandidate(await candidate(dir, 'r4'))).rejects.toThrow(RegistryLockedError);
    expect((await registry.list()).map((s) => s.version)).toEqual(['v1.0.0', 'v1.1.0', 'v1.2.0']);
  });

  it('a holder whose lease was taken over learns it before committing, and its commit could not land anyway', async () => {
    const registry = await s3Backend.open(root);
    await registry.registerCandidate(await candidate(dir, 'r1'));
    const layout = layoutOf(registry.store);
    const lease = await acquireLease(registry.store, { key: 'registry.lock', op: 'promote', timeoutMs: 1000, ttlMs: 60_000 });
    const stale = await readState(layout);
    // Someone judged the holder dead, took over and committed a change.
    await registry.store.delete('registry.lock');
    await registry.registerCandidate(await candidate(dir, 'r2'));
    await expect(lease.assertHeld()).rejects.toThrow(/lost the lease/);
    stale.state.staging = null;
    await expect(writeState(layout, stale.state, stale.etag)).rejects.toThrow(RegistryLockedError);
    expect((await registry.staging())?.version).toBe('v1.1.0');
    expect((await registry.verify()).problems).toEqual([]);
  });
});
