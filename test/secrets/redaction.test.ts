import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/load';
import { createLogger, secretFragments } from '../../lib/log';
import { postWebhook, sendEmail } from '../../lib/notify';
import type { Notification } from '../../lib/notify/types';

/** Issue 16, item 10, piece by piece: each path a credential could take into an error or a log line. */

const SECRET = 'xK9-redaction-s3cret-token';
let echo: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  // Answers 500 and quotes the request line back, as many error pages do.
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(500).end(`no handler for POST ${req.url}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  echo = { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
});
afterAll(async () => echo?.close());

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a failure');
}

const note = { title: 't', text: 'x', fields: {}, modelName: 'm', pipelineId: 'p' } as unknown as Notification;

describe('credentials in errors and logs', () => {
  it.each([
    ['a server echoing the token path', () => `${echo.url}/services/T0/B0/${SECRET}`],
    ['a token in the query', () => `${echo.url}/hook?token=${SECRET}`],
    ['user:password in the URL (fetch refuses it, quoting the URL)', () => `http://user:${SECRET}@127.0.0.1:9/hook`],
    ['not a URL at all', () => `hooks.example.com/${SECRET}`],
  ])('webhook delivery error: %s', async (_name, url) => {
    const message = await errorOf(postWebhook({ target: 'slack', url: url(), body: {}, timeoutMs: 5000 }));
    expect(message).toMatch(/slack webhook delivery failed/);
    expect(message).not.toContain(SECRET);
  });

  it('email delivery error with the SMTP password in the URL', async () => {
    const target = { smtpUrl: `smtp://trainctl:${SECRET}@127.0.0.1:9`, from: 'a@example.com', to: ['b@example.com'] };
    const message = await errorOf(sendEmail(note, target, { timeoutMs: 3000 }));
    expect(message).toMatch(/email delivery failed/);
    expect(message).not.toContain(SECRET);
  });

  it('log lines lose the credentials of the environment, wherever they sit in the line', () => {
    const logsDir = mkdtempSync(join(tmpdir(), 'redaction-log-'));
    const env = {
      TRAINCTL_SLACK_WEBHOOK_URL: `https://hooks.slack.com/services/T0/B0/${SECRET}`,
      MLFLOW_TRACKING_URI: `https://ml:${SECRET}2@mlflow.example.com/`,
      AWS_SECRET_ACCESS_KEY: `${SECRET}3`,
    };
    const logger = createLogger({ level: 'silent', logsDir, redact: secretFragments(env) });
    logger.warn(
      {
        error: `MLflow at ${env.MLFLOW_TRACKING_URI}api/2.0/runs is unreachable`,
        key: env.AWS_SECRET_ACCESS_KEY,
        login: `ml:${SECRET}2 refused`,
      },
      `posting to ${env.TRAINCTL_SLACK_WEBHOOK_URL}`,
    );
    logger.flush();
    const text = readFileSync(join(logsDir, 'training.log'), 'utf8');
    const line = JSON.parse(text) as { message: string; error: string; key: string; login: string };
    expect(line.message).toBe('posting to …(redacted)');
    expect(line.error).toBe('MLflow at …(redacted)api/2.0/runs is unreachable');
    // The password alone, outside its URL, goes too.
    expect(line.login).toBe('ml:…(redacted) refused');
    expect(line.key).toBe('…(redacted)');
    expect(text).not.toContain(SECRET);
  });

  it('config errors name a malformed credential setting without its value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'redaction-config-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ mlflow: { trackingUri: `ftp://u:${SECRET}@mlflow.example.com/` } }));
    let message = '';
    try {
      loadConfig({ configPath: file, env: {} });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/mlflow\.trackingUri = "ftp:\/\/mlflow\.example\.com\/…\(redacted\)"/);
    expect(message).not.toContain(SECRET);
  });
});
