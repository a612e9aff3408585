import { boardTag } from '../src/valkey/keys';
import { connectLive } from './support/live-client';
import { boardsOnEveryMaster, mastersOf, useClusterApp } from './support/cluster';
import { ADMIN_KEY, SUBMIT_KEY } from './support/app';
import { waitFor } from './support/wait';

describe('on a real Valkey Cluster (e2e)', () => {
  const f = useClusterApp({
    RATE_LIMIT_SUBMIT_PER_KEY: '1000',
    RATE_LIMIT_SUBMIT_PER_PLAYER: '100',
    RATE_LIMIT_READ_PER_IP: '1000',
  });

  it('runs boards, submits, reads, stats, resets and live updates without CROSSSLOT errors', async () => {
    const boards = ['alpha', 'beta', 'gamma', 'delta'];
    for (const id of boards) {
      expect(
        (await f.api.admin('POST', '/v1/leaderboards', { id, rankMode: 'dense' })).status,
      ).toBe(201);
    }
    expect((await f.api.get('/v1/leaderboards')).body.map((b: { id: string }) => b.id)).toEqual(
      expect.arrayContaining(['global', ...boards]),
    );
    const live = await connectLive(f.app.baseUrl);
    expect((await live.request('subscribe', { leaderboardId: 'alpha', top: 3 })).ok).toBe(true);
    for (const id of boards) {
      const single = await f.api.request('POST', `/v1/leaderboards/${id}/scores`, {
        body: { playerId: 'p1', score: 10 },
        key: SUBMIT_KEY,
        headers: { 'idempotency-key': `k-${id}` },
      });
      expect(single.status).toBe(200);
      expect(single.headers.get('ratelimit-limit')).not.toBeNull();
      expect(
        (
          await f.api.batch(id, [
            { playerId: 'p2', score: 20 },
            { playerId: 'p3', score: 10 },
          ])
        ).status,
      ).toBe(200);
      const page = (await f.api.get(`/v1/leaderboards/${id}/entries`)).body;
      expect(
        page.entries.map((e: { playerId: string; rank: number }) => [e.playerId, e.rank]),
      ).toEqual([
        ['p2', 1],
        ['p1', 2],
        ['p3', 2],
      ]);
      expect((await f.api.get(`/v1/leaderboards/${id}/players/p3/around?limit=3`)).status).toBe(
        200,
      );
    }
    await waitFor(
      async () => live.events.some((e) => e.name === 'leaderboard.top'),
      5000,
      'a live event',
    );
    await waitFor(
      async () => (await f.api.get('/v1/leaderboards/beta/stats')).body.total === 3,
      5000,
      'stats',
    );
    expect((await f.api.admin('POST', '/v1/leaderboards/gamma/reset')).status).toBe(202);
    await waitFor(
      async () => (await f.api.get('/v1/leaderboards/gamma')).body.period.id === '0000000002',
      5000,
      'the reset',
    );
    expect((await f.api.get('/v1/leaderboards/gamma/periods/0000000001/entries')).body.total).toBe(
      3,
    );
    expect(
      (await f.api.admin('DELETE', '/v1/leaderboards/gamma/entries?minScore=0&maxScore=100')).body
        .removed,
    ).toBe(0);
    expect((await f.api.admin('DELETE', '/v1/players/p1')).body.removedFrom).toHaveLength(4);
    expect((await f.api.admin('DELETE', '/v1/leaderboards/delta')).status).toBe(204);
    expect((await f.api.get('/health/ready')).status).toBe(200);
    expect(ADMIN_KEY).toBeTruthy();
    live.close();
  }, 60000);

  it("reports every master's memory and maxmemory in /metrics (the dashboards' gauges)", async () => {
    const text = (await f.api.get<string>('/metrics')).body;
    expect(text).toMatch(/^valkran_valkey_up 1$/m);
    const nodes = (pattern: RegExp): string[] =>
      [...text.matchAll(pattern)].map((m) => m[1]).sort();
    const masters = f.cluster.nodes.split(',').sort();
    expect(nodes(/^valkran_valkey_memory_used_bytes\{node="([^"]+)"\} [1-9]\d*$/gm)).toEqual(
      masters,
    );
    expect(nodes(/^valkran_valkey_maxmemory_bytes\{node="([^"]+)"\} \d+$/gm)).toEqual(masters);
  });

  it("reads a player's standings across boards that live on different nodes", async () => {
    // Board ids whose slots are spread over every master: two boards per node.
    const boards = (await boardsOnEveryMaster(f.cluster, 'spread-', 2)).flat();
    expect(new Set(await mastersOf(f.cluster, boards.map(boardTag))).size).toBe(3);
    // The player is on all but one of them, with a different rank on each.
    for (const [i, id] of boards.entries()) {
      expect((await f.api.admin('POST', '/v1/leaderboards', { id })).status).toBe(201);
      const entries = Array.from({ length: i + 1 }, (_, n) => ({ playerId: `o${n}`, score: 100 }));
      if (i !== 1) entries.push({ playerId: 'wanderer', score: 50 });
      expect((await f.api.batch(id, entries)).status).toBe(200);
    }
    const res = await f.api.get('/v1/players/wanderer/standings?limit=3');
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-limit')).toBe('1000');
    const holding = boards.filter((_, i) => i !== 1).sort();
    expect(res.body.total).toBe(5);
    expect(res.headers.get('link')).toBe(
      '</v1/players/wanderer/standings?offset=3&limit=3>; rel="next"',
    );
    const rest = await f.api.get('/v1/players/wanderer/standings?offset=3&limit=3');
    const entries = [...res.body.entries, ...rest.body.entries] as Record<string, unknown>[];
    expect(entries.map((e) => e.leaderboardId)).toEqual(holding);
    for (const e of entries) {
      const one = (await f.api.get(`/v1/leaderboards/${String(e.leaderboardId)}/players/wanderer`))
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
