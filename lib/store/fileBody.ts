import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';

/**
 * A request body must be exactly as long as its Content-Length. Node does not enforce that for a
 * streamed body: a file that grows between stat() and the read sends the surplus bytes after the
 * request, on a keep-alive connection that the next request then reuses, and the server reads
 * those bytes as the start of that request (SeaweedFS answered the lease's DELETE with 405
 * MethodNotAllowed for the method `onnx-bytes-r3DELETE`). A file that shrinks leaves the server
 * waiting for bytes that never come. So a file is streamed as exactly `size` bytes: the read stops
 * there, and a source that ends short, or whose bytes do not hash to the digest the request
 * carries, aborts the request (the connection is destroyed, never reused).
 */
export class FileChangedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileChangedError';
  }
}

export interface ExactBody {
  stream: Readable;
  /** Aborts the request when the file turns out to have changed; pass it to `client.send`. */
  signal: AbortSignal;
  /** The reason the request was aborted, if it was. */
  failure(): FileChangedError | undefined;
}

/**
 * Bytes `start`…`start + length − 1` of `path`. With `hash`, every byte read is added to it (a
 * multipart upload checks the whole file after its last part); with `sha256`, the range must hash
 * to it.
 */
export function exactFileBody(path: string, o: { start?: number; length: number; sha256?: string; hash?: Hash }): ExactBody {
  const controller = new AbortController();
  let failure: FileChangedError | undefined;
  const fail = (message: string): void => {
    failure ??= new FileChangedError(`${path}: ${message} while it was being uploaded`);
    controller.abort(failure);
  };
  const start = o.start ?? 0;
  const own = o.sha256 ? createHash('sha256') : undefined;
  let seen = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      own?.update(chunk);
      o.hash?.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      if (seen !== o.length) fail(`changed size (${seen} bytes read, ${o.length} expected)`);
      else if (own && own.digest('hex') !== o.sha256) fail('changed');
      // Held back on failure: the request is being aborted, and an ended body would let it finish.
      if (!failure) done();
    },
  });
  const source = o.length === 0 ? undefined : createReadStream(path, { start, end: start + o.length - 1 });
  if (source) {
    source.on('error', (err) => fail(`could not be read (${err.message})`));
    source.pipe(guard);
  } else guard.end();
  return { stream: guard, signal: controller.signal, failure: () => failure };
}
