/** Token bucket of one client connection. */
interface Bucket {
  tokens: number;
  refilledAt: number;
}

/**
 * The flood budget: events (and namespace connects) a client connection may send per second on
 * average, and in one burst. Kept per underlying transport connection, not per namespace
 * socket, so disconnecting and reconnecting /live over the same transport does not start a
 * fresh budget. In-process only, like the connection it guards.
 */
export class ConnectionBudget {
  private readonly buckets = new WeakMap<object, Bucket>();

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Spends one token of `connection`'s budget; false when it has none left. */
  allow(connection: object): boolean {
    const now = this.now();
    let bucket = this.buckets.get(connection);
    if (!bucket) {
      bucket = { tokens: this.burst, refilledAt: now };
      this.buckets.set(connection, bucket);
    }
    bucket.tokens = Math.min(
      this.burst,
      bucket.tokens + ((now - bucket.refilledAt) / 1000) * this.ratePerSecond,
    );
    bucket.refilledAt = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
