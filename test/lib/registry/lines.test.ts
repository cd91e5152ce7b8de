import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  listModelLines,
  listStoredModelLines,
  migrateLegacyRegistry,
  openModelLine,
  openRegistry,
  registryRoot,
} from '../../../lib/registry';
import { openStore } from '../../../lib/store';
import { awsEnv } from '../../support/s3Server';
import { ConfigError } from '../../../lib/util';
import { candidate, tempRoot } from './support/fixtures';

let dir: string;
let modelsDir: string;

beforeEach(async () => {
  dir = await tempRoot('lines-');
  modelsDir = join(dir, 'models');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const open = (modelName: string) => openModelLine({ modelsDir, modelName, legacyModelName: 'direction-classifier' });

describe('model lines', () => {
  it('give every model name its own versions, pointers and audit log', async () => {
    const a = await open('alpha');
    const b = await open('beta');
    const va1 = (await a.registerCandidate(await candidate(dir, 'a1'))).version;
    const vb1 = (await b.registerCandidate(await candidate(dir, 'b1', { schemaHash: 'other-schema' }))).version;
    const va2 = (await a.registerCandidate(await candidate(dir, 'a2'))).version;
    // Each line numbers its own versions: the second line starts at v1.0.0 too.
    expect([va1, vb1, va2]).toEqual(['v1.0.0', 'v1.0.0', 'v1.1.0']);
    await a.promote({ version: va2, by: 'alice', reason: 'ok', runId: 'a2' });
    expect((await a.production())?.version).toBe('v1.1.0');
    expect(await b.production()).toBeNull();
    expect((await b.staging())?.version).toBe('v1.0.0');
    expect((await b.list()).map((v) => v.version)).toEqual(['v1.0.0']);
    expect((await a.audit()).every((e) => ['a1', 'a2'].includes(e.runId ?? ''))).toBe(true);
    expect(await listModelLines(modelsDir)).toEqual(['alpha', 'beta']);
    expect(registryRoot(modelsDir, 'alpha')).toBe(join(modelsDir, 'alpha'));
  });

  it('refuse names that are not plain folder names', async () => {
    for (const bad of ['../x', 'Upper', '', 'a/b', '-lead', 'x'.repeat(64)]) {
      await expect(open(bad), bad).rejects.toBeInstanceOf(ConfigError);
    }
  });

  it('migrate a registry written before model lines into the default line on first open, keeping history', async () => {
    const legacy = await openRegistry({ root: modelsDir });
    const v1 = (await legacy.registerCandidate(await candidate(dir, 'old-1'))).version;
    await legacy.promote({ version: v1, by: 'alice', reason: 'first', runId: 'old-1' });
    const v2 = (await legacy.registerCandidate(await candidate(dir, 'old-2'))).version;
    const auditBefore = await readFile(join(modelsDir, 'audit.jsonl'), 'utf8');

    // Opening any line migrates; the legacy registry lands in the default line, not the one opened.
    const other = await open('other-model');
    expect(await other.production()).toBeNull();
    expect(existsSync(join(modelsDir, 'registry.json'))).toBe(false);
    expect(existsSync(join(modelsDir, 'versions'))).toBe(false);

    const line = await open('direction-classifier');
    expect((await line.production())?.version).toBe(v1);
    expect((await line.staging())?.version).toBe(v2);
    expect(await readFile(join(modelsDir, 'direction-classifier', 'audit.jsonl'), 'utf8')).toBe(auditBefore);
    const verify = await line.verify();
    expect(verify.ok, JSON.stringify(verify.problems)).toBe(true);
    // The line goes on from the legacy numbering.
    expect((await line.registerCandidate(await candidate(dir, 'new-1'))).version).toBe('v1.2.0');
    // Idempotent: nothing left to move.
    expect(await migrateLegacyRegistry({ modelsDir, modelName: 'direction-classifier' })).toBe(false);
  });

  it('finish a migration that crashed half-way (versions moved, index not yet)', async () => {
    const legacy = await openRegistry({ root: modelsDir });
    const { version } = await legacy.registerCandidate(await candidate(dir, 'old-1'));
    const { mkdir, rename } = await import('node:fs/promises');
    await mkdir(join(modelsDir, 'direction-classifier'), { recursive: true });
    await rename(join(modelsDir, 'versions'), join(modelsDir, 'direction-classifier', 'versions'));
    const line = await open('direction-classifier');
    expect((await line.staging())?.version).toBe(version);
    expect((await line.verify()).ok).toBe(true);
  });

  it('refuse to migrate over an existing line of the same name, leaving both untouched', async () => {
    const legacy = await openRegistry({ root: modelsDir });
    await legacy.registerCandidate(await candidate(dir, 'old-1'));
    const existing = await openRegistry({ root: join(modelsDir, 'direction-classifier') });
    await existing.registerCandidate(await candidate(dir, 'new-1'));
    await expect(open('alpha')).rejects.toThrow(/already exists/);
    expect(existsSync(join(modelsDir, 'registry.json'))).toBe(true);
    expect((await existing.list()).length).toBe(1);
  });
});

describe('model lines in a remote artifact store', () => {
  it('keep each line under models/<name>/ of the bucket, with nothing on local disk', async () => {
    const s3 = inject('s3Endpoint');
    const artifacts = openStore({
      env: { ...awsEnv(s3), TRAINCTL_ARTIFACTS: `s3://${s3.bucket}/lines-${randomBytes(4).toString('hex')}` },
    });
    const openRemote = (modelName: string) => openModelLine({ modelsDir, modelName, legacyModelName: 'direction-classifier', artifacts });
    const a = await openRemote('alpha');
    const b = await openRemote('beta');
    await a.registerCandidate(await candidate(dir, 'a1'));
    await b.registerCandidate(await candidate(dir, 'b1'));
    expect(a.root).toBe(`${artifacts.uri}/models/alpha`);
    const entry = await a.get('v1.0.0');
    expect(entry.onnx).toBe(`${artifacts.uri}/models/alpha/versions/v1.0.0/model.onnx`);
    const ref = { uri: entry.onnx, sha256: entry.files['model.onnx']!.sha256, size: entry.files['model.onnx']!.bytes };
    expect((await artifacts.get(ref)).toString()).toBe('onnx-bytes-a1');
    expect(await listStoredModelLines(artifacts)).toEqual(['alpha', 'beta']);
    expect(existsSync(modelsDir)).toBe(false);
    for (const key of await artifacts.list('')) await artifacts.delete(key);
    artifacts.close();
  });
});
