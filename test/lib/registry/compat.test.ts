/**
 * The registry's files did not change when it moved onto lib/store: a registry written by the
 * code before (fixtures/registry-v0.json, byte for byte) opens, verifies and carries on, and
 * replaying the same operations now writes the same bytes — in a local folder and in S3.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registryBackends, type RegistryBackend } from './support/backends';
import { candidate, tempRoot } from './support/fixtures';
import { replayScenario, steppingClock } from './support/scenario';

const fixture = JSON.parse(await readFile(new URL('./fixtures/registry-v0.json', import.meta.url), 'utf8')) as {
  files: Record<string, string>;
};

let dir: string;
beforeEach(async () => {
  dir = await tempRoot('registry-compat-');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a registry written before lib/store', () => {
  it('opens, verifies and takes new versions', async () => {
    const root = join(dir, 'models');
    for (const [name, text] of Object.entries(fixture.files)) {
      await mkdir(dirname(join(root, name)), { recursive: true });
      await writeFile(join(root, name), text);
    }
    const { openRegistry } = await import('../../../lib/registry');
    const registry = await openRegistry({ root });
    expect((await registry.verify()).problems).toEqual([]);
    expect((await registry.list()).map((v) => `${v.version}:${v.stage}`)).toEqual([
      'v1.0.0:production',
      'v1.1.0:archived',
      'v2.0.0:staging',
    ]);
    expect(await readFile((await registry.get('v1.1.0')).files['comparison.md']!.location, 'utf8')).toBe('# v1.1.0 vs v1.0.0\n');
    const { version } = await registry.registerCandidate(await candidate(dir, 'r6'));
    expect(version).toBe('v2.1.0');
    await registry.promote({ version, by: 'alice', reason: 'ok', runId: 'r6' });
    const before = fixture.files['audit.jsonl']!.trim().split('\n').length;
    expect((await registry.audit()).map((e) => e.seq)).toEqual(Array.from({ length: before + 2 }, (_, i) => i + 1));
    expect((await registry.verify()).problems).toEqual([]);
  });
});

describe.each(registryBackends)('$name registry', (backend: RegistryBackend) => {
  it('writes the same bytes as before for the same operations', async () => {
    const root = backend.root(dir, 'models');
    await replayScenario(await backend.open(root, { clock: steppingClock() }), join(dir, 'artifacts'));
    expect(await backend.keys(root)).toEqual(Object.keys(fixture.files).sort());
    for (const [name, text] of Object.entries(fixture.files)) expect(await backend.read(root, name), name).toBe(text);
    await backend.remove(root);
  });
});
