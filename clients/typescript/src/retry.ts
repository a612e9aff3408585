/** How the client retries a request that may succeed when sent again. */
export interface RetryPolicy {
  /** Attempts after the first (default 4; 0 = never retry). */
  retries: number;
  /** First backoff ceiling in ms, doubled per attempt, with jitter (default 200). */
  minDelayMs: number;
  /** Largest backoff in ms (default 5 000). */
  maxDelayMs: number;
  /**
   * Longest `Retry-After` the client waits for, in ms (default 10 000); a longer one ends the
   * retries and the error is thrown (e.g. a 429 with a long window).
   */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 4,
  minDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 10_000,
};

/**
 * Statuses worth sending again: timeouts, rate limits and transient server or proxy errors.
 * A 503 `outcome-unknown` may have been applied; the retry carries the same Idempotency-Key,
 * so the server replays the first result instead of applying it twice. 507 (store full) is
 * not retried: its Retry-After is 30 s and memory only comes back slowly.
 */
export const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** `Retry-After` in ms (delta-seconds or an HTTP date), or null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * The wait before retry number `attempt` (1-based): the server's Retry-After when it sent one,
 * otherwise exponential backoff with jitter (half fixed, half random, so clients that failed
 * together spread out without retrying at once). Null: do not retry.
 */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number | null {
  if (attempt > policy.retries) return null;
  if (retryAfterMs !== null) return retryAfterMs > policy.maxRetryAfterMs ? null : retryAfterMs;
  const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** Resolves after `ms`, or rejects at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
