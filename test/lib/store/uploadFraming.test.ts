/**
 * A file that changes while it is uploaded must not corrupt the next request on the connection.
 * Under load the registry crash test rewrote a candidate's files (one worker) while another
 * worker uploaded them: the upload's stat saw an empty file, its stream then read
 * `onnx-bytes-r3`, Node sent those bytes after a request declared `Content-Length: 0`, and
 * SeaweedFS read them as the start of the next request on that keep-alive connection — the
 * lease's conditional DELETE, refused as `405 MethodNotAllowed` for the method
 * `onnx-bytes-r3DELETE`, which left `registry.lock` behind. A FIFO makes that interleaving
 * deterministic: its first reader gets nothing, the next one gets the bytes.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { acquireLease, type Store } from '../../../lib/store';
import { exactFileBody, FileChangedError } from '../../../lib/store/fileBody';
import { s3 } from './support/backends';

let dir: string;
let store: Store;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'upload-framing-'));
  ({ store, cleanup } = await s3.open());
});
afterAll(async () => {
  await cleanup();
  await rm(dir, { recursive: true, force: true });
});

/**
 * A FIFO whose first reader reads `first` and whose next reader, if one comes before stop(), reads
 * `second` (the pause lets the first reader see its end of file and close before the second write). The writer is a shell, not this process: opening a FIFO blocks until the other end
 * opens, which would hold the only libuv pool thread (UV_THREADPOOL_SIZE=1) that the reader needs.
 */
function changingFile(name: string, first: string, second: string): { path: string; stop(): void } {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  const writer = spawn('sh', ['-c', 'printf %s "$2" > "$1"; sleep 0.5; printf %s "$3" > "$1"', 'sh', path, first, second], {
    stdio: 'ignore',
  });
  return { path, stop: () => writer.kill('SIGKILL') };
}

describe('an upload of a file that changes under it', () => {
  it('sends one consistent version of it, and the lease is released afterwards (no 405 on the conditional DELETE)', async () => {
    const lease = await acquireLease(store, { key: 'registry.lock', op: 'register', timeoutMs: 5_000 });
    const file = changingFile('model.onnx', '', 'onnx-bytes-r3');
    const ref = await store.put('model.onnx', { file: file.path }).finally(() => file.stop());

    // The object is one version of the file (here the first: the bytes hashed are the bytes sent) …
    expect((await store.get(ref)).toString()).toBe(ref.size === 0 ? '' : 'onnx-bytes-r3');
    // … and the next request on the connection is read as itself: the lease's If-Match DELETE succeeds.
    await lease.release();
    expect(await store.exists('registry.lock')).toBe(false);
    expect(await store.list('')).toEqual(['model.onnx']);
  });

  it('aborts a streamed body that ends short of its Content-Length, and the connection is not reused', async () => {
    const server = inject('s3Endpoint');
    const client = new S3Client({
      endpoint: server.endpoint,
      region: server.region,
      forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
      maxAttempts: 1,
    });
    try {
      const path = join(dir, 'short.bin');
      await writeFile(path, 'x'.repeat(100));
      // The file was 105 bytes when it was measured and is 100 now.
      const body = exactFileBody(path, { length: 105 });
      const Key = `framing-${Date.now()}/short.bin`;
      const put = client.send(new PutObjectCommand({ Bucket: server.bucket, Key, Body: body.stream, ContentLength: 105 }), {
        abortSignal: body.signal,
      });
      await expect(put).rejects.toThrow();
      expect(body.failure()).toBeInstanceOf(FileChangedError);
      expect(body.failure()?.message).toContain('100 bytes read, 105 expected');
      // Nothing was written, and the next request on the same client is answered as itself.
      await expect(client.send(new HeadObjectCommand({ Bucket: server.bucket, Key }))).rejects.toMatchObject({ name: 'NotFound' });
    } finally {
      client.destroy();
    }
  });
});
