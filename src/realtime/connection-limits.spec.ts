import type { ValkeyThrottlerStorage } from '../common/throttling';
import { ConnectionsPerIp, IpReadBudget } from './connection-limits';

describe('ConnectionsPerIp', () => {
  it('counts open connections per address and says when one takes it over the limit', () => {
    const open = new ConnectionsPerIp(2);
    expect(open.add('a')).toBe(true);
    expect(open.add('a')).toBe(true);
    expect(open.add('a')).toBe(false); // counted until it closes
    expect(open.add('b')).toBe(true);
    open.remove('a');
    expect(open.add('a')).toBe(false); // 2 still open + this one
    open.remove('a');
    open.remove('a');
    expect(open.count('a')).toBe(1);
    expect(open.add('a')).toBe(true);
    open.remove('a');
    open.remove('a');
    expect(open.count('a')).toBe(0);
  });

  it('has no limit at 0', () => {
    const open = new ConnectionsPerIp(0);
    for (let i = 0; i < 1000; i++) expect(open.add('a')).toBe(true);
  });
});

describe('IpReadBudget', () => {
  /** A throttler storage that allows `limit` hits per address and counts the calls. */
  function storage(limit: number) {
    const hits = new Map<string, number>();
    let calls = 0;
    const fake = {
      increment: (key: string) => {
        calls++;
        const n = (hits.get(key) ?? 0) + 1;
        const blocked = n > limit;
        if (!blocked) hits.set(key, n);
        return Promise.resolve({
          totalHits: n,
          timeToExpire: 1,
          isBlocked: blocked,
          timeToBlockExpire: 1,
        });
      },
    };
    return {
      storage: fake as unknown as ValkeyThrottlerStorage,
      calls: () => calls,
      newWindow: () => hits.clear(),
    };
  }

  it('remembers a refused address for the rest of the second, without asking again', async () => {
    let now = 5_000;
    const s = storage(2);
    const budget = new IpReadBudget(s.storage, 2, () => now);
    expect(await budget.charge('a')).toBe(true);
    expect(await budget.charge('a')).toBe(true);
    expect(budget.spentNow('a')).toBe(false);
    expect(await budget.charge('a')).toBe(false);
    expect(s.calls()).toBe(3);
    expect(budget.spentNow('a')).toBe(true);
    expect(await budget.charge('a')).toBe(false);
    expect(s.calls()).toBe(3); // answered from memory
    expect(await budget.charge('b')).toBe(true); // another address
    now += 1_000; // the next window
    s.newWindow();
    expect(budget.spentNow('a')).toBe(false);
    expect(await budget.charge('a')).toBe(true);
  });

  it('charges nothing when the limit is off', async () => {
    const s = storage(0);
    const budget = new IpReadBudget(s.storage, 0);
    expect(await budget.charge('a')).toBe(true);
    expect(budget.spentNow('a')).toBe(false);
    expect(s.calls()).toBe(0);
  });
});
