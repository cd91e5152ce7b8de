import { describe, expect, it } from 'vitest';
import { buildNotification, routeOf, targetsFor } from '../../../lib/notify';

describe('notification content', () => {
  it('a skipped scheduled run says why', () => {
    const n = buildNotification({
      event: 'skipped',
      pipelineId: 'train-m',
      modelName: 'm',
      status: { outcome: 'skipped', reason: 'only 2 new trading days since v1.0.0 (need 5)' },
    });
    expect(n.title).toBe('Scheduled run skipped');
    expect(n.text).toBe('train-m did not train: only 2 new trading days since v1.0.0 (need 5)');
  });

  it('an over-budget run shows the time used and the budget', () => {
    const n = buildNotification({
      event: 'budget_exceeded',
      pipelineId: 'r',
      modelName: 'm',
      status: { budget: { limit: '30m', elapsedMs: 40 * 60_000, overrun: true } },
    });
    expect(n.text).toContain('40.0 min, over its budget of 30m');
    expect(n.fields.budget).toBe('40.0 min of 30m (EXCEEDED)');
  });

  it('without intervals (before the compare stage) the bare estimates are shown', () => {
    const n = buildNotification({
      event: 'failed',
      pipelineId: 'r',
      modelName: 'm',
      status: {
        candidate: {
          metrics: { accuracy: 0.61234, baselineAccuracy: 0.5, precision: 0.6, recall: 0.5, f1: 0.55 },
          trading: { sharpe: 1.23456 },
        },
      },
    });
    expect(n.fields).toMatchObject({ accuracy: 0.6123, precision: 0.6, recall: 0.5, f1: 0.55, sharpe: 1.2346 });
    expect(n.title).toBe('Training run failed');
  });
});

describe('alert routes', () => {
  it('drift and performance events have their own routes', () => {
    expect(routeOf('drift_warning')).toBe('drift');
    expect(routeOf('budget_exceeded')).toBe('performance');
    expect(routeOf('performance_drop')).toBe('performance');
    expect(routeOf('rejected', { validationFailed: true })).toBe('performance');
    expect(routeOf('rejected')).toBe('default');
    expect(routeOf('promoted')).toBe('default');
  });

  it('a route without targets of its own falls back to the default targets', () => {
    const env = { TRAINCTL_SLACK_WEBHOOK_URL: 'https://hooks.example/a', TRAINCTL_PERFORMANCE_WEBHOOK_URL: 'https://perf.example/b' };
    expect(targetsFor('drift', env)).toEqual({ slackUrl: 'https://hooks.example/a' });
    expect(targetsFor('performance', env)).toEqual({ jsonUrl: 'https://perf.example/b' });
  });

  it('e-mail needs an SMTP server and at least one address', () => {
    expect(targetsFor('default', { TRAINCTL_EMAIL_TO: 'a@example.test' })).toEqual({});
    expect(targetsFor('default', { TRAINCTL_SMTP_URL: 'smtp://127.0.0.1:25', TRAINCTL_EMAIL_TO: 'a@example.test' })).toEqual({
      email: { smtpUrl: 'smtp://127.0.0.1:25', from: 'trainctl@localhost', to: ['a@example.test'] },
    });
  });
});
