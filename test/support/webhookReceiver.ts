import { createServer, type Server } from 'node:http';

export interface ReceivedRequest {
  path: string;
  body: unknown;
  at: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedRequest[];
  /** Requests answered with an error (before the receiver started accepting). */
  failedAttempts: number;
  close(): Promise<void>;
}

/** A real HTTP server on loopback that records JSON bodies; optionally fails the first N requests. */
export async function startWebhookReceiver(options: { failFirst?: number; status?: number } = {}): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const state = { failedAttempts: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (state.failedAttempts < (options.failFirst ?? 0)) {
        state.failedAttempts++;
        res.writeHead(options.status ?? 503, { 'content-type': 'text/plain' }).end('temporarily unavailable');
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ path: req.url ?? '/', body: text ? JSON.parse(text) : null, at: Date.now() });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    get failedAttempts() {
      return state.failedAttempts;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
