import { connect, constants, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';

/** A gRPC status other than OK, with the server's message. */
export class GrpcStatusError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'GrpcStatusError';
  }
}

export interface GrpcChannel {
  /** One unary call: `path` is /package.Service/Method, `request` the encoded message. */
  call(path: string, request: Uint8Array): Promise<Uint8Array>;
  close(): void;
}

/**
 * Unary gRPC calls over HTTP/2 without TLS, through node:http2 (the gRPC wire protocol: a 5-byte
 * frame prefix per message, the status in the trailers). For the CLI's reads of finished runs
 * (./completedRun.ts), which would otherwise load the SDK's client and its protobuf tables first.
 */
export function openGrpcChannel(address: string, { timeoutMs }: { timeoutMs: number }): GrpcChannel {
  const session: ClientHttp2Session = connect(`http://${address}`);
  let sessionError: Error | undefined;
  session.on('error', (err: Error) => {
    sessionError = err;
  });
  return {
    call: (path, request) =>
      new Promise<Uint8Array>((resolve, reject) => {
        if (sessionError) return reject(sessionError);
        const framed = Buffer.alloc(5 + request.length);
        framed.writeUInt32BE(request.length, 1);
        framed.set(request, 5);
        const stream = session.request({
          [constants.HTTP2_HEADER_METHOD]: 'POST',
          [constants.HTTP2_HEADER_PATH]: path,
          [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
          te: 'trailers',
          'grpc-timeout': `${timeoutMs}m`,
        });
        const timer = setTimeout(() => stream.close(constants.NGHTTP2_CANCEL), timeoutMs);
        const chunks: Buffer[] = [];
        let status: string | undefined;
        let message = '';
        const readStatus = (headers: IncomingHttpHeaders) => {
          const code = headers['grpc-status'];
          const text = headers['grpc-message'];
          if (typeof code === 'string') status = code;
          if (typeof text === 'string') message = decodeURIComponent(text);
        };
        stream.on('response', readStatus); // a trailers-only response carries the status here
        stream.on('trailers', readStatus);
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', (err: Error) => {
          clearTimeout(timer);
          reject(err);
        });
        stream.on('close', () => {
          clearTimeout(timer);
          if (status === undefined) return reject(sessionError ?? new Error(`gRPC ${path}: the stream closed without a status`));
          if (status !== '0') return reject(new GrpcStatusError(Number(status), message));
          const body = Buffer.concat(chunks);
          if (body.length < 5 || body[0] !== 0) return reject(new Error(`gRPC ${path}: expected one uncompressed message`));
          resolve(body.subarray(5, 5 + body.readUInt32BE(1)));
        });
        stream.end(framed);
      }),
    close: () => session.close(),
  };
}
