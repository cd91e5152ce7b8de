import nodemailer from 'nodemailer';
import { scrubUrl } from './scrub';
import type { EmailTarget, Notification } from './types';

export class EmailDeliveryError extends Error {
  constructor(detail: string) {
    super(`email delivery failed: ${detail}`);
    this.name = 'EmailDeliveryError';
  }
}

/** Subject and plain-text body: the title, the text, then one `field: value` line each. */
export function emailContent(n: Notification): { subject: string; text: string } {
  const lines = Object.entries(n.fields)
    .filter(([, v]) => v !== null && v !== '')
    .map(([k, v]) => `${k}: ${v}`);
  return {
    subject: `[trainctl] ${n.title} (${n.modelName})`,
    text: `${n.text}\n\n${lines.join('\n')}\n\n— trainctl, run ${n.pipelineId}\n`,
  };
}

/** One message over SMTP (nodemailer); the server's refusal becomes an EmailDeliveryError (retried by the activity). */
export async function sendEmail(n: Notification, target: EmailTarget, options: { timeoutMs?: number } = {}): Promise<void> {
  const timeout = options.timeoutMs ?? 10_000;
  const transport = nodemailer.createTransport({
    url: target.smtpUrl,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  try {
    await transport.sendMail({ from: target.from, to: target.to, ...emailContent(n) });
  } catch (err) {
    // The URL may carry a password: report the server's answer only.
    throw new EmailDeliveryError(scrubUrl((err as Error).message, target.smtpUrl));
  } finally {
    transport.close();
  }
}
