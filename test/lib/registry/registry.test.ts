import { readFile, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, ModelError } from '../../../lib/util';
import { parseVersion, nextVersion, type LocalRegistry } from '../../../lib/registry';
import { registryBackends, type RegistryBackend } from './support/backends';
import { candidate, tempRoot } from './support/fixtures';

let dir: string;
let root: string;
let registry: LocalRegistry;

beforeEach(async () => {
  dir = await tempRoot();
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const by = 'alice';

async function registerAndPromote(runId: string, options: Parameters<typeof candidate>[2] = {}): Promise<string> {
  const { version } = await registry.registerCandidate(await candidate(dir, runId, options));
  await registry.promote({ version, by, reason: 'good', runId });
  return version;
}

describe('versions', () => {
  it('validates strictly and bumps', () => {
    expect(parseVersion('v1.2.3')).toEqual({ major: 1, minor: 2, patch: 3 });
    for (const bad of ['../x', 'v1.2', '1.2.3', 'v1.2.3/..', '/etc/passwd', 'v01.2.3x', '']) {
      expect(() => parseVersion(bad)).toThrow(ConfigError);
    }
    expect(nextVersion(null, 'minor')).toBe('v1.0.0');
    expect(nextVersion('v1.2.3', 'major')).toBe('v2.0.0');
    expect(nextVersion('v1.2.3', 'minor')).toBe('v1.3.0');
    expect(nextVersion('v1.2.3', 'patch')).toBe('v1.2.4');
  });
});

describe.each(registryBackends)('$name registry', (backend: RegistryBackend) => {
  beforeEach(async () => {
    root = backend.root(dir, 'models');
    registry = await backend.open(root);
  });
  afterEach(async () => {
    await backend.remove(root);
  });

  const versionFolders = async (): Promise<string[]> => [
    ...new Set((await backend.keys(root)).filter((k) => k.startsWith('versions/')).map((k) => k.split('/')[1]!)),
  ];

  /** A version's file where the registry says it is: a path locally, an s3:// URI otherwise. */
  const readLocation = async (location: string): Promise<string> =>
    location.startsWith('s3://')
      ? (await registry.store.read(registry.store.keyOf(location)))!.bytes.toString('utf8')
      : readFile(location, 'utf8');

  /** Everything a refused operation must leave untouched. */
  async function snapshot(): Promise<string> {
    const metas = (await backend.keys(root)).filter((k) => k.endsWith('/metadata.json'));
    return JSON.stringify([
      await backend.read(root, 'registry.json'),
      await backend.read(root, 'audit.jsonl'),
      await versionFolders(),
      await Promise.all(metas.map((k) => backend.read(root, k))),
    ]);
  }

  describe('registerCandidate', () => {
    it('is idempotent per runId: same version, no duplicate files or audit entries', async () => {
      const input = await candidate(dir, 'run-a', { extra: { 'notes.txt': 'hi' } });
      const first = await registry.registerCandidate(input);
      const second = await registry.registerCandidate(input);
      expect(first).toMatchObject({ version: 'v1.0.0', created: true, bump: 'initial', superseded: null });
      expect(second).toMatchObject({ version: 'v1.0.0', created: false });
      expect(await versionFolders()).toEqual(['v1.0.0']);
      expect((await registry.audit()).filter((e) => e.action === 'register')).toHaveLength(1);
      const entry = await registry.get('v1.0.0');
      expect(entry.stage).toBe('staging');
      expect(Object.keys(entry.files).sort()).toEqual(['model.json', 'model.onnx', 'notes.txt']);
      expect(await readLocation(entry.onnx)).toBe('onnx-bytes-run-a');
      const onDisk = JSON.parse((await backend.read(root, 'versions/v1.0.0/metadata.json'))!);
      expect(onDisk).toMatchObject({ version: 'v1.0.0', runId: 'run-a', stage: 'staging', schemaHash: 'schema-1', modelType: 'xgb' });
      expect(onDisk.files['model.json'].sha256).toMatch(/^[0-9a-f]{64}$/);
      expect((await registry.staging())?.version).toBe('v1.0.0');
      expect((await registry.verify()).ok).toBe(true);
    });

    it('bumps minor for a retrain, major for a schema or label change, patch when manual', async () => {
      expect(await registerAndPromote('r1')).toBe('v1.0.0');
      const minor = await registry.registerCandidate(await candidate(dir, 'r2'));
      expect(minor).toMatchObject({ version: 'v1.1.0', bump: 'minor' });
      const patch = await registry.registerCandidate(await candidate(dir, 'r3', { manual: true }));
      expect(patch).toMatchObject({ version: 'v1.1.1', bump: 'patch', superseded: 'v1.1.0' });
      const schema = await registry.registerCandidate(await candidate(dir, 'r4', { schemaHash: 'schema-2' }));
      expect(schema).toMatchObject({ version: 'v2.0.0', bump: 'major' });
      // Compared with production (v1.0.0, schema-1), not with the newest registration.
      const label = await registry.registerCandidate(await candidate(dir, 'r5', { label: { horizon: 10, threshold: 0 } }));
      expect(label).toMatchObject({ version: 'v3.0.0', bump: 'major' });
      const back = await registry.registerCandidate(await candidate(dir, 'r6'));
      expect(back).toMatchObject({ version: 'v3.1.0', bump: 'minor' });
      expect((await registry.list()).map((s) => [s.version, s.stage])).toEqual([
        ['v1.0.0', 'production'],
        ['v1.1.0', 'superseded'],
        ['v1.1.1', 'superseded'],
        ['v2.0.0', 'superseded'],
        ['v3.0.0', 'superseded'],
        ['v3.1.0', 'staging'],
      ]);
      expect((await registry.verify()).ok).toBe(true);
    });

    it('without production compares with the newest registration', async () => {
      await registry.registerCandidate(await candidate(dir, 'r1'));
      expect(await registry.registerCandidate(await candidate(dir, 'r2', { schemaHash: 'x' }))).toMatchObject({ version: 'v2.0.0' });
      expect(await registry.registerCandidate(await candidate(dir, 'r3', { schemaHash: 'x' }))).toMatchObject({ version: 'v2.1.0' });
    });

    it('refuses bad artifact names', async () => {
      const input = await candidate(dir, 'r1');
      input.artifacts.extra = { '../escape': input.artifacts.onnx };
      await expect(registry.registerCandidate(input)).rejects.toThrow(ConfigError);
    });
  });

  describe('stages', () => {
    it('promotes, archives the old production and records who/why/runId', async () => {
      const v1 = await registerAndPromote('r1');
      const { version: v2 } = await registry.registerCandidate(await candidate(dir, 'r2'));
      const result = await registry.promote({ version: v2, by: 'bob', reason: 'better f1', runId: 'r2' });
      expect(result).toEqual({ from: v1, to: v2 });
      // A retry of the same activity returns the first answer and changes nothing.
      expect(await registry.promote({ version: v2, by: 'bob', reason: 'better f1', runId: 'r2' })).toEqual(result);
      expect((await registry.get(v1)).stage).toBe('archived');
      expect((await registry.production())?.version).toBe(v2);
      expect(await registry.staging()).toBeNull();
      const meta = (await registry.get(v1)).metadata;
      expect(meta.stageHistory.map((h) => h.stage)).toEqual(['staging', 'production', 'archived']);
      const promotes = (await registry.audit()).filter((e) => e.action === 'promote');
      expect(promotes).toHaveLength(2);
      expect(promotes[1]).toMatchObject({
        version: v2,
        from: v1,
        to: v2,
        by: 'bob',
        reason: 'better f1',
        runId: 'r2',
        fromStage: 'staging',
      });
      expect((await registry.verify()).ok).toBe(true);
    });

    it('rejects and expires candidates; refuses promoting them', async () => {
      const { version: a } = await registry.registerCandidate(await candidate(dir, 'r1'));
      await registry.reject({ version: a, by, reason: 'worse', runId: 'r1' });
      await registry.reject({ version: a, by, reason: 'worse', runId: 'r1' });
      const { version: b } = await registry.registerCandidate(await candidate(dir, 'r2'));
      await registry.reject({ version: b, by: 'system', reason: 'approval timed out', runId: 'r2', stage: 'expired' });
      expect((await registry.list()).map((s) => s.stage)).toEqual(['rejected', 'expired']);
      expect(await registry.staging()).toBeNull();
      const actions = (await registry.audit()).map((e) => e.action);
      expect(actions).toEqual(['register', 'reject', 'register', 'expire']);
      await expect(registry.promote({ version: a, by, reason: 'x', runId: 'r9' })).rejects.toThrow(/rejected/);
    });

    it('attaches files idempotently and freezes them after promotion', async () => {
      const { version } = await registry.registerCandidate(await candidate(dir, 'r1'));
      const report = join(dir, 'report.md');
      await writeFile(report, '# v1');
      await registry.attachFiles(version, { 'comparison.md': report });
      const before = await snapshot();
      await registry.attachFiles(version, { 'comparison.md': report });
      expect(await snapshot()).toBe(before);
      await writeFile(report, '# v1 regenerated');
      const entry = await registry.attachFiles(version, { 'comparison.md': report });
      expect(await readLocation(entry.files['comparison.md']!.location)).toBe('# v1 regenerated');
      await registry.promote({ version, by, reason: 'ok', runId: 'r1' });
      await writeFile(report, '# changed');
      await expect(registry.attachFiles(version, { 'comparison.md': report })).rejects.toThrow(ConfigError);
      await expect(registry.attachFiles(version, { 'model.onnx': report })).rejects.toThrow(ConfigError);
      await expect(registry.attachFiles(version, { 'missing.md': join(dir, 'nope.md') })).rejects.toThrow(ModelError);
      await expect(registry.attachFiles('../v1.0.0', { 'x.md': report })).rejects.toThrow(ConfigError);
      expect((await registry.verify()).ok).toBe(true);
    });
  });

  describe('rollback', () => {
    it('rolls back to a version and to previous, with audit entries, and logs its time', async () => {
      const v1 = await registerAndPromote('r1');
      const v2 = await registerAndPromote('r2');
      const v3 = await registerAndPromote('r3');
      const r1 = await registry.rollback({ to: 'previous', by: 'ops', reason: 'drift', runId: 'rb-1' });
      expect(r1).toMatchObject({ from: v3, to: v2 });
      // A retried rollback with the same runId does not toggle again.
      expect(await registry.rollback({ to: 'previous', by: 'ops', reason: 'drift', runId: 'rb-1' })).toMatchObject({ from: v3, to: v2 });
      const r2 = await registry.rollback({ to: v1, by: 'ops', reason: 'bad week' });
      expect(r2).toMatchObject({ from: v2, to: v1 });
      console.log(`rollback ms: previous=${r1.ms.toFixed(2)} explicit=${r2.ms.toFixed(2)}`);
      expect(r2.ms).toBeLessThan(1000);
      expect((await registry.production())?.version).toBe(v1);
      expect((await registry.list()).map((s) => s.stage)).toEqual(['production', 'archived', 'archived']);
      const rollbacks = (await registry.audit()).filter((e) => e.action === 'rollback');
      expect(rollbacks.map((e) => [e.from, e.to, e.by, e.reason])).toEqual([
        [v3, v2, 'ops', 'drift'],
        [v2, v1, 'ops', 'bad week'],
      ]);
      // 'previous' toggles back, like `kubectl rollout undo`.
      expect(await registry.rollback({ to: 'previous', by: 'ops', reason: 'undo' })).toMatchObject({ from: v1, to: v2 });
      expect((await registry.verify()).ok).toBe(true);
    });

    it('refuses unknown, path-like, never-promoted and corrupt targets with nothing changed', async () => {
      await registerAndPromote('r1');
      const v2 = await registerAndPromote('r2');
      const { version: staged } = await registry.registerCandidate(await candidate(dir, 'r3'));
      const before = await snapshot();
      await expect(registry.rollback({ to: 'v9.9.9', by, reason: 'x' })).rejects.toThrow(ConfigError);
      await expect(registry.rollback({ to: '../x', by, reason: 'x' })).rejects.toThrow(ConfigError);
      await expect(registry.rollback({ to: 'v1.0.0/../../etc', by, reason: 'x' })).rejects.toThrow(ConfigError);
      await expect(registry.get('../x')).rejects.toThrow(ConfigError);
      await expect(registry.rollback({ to: staged, by, reason: 'x' })).rejects.toThrow(/never in production/);
      await expect(registry.rollback({ to: v2, by, reason: 'noop' })).resolves.toMatchObject({ from: v2, to: v2 });
      expect(await snapshot()).toBe(before);

      await backend.write(root, 'versions/v1.0.0/model.onnx', `${await backend.read(root, 'versions/v1.0.0/model.onnx')}tampered`);
      const corrupt = await snapshot();
      const err = await registry.rollback({ to: 'previous', by, reason: 'x' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(/v1\.0\.0.*model\.onnx/);
      expect(await snapshot()).toBe(corrupt);
      expect((await registry.production())?.version).toBe(v2);
      const report = await registry.verify('v1.0.0');
      expect(report.ok).toBe(false);
      expect(report.problems[0]!.problem).toMatch(/model\.onnx/);
    });

    it('is fast for realistic model sizes (pointer change + checksums)', async () => {
      const sizes = { 'model.json': 8 << 20, 'model.onnx': 4 << 20 };
      for (const r of ['big-1', 'big-2']) {
        const input = await candidate(dir, r);
        await writeFile(input.artifacts.modelJson, Buffer.alloc(sizes['model.json'], r));
        await writeFile(input.artifacts.onnx, Buffer.alloc(sizes['model.onnx'], r));
        const { version } = await registry.registerCandidate(input);
        await registry.promote({ version, by, reason: 'ok', runId: r });
      }
      const { ms, to } = await registry.rollback({ to: 'previous', by, reason: 'timing' });
      console.log(`rollback ms with 12 MB of model files: ${ms.toFixed(1)}`);
      expect(to).toBe('v1.0.0');
      expect(ms).toBeLessThan(2000);
    });

    it('refuses previous when there is none', async () => {
      await registerAndPromote('r1');
      await expect(registry.rollback({ to: 'previous', by, reason: 'x' })).rejects.toThrow(/no previous/);
    });
  });

  describe('prune and retention', () => {
    it('keeps production, staging and the N newest archives', async () => {
      for (const r of ['r1', 'r2', 'r3', 'r4']) await registerAndPromote(r);
      const { version: rejected } = await registry.registerCandidate(await candidate(dir, 'r5'));
      await registry.reject({ version: rejected, by, reason: 'no', runId: 'r5' });
      const { version: staged } = await registry.registerCandidate(await candidate(dir, 'r6'));
      const { removed } = await registry.prune({ keep: 1 });
      expect(removed.sort()).toEqual(['v1.0.0', 'v1.1.0', rejected].sort());
      expect((await registry.list()).map((s) => [s.version, s.stage])).toEqual([
        ['v1.2.0', 'archived'],
        ['v1.3.0', 'production'],
        [staged, 'staging'],
      ]);
      expect(await versionFolders()).toEqual(['v1.2.0', 'v1.3.0', staged]);
      expect((await registry.audit()).filter((e) => e.action === 'prune')).toHaveLength(3);
      // Pruned numbers are never handed out again; pruned versions are unknown.
      expect(await registry.registerCandidate(await candidate(dir, 'r7'))).toMatchObject({ version: 'v1.6.0' });
      await expect(registry.rollback({ to: 'v1.0.0', by, reason: 'x' })).rejects.toThrow(/removed by prune/);
      // r7 superseded the staged r6 candidate, which keep:1 now removes; then nothing is left to do.
      expect(await registry.prune({ keep: 1 })).toEqual({ removed: [staged] });
      expect(await registry.prune({ keep: 1 })).toEqual({ removed: [] });
      expect((await registry.verify()).ok).toBe(true);
    });

    it('applies a retention setting after each promotion, by count or by age', async () => {
      let now = new Date('2025-01-01T00:00:00Z');
      registry = await backend.open(root, { retention: { keep: 2 }, clock: () => now });
      for (const r of ['r1', 'r2', 'r3', 'r4', 'r5']) await registerAndPromote(r);
      expect((await registry.list()).map((s) => s.version)).toEqual(['v1.2.0', 'v1.3.0', 'v1.4.0']);

      registry = await backend.open(root, { retention: { maxAgeDays: 30 }, clock: () => now });
      now = new Date('2025-02-20T00:00:00Z');
      await registerAndPromote('r6');
      now = new Date('2025-03-01T00:00:00Z');
      await registerAndPromote('r7');
      // v1.2.0–v1.4.0 were created on Jan 1 (> 30 days); v1.5.0 is archived but recent.
      expect((await registry.list()).map((s) => s.version)).toEqual(['v1.5.0', 'v1.6.0']);
      expect((await registry.verify()).ok).toBe(true);
    });

    it('keeps everything by default', async () => {
      for (const r of ['r1', 'r2', 'r3']) await registerAndPromote(r);
      expect(await registry.prune()).toEqual({ removed: [] });
      expect(await registry.list()).toHaveLength(3);
    });
  });
});
