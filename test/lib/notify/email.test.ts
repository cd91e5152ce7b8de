import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNotification, deliver, EmailDeliveryError, sendEmail, targetsFor } from '../../../lib/notify';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhookReceiver';

interface Received {
  from: string;
  to: string[];
  data: string;
}

/** A real SMTP server on loopback that keeps every message; rejects mail to `reject@…`. */
async function startSmtp(): Promise<{ url: string; messages: Received[]; close: () => Promise<void> }> {
  const messages: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, cb) {
      cb(address.address.startsWith('reject@') ? Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }) : undefined);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  return { url: `smtp://127.0.0.1:${port}`, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The message as a person reads it: headers unfolded, quoted-printable undone. */
function readable(data: string): string {
  const unfolded = data.replace(/\r?\n[ \t]+/g, ' ').replace(/=\r?\n/g, '');
  return Buffer.from(
    unfolded.replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8');
}

const interval = (estimate: number) => ({ estimate, low: estimate - 0.03, high: estimate + 0.03, level: 0.95 });
const status = {
  outcome: 'awaiting_approval',
  candidateVersion: 'v1.2.0',
  decision: 'REJECT',
  candidate: { metrics: { accuracy: 0.58, baselineAccuracy: 0.52, precision: 0.57, recall: 0.61, f1: 0.59 }, trading: { sharpe: 0.8 } },
  evidence: {
    level: 0.95,
    candidate: {
      accuracy: interval(0.58),
      precision: interval(0.57),
      recall: interval(0.61),
      f1: interval(0.59),
      sharpe: { estimate: 0.8, low: -0.2, high: 1.7, level: 0.95 },
    },
  },
  report: { html: '/srv/reports/v1.2.0/model_comparison.html', markdown: '/srv/reports/v1.2.0/model_comparison.md' },
  approval: { deadline: '2026-12-01T00:00:00.000Z' },
  forced: { note: 'FORCED (--force): failed accuracy but reaches the approval gate; not compared with production' },
};

describe('e-mail channel (SMTP on loopback)', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let hook: WebhookReceiver;
  beforeAll(async () => {
    smtp = await startSmtp();
    hook = await startWebhookReceiver();
  });
  afterAll(async () => {
    await smtp.close();
    await hook.close();
  });

  it('sends the approval request with FORCED, metrics with intervals and the report link', async () => {
    const n = buildNotification({ event: 'awaiting_approval', pipelineId: 'train-x', modelName: 'direction-classifier', status });
    await sendEmail(n, { smtpUrl: smtp.url, from: 'trainctl@example.test', to: ['ml-team@example.test'] });
    const m = { ...smtp.messages.at(-1)!, data: readable(smtp.messages.at(-1)!.data) };
    expect(m.from).toBe('trainctl@example.test');
    expect(m.to).toEqual(['ml-team@example.test']);
    expect(m.data).toMatch(/^Subject: \[trainctl\] FORCED: Candidate awaiting approval \(direction-classifier\)$/m);
    expect(m.data).toContain('forced: FORCED (--force): failed accuracy but reaches the approval gate');
    expect(m.data).toContain('accuracy: 0.580 [0.550, 0.610]');
    expect(m.data).toContain('precision: 0.570 [0.540, 0.600]');
    expect(m.data).toContain('recall: 0.610');
    expect(m.data).toContain('f1: 0.590');
    expect(m.data).toContain('sharpe: 0.80 [-0.20, 1.70]');
    expect(m.data).toContain('report: /srv/reports/v1.2.0/model_comparison.html');
    expect(m.data).toContain('npx trainctl approve train-x');
  });

  it('a refused recipient is an EmailDeliveryError without the URL', async () => {
    const n = buildNotification({ event: 'promoted', pipelineId: 'r', modelName: 'm' });
    const err = await sendEmail(n, {
      smtpUrl: smtp.url.replace('smtp://', 'smtp://user:s3cret@'),
      from: 'a@example.test',
      to: ['reject@example.test'],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmailDeliveryError);
    expect(String((err as Error).message)).not.toContain('s3cret');
  });

  it('drift alerts go to their own address; the default channels do not get them', async () => {
    const env = {
      TRAINCTL_WEBHOOK_URL: hook.url,
      TRAINCTL_SMTP_URL: smtp.url,
      TRAINCTL_EMAIL_TO: 'team@example.test',
      TRAINCTL_DRIFT_EMAIL_TO: 'data-owners@example.test, oncall@example.test',
    };
    const before = hook.received.length;
    const n = buildNotification({ event: 'drift_critical', pipelineId: 'drift-1', modelName: 'm', text: 'max PSI 0.4' });
    const delivered = await deliver(n, targetsFor('drift', env));
    expect(delivered).toEqual(['email']);
    expect(smtp.messages.at(-1)!.to).toEqual(['data-owners@example.test', 'oncall@example.test']);
    expect(hook.received.length).toBe(before);

    // A run notification still goes to every default channel.
    const started = await deliver(buildNotification({ event: 'started', pipelineId: 'r2', modelName: 'm' }), targetsFor('default', env));
    expect(started).toEqual(['json', 'email']);
    expect(smtp.messages.at(-1)!.to).toEqual(['team@example.test']);
    expect((hook.received.at(-1)!.body as { event: string }).event).toBe('started');
  });

  it('a retry skips the channels an earlier attempt delivered', async () => {
    const count = smtp.messages.length;
    const env = { TRAINCTL_SMTP_URL: smtp.url, TRAINCTL_EMAIL_TO: 'team@example.test', TRAINCTL_WEBHOOK_URL: hook.url };
    const delivered = await deliver(buildNotification({ event: 'skipped', pipelineId: 'r3', modelName: 'm' }), targetsFor('default', env), {
      skip: ['email'],
    });
    expect(delivered).toEqual(['email', 'json']);
    expect(smtp.messages.length).toBe(count);
  });
});
