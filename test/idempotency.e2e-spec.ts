import { startCluster, TestCluster } from './support/cluster';
import { ADMIN_KEY, http, Res, startApp, SUBMIT_KEY, TestApp } from './support/app';
import { startValkey, TestValkey } from './support/valkey';

/** A second submit key: another client of the same Valkran. */
const OTHER_KEY = 'test-other-submit-key-0123456789';

function client(baseUrl: string) {
  const api = http(baseUrl);
  return {
    api,
    /** POST a score as `key`, with an Idempotency-Key when `idem` is given. */
    submit: (key: string, board: string, body: unknown, idem?: string): Promise<Res> =>
      api.request('POST', `/v1/leaderboards/${board}/scores`, {
        body,
        key,
        headers: idem ? { 'idempotency-key': idem } : {},
      }),
  };
}

describe('Idempotency-Key scoped per submit key (e2e, issue 15 item 6)', () => {
  let valkey: TestValkey;
  let t: TestApp;
  let c: ReturnType<typeof client>;

  beforeAll(async () => {
    valkey = await startValkey();
    t = await startApp(valkey.url, { SUBMIT_API_KEYS: `${SUBMIT_KEY},${OTHER_KEY}` });
    c = client(t.baseUrl);
    expect(
      (await c.api.admin('POST', '/v1/leaderboards', { id: 'coins', updateMode: 'increment' }))
        .status,
    ).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    await valkey?.stop();
  });

  it("one client cannot pre-empt another's predictable keys (no 409, no foreign replay)", async () => {
    // Client A uses the obvious key first, with another body than B will send.
    const a = await c.submit(SUBMIT_KEY, 'coins', { playerId: 'alice', score: 1 }, 'order-1');
    expect(a.status).toBe(200);
    // B's request under the same key is B's own: applied, not a 409.
    const b = await c.submit(OTHER_KEY, 'coins', { playerId: 'bob', score: 7 }, 'order-1');
    expect(b.status).toBe(200);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect(b.body).toMatchObject({ playerId: 'bob', score: 7, updated: true });
    // Even an identical body is B's own submission, not A's result replayed to B.
    const a2 = await c.submit(SUBMIT_KEY, 'coins', { playerId: 'carol', score: 3 }, 'order-2');
    const b2 = await c.submit(OTHER_KEY, 'coins', { playerId: 'carol', score: 3 }, 'order-2');
    expect([a2.status, b2.status]).toEqual([200, 200]);
    expect(b2.headers.get('idempotent-replayed')).toBeNull();
    expect(b2.body).toMatchObject({ score: 6, previousScore: 3 });
    // Each client's retry still replays its own first response.
    const retry = await c.submit(OTHER_KEY, 'coins', { playerId: 'bob', score: 7 }, 'order-1');
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(b.body);
    expect(
      (await c.submit(OTHER_KEY, 'coins', { playerId: 'bob', score: 8 }, 'order-1')).status,
    ).toBe(409);
    const lookup = await c.api.request('POST', '/v1/leaderboards/coins/players/lookup', {
      body: { playerIds: ['alice', 'bob', 'carol'] },
    });
    expect(
      lookup.body.entries.map((e: { playerId: string; score: number }) => [e.playerId, e.score]),
    ).toEqual([
      ['bob', 7],
      ['carol', 6],
      ['alice', 1],
    ]);
  });
});

/** Limits count per wall-clock second: start a measurement just after a second begins. */
async function nextSecond(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 30));
}

describe('per-key submit limit on a real Valkey Cluster (e2e, issue 15 item 6)', () => {
  let cluster: TestCluster;
  let t: TestApp;
  let c: ReturnType<typeof client>;
  const LIMIT = 10;

  beforeAll(async () => {
    cluster = await startCluster();
    t = await startApp('', {
      VALKEY_URL: '',
      VALKEY_CLUSTER_NODES: cluster.nodes,
      RATE_LIMIT_SUBMIT_PER_KEY: String(LIMIT),
    });
    c = client(t.baseUrl);
    for (const board of [
      { id: 'limited', updateMode: 'increment' },
      { id: 'bounded', maxScore: 100 },
    ]) {
      expect((await c.api.admin('POST', '/v1/leaderboards', board)).status).toBe(201);
    }
    expect(ADMIN_KEY).toBeTruthy();
  }, 60000);
  afterAll(async () => {
    await t?.close();
    await cluster?.stop();
  });

  it('charges only accepted, non-replayed submits; a replay passes even when the key is spent', async () => {
    // The per-key counter lives in another slot than the board: it must not be charged for
    // replays, conflicts, invalid or unknown-board submits. All of it must fit in one window.
    for (let attempt = 1; ; attempt++) {
      await nextSecond();
      const second = Math.floor(Date.now() / 1000);
      const tag = `${second}`;
      const remaining = (r: Res) => Number(r.headers.get('ratelimit-remaining'));
      const body = { playerId: `p${tag}`, score: 1 };
      const first = await c.submit(SUBMIT_KEY, 'limited', body, `k${tag}`);
      expect(first.status).toBe(200);
      const replays: Res[] = [];
      for (let i = 0; i < 4; i++)
        replays.push(await c.submit(SUBMIT_KEY, 'limited', body, `k${tag}`));
      const refused = [
        await c.submit(SUBMIT_KEY, 'limited', { playerId: `p${tag}`, score: 2 }, `k${tag}`),
        await c.submit(SUBMIT_KEY, 'bounded', { playerId: 'x', score: 101 }),
        await c.submit(SUBMIT_KEY, 'no-such-board', { playerId: 'x', score: 1 }),
      ];
      const second2 = await c.submit(SUBMIT_KEY, 'limited', { playerId: `q${tag}`, score: 1 });
      // Spend the rest of the window, then one more is refused, but the replay still passes.
      const spend: Res[] = [];
      for (let i = 0; i < LIMIT - 2; i++) {
        spend.push(await c.submit(SUBMIT_KEY, 'limited', { playerId: `r${tag}-${i}`, score: 1 }));
      }
      const over = await c.submit(SUBMIT_KEY, 'limited', { playerId: `s${tag}`, score: 1 });
      const overWithKey = await c.submit(
        SUBMIT_KEY,
        'limited',
        { playerId: `s${tag}`, score: 1 },
        `fresh${tag}`,
      );
      const replayWhenSpent = await c.submit(SUBMIT_KEY, 'limited', body, `k${tag}`);
      if (Math.floor(Date.now() / 1000) !== second && attempt < 3) continue; // crossed a window
      expect(remaining(first)).toBe(LIMIT - 1);
      expect(replays.map((r) => [r.status, r.headers.get('idempotent-replayed')])).toEqual(
        Array(4).fill([200, 'true']),
      );
      expect(replays.map(remaining)).toEqual(Array(4).fill(LIMIT - 1));
      expect(refused.map((r) => r.status)).toEqual([409, 400, 404]);
      expect(second2.status).toBe(200);
      expect(remaining(second2)).toBe(LIMIT - 2);
      expect(spend.map((r) => r.status)).toEqual(Array(LIMIT - 2).fill(200));
      expect(remaining(spend[spend.length - 1])).toBe(0);
      expect([over.status, overWithKey.status]).toEqual([429, 429]);
      expect(over.headers.get('retry-after')).toBe('1');
      expect(replayWhenSpent.status).toBe(200);
      expect(replayWhenSpent.headers.get('idempotent-replayed')).toBe('true');
      expect(replayWhenSpent.body).toEqual(first.body);
      // Nothing refused was applied.
      const s = await c.api.get(`/v1/leaderboards/limited/players/s${tag}`);
      expect(s.status).toBe(404);
      break;
    }
  }, 30000);
});
