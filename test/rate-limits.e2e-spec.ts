import { connectLive } from './support/live-client';
import { http, startApp, SUBMIT_KEY, TestApp } from './support/app';
import { startValkey, TestValkey } from './support/valkey';

/** Limits count per wall-clock second: start a measurement just after a second begins. */
async function nextSecond(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 30));
}

describe('rate limits held in Valkey across two api instances (e2e)', () => {
  let valkey: TestValkey;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    valkey = await startValkey();
    const env = {
      RATE_LIMIT_SUBMIT_PER_KEY: '300',
      RATE_LIMIT_SUBMIT_PER_PLAYER: '5',
      RATE_LIMIT_READ_PER_IP: '100',
    };
    a = await startApp(valkey.url, env);
    b = await startApp(valkey.url, env);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    await valkey.stop();
  });

  /** Sends `count` requests split over both instances, 50 in flight; returns statuses and the seconds spanned. */
  async function flood(
    count: number,
    send: (
      api: ReturnType<typeof http>,
      i: number,
    ) => Promise<{ status: number; headers: Headers }>,
  ) {
    const apis = [http(a.baseUrl), http(b.baseUrl)];
    const results: { status: number; headers: Headers; second: number }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < count) {
          const i = next++;
          const res = await send(apis[i % 2], i);
          results.push({
            status: res.status,
            headers: res.headers,
            second: Math.floor(Date.now() / 1000),
          });
        }
      }),
    );
    const windows = new Set(results.map((r) => r.second)).size;
    return { results, windows, ok: results.filter((r) => r.status === 200).length };
  }

  it('allows at most the per-player limit (plus one window of slack) across both instances', async () => {
    await nextSecond();
    const { results, windows, ok } = await flood(1000, (api, i) =>
      api.submit('global', { playerId: 'spammer', score: i }),
    );
    console.log(
      `per player: ${ok} of 1000 allowed over ${windows} one-second window(s), limit 5/s`,
    );
    expect(ok).toBeGreaterThanOrEqual(5);
    expect(ok).toBeLessThanOrEqual(5 * (windows + 1));
    const limited = results.find((r) => r.status === 429)!;
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('lets an idempotent retry through free, with RateLimit headers', async () => {
    await nextSecond();
    const api = http(a.baseUrl);
    const headers = { 'idempotency-key': 'retry-me' };
    const first = await api.submit('global', { playerId: 'retrier', score: 1 }, headers);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-remaining')).toBe('4');
    // Replays are not charged: more of them than the per-player limit all succeed.
    for (let i = 0; i < 7; i++) {
      const again = await api.submit('global', { playerId: 'retrier', score: 1 }, headers);
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.headers.get('ratelimit-limit')).toBe('5');
      // 4 left in this second (5 if a new second began): never charged.
      expect(Number(again.headers.get('ratelimit-remaining'))).toBeGreaterThanOrEqual(4);
    }
  });

  it('allows at most the per-key limit across both instances and counts batch entries', async () => {
    await nextSecond();
    const { windows, ok } = await flood(1000, (api, i) =>
      api.submit('global', { playerId: `p${i}`, score: i }),
    );
    console.log(`per key: ${ok} of 1000 allowed over ${windows} window(s), limit 300/s`);
    expect(ok).toBeLessThanOrEqual(300 * (windows + 1));
    expect(ok).toBeGreaterThanOrEqual(300);
    await nextSecond();
    const big = await http(a.baseUrl).batch(
      'global',
      Array.from({ length: 301 }, (_, i) => ({ playerId: `b${i}`, score: i })),
    );
    expect(big.status).toBe(429);
    const fine = await http(a.baseUrl).batch('global', [{ playerId: 'one', score: 1 }]);
    expect(fine.status).toBe(200);
    expect(Number(fine.headers.get('ratelimit-limit'))).toBeGreaterThan(0);
  });

  it('limits public reads per IP and answers with RateLimit headers', async () => {
    const { results, windows, ok } = await flood(600, (api) =>
      api.get('/v1/leaderboards/global/entries'),
    );
    console.log(`reads: ${ok} of 600 allowed over ${windows} window(s), limit 100/s`);
    expect(ok).toBeLessThanOrEqual(100 * (windows + 1));
    const okOne = results.find((r) => r.status === 200)!;
    expect(okOne.headers.get('ratelimit-limit')).toBe('100');
    expect(okOne.headers.get('ratelimit-remaining')).toMatch(/^\d+$/);
    expect(results.some((r) => r.status === 429)).toBe(true);
    // Health and docs are not limited.
    expect((await http(a.baseUrl).get('/health/live')).status).toBe(200);
  });

  it('counts Socket.IO connects against the per-IP budget', async () => {
    // Use up one second's budget with reads, then a connect in that same second is refused.
    // (Retried if the machine was too slow to stay within one second.)
    let refusedInSameSecond = false;
    for (let attempt = 0; attempt < 6 && !refusedInSameSecond; attempt++) {
      await nextSecond();
      const second = Math.floor(Date.now() / 1000);
      await flood(150, (api) => api.get('/v1/leaderboards'));
      const refused = await connectLive(a.baseUrl).then(
        (c) => (c.close(), false),
        () => true,
      );
      const same = Math.floor(Date.now() / 1000) === second;
      if (same) expect(refused).toBe(true);
      refusedInSameSecond = refused && same;
    }
    expect(refusedInSameSecond).toBe(true);
    await nextSecond();
    const c = await connectLive(b.baseUrl);
    expect(c.socket.connected).toBe(true);
    c.close();
  });

  it('does not charge the limit for an idempotent replay', async () => {
    await nextSecond();
    const api = http(a.baseUrl);
    const headers = { 'idempotency-key': 'limit-replay' };
    const statuses = [];
    for (let i = 0; i < 8; i++)
      statuses.push(
        (await api.submit('global', { playerId: 'replayer', score: 1 }, headers)).status,
      );
    expect(statuses).toEqual(Array(8).fill(200));
    expect(SUBMIT_KEY).toBeTruthy();
  });
});
