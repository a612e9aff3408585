import { LimitSpec, RateLimitRepository } from '../../src/common/rate-limit.repository';
import { useRepositories } from '../support/repositories';

describe('RateLimitRepository (rate-limit against real Valkey)', () => {
  const f = useRepositories('rl');
  const limits = () => new RateLimitRepository(f.connections);
  let n = 0;
  /** A counter of its own for each test (a fresh API-key digest; the key carries the window). */
  const counter = (limit: number, cost = 1): LimitSpec =>
    limits().submitKeyCounter(String(++n).padStart(32, '0') + 'f'.repeat(32), limit, cost);

  it('allows no counters without a round trip', async () => {
    expect(await limits().check([])).toEqual({ ok: true, state: null });
  });

  it('counts down to the limit, then refuses', async () => {
    const spec = counter(3);
    for (const remaining of [2, 1, 0]) {
      expect(await limits().check([spec])).toEqual({ ok: true, state: { limit: 3, remaining } });
    }
    expect(await limits().check([spec])).toEqual({ ok: false, spec });
  });

  it('charges the cost, and a refused request charges nothing', async () => {
    const two = counter(3, 2);
    expect(await limits().check([two])).toEqual({ ok: true, state: { limit: 3, remaining: 1 } });
    expect(await limits().check([two])).toEqual({ ok: false, spec: two });
    expect(await limits().check([{ ...two, cost: 1 }])).toEqual({
      ok: true,
      state: { limit: 3, remaining: 0 },
    });
  });

  it('reports the tightest of several counters, and refuses by the first that is spent', async () => {
    const loose = counter(10);
    const tight = counter(1);
    expect(await limits().check([loose, tight])).toEqual({
      ok: true,
      state: { limit: 1, remaining: 0 },
    });
    expect(await limits().check([loose, tight])).toEqual({ ok: false, spec: tight });
    // Refused: neither counter was charged.
    expect(await limits().check([loose])).toEqual({ ok: true, state: { limit: 10, remaining: 8 } });
  });

  it('lets a counter expire two seconds after its first charge', async () => {
    const spec = counter(5);
    await limits().check([spec]);
    const ttl = await f.valkey.client.pttl(spec.key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2000);
  });

  it('keeps counters that are fields of one hash apart, charged in one go, expiring with it', async () => {
    const key = `{rl:test}:fields:${++n}`;
    const field = (f: string, limit: number, cost = 1): LimitSpec => ({
      name: `field ${f}`,
      key,
      field: f,
      limit,
      cost,
    });
    const plain = counter(100, 3);
    expect(await limits().check([field('a', 3, 2), plain, field('b', 1)])).toEqual({
      ok: true,
      state: { limit: 1, remaining: 0 },
    });
    expect(await f.valkey.client.hgetall(key)).toEqual({ a: '2', b: '1' });
    const ttl = await f.valkey.client.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2000);
    // 'b' is spent: refused naming it, nothing charged.
    expect(await limits().check([field('a', 3), field('b', 1)])).toEqual({
      ok: false,
      spec: field('b', 1),
    });
    expect(await limits().check([field('a', 3)])).toEqual({
      ok: true,
      state: { limit: 3, remaining: 0 },
    });
    // A field named twice adds up, each occurrence reporting the count after its own cost.
    expect(await limits().check([field('c', 5, 2), field('c', 5, 2)])).toEqual({
      ok: true,
      state: { limit: 5, remaining: 1 },
    });
    expect(await f.valkey.client.hget(key, 'c')).toBe('4');
    expect(await limits().peek([field('c', 5), plain])).toEqual({
      ok: true,
      state: { limit: 5, remaining: 1 },
    });
    expect(await limits().charge([field('c', 5, 3)])).toEqual({ limit: 5, remaining: 0 });
    expect(await f.valkey.client.hget(key, 'c')).toBe('7');
  });

  it('charges many counters (a batch: read and written per hash at once) as it charges a few', async () => {
    const key = `{rl:test}:many:${++n}`;
    const field = (f: string, limit: number, cost = 1): LimitSpec => ({
      name: `field ${f}`,
      key,
      field: f,
      limit,
      cost,
    });
    const plain = counter(1000, 12);
    const many = [plain, ...Array.from({ length: 10 }, (_, i) => field(`f${i}`, 5, 1 + (i % 3)))];
    many.push(field('f0', 5, 2)); // named twice: adds up
    expect(await limits().check(many)).toEqual({ ok: true, state: { limit: 5, remaining: 2 } });
    expect(await f.valkey.client.hgetall(key)).toEqual(
      Object.fromEntries(
        Array.from({ length: 10 }, (_, i) => [`f${i}`, String((i === 0 ? 2 : 0) + 1 + (i % 3))]),
      ),
    );
    const ttl = await f.valkey.client.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2000);
    const ones = many.map((s) => ({ ...s, cost: 1 }));
    expect(await limits().peek(ones)).toEqual({ ok: true, state: { limit: 5, remaining: 2 } });
    // f2 holds 3 of 5: a cost of 3 more is refused, naming it, and nothing is charged.
    const again = many.map((s) => (s.field === 'f2' ? { ...s, cost: 3 } : s));
    expect(await limits().check(again)).toEqual({ ok: false, spec: again[3] });
    expect(await f.valkey.client.hget(key, 'f1')).toBe('2');
    expect(await limits().charge(many)).toEqual({ limit: 5, remaining: 0 }); // 6 of 5: over
    expect(await f.valkey.client.hget(key, 'f0')).toBe('6');
    expect(await f.valkey.client.get(plain.key)).toBe('24');
  });

  it('names one counter per window: per IP, per API key, per player in the board slot', () => {
    const before = Date.now();
    const ip = limits().throttleCounter('default', '1.2.3.4', 100, 1000);
    const other = limits().throttleCounter('burst', '1.2.3.4', 10, 60_000);
    const key = limits().submitKeyCounter('f'.repeat(64), 300, 4);
    const players = limits().playerCounters('arena', ['a', 'b', 'a'], 5);
    const after = Date.now();
    const windowOf = (k: string) => Number(k.slice(k.lastIndexOf(':') + 1));
    const windows = (ms: number) => [Math.floor(before / ms), Math.floor(after / ms)];
    const inWindow = (spec: LimitSpec, ms: number) =>
      expect(windows(ms)).toContainEqual(windowOf(spec.key));
    for (const spec of [ip, key, ...players]) inWindow(spec, 1000);
    inWindow(other, 60_000);
    expect(ip).toMatchObject({ key: expect.stringMatching(/^\{rl:ip:1\.2\.3\.4\}:\d+$/), cost: 1 });
    expect(other.key).toMatch(/^\{rl:t:burst:1\.2\.3\.4\}:\d+$/);
    expect(key).toMatchObject({
      key: expect.stringMatching(new RegExp(`^\\{rl:key:${'f'.repeat(32)}\\}:\\d+$`)),
      limit: 300,
      cost: 4,
    });
    // Per-player counters: fields of one hash per board and window.
    expect(players.map((p) => [p.key.replace(/:\d+$/, ''), p.field, p.limit, p.cost])).toEqual([
      ['{lb:arena}:rl:p', 'a', 5, 2],
      ['{lb:arena}:rl:p', 'b', 5, 1],
    ]);
  });
});
