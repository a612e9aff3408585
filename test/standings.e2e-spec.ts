import { useApp } from './support/fixture';

describe('reads and moderation (e2e)', () => {
  const f = useApp({}, 'r');
  const board = f.board;
  /** players p1..pN with scores N..1, so pK has rank K */
  const seed = async (id: string, count: number): Promise<void> => {
    await f.api.batch(
      id,
      Array.from({ length: count }, (_, i) => ({ playerId: `p${i + 1}`, score: count - i })),
    );
  };
  const ids = (entries: { playerId: string }[]) => entries.map((e) => e.playerId);

  it('pages through the board with total, offset, limit and periodId', async () => {
    const id = await board();
    await seed(id, 30);
    const page = await f.api.get(`/v1/leaderboards/${id}/entries?offset=10&limit=5`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({
      leaderboardId: id,
      periodId: '0000000001',
      total: 30,
      offset: 10,
      limit: 5,
    });
    expect(page.body.entries.map((e: { rank: number }) => e.rank)).toEqual([11, 12, 13, 14, 15]);
    expect(ids(page.body.entries)).toEqual(['p11', 'p12', 'p13', 'p14', 'p15']);
    expect(typeof page.body.entries[0].updatedAt).toBe('string');
    const defaults = await f.api.get(`/v1/leaderboards/${id}/entries`);
    expect(defaults.body.entries).toHaveLength(25);
    const past = await f.api.get(`/v1/leaderboards/${id}/entries?offset=100`);
    expect(past.body.entries).toEqual([]);
  });

  it.each(['offset=-1', 'limit=0', 'limit=1001', 'limit=abc', 'offset=1.5', 'foo=1'])(
    'rejects page query %s with 400',
    async (query) => {
      const id = await board();
      const res = await f.api.get(`/v1/leaderboards/${id}/entries?${query}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    },
  );

  it('gives competition ranks on a page that starts inside a tie', async () => {
    const id = await board({ rankMode: 'competition' });
    await f.api.batch(id, [
      { playerId: 'a', score: 9 },
      { playerId: 'b', score: 5 },
      { playerId: 'c', score: 5 },
      { playerId: 'd', score: 5 },
      { playerId: 'e', score: 1 },
    ]);
    const page = await f.api.get(`/v1/leaderboards/${id}/entries?offset=2&limit=3`);
    expect(
      page.body.entries.map((e: { playerId: string; rank: number }) => [e.playerId, e.rank]),
    ).toEqual([
      ['c', 2],
      ['d', 2],
      ['e', 5],
    ]);
    const dense = await board({ rankMode: 'dense' });
    await f.api.batch(dense, [
      { playerId: 'a', score: 9 },
      { playerId: 'b', score: 5 },
      { playerId: 'c', score: 5 },
      { playerId: 'e', score: 1 },
    ]);
    const dpage = await f.api.get(`/v1/leaderboards/${dense}/entries?offset=2&limit=2`);
    expect(dpage.body.entries.map((e: { rank: number }) => e.rank)).toEqual([2, 3]);
  });

  it('returns a player with total, topPercent and tier', async () => {
    const id = await board({
      tiers: [
        { name: 'silver', topPercent: 10 },
        { name: 'gold', topPercent: 1 },
      ],
    });
    await seed(id, 200);
    const p1 = await f.api.get(`/v1/leaderboards/${id}/players/p1`);
    expect(p1.body).toMatchObject({
      rank: 1,
      total: 200,
      topPercent: 0.5,
      tier: 'gold',
      leaderboardId: id,
      periodId: '0000000001',
    });
    expect((await f.api.get(`/v1/leaderboards/${id}/players/p20`)).body).toMatchObject({
      topPercent: 10,
      tier: 'silver',
    });
    const p21 = (await f.api.get(`/v1/leaderboards/${id}/players/p21`)).body;
    expect(p21.topPercent).toBe(10.5);
    expect(p21.tier).toBeUndefined();
    expect((await f.api.get(`/v1/leaderboards/${id}/players/nobody`)).status).toBe(404);
    expect((await f.api.get(`/v1/leaderboards/nope/players/p1`)).status).toBe(404);
    expect((await f.api.get(`/v1/leaderboards/${id}/players/bad%20id`)).status).toBe(400);
  });

  it('returns a centred around-window, shifted to stay full at the ends', async () => {
    const id = await board();
    await seed(id, 20);
    const mid = await f.api.get(`/v1/leaderboards/${id}/players/p10/around?limit=5`);
    expect(ids(mid.body.entries)).toEqual(['p8', 'p9', 'p10', 'p11', 'p12']);
    const topEnd = await f.api.get(`/v1/leaderboards/${id}/players/p1/around?limit=5`);
    expect(ids(topEnd.body.entries)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    const bottom = await f.api.get(`/v1/leaderboards/${id}/players/p20/around?limit=5`);
    expect(ids(bottom.body.entries)).toEqual(['p16', 'p17', 'p18', 'p19', 'p20']);
    const even = await f.api.get(`/v1/leaderboards/${id}/players/p10/around?limit=4`);
    expect(ids(even.body.entries)).toEqual(['p9', 'p10', 'p11', 'p12']);
    const wide = await f.api.get(`/v1/leaderboards/${id}/players/p3/around?limit=50`);
    expect(wide.body.entries).toHaveLength(20);
    expect((await f.api.get(`/v1/leaderboards/${id}/players/p3/around`)).body.entries).toHaveLength(
      11,
    );
    expect((await f.api.get(`/v1/leaderboards/${id}/players/zz/around`)).status).toBe(404);
    expect((await f.api.get(`/v1/leaderboards/${id}/players/p3/around?limit=0`)).status).toBe(400);
  });

  it('looks up friends sorted by rank with the missing ids', async () => {
    const id = await board();
    await seed(id, 10);
    const res = await f.api.request('POST', `/v1/leaderboards/${id}/players/lookup`, {
      body: { playerIds: ['p7', 'ghost', 'p2', 'p7'] },
    });
    expect(res.status).toBe(200);
    expect(
      res.body.entries.map((e: { playerId: string; rank: number }) => [e.playerId, e.rank]),
    ).toEqual([
      ['p2', 2],
      ['p7', 7],
    ]);
    expect(res.body.missing).toEqual(['ghost']);
    const tooMany = await f.api.request('POST', `/v1/leaderboards/${id}/players/lookup`, {
      body: { playerIds: Array.from({ length: 101 }, (_, i) => `x${i}`) },
    });
    expect(tooMany.status).toBe(400);
    const bad = await f.api.request('POST', `/v1/leaderboards/${id}/players/lookup`, {
      body: { playerIds: ['ok', 'no way'] },
    });
    expect(bad.status).toBe(400);
  });

  it('removes a player (admin only) and 404s when they are not there', async () => {
    const id = await board({ rankMode: 'dense' });
    await seed(id, 3);
    expect((await f.api.request('DELETE', `/v1/leaderboards/${id}/players/p2`)).status).toBe(401);
    expect((await f.api.admin('DELETE', `/v1/leaderboards/${id}/players/p2`)).status).toBe(204);
    expect((await f.api.admin('DELETE', `/v1/leaderboards/${id}/players/p2`)).status).toBe(404);
    const page = await f.api.get(`/v1/leaderboards/${id}/entries`);
    expect(
      page.body.entries.map((e: { playerId: string; rank: number }) => [e.playerId, e.rank]),
    ).toEqual([
      ['p1', 1],
      ['p3', 2],
    ]);
  });

  it('purges an inclusive score range in bounded steps', async () => {
    const id = await board();
    await seed(id, 1000);
    await f.api.batch(
      id,
      Array.from({ length: 500 }, (_, i) => ({ playerId: `q${i}`, score: 2000 + i })),
    );
    const res = await f.api.admin(
      'DELETE',
      `/v1/leaderboards/${id}/entries?minScore=100&maxScore=2499`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ removed: 901 + 500 });
    const page = await f.api.get(`/v1/leaderboards/${id}/entries?limit=1000`);
    expect(page.body.total).toBe(99);
    expect(page.body.entries[0].score).toBe(99);
    const asc = await board({ sortOrder: 'asc' });
    await seed(asc, 10);
    expect(
      (await f.api.admin('DELETE', `/v1/leaderboards/${asc}/entries?minScore=3&maxScore=5`)).body,
    ).toEqual({ removed: 3 });
    expect(
      (await f.api.admin('DELETE', `/v1/leaderboards/${asc}/entries?minScore=5&maxScore=3`)).status,
    ).toBe(400);
    // Only plain decimal integers: an empty bound is not 0, and 1e3 / 0x10 are not numbers here.
    for (const q of [
      'minScore=x&maxScore=3',
      'minScore=&maxScore=60',
      'minScore=1e3&maxScore=2e3',
    ]) {
      const res = await f.api.admin('DELETE', `/v1/leaderboards/${asc}/entries?${q}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(
      (await f.api.admin('DELETE', `/v1/leaderboards/${asc}/entries?minScore=0x1&maxScore=60`))
        .status,
    ).toBe(400);
    expect((await f.api.get(`/v1/leaderboards/${asc}/entries?offset=`)).status).toBe(400);
    expect((await f.api.get(`/v1/leaderboards/${asc}/entries`)).body.total).toBe(7);
    expect(
      (await f.api.admin('DELETE', `/v1/leaderboards/nope/entries?minScore=1&maxScore=3`)).status,
    ).toBe(404);
  });

  it('erases a player everywhere', async () => {
    const a = await board();
    const b = await board({ rankMode: 'dense' });
    await f.api.submit(a, { playerId: 'gone', score: 1 });
    await f.api.submit(b, { playerId: 'gone', score: 1 });
    await f.api.submit(b, { playerId: 'stays', score: 1 });
    const res = await f.api.admin('DELETE', '/v1/players/gone');
    expect(res.status).toBe(200);
    expect(res.body.removedFrom).toEqual(
      expect.arrayContaining([
        { leaderboardId: a, periodId: '0000000001' },
        { leaderboardId: b, periodId: '0000000001' },
      ]),
    );
    expect((await f.api.get(`/v1/leaderboards/${b}/players/gone`)).status).toBe(404);
    expect((await f.api.get(`/v1/leaderboards/${b}/players/stays`)).body.rank).toBe(1);
    expect((await f.api.admin('DELETE', '/v1/players/gone')).body.removedFrom).toEqual([]);
  });

  it('serves OpenAPI and health', async () => {
    const doc = await f.api.get('/openapi.json');
    expect(doc.status).toBe(200);
    for (const path of [
      '/v1/leaderboards',
      '/v1/leaderboards/{id}',
      '/v1/leaderboards/{id}/scores',
      '/v1/leaderboards/{id}/scores/batch',
      '/v1/leaderboards/{id}/entries',
      '/v1/leaderboards/{id}/players/{playerId}',
      '/v1/leaderboards/{id}/players/{playerId}/around',
      '/v1/leaderboards/{id}/players/lookup',
      '/v1/players/{playerId}',
      '/submit-score',
      '/leaderboard',
      '/health/ready',
    ]) {
      expect(doc.body.paths).toHaveProperty([path]);
    }
    expect((await f.api.get('/docs')).status).toBe(200);
    expect((await f.api.get('/health/live')).body).toEqual({ status: 'ok' });
    expect((await f.api.get('/health/ready')).status).toBe(200);
  });

  it('echoes a well-formed X-Request-Id and generates one otherwise', async () => {
    const kept = await f.api.request('GET', '/health/live', {
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(kept.headers.get('x-request-id')).toBe('abc-123');
    const replaced = await f.api.request('GET', '/health/live', {
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
