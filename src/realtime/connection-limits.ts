import { chargeConnect, ValkeyThrottlerStorage } from '../common/throttling';

/**
 * Open Socket.IO connections per client IP, in this process (LIVE_MAX_CONNECTIONS_PER_IP is
 * per api instance). Every connection is counted from its handshake until it closes; one that
 * takes its address over the limit is still counted until it closes, so the count is exact
 * however many handshakes race.
 */
export class ConnectionsPerIp {
  private readonly open = new Map<string, number>();

  /** @param max connections one IP may hold; 0 means no limit */
  constructor(readonly max: number) {}

  /** Counts a new connection from `ip`; false when it takes the address over the limit. */
  add(ip: string): boolean {
    const n = (this.open.get(ip) ?? 0) + 1;
    this.open.set(ip, n);
    return this.max <= 0 || n <= this.max;
  }

  /** Forgets a closed connection of `ip`. */
  remove(ip: string): void {
    const n = (this.open.get(ip) ?? 0) - 1;
    if (n > 0) this.open.set(ip, n);
    else this.open.delete(ip);
  }

  count(ip: string): number {
    return this.open.get(ip) ?? 0;
  }
}

/**
 * The per-IP read budget (RATE_LIMIT_READ_PER_IP, the counter HTTP reads use) as /live charges
 * it: connects and subscribes. The windows are fixed seconds, and a refused request is not
 * counted, so once Valkey has refused an address in a window every later request of that
 * window would be refused too: this remembers that and refuses them without a Valkey call,
 * which keeps a flood of refused messages off Valkey.
 */
export class IpReadBudget {
  private window = -1;
  private readonly spent = new Set<string>();

  constructor(
    private readonly storage: ValkeyThrottlerStorage,
    readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether `ip`'s budget for this second is known to be spent (no Valkey call). */
  spentNow(ip: string): boolean {
    if (this.limit <= 0) return false;
    this.currentWindow();
    return this.spent.has(ip);
  }

  /** Charges one read to `ip`; false when its budget for this second is spent. */
  async charge(ip: string): Promise<boolean> {
    if (this.limit <= 0) return true;
    const window = this.currentWindow();
    if (this.spent.has(ip)) return false;
    const ok = await chargeConnect(this.storage, this.limit, ip);
    if (!ok && this.currentWindow() === window) this.spent.add(ip);
    return ok;
  }

  private currentWindow(): number {
    const window = Math.floor(this.now() / 1000);
    if (window !== this.window) {
      this.window = window;
      this.spent.clear();
    }
    return window;
  }
}
