import type { EmailTarget, NotificationEvent, NotificationTargets } from './types';

/**
 * Alerts a team may want elsewhere than the run notifications: drift to the people who own the
 * data, performance (a candidate rejected by its criteria, a run over its time budget) to the
 * people who own the model. A route with no target of its own falls back to the default targets.
 */
export type AlertRoute = 'default' | 'drift' | 'performance';

export function routeOf(event: NotificationEvent, detail: { validationFailed?: boolean } = {}): AlertRoute {
  if (event === 'drift_warning' || event === 'drift_critical') return 'drift';
  if (event === 'performance_drop' || event === 'budget_exceeded' || (event === 'rejected' && detail.validationFailed))
    return 'performance';
  return 'default';
}

const PREFIX: Record<AlertRoute, string> = { default: 'TRAINCTL_', drift: 'TRAINCTL_DRIFT_', performance: 'TRAINCTL_PERFORMANCE_' };

/**
 * Targets from the environment (the config file's notifications section maps onto the same
 * variables): TRAINCTL_SLACK_WEBHOOK_URL, TRAINCTL_WEBHOOK_URL, TRAINCTL_SMTP_URL with
 * TRAINCTL_EMAIL_FROM and TRAINCTL_EMAIL_TO; the drift and performance routes read the same names
 * with DRIFT_ / PERFORMANCE_ after TRAINCTL_ (SMTP server and sender are shared).
 */
export function targetsFor(route: AlertRoute, env: Record<string, string | undefined>): NotificationTargets {
  if (route !== 'default') {
    const own = routeTargets(PREFIX[route], env);
    if (own.slackUrl || own.jsonUrl || own.email) return own;
  }
  return routeTargets(PREFIX.default, env);
}

function routeTargets(prefix: string, env: Record<string, string | undefined>): NotificationTargets {
  const out: NotificationTargets = {};
  const slack = env[`${prefix}SLACK_WEBHOOK_URL`];
  const json = env[`${prefix}WEBHOOK_URL`];
  if (slack) out.slackUrl = slack;
  if (json) out.jsonUrl = json;
  const email = emailTarget(env, env[`${prefix}EMAIL_TO`]);
  if (email) out.email = email;
  return out;
}

function emailTarget(env: Record<string, string | undefined>, toList: string | undefined): EmailTarget | undefined {
  const to = (toList ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (!env.TRAINCTL_SMTP_URL || to.length === 0) return undefined;
  return { smtpUrl: env.TRAINCTL_SMTP_URL, from: env.TRAINCTL_EMAIL_FROM || 'trainctl@localhost', to };
}
