import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, redact } from '../../../lib/config/load';
import { targetsFor } from '../../../lib/notify';

describe('notification targets in trainctl.config.json', () => {
  it('e-mail and the drift/performance routes map onto the variables the worker reads; secrets are redacted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'notify-config-'));
    writeFileSync(
      join(dir, 'trainctl.config.json'),
      JSON.stringify({
        notifications: {
          smtpUrl: 'smtp://bot:s3cret@mail.example.test:587',
          emailFrom: 'trainctl@example.test',
          emailTo: ['ml@example.test', 'ops@example.test'],
          drift: { emailTo: 'data@example.test' },
          performance: { webhookUrl: 'https://alerts.example.test/perf' },
        },
      }),
    );
    const loaded = loadConfig({ cwd: dir, env: {} });
    expect(loaded.serviceEnv).toMatchObject({
      TRAINCTL_SMTP_URL: 'smtp://bot:s3cret@mail.example.test:587',
      TRAINCTL_EMAIL_TO: 'ml@example.test,ops@example.test',
      TRAINCTL_DRIFT_EMAIL_TO: 'data@example.test',
      TRAINCTL_PERFORMANCE_WEBHOOK_URL: 'https://alerts.example.test/perf',
    });
    expect(targetsFor('drift', loaded.serviceEnv).email?.to).toEqual(['data@example.test']);
    expect(targetsFor('default', loaded.serviceEnv).email).toEqual({
      smtpUrl: 'smtp://bot:s3cret@mail.example.test:587',
      from: 'trainctl@example.test',
      to: ['ml@example.test', 'ops@example.test'],
    });
    expect(targetsFor('performance', loaded.serviceEnv)).toEqual({ jsonUrl: 'https://alerts.example.test/perf' });
    expect(redact('notifications.smtpUrl', 'smtp://bot:s3cret@mail.example.test:587')).toBe('smtp://mail.example.test:587/…(redacted)');
  });

  it('an SMTP URL that is not smtp(s) is a configuration error naming the key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'notify-config-'));
    writeFileSync(join(dir, 'trainctl.config.json'), JSON.stringify({ notifications: { smtpUrl: 'http://mail.example.test' } }));
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrow(/notifications\.smtpUrl.*expected an smtp:\/\/ or smtps:\/\/ URL/);
  });
});
