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
});
