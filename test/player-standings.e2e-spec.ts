import { BOARDS_PER_CALL } from '../src/leaderboard/standings.repository';
import { useApp } from './support/fixture';
import { inOneWindow, waitFor } from './support/wait';

interface Standing {
  leaderboardId: string;
  periodId: string;
  rank: number;
  total: number;
  score: number;
  topPercent: number;
  tier?: string;
}

const READ_LIMIT = 1000;

describe("a player's standings on every board (e2e)", () => {
  // all: resets go through the queue and its worker; the read limit is on to see it charged.
  const f = useApp({ APP_MODE: 'all', RATE_LIMIT_READ_PER_IP: String(READ_LIMIT) }, 's');
  const standingsOf = (playerId: string, query = '') =>
    f.api.get(`/v1/players/${encodeURIComponent(playerId)}/standings${query}`);

  /** What the per-board player read says, in the shape of a standings entry (null: 404). */
  const playerRead = async (boardId: string, playerId: string): Promise<Standing | null> => {
    const res = await f.api.get(`/v1/leaderboards/${boardId}/players/${playerId}`);
    if (res.status === 404) return null;
    expect(res.status).toBe(200);
    const { leaderboardId, periodId, rank, total, score, topPercent, tier } = res.body as Standing;
    return { leaderboardId, periodId, rank, total, score, topPercent, ...(tier ? { tier } : {}) };
  };

  it('lists the current entry on every board holding the player, by board id, as the player read does', async () => {
    const boards: string[] = [];
    // 11 boards, so ids sort as text (s1, s10, s11, s2, …), not as numbers.
    for (let i = 0; i < 11; i++) {
      const kind = i % 3;
      boards.push(
        await f.board(
          kind === 0
            ? { tiers: [{ name: 'gold', topPercent: 50 }] }
            : kind === 1
              ? { sortOrder: 'asc', rankMode: 'competition' }
              : { rankMode: 'dense', updateMode: 'increment' },
        ),
      );
    }
    // Ties, other players and a different score on each board; "zed" only on some boards.
    for (const [i, id] of boards.entries()) {
      const entries = [
        { playerId: 'other1', score: 50 },
        { playerId: 'alice', score: 40 + (i % 4) },
        { playerId: 'other2', score: 40 + (i % 4) },
        { playerId: 'other3', score: 10 },
      ];
      if (i % 3 !== 2) entries.push({ playerId: 'zed', score: 5 });
      expect((await f.api.batch(id, entries)).status).toBe(200);
    }
    // alice is not on the board `global`, nor on a board created after the writes.
    const empty = await f.board();

    const res = await standingsOf('alice');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const expected = [...boards].sort();
    expect(res.body).toMatchObject({ playerId: 'alice', total: 11, offset: 0, limit: 100 });
    expect(res.headers.get('x-total-count')).toBe('11');
    expect(res.headers.get('link')).toBeNull();
    const entries = res.body.entries as Standing[];
    expect(entries.map((e) => e.leaderboardId)).toEqual(expected);
    expect(entries.map((e) => e.leaderboardId)).not.toContain(empty);
    expect(entries.map((e) => e.leaderboardId)).not.toContain('global');
    for (const e of entries) expect(e).toEqual(await playerRead(e.leaderboardId, 'alice'));
    // The answer holds more than one rank, tier and mode, so the comparison above means something.
    expect(new Set(entries.map((e) => e.rank)).size).toBeGreaterThan(1);
    expect(entries.some((e) => e.tier === 'gold')).toBe(true);
    expect(entries.some((e) => e.tier === undefined)).toBe(true);
    const tiered = entries.find((e) => e.tier)!;
    expect(Object.keys(tiered).sort()).toEqual(
      ['leaderboardId', 'periodId', 'rank', 'total', 'score', 'topPercent', 'tier'].sort(),
    );

    const zed = await standingsOf('zed');
    const zedBoards = (zed.body.entries as Standing[]).map((e) => e.leaderboardId);
    expect(zedBoards).toEqual(boards.filter((_, i) => i % 3 !== 2).sort());
    for (const e of zed.body.entries as Standing[]) {
      expect(e).toEqual(await playerRead(e.leaderboardId, 'zed'));
    }
  });

  it('reads more boards than one Valkey call takes, in order across the calls', async () => {
    const boards: string[] = [];
    for (let i = 0; i < BOARDS_PER_CALL + 20; i++) boards.push(await f.board());
    // "tom" on every 7th board, with a different score on each (ranks 1..3).
    const holding: string[] = [];
    for (const [i, id] of boards.entries()) {
      const entries = [
        { playerId: 'x', score: 10 },
        { playerId: 'y', score: 20 },
      ];
      if (i % 7 === 0) {
        entries.push({ playerId: 'tom', score: 5 + 10 * (i % 3) });
        holding.push(id);
      }
      expect((await f.api.batch(id, entries)).status).toBe(200);
    }
    const res = await standingsOf('tom', '?limit=200');
    const entries = res.body.entries as Standing[];
    expect(res.body.total).toBe(holding.length);
    expect(entries.map((e) => e.leaderboardId)).toEqual([...holding].sort());
    for (const e of entries) expect(e).toEqual(await playerRead(e.leaderboardId, 'tom'));
    expect(new Set(entries.map((e) => e.rank))).toEqual(new Set([1, 2, 3]));
  });

  it('shows subscores and ranks by them on a board with tie-break columns', async () => {
    const board = await f.board({
      rankMode: 'competition',
      tiebreakers: [
        { name: 'kills', order: 'desc' },
        { name: 'time', order: 'asc' },
      ],
    });
    const entries = [
      { playerId: 'tb-a', score: 100, subscores: [5, 30] },
      { playerId: 'tb-b', score: 100, subscores: [5, 20] },
      { playerId: 'tb-c', score: 100, subscores: [5, 30] },
      { playerId: 'tb-d', score: 100, subscores: [7, 99] },
    ];
    expect((await f.api.batch(board, entries)).status).toBe(200);
    const ranks: Record<string, number> = { 'tb-d': 1, 'tb-b': 2, 'tb-a': 3, 'tb-c': 3 };
    for (const { playerId, subscores } of entries) {
      const res = await standingsOf(playerId);
      expect(res.status).toBe(200);
      const entry = (res.body.entries as Standing[]).find((e) => e.leaderboardId === board);
      expect(entry).toMatchObject({ rank: ranks[playerId], score: 100, subscores });
      expect((await f.api.get(`/v1/leaderboards/${board}/players/${playerId}`)).body).toMatchObject(
        { rank: ranks[playerId], subscores },
      );
    }
  });

  it('answers a player on no board with an empty page', async () => {
    const res = await standingsOf('nobody@nowhere');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      playerId: 'nobody@nowhere',
      total: 0,
      offset: 0,
      limit: 100,
      entries: [],
    });
    expect(res.headers.get('x-total-count')).toBe('0');
  });

  it('pages in board id order with X-Total-Count and a next Link', async () => {
    const boards: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = await f.board();
      boards.push(id);
      await f.api.submit(id, { playerId: 'pager', score: 100 + i });
    }
    boards.sort();
    const first = await standingsOf('pager', '?limit=2');
    expect(first.body).toMatchObject({ total: 5, offset: 0, limit: 2 });
    expect(first.body.entries.map((e: Standing) => e.leaderboardId)).toEqual(boards.slice(0, 2));
    expect(first.headers.get('x-total-count')).toBe('5');
    expect(first.headers.get('link')).toBe(
      '</v1/players/pager/standings?offset=2&limit=2>; rel="next"',
    );
    const middle = await standingsOf('pager', '?offset=2&limit=2');
    expect(middle.body.entries.map((e: Standing) => e.leaderboardId)).toEqual(boards.slice(2, 4));
    expect(middle.headers.get('link')).toBe(
      '</v1/players/pager/standings?offset=4&limit=2>; rel="next"',
    );
    const last = await standingsOf('pager', '?offset=4&limit=2');
    expect(last.body.entries.map((e: Standing) => e.leaderboardId)).toEqual(boards.slice(4));
    expect(last.headers.get('link')).toBeNull();
    const past = await standingsOf('pager', '?offset=50');
    expect(past.body).toMatchObject({ total: 5, offset: 50, entries: [] });
    // A player id that needs encoding in the Link.
    const odd = 'a:b@c';
    await f.api.submit(boards[0], { playerId: odd, score: 1 });
    await f.api.submit(boards[1], { playerId: odd, score: 1 });
    expect((await standingsOf(odd, '?limit=1')).headers.get('link')).toBe(
      `</v1/players/${encodeURIComponent(odd)}/standings?offset=1&limit=1>; rel="next"`,
    );
  });

  it('shows only current periods: a reset board drops out until the player scores again', async () => {
    const kept = await f.board();
    const reset = await f.board();
    await f.api.submit(kept, { playerId: 'rita', score: 7 });
    await f.api.submit(reset, { playerId: 'rita', score: 9 });
    expect((await standingsOf('rita')).body.total).toBe(2);
    expect((await f.api.admin('POST', `/v1/leaderboards/${reset}/reset`)).status).toBe(202);
    await waitFor(
      async () => (await f.api.get(`/v1/leaderboards/${reset}`)).body.period.id === '0000000002',
      5000,
      'the reset',
    );
    // The archived period still has her entry; the standings do not show it.
    expect(
      (await f.api.get(`/v1/leaderboards/${reset}/periods/0000000001/players/rita`)).status,
    ).toBe(200);
    const after = await standingsOf('rita');
    expect(after.body.entries.map((e: Standing) => e.leaderboardId)).toEqual([kept]);
    await f.api.submit(reset, { playerId: 'rita', score: 3 });
    const again = (await standingsOf('rita')).body.entries as Standing[];
    expect(again.find((e) => e.leaderboardId === reset)).toEqual({
      leaderboardId: reset,
      periodId: '0000000002',
      rank: 1,
      total: 1,
      score: 3,
      topPercent: 100,
    });
  });

  it('leaves out a deleted board and a player removed from a board', async () => {
    const a = await f.board();
    const b = await f.board();
    const c = await f.board();
    for (const id of [a, b, c]) await f.api.submit(id, { playerId: 'dora', score: 1 });
    expect((await f.api.admin('DELETE', `/v1/leaderboards/${b}`)).status).toBe(204);
    expect((await f.api.admin('DELETE', `/v1/leaderboards/${c}/players/dora`)).status).toBe(204);
    const res = await standingsOf('dora');
    expect(res.body.entries.map((e: Standing) => e.leaderboardId)).toEqual([a]);
  });

  it.each([
    ['offset=-1', 'offset'],
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=abc', 'limit'],
    ['offset=1.5', 'offset'],
    ['foo=1', 'foo'],
  ])('rejects the query %s with a 400 naming %s', async (query, field) => {
    const res = await standingsOf('alice', `?${query}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  it.each([
    ['a space', 'bad%20id'],
    ['129 characters', 'p'.repeat(129)],
    ['a slash', 'a%2Fb'],
  ])('rejects a player id with %s with a 400', async (_what, playerId) => {
    const res = await f.api.get(`/v1/players/${playerId}/standings`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors[0].path).toBe('playerId');
  });

  it('charges the per-IP read limit once per request, whatever the number of boards', async () => {
    // Both requests in the same one-second window.
    await inOneWindow(async () => {
      const one = await standingsOf('alice');
      const two = await standingsOf('alice');
      expect(one.status).toBe(200);
      expect(one.headers.get('ratelimit-limit')).toBe(String(READ_LIMIT));
      expect(one.body.total).toBeGreaterThan(5);
      expect(
        Number(one.headers.get('ratelimit-remaining')) -
          Number(two.headers.get('ratelimit-remaining')),
      ).toBe(1);
    });
  });

  it('answers 503 with Retry-After while one board is still in the old storage layout', async () => {
    const id = await f.board();
    await f.api.submit(id, { playerId: 'lena', score: 1 });
    const cfg = `{lb:${id}}:cfg`;
    await f.valkey.client.hdel(cfg, 'layout');
    try {
      const res = await standingsOf('lena');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      // The same answer as that board's own player read.
      expect((await f.api.get(`/v1/leaderboards/${id}/players/lena`)).status).toBe(503);
    } finally {
      await f.valkey.client.hset(cfg, 'layout', '2');
    }
    expect((await standingsOf('lena')).body.entries).toHaveLength(1);
  });

  it('is in the OpenAPI document with its query, headers and problems', async () => {
    const doc = (await f.api.get('/openapi.json')).body;
    const op = doc.paths['/v1/players/{playerId}/standings'].get;
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'limit',
      'offset',
      'playerId',
    ]);
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '429', '503']);
    expect(Object.keys(op.responses['200'].headers)).toEqual(['X-Total-Count', 'Link']);
    expect(op.security ?? []).toEqual([]);
  });
});
