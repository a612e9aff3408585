import { DEFAULT_RETRY, parseRetryAfter, retryDelay } from '../src/retry';

describe('retry policy', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });

  it('backs off exponentially with jitter, up to the ceiling, then stops', () => {
    const policy = { ...DEFAULT_RETRY, retries: 6, minDelayMs: 100, maxDelayMs: 1000 };
    const low = (n: number) => retryDelay(policy, n, null, () => 0);
    const high = (n: number) => retryDelay(policy, n, null, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(low)).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5, 6].map(high)).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(retryDelay(policy, 7, null, () => 0.5)).toBeNull();
  });

  it("follows the server's Retry-After, but not beyond maxRetryAfterMs", () => {
    const policy = { ...DEFAULT_RETRY, maxRetryAfterMs: 5000 };
    expect(retryDelay(policy, 1, 1000)).toBe(1000);
    expect(retryDelay(policy, 1, 30_000)).toBeNull();
    expect(retryDelay({ ...policy, retries: 0 }, 1, 1000)).toBeNull();
  });
});
