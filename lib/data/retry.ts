export interface RetryOptions {
  /** Total attempts including the first (default 5). */
  attempts?: number;
  /** Delay before the first retry; doubles each time (default 1000 ms). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /**
   * A delay the server asked for (HTTP Retry-After), in ms. It replaces the backoff when longer,
   * capped at maxDelayMs: retrying a rate limit sooner than asked only extends it.
   */
  retryAfterMs?: (err: unknown) => number | undefined;
  /** Injected in tests so backoff does not cost wall time. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Run `fn`, retrying errors `isRetryable` accepts with exponential backoff and full jitter
 * (random delay up to the exponential cap), which spreads out clients hitting a rate limit together.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  isRetryable: (err: unknown) => boolean,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 1000;
  const max = options.maxDelayMs ?? 30_000;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= attempts || !isRetryable(err)) throw err;
      const cap = Math.min(max, base * 2 ** (attempt - 1));
      const backoff = cap / 2 + (Math.random() * cap) / 2;
      await sleep(Math.max(backoff, Math.min(max, options.retryAfterMs?.(err) ?? 0)));
    }
  }
}
