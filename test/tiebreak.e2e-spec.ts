import { useApp } from './support/fixture';
import { connectLive, LiveClient } from './support/live-client';
import { waitFor } from './support/wait';

const MAX = Number.MAX_SAFE_INTEGER;

/** Tie-break columns (issue 9) over HTTP and Socket.IO. */
describe('tie-break columns (e2e)', () => {
  // `all`: resets need a worker to archive a period, live events a publisher.
  const f = useApp({ APP_MODE: 'all', LIVE_MAX_HZ: '20' }, 'tb');
  const clients: LiveClient[] = [];
  afterAll(() => clients.forEach((c) => c.close()));

  const KILLS_TIME = [
    { name: 'kills', order: 'desc' },
    { name: 'time', order: 'asc' },
  ];
  const entries = async (id: string, path = 'entries') =>
    (await f.api.get(`/v1/leaderboards/${id}/${path}?limit=100`)).body.entries.map(
      (e: { playerId: string; score: number; subscores?: number[]; rank: number }) => [
        e.playerId,
        e.score,
        e.subscores,
        e.rank,
      ],
    );

  const expectProblem = (
    res: { status: number; headers: Headers; body: { errors?: { path: string }[] } },
    path: string,
  ) => {
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.errors?.map((e) => e.path)).toContain(path);
  };

  it('creates a board with columns, shows them, and refuses to change them', async () => {
    const id = await f.board({ tiebreakers: KILLS_TIME });
    const got = await f.api.get(`/v1/leaderboards/${id}`);
    expect(got.body.tiebreakers).toEqual(KILLS_TIME);
    expect((await f.api.get('/v1/leaderboards/global')).body.tiebreakers).toEqual([]);
    const patch = await f.api.admin('PATCH', `/v1/leaderboards/${id}`, { tiebreakers: [] });
    expectProblem(patch, 'tiebreakers');
    expect((await f.api.get(`/v1/leaderboards/${id}`)).body.tiebreakers).toEqual(KILLS_TIME);
  });

  it.each([
    [[1, 2, 3, 4].map((i) => ({ name: `c${i}`, order: 'asc' }))],
    [
      [
        { name: 'a', order: 'asc' },
        { name: 'a', order: 'desc' },
      ],
    ],
    [[{ name: 'a', order: 'up' }]],
    [[{ name: '', order: 'asc' }]],
    [[{ name: 'a' }]],
    [[{ name: 'a', order: 'asc', extra: 1 }]],
    [['a']],
    [{ name: 'a', order: 'asc' }],
    [null],
  ])('refuses tiebreakers %j with a 400 and creates nothing', async (tiebreakers) => {
    const res = await f.api.admin('POST', '/v1/leaderboards', { id: 'tb-bad', tiebreakers });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(res.body.errors)).toContain('tiebreakers');
    expect((await f.api.get('/v1/leaderboards/tb-bad')).status).toBe(404);
  });

  it('orders ties by the columns and shows subscores in every read and result', async () => {
    const id = await f.board({ rankMode: 'competition', tiebreakers: KILLS_TIME });
    const first = await f.api.submit(id, { playerId: 'ann', score: 100, subscores: [5, 300] });
    expect(first.body).toEqual({
      leaderboardId: id,
      periodId: '0000000001',
      playerId: 'ann',
      score: 100,
      subscores: [5, 300],
      rank: 1,
      previousScore: null,
      previousRank: null,
      updated: true,
    });
    const batch = await f.api.batch(id, [
      { playerId: 'bob', score: 100, subscores: [7, 900] }, // more kills: ahead of ann
      { playerId: 'cid', score: 100, subscores: [5, 250] }, // same kills, faster: ahead of ann
      { playerId: 'dan', score: 100, subscores: [5, 250] }, // same tuple as cid: same rank
      { playerId: 'eve', score: 90, subscores: [99, 1] },
    ]);
    expect(batch.status).toBe(200);
    expect(batch.body.results.map((r: { rank: number }) => r.rank)).toEqual([1, 2, 2, 5]);
    expect(await entries(id)).toEqual([
      ['bob', 100, [7, 900], 1],
      ['cid', 100, [5, 250], 2],
      ['dan', 100, [5, 250], 2],
      ['ann', 100, [5, 300], 4],
      ['eve', 90, [99, 1], 5],
    ]);
    const player = await f.api.get(`/v1/leaderboards/${id}/players/dan`);
    expect(player.body).toMatchObject({ rank: 2, score: 100, subscores: [5, 250], total: 5 });
    const around = await f.api.get(`/v1/leaderboards/${id}/players/ann/around?limit=3`);
    expect(around.body.entries.map((e: { subscores: number[] }) => e.subscores)).toEqual([
      [5, 250],
      [5, 300],
      [99, 1],
    ]);
    const lookup = await f.api.request('POST', `/v1/leaderboards/${id}/players/lookup`, {
      body: { playerIds: ['eve', 'dan', 'cid', 'zed'] },
    });
    expect(
      lookup.body.entries.map((e: { playerId: string; subscores: number[]; rank: number }) => [
        e.playerId,
        e.subscores,
        e.rank,
      ]),
    ).toEqual([
      ['cid', [5, 250], 2],
      ['dan', [5, 250], 2],
      ['eve', [99, 1], 5],
    ]);
    expect(lookup.body.missing).toEqual(['zed']);

    // The archived period keeps them.
    expect((await f.api.admin('POST', `/v1/leaderboards/${id}/reset`)).status).toBe(202);
    await waitFor(
      async () => (await f.api.get(`/v1/leaderboards/${id}/periods`)).body.periods.length === 1,
      10_000,
      'the reset',
    );
    expect(await entries(id, 'periods/0000000001/entries')).toEqual([
      ['bob', 100, [7, 900], 1],
      ['cid', 100, [5, 250], 2],
      ['dan', 100, [5, 250], 2],
      ['ann', 100, [5, 300], 4],
      ['eve', 90, [99, 1], 5],
    ]);
    expect(
      (await f.api.get(`/v1/leaderboards/${id}/periods/0000000001/players/ann`)).body,
    ).toMatchObject({ rank: 4, subscores: [5, 300] });
  });

  it('leaves subscores out of every answer on boards without columns', async () => {
    const id = await f.board();
    const res = await f.api.submit(id, { playerId: 'p', score: 1 });
    expect(res.body).not.toHaveProperty('subscores');
    const page = await f.api.get(`/v1/leaderboards/${id}/entries`);
    expect(page.body.entries[0]).not.toHaveProperty('subscores');
    expect((await f.api.get(`/v1/leaderboards/${id}/players/p`)).body).not.toHaveProperty(
      'subscores',
    );
  });

  it('refuses bad subscores with a 400 naming the field, and applies nothing', async () => {
    const id = await f.board({ tiebreakers: KILLS_TIME });
    const plain = await f.board();
    const cases: [string, unknown, string][] = [
      [id, { playerId: 'p', score: 1 }, 'subscores'],
      [id, { playerId: 'p', score: 1, subscores: [1] }, 'subscores'],
      [id, { playerId: 'p', score: 1, subscores: [1, 2, 3] }, 'subscores'],
      [id, { playerId: 'p', score: 1, subscores: [1, 2, 3, 4] }, 'subscores'],
      [id, { playerId: 'p', score: 1, subscores: [] }, 'subscores'],
      [id, { playerId: 'p', score: 1, subscores: [1, 1.5] }, 'subscores'],
      [id, { playerId: 'p', score: 1, subscores: [1, 2 ** 53] }, 'subscores'],
      [id, { playerId: 'p', score: 1, subscores: [1, '2'] }, 'subscores'],
      [id, { playerId: 'p', score: 1, subscores: null }, 'subscores'],
      [id, { playerId: 'p', score: 1, subscores: { a: 1 } }, 'subscores'],
      [plain, { playerId: 'p', score: 1, subscores: [1] }, 'subscores'],
    ];
    for (const [board, body, path] of cases) {
      expectProblem(await f.api.submit(board, body), path);
    }
    const batch = await f.api.batch(id, [
      { playerId: 'a', score: 1, subscores: [1, 2] },
      { playerId: 'b', score: 1 },
    ]);
    expectProblem(batch, 'entries.1.subscores');
    for (const board of [id, plain]) {
      expect((await f.api.get(`/v1/leaderboards/${board}/entries`)).body.total).toBe(0);
    }
  });

  it('is exact for subscores near ±2^53 over JSON', async () => {
    const id = await f.board({ sortOrder: 'asc', tiebreakers: [{ name: 'x', order: 'desc' }] });
    const values = [-MAX, -MAX + 1, -(2 ** 52) - 1, -1, 0, 1, 2 ** 52 + 1, MAX - 1, MAX];
    const shuffled = [...values].sort((a, b) => ((a * 7919) % 13) - ((b * 7919) % 13));
    const res = await f.api.batch(
      id,
      shuffled.map((v, i) => ({ playerId: `p${i}`, score: MAX, subscores: [v] })),
    );
    expect(res.status).toBe(200);
    const got = await entries(id);
    expect(got.map((e: unknown[]) => e[2])).toEqual([...values].reverse().map((v) => [v]));
    expect(got.every((e: unknown[]) => e[1] === MAX)).toBe(true);
  });

  it('includes subscores in the idempotency fingerprint', async () => {
    const id = await f.board({
      updateMode: 'increment',
      tiebreakers: [{ name: 'x', order: 'asc' }],
    });
    const headers = { 'idempotency-key': 'k-1' };
    const body = { playerId: 'p', score: 5, subscores: [3] };
    expect((await f.api.submit(id, body, headers)).status).toBe(200);
    const replay = await f.api.submit(id, body, headers);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toMatchObject({ score: 5, subscores: [3] });
    const other = await f.api.submit(id, { ...body, subscores: [4] }, headers);
    expect(other.status).toBe(409);
    // An increment may leave them out: the player's are kept.
    expect((await f.api.submit(id, { playerId: 'p', score: 2 })).body).toMatchObject({
      score: 7,
      subscores: [3],
    });
  });

  it('gives tier cut-offs in /stats their subscores', async () => {
    const id = await f.board({
      tiebreakers: KILLS_TIME,
      tiers: [
        { name: 'gold', topPercent: 50 },
        { name: 'none', topPercent: 1 },
      ],
    });
    // No rank yet (stats pending, or computed on the empty board): the subscores are null too.
    const empty = await f.api.get(`/v1/leaderboards/${id}/stats`);
    expect(empty.status).toBe(200);
    expect(empty.body.tiers).toEqual([
      { name: 'gold', topPercent: 50, rank: null, score: null, subscores: null },
      { name: 'none', topPercent: 1, rank: null, score: null, subscores: null },
    ]);
    await f.api.batch(id, [
      { playerId: 'a', score: 10, subscores: [3, 100] },
      { playerId: 'b', score: 10, subscores: [3, 90] },
      { playerId: 'c', score: 9, subscores: [9, 9] },
      { playerId: 'd', score: 8, subscores: [0, 0] },
    ]);
    const stats = await waitFor(
      async () => {
        const res = await f.api.get(`/v1/leaderboards/${id}/stats`);
        return res.body.status === 'ready' && res.body.total === 4 && res.body;
      },
      10_000,
      'the stats',
    );
    expect(stats.tiers).toEqual([
      { name: 'gold', topPercent: 50, rank: 2, score: 10, subscores: [3, 100] },
      { name: 'none', topPercent: 1, rank: null, score: null, subscores: null },
    ]);
  });

  it('documents tiebreakers and subscores in the OpenAPI document', async () => {
    const schemas = (await f.api.get('/openapi.json')).body.components.schemas;
    expect(schemas.CreateBoardDto.properties.tiebreakers).toMatchObject({
      type: 'array',
      maxItems: 3,
    });
    expect(schemas.BoardDto.required).toContain('tiebreakers');
    expect(schemas.TiebreakerDto.properties.order.enum).toEqual(['desc', 'asc']);
    for (const dto of ['SubmitScoreDto', 'SubmitResultDto', 'EntryDto', 'PlayerDto']) {
      expect([dto, schemas[dto].properties.subscores]).toMatchObject([
        dto,
        { type: 'array', items: { type: 'number' } },
      ]);
      expect(schemas[dto].required ?? []).not.toContain('subscores');
    }
  });

  it('sends subscores in live acks, top lists and player events', async () => {
    const id = await f.board({ tiebreakers: [{ name: 'x', order: 'desc' }] });
    await f.api.batch(id, [
      { playerId: 'a', score: 10, subscores: [1] },
      { playerId: 'b', score: 10, subscores: [2] },
    ]);
    await waitFor(async () => f.valkey.client.exists(`{lb:${id}}:live:snap`), 5000, 'the seed');
    const c = await connectLive(f.app.baseUrl);
    clients.push(c);
    const ack = await c.request('subscribe', { leaderboardId: id, top: 5, playerIds: ['a'] });
    expect(ack.ok).toBe(true);
    expect(ack.top.entries.map((e: { subscores: number[] }) => e.subscores)).toEqual([[2], [1]]);
    expect(ack.players[0]).toMatchObject({ playerId: 'a', rank: 2, subscores: [1] });
    // Same score, better subscore: a moves up on the column alone.
    await f.api.submit(id, { playerId: 'a', score: 10, subscores: [3] });
    const top = await waitFor(
      async () => c.events.find((e) => e.name === 'leaderboard.top')?.payload,
      5000,
      'a top event',
    );
    expect(top.entries.map((e: { playerId: string; subscores: number[] }) => e)).toMatchObject([
      { playerId: 'a', rank: 1, score: 10, subscores: [3] },
      { playerId: 'b', rank: 2, score: 10, subscores: [2] },
    ]);
    const moved = await waitFor(
      async () => c.events.find((e) => e.name === 'player.rank')?.payload,
      5000,
      'a player event',
    );
    expect(moved).toMatchObject({ playerId: 'a', rank: 1, score: 10, subscores: [3] });
  });
});
