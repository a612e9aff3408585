import { Redis } from 'ioredis';
import { connectLive } from './support/live-client';
import { startCluster, TestCluster } from './support/cluster';
import { ADMIN_KEY, http, startApp, SUBMIT_KEY, TestApp } from './support/app';
import { waitFor } from './support/wait';

describe('on a real Valkey Cluster (e2e)', () => {
  let cluster: TestCluster;
  let t: TestApp;
  let api: ReturnType<typeof http>;

  beforeAll(async () => {
    cluster = await startCluster();
    t = await startApp('', {
      VALKEY_URL: '',
      VALKEY_CLUSTER_NODES: cluster.nodes,
      APP_MODE: 'all',
      RATE_LIMIT_SUBMIT_PER_KEY: '1000',
      RATE_LIMIT_SUBMIT_PER_PLAYER: '100',
      RATE_LIMIT_READ_PER_IP: '1000',
    });
    api = http(t.baseUrl);
  }, 60000);
  afterAll(async () => {
    await t?.close();
    await cluster?.stop();
  });

  it('runs boards, submits, reads, stats, resets and live updates without CROSSSLOT errors', async () => {
    const boards = ['alpha', 'beta', 'gamma', 'delta'];
    for (const id of boards) {
      expect((await api.admin('POST', '/v1/leaderboards', { id, rankMode: 'dense' })).status).toBe(
        201,
      );
    }
    expect((await api.get('/v1/leaderboards')).body.map((b: { id: string }) => b.id)).toEqual(
      expect.arrayContaining(['global', ...boards]),
    );
    const live = await connectLive(t.baseUrl);
    expect((await live.request('subscribe', { leaderboardId: 'alpha', top: 3 })).ok).toBe(true);
    for (const id of boards) {
      const single = await api.request('POST', `/v1/leaderboards/${id}/scores`, {
        body: { playerId: 'p1', score: 10 },
        key: SUBMIT_KEY,
        headers: { 'idempotency-key': `k-${id}` },
      });
      expect(single.status).toBe(200);
      expect(single.headers.get('ratelimit-limit')).not.toBeNull();
      expect(
        (
          await api.batch(id, [
            { playerId: 'p2', score: 20 },
            { playerId: 'p3', score: 10 },
          ])
        ).status,
      ).toBe(200);
      const page = (await api.get(`/v1/leaderboards/${id}/entries`)).body;
      expect(
        page.entries.map((e: { playerId: string; rank: number }) => [e.playerId, e.rank]),
      ).toEqual([
        ['p2', 1],
        ['p1', 2],
        ['p3', 2],
      ]);
      expect((await api.get(`/v1/leaderboards/${id}/players/p3/around?limit=3`)).status).toBe(200);
    }
    await waitFor(
      async () => live.events.some((e) => e.name === 'leaderboard.top'),
      5000,
      'a live event',
    );
    await waitFor(
      async () => (await api.get('/v1/leaderboards/beta/stats')).body.total === 3,
      5000,
      'stats',
    );
    expect((await api.admin('POST', '/v1/leaderboards/gamma/reset')).status).toBe(202);
    await waitFor(
      async () => (await api.get('/v1/leaderboards/gamma')).body.period.id === '0000000002',
      5000,
      'the reset',
    );
    expect((await api.get('/v1/leaderboards/gamma/periods/0000000001/entries')).body.total).toBe(3);
    expect(
      (await api.admin('DELETE', '/v1/leaderboards/gamma/entries?minScore=0&maxScore=100')).body
        .removed,
    ).toBe(0);
    expect((await api.admin('DELETE', '/v1/players/p1')).body.removedFrom).toHaveLength(4);
    expect((await api.admin('DELETE', '/v1/leaderboards/delta')).status).toBe(204);
    expect((await api.get('/health/ready')).status).toBe(200);
    expect(ADMIN_KEY).toBeTruthy();
    live.close();
  }, 60000);

  it("reports every master's memory and maxmemory in /metrics (the dashboards' gauges)", async () => {
    const text = (await api.get<string>('/metrics')).body;
    expect(text).toMatch(/^valkran_valkey_up 1$/m);
    const nodes = (pattern: RegExp): string[] =>
      [...text.matchAll(pattern)].map((m) => m[1]).sort();
    const masters = cluster.nodes.split(',').sort();
    expect(nodes(/^valkran_valkey_memory_used_bytes\{node="([^"]+)"\} [1-9]\d*$/gm)).toEqual(
      masters,
    );
    expect(nodes(/^valkran_valkey_maxmemory_bytes\{node="([^"]+)"\} \d+$/gm)).toEqual(masters);
  });

  it("reads a player's standings across boards that live on different nodes", async () => {
    // Board ids whose slots are spread over every master: two boards per node.
    const node = new Redis(cluster.servers[0].port, { lazyConnect: true });
    await node.connect();
    const slots = (await node.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
    const owner = async (id: string): Promise<number> => {
      const slot = Number(await node.call('CLUSTER', 'KEYSLOT', `{lb:${id}}`));
      return slots.find(([from, to]) => slot >= from && slot <= to)![2][1];
    };
    const byNode = new Map<number, string[]>();
    for (let i = 0; [...byNode.values()].filter((ids) => ids.length >= 2).length < 3; i++) {
      const id = `spread-${i}`;
      const port = await owner(id);
      const ids = byNode.get(port) ?? [];
      if (ids.length < 2) byNode.set(port, [...ids, id]);
    }
    const boards = [...byNode.values()].flat();
    expect(new Set(await Promise.all(boards.map(owner))).size).toBe(3);
    node.disconnect();
    // The player is on all but one of them, with a different rank on each.
    for (const [i, id] of boards.entries()) {
      expect((await api.admin('POST', '/v1/leaderboards', { id })).status).toBe(201);
      const entries = Array.from({ length: i + 1 }, (_, n) => ({ playerId: `o${n}`, score: 100 }));
      if (i !== 1) entries.push({ playerId: 'wanderer', score: 50 });
      expect((await api.batch(id, entries)).status).toBe(200);
    }
    const res = await api.get('/v1/players/wanderer/standings?limit=3');
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-limit')).toBe('1000');
    const holding = boards.filter((_, i) => i !== 1).sort();
    expect(res.body.total).toBe(5);
    expect(res.headers.get('link')).toBe(
      '</v1/players/wanderer/standings?offset=3&limit=3>; rel="next"',
    );
    const rest = await api.get('/v1/players/wanderer/standings?offset=3&limit=3');
    const entries = [...res.body.entries, ...rest.body.entries] as Record<string, unknown>[];
    expect(entries.map((e) => e.leaderboardId)).toEqual(holding);
    for (const e of entries) {
      const one = (await api.get(`/v1/leaderboards/${String(e.leaderboardId)}/players/wanderer`))
        .body as Record<string, unknown>;
      expect(e).toEqual({
        leaderboardId: one.leaderboardId,
        periodId: one.periodId,
        rank: one.rank,
        total: one.total,
        score: one.score,
        topPercent: one.topPercent,
      });
      expect(e.rank).toBe(boards.indexOf(String(e.leaderboardId)) + 2);
    }
  }, 30000);
});
