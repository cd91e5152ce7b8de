import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { sha256 } from '../../../lib/util';
import { DataError } from '../../../lib/util/errors';
import { S3Store, type Store } from '../../../lib/store';
import { backends, type Backend } from './support/backends';

const counterChild = fileURLToPath(new URL('./support/counterChild.ts', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'store-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function runCounter(
  env: Record<string, string>,
  mode: 'cas' | 'lease',
  key: string,
  n: number,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', counterChild, mode, key, String(n)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe.each(backends)('$name store', (backend: Backend) => {
  let store: Store;
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ store, env, cleanup } = await backend.open());
  });
  afterEach(async () => {
    await cleanup();
  });

  it('puts bytes and files, and reads them back verified by reference', async () => {
    const text = `{"learner":${randomBytes(8).toString('hex')}}`;
    const a = await store.put('models/line/versions/v1.0.0/model.json', text);
    expect(a).toEqual({ uri: store.uriOf('models/line/versions/v1.0.0/model.json'), sha256: sha256(text), size: Buffer.byteLength(text) });
    expect(a.uri.startsWith(`${store.uri}/`)).toBe(true);
    expect((await store.get(a)).toString()).toBe(text);

    const file = join(dir, `onnx-${backend.name}`);
    const bytes = randomBytes(300_000);
    await writeFile(file, bytes);
    const b = await store.put('models/line/versions/v1.0.0/model.onnx', { file });
    expect(b).toMatchObject({ sha256: sha256(bytes), size: bytes.length });
    expect(Buffer.compare(await store.get(b), bytes)).toBe(0);
    expect(store.keyOf(b.uri)).toBe('models/line/versions/v1.0.0/model.onnx');
    expect(await store.digest('models/line/versions/v1.0.0/model.onnx')).toEqual({ sha256: b.sha256, size: b.size });
    await expect(store.put('x', { file: join(dir, 'no-such-file') })).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await store.exists('x')).toBe(false);
  });

  it('refuses content that no longer matches its reference, with one line naming the URI', async () => {
    const ref = await store.put('data/snapshot.csv', 'date,close\n2024-01-02,100\n');
    await store.put('data/snapshot.csv', 'date,close\n2024-01-02,999\n');
    const err = (await store.get(ref).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toContain(ref.uri);
    expect(err.message).toContain('does not match its reference');
    expect(err.message.split('\n')).toHaveLength(1);
    const target = join(dir, `${backend.name}-copy.csv`);
    await expect(store.getToFile(ref, target)).rejects.toThrow(DataError);
    expect(existsSync(target)).toBe(false);
    expect((await readdir(dirname(target))).filter((n) => n.startsWith(basename(target)))).toEqual([]);
    await store.delete('data/snapshot.csv');
    await expect(store.get(ref)).rejects.toThrow(`${ref.uri}: not found`);
    await expect(store.get({ ...ref, uri: 'file:///etc/passwd' })).rejects.toThrow(/outside the store|not a file/);
  });

  it('downloads to a cache keyed by SHA-256 that keeps the file name, or to a given path', async () => {
    const ref = await store.put('models/m/versions/v1.0.0/model.json', '{"a":1}');
    const cached = await store.getToFile(ref);
    expect(cached).toContain(ref.sha256);
    expect(basename(cached)).toBe('model.json');
    expect(await readFile(cached, 'utf8')).toBe('{"a":1}');
    // A second reader of the same content reuses the verified copy even if the object moved on.
    await store.put('models/m/versions/v1.0.0/model.json', '{"a":2}');
    expect(await store.getToFile(ref)).toBe(cached);
    const fresh = await store.put('models/m/versions/v1.0.0/model.json', '{"a":3}');
    const explicit = join(dir, `${backend.name}-explicit.json`);
    expect(await store.getToFile(fresh, explicit)).toBe(explicit);
    expect(await readFile(explicit, 'utf8')).toBe('{"a":3}');
  });

  it('lists by prefix, moves folders, deletes keys and folders', async () => {
    for (const k of ['runs/a/x.json', 'runs/a/y/z.json', 'runs/ab.json', 'runs/b/w.json', 'other.txt']) await store.put(k, k);
    expect(await store.list('runs/a/')).toEqual(['runs/a/x.json', 'runs/a/y/z.json']);
    expect(await store.list('runs/a')).toEqual(['runs/a/x.json', 'runs/a/y/z.json', 'runs/ab.json']);
    expect(await store.list('')).toEqual(['other.txt', 'runs/a/x.json', 'runs/a/y/z.json', 'runs/ab.json', 'runs/b/w.json']);
    await store.move('runs/a/', 'archive/a/');
    await store.move('runs/a/', 'archive/a/'); // a redo is a no-op
    expect(await store.list('archive/')).toEqual(['archive/a/x.json', 'archive/a/y/z.json']);
    expect(await store.list('runs/a/')).toEqual([]);
    await store.move('runs/ab.json', 'archive/ab.json');
    expect(await store.exists('archive/ab.json')).toBe(true);
    expect(await store.exists('runs/ab.json')).toBe(false);
    await store.delete('archive/');
    await store.delete('other.txt');
    await store.delete('other.txt');
    expect(await store.list('')).toEqual(['runs/b/w.json']);
    for (const bad of ['../x', '/abs', 'a//b', 'a/./b', 'a\\b', '']) await expect(store.put(bad, 'x')).rejects.toThrow('invalid store key');
    const scoped = store.scope('runs/b');
    expect(await scoped.list('')).toEqual(['w.json']);
    expect(scoped.uriOf('w.json')).toBe(store.uriOf('runs/b/w.json'));
  });

  it('conditional create and compare-and-swap: stale versions lose', async () => {
    const e1 = await store.putIfAbsent('index.json', '{"n":1}');
    expect(e1).toEqual(expect.any(String));
    expect(await store.putIfAbsent('index.json', '{"n":99}')).toBeNull();
    const e2 = await store.putIfMatch('index.json', '{"n":2}', e1!);
    expect(e2).toEqual(expect.any(String));
    expect(e2).not.toBe(e1);
    expect(await store.putIfMatch('index.json', '{"n":99}', e1!)).toBeNull();
    expect(await store.putIfMatch('missing.json', '{"n":99}', e2!)).toBeNull();
    expect(await store.deleteIfMatch('index.json', e1!)).toBe(false);
    const now = await store.read('index.json');
    expect(now).toEqual({ bytes: Buffer.from('{"n":2}'), etag: e2 });
    expect(await store.deleteIfMatch('index.json', e2!)).toBe(true);
    expect(await store.read('index.json')).toBeNull();
    expect(await store.exists('missing.json')).toBe(false);
  });

  it('two concurrent writers: exactly one conditional create wins, and CAS loses no update across processes', async () => {
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.putIfAbsent(`race-${round}`, `writer-${i}`)));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    }
    const procs = 3;
    const each = 15;
    const runs = await Promise.all(Array.from({ length: procs }, () => runCounter(env, 'cas', 'counter', each)));
    for (const r of runs) expect(r.err, r.err).toBe('');
    const retries = runs.reduce((sum, r) => sum + (JSON.parse(r.out) as { retries: number }).retries, 0);
    expect(Number((await store.read('counter'))!.bytes.toString())).toBe(procs * each);
    console.log(`${backend.name}: ${procs} processes × ${each} CAS increments, ${retries} lost races retried, none lost`);
  });

  it('lease lock: mutual exclusion across processes', async () => {
    const runs = await Promise.all(Array.from({ length: 3 }, () => runCounter(env, 'lease', 'leased', 10)));
    for (const r of runs) expect(r.err, r.err).toBe('');
    expect(Number((await store.read('leased'))!.bytes.toString())).toBe(30);
    expect(await store.exists('leased.lock')).toBe(false);
  });
});

describe('s3 large files', () => {
  it('go up in parts, and a failed multipart upload is aborted, leaving nothing behind', async () => {
    const server = inject('s3Endpoint');
    const client = new S3Client({
      endpoint: server.endpoint,
      region: server.region,
      forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    });
    const prefix = `multipart-${randomBytes(4).toString('hex')}`;
    const store = new S3Store({
      client,
      bucket: server.bucket,
      prefix,
      endpoint: server.endpoint,
      cacheDir: join(dir, 'cache'),
      multipartThresholdBytes: 6 * 1024 * 1024,
      partSizeBytes: 5 * 1024 * 1024,
      ownsClient: false,
    });
    const file = join(dir, 'big.bin');
    const bytes = randomBytes(12 * 1024 * 1024 + 123);
    await writeFile(file, bytes);
    const ref = await store.put('data/big.bin', { file });
    expect(ref).toMatchObject({ sha256: sha256(bytes), size: bytes.length });
    expect(Buffer.compare(await readFile(await store.getToFile(ref)), bytes)).toBe(0);
    // A multipart object's etag ends in its part count.
    expect((await store.read('data/big.bin'))!.etag).toMatch(/-3"$/);

    // A fault in the SDK's own middleware: the second part's request fails as a dropped connection would.
    let parts = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UploadPartCommand' && ++parts === 2) throw new Error('injected: connection reset during part 2');
        return next(args);
      },
      { step: 'initialize', name: 'failSecondPart' },
    );
    await expect(store.put('data/half.bin', { file })).rejects.toThrow('injected');
    expect(await store.exists('data/half.bin')).toBe(false);
    const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: server.bucket, Prefix: `${prefix}/` }));
    expect(uploads.Uploads ?? []).toEqual([]);
    for (const key of await store.list('')) await store.delete(key);
    client.destroy();
  });
});
