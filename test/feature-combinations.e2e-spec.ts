import { useApp } from './support/fixture';
import { waitFor } from './support/wait';

/**
 * Features built side by side meet here: tie-break columns, cohorts, hidden players and
 * tournaments on one board. Each feature has its own suite; this one checks what none of them
 * could see alone.
 */
describe('features combined on one board (e2e)', () => {
  // all: the reset and results jobs run in its worker.
  const f = useApp({ APP_MODE: 'all' }, 'fc');
  const ids = (entries: { playerId: string }[]) => entries.map((e) => e.playerId);
  const hide = (playerId: string, hidden: boolean) =>
    f.api.admin(
      'PUT',
      `/v1/players/${playerId}/hidden`,
      hidden ? { hidden, reason: 'test' } : { hidden },
    );

  it('ranks a cohort by the tie-break columns, exactly like the board', async () => {
    const id = await f.board({
      cohortSize: 4,
      rankMode: 'competition',
      tiebreakers: [
        { name: 'kills', order: 'desc' },
        { name: 'time', order: 'asc' },
      ],
    });
    const entries = [
      { playerId: 'a', score: 100, subscores: [5, 30] },
      { playerId: 'b', score: 100, subscores: [5, 20] },
      { playerId: 'c', score: 100, subscores: [5, 30] },
      { playerId: 'd', score: 100, subscores: [7, 99] },
    ];
    for (const e of entries) expect((await f.api.submit(id, e)).status).toBe(200);
    const ranks = { d: 1, b: 2, a: 3, c: 3 };
    const page = await f.api.get(`/v1/leaderboards/${id}/cohorts/1/entries`);
    expect(page.status).toBe(200);
    expect(ids(page.body.entries)).toEqual(['d', 'b', 'a', 'c']);
    for (const e of page.body.entries as { playerId: keyof typeof ranks; rank: number }[]) {
      expect(e.rank).toBe(ranks[e.playerId]);
      expect(e).toMatchObject({
        subscores: entries.find((x) => x.playerId === e.playerId)!.subscores,
      });
    }
    for (const [playerId, rank] of Object.entries(ranks)) {
      const res = await f.api.get(`/v1/leaderboards/${id}/players/${playerId}`);
      expect(res.body).toMatchObject({ rank, cohortId: 1, cohortRank: rank, cohortTotal: 4 });
    }
    // Dense ranks within the cohort count distinct (score, columns) tuples.
    const dense = await f.board({
      cohortSize: 4,
      rankMode: 'dense',
      tiebreakers: [{ name: 'kills', order: 'desc' }],
    });
    for (const [playerId, kills] of [
      ['x', 1],
      ['y', 2],
      ['z', 1],
    ] as const)
      await f.api.submit(dense, { playerId, score: 10, subscores: [kills] });
    const dpage = await f.api.get(`/v1/leaderboards/${dense}/cohorts/1/entries`);
    expect(
      dpage.body.entries.map((e: { playerId: string; rank: number }) => [e.playerId, e.rank]),
    ).toEqual([
      ['y', 1],
      ['x', 2],
      ['z', 2],
    ]);
  });

  it("takes a hidden player out of their cohort's view and brings them back when shown", async () => {
    const id = await f.board({ cohortSize: 5 });
    for (const [playerId, score] of [
      ['h1', 50],
      ['h2', 40],
      ['cheat', 99],
    ] as const)
      expect((await f.api.submit(id, { playerId, score })).status).toBe(200);
    expect((await hide('cheat', true)).status).toBe(200);
    const page = await f.api.get(`/v1/leaderboards/${id}/cohorts/1/entries`);
    expect(ids(page.body.entries)).toEqual(['h1', 'h2']);
    expect(page.body.entries[0].rank).toBe(1);
    // The cheat keeps submitting, unseen in the cohort too; their own answer looks normal.
    const own = await f.api.submit(id, { playerId: 'cheat', score: 120 });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ rank: 1, cohortId: 1, cohortRank: 1 });
    // One that changes nothing: no place in the cohort's view to report (not a rank 0), as their
    // own read says.
    const same = await f.api.submit(id, { playerId: 'cheat', score: 3 });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ updated: false, cohortId: 1 });
    expect(same.body).not.toHaveProperty('cohortRank');
    const read = await f.api.get(`/v1/leaderboards/${id}/players/cheat`);
    expect(read.body).toMatchObject({ cohortId: 1 });
    expect(read.body).not.toHaveProperty('cohortRank');
    expect(ids((await f.api.get(`/v1/leaderboards/${id}/cohorts/1/entries`)).body.entries)).toEqual(
      ['h1', 'h2'],
    );
    expect((await hide('cheat', false)).status).toBe(200);
    const back = await f.api.get(`/v1/leaderboards/${id}/cohorts/1/entries`);
    expect(ids(back.body.entries)).toEqual(['cheat', 'h1', 'h2']);
    expect(back.body.entries[0]).toMatchObject({ score: 120, rank: 1 });
  });

  it("writes a column board's results with subscores, ranked by them", async () => {
    const id = await f.board({ tiebreakers: [{ name: 'kills', order: 'desc' }] });
    await f.api.batch(id, [
      { playerId: 'r1', score: 10, subscores: [1], displayName: 'One' },
      { playerId: 'r2', score: 10, subscores: [4] },
    ]);
    expect((await f.api.admin('POST', `/v1/leaderboards/${id}/reset`)).status).toBe(202);
    const results = await waitFor(
      async () => {
        const res = await f.api.get(`/v1/leaderboards/${id}/periods/0000000001/results`);
        return res.status === 200 && res.body;
      },
      15_000,
      'the results',
    );
    expect(results.entries).toEqual([
      { rank: 1, playerId: 'r2', score: 10, subscores: [4] },
      { rank: 2, playerId: 'r1', score: 10, subscores: [1], displayName: 'One' },
    ]);
  });

  it("lists a player's cohort in their standings on every board", async () => {
    const plain = await f.board();
    const grouped = await f.board({ cohortSize: 2 });
    for (const [playerId, score] of [
      ['s1', 5],
      ['s2', 9],
      ['s3', 7],
    ] as const) {
      await f.api.submit(plain, { playerId, score });
      await f.api.submit(grouped, { playerId, score });
    }
    const res = await f.api.get('/v1/players/s3/standings');
    expect(res.status).toBe(200);
    const byBoard = Object.fromEntries(
      (res.body.entries as { leaderboardId: string }[]).map((e) => [e.leaderboardId, e]),
    );
    expect(byBoard[plain]).toEqual(expect.not.objectContaining({ cohortId: expect.anything() }));
    // s3 opened cohort 2 alone: board rank 2 of 3, cohort rank 1.
    expect(byBoard[grouped]).toMatchObject({ rank: 2, total: 3, cohortId: 2, cohortRank: 1 });
  });

  it("shows a tournament player's attempts and cohort on their own read", async () => {
    const id = await f.board({ cohortSize: 3, maxAttempts: 2 });
    expect((await f.api.submit(id, { playerId: 'p', score: 1 })).status).toBe(200);
    const res = await f.api.get(`/v1/leaderboards/${id}/players/p`);
    expect(res.body).toMatchObject({ attempts: 1, attemptsLeft: 1, cohortId: 1, cohortRank: 1 });
  });
});
