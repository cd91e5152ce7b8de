import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exactFileBody, FileChangedError } from '../../../lib/store/fileBody';
import { sha256 } from '../../../lib/util/hash';

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-body-'));
  file = join(dir, 'model.bin');
  await writeFile(file, 'abcdefghij');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The text a body stream yields, or 'unended' if it does not end within `ms`. */
async function drain(stream: NodeJS.ReadableStream, ms = 200): Promise<string> {
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return Promise.race([
    new Promise<string>((resolve) => stream.on('end', () => resolve(text))),
    new Promise<string>((resolve) => setTimeout(() => resolve('unended'), ms)),
  ]);
}

describe('a file as a request body of an exact length', () => {
  it('is the measured bytes when the file is unchanged, and hashes into a running hash', async () => {
    const hash = createHash('sha256');
    const body = exactFileBody(file, { start: 2, length: 5, hash });
    expect(await drain(body.stream)).toBe('cdefg');
    expect(body.signal.aborted).toBe(false);
    expect(hash.digest('hex')).toBe(sha256('cdefg'));
  });

  it('stops at the measured length when the file grew (no surplus bytes after the request)', async () => {
    const body = exactFileBody(file, { length: 4, sha256: sha256('abcd') });
    expect(await drain(body.stream)).toBe('abcd');
    expect(body.failure()).toBeUndefined();
  });

  it('aborts, without ending the body, when the file is shorter than measured', async () => {
    const body = exactFileBody(file, { length: 12 });
    expect(await drain(body.stream)).toBe('unended');
    expect(body.signal.aborted).toBe(true);
    expect(body.failure()).toBeInstanceOf(FileChangedError);
    expect(body.failure()?.message).toBe(`${file}: changed size (10 bytes read, 12 expected) while it was being uploaded`);
  });

  it('aborts when the bytes no longer hash to the digest the request carries', async () => {
    const body = exactFileBody(file, { length: 10, sha256: sha256('0123456789') });
    expect(await drain(body.stream)).toBe('unended');
    expect(body.failure()?.message).toBe(`${file}: changed while it was being uploaded`);
  });

  it('aborts when the file cannot be read', async () => {
    const body = exactFileBody(join(dir, 'gone.bin'), { length: 3 });
    expect(await drain(body.stream)).toBe('unended');
    expect(body.failure()?.message).toMatch(/could not be read \(ENOENT/);
  });
});
