import { createServer, type Server } from 'node:http';
import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, Next } from '@temporalio/worker';
import { PipelineMetrics } from '../lib/metrics/pipelineMetrics';
import { ConfigError } from '../lib/util/errors';

/** Times every activity and hands its input and result to the pipeline metrics. */
export function meteringInterceptor(metrics: PipelineMetrics): ActivityInterceptorsFactory {
  return (ctx: Context) => ({ inbound: new MeteringInbound(ctx, metrics) });
}

class MeteringInbound implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: Context,
    private readonly metrics: PipelineMetrics,
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const started = performance.now();
    const observe = (ok: boolean, result?: unknown) => {
      try {
        this.metrics.observe({
          type: this.ctx.info.activityType,
          seconds: (performance.now() - started) / 1000,
          ok,
          input: input.args[0],
          result,
        });
      } catch {
        // Metrics never change an activity's outcome.
      }
    };
    try {
      const result = await next(input);
      observe(true, result);
      return result;
    } catch (err) {
      observe(false);
      throw err;
    }
  }
}

export interface MetricsEndpoint {
  url: string;
  close(): Promise<void>;
}

/**
 * GET /metrics on `port`: the Temporal SDK's own metrics (its Prometheus exporter, bound to a
 * loopback port of its own: `sdkAddress`) followed by the pipeline metrics, in one scrape.
 */
export async function serveMetrics(o: {
  host: string;
  port: number;
  metrics: PipelineMetrics;
  sdkAddress?: string;
}): Promise<MetricsEndpoint> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('try GET /metrics\n');
      return;
    }
    void (async () => {
      let sdk = '';
      if (o.sdkAddress) {
        try {
          const r = await fetch(`http://${o.sdkAddress}/metrics`, { signal: AbortSignal.timeout(2000) });
          sdk = r.ok ? await r.text() : `# Temporal SDK metrics unavailable: HTTP ${r.status}\n`;
        } catch (err) {
          sdk = `# Temporal SDK metrics unavailable: ${(err as Error).message}\n`;
        }
      }
      const own = await o.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': o.metrics.registry.contentType }).end(`${sdk.trimEnd()}\n${own}`);
    })().catch((err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(err as Error).message}\n`));
  });
  await new Promise<void>((done, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      fail(
        new ConfigError(
          `metrics port ${o.host}:${o.port} is not available (${err.code ?? err.message}); choose another with TRAINCTL_METRICS_PORT`,
        ),
      ),
    );
    server.listen(o.port, o.host, () => done());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://${o.host}:${port}/metrics`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

export { PipelineMetrics };
