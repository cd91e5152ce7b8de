/**
 * Credentials a log line must never carry, taken from the environment the process runs with:
 * every value of a credential variable, and for URLs also the parts that are the credential on
 * their own (user name and password, path and query: a Slack webhook's token is its path).
 */
export const SECRET_ENV_NAMES = [
  'TRAINCTL_SLACK_WEBHOOK_URL',
  'TRAINCTL_WEBHOOK_URL',
  'TRAINCTL_SMTP_URL',
  'TRAINCTL_DRIFT_SLACK_WEBHOOK_URL',
  'TRAINCTL_DRIFT_WEBHOOK_URL',
  'TRAINCTL_PERFORMANCE_SLACK_WEBHOOK_URL',
  'TRAINCTL_PERFORMANCE_WEBHOOK_URL',
  'MLFLOW_TRACKING_URI',
  'MLFLOW_TRACKING_TOKEN',
  'MLFLOW_TRACKING_PASSWORD',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
] as const;

/** Fragments shorter than this are not treated as secrets (they would redact ordinary words). */
const MIN_FRAGMENT = 6;

export function secretFragments(env: Record<string, string | undefined>): string[] {
  const out = new Set<string>();
  for (const name of SECRET_ENV_NAMES) {
    const value = env[name]?.trim();
    if (!value) continue;
    out.add(value);
    try {
      const u = new URL(value);
      for (const part of [u.username, u.password, decodeURIComponent(u.password), `${u.pathname}${u.search}`, u.search.slice(1)])
        if (part.length >= MIN_FRAGMENT && part !== '/') out.add(part);
    } catch {
      // Not a URL (a key or token): the whole value is the secret.
    }
  }
  return [...out].filter((s) => s.length >= MIN_FRAGMENT).sort((a, b) => b.length - a.length);
}

/** `text` with every fragment replaced, longest first. */
export function redactText(text: string, fragments: readonly string[]): string {
  let out = text;
  for (const f of fragments) if (out.includes(f)) out = out.split(f).join('…(redacted)');
  return out;
}
