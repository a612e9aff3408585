import { ResetsRepository } from '../src/ranking-jobs/resets/resets.repository';
import { useApp } from './support/fixture';

describe('cohorts (e2e)', () => {
  const f = useApp({}, 'co');

  it('places players in arrival order, ranks them within their cohort and reads cohorts', async () => {
    const id = await f.board({ cohortSize: 3, sortOrder: 'desc', rankMode: 'competition' });
    const results = [];
    for (let i = 1; i <= 7; i++) {
      const res = await f.api.submit(id, { playerId: `p${i}`, score: i * 10 });
      expect(res.status).toBe(200);
      results.push(res.body);
    }
    expect(results.map((r) => r.cohortId)).toEqual([1, 1, 1, 2, 2, 2, 3]);
    // p3 has the best score of cohort 1 (p1 10, p2 20, p3 30), and of the board at the time.
    expect(results[2]).toMatchObject({ rank: 1, cohortRank: 1, cohortTotal: 3 });
    expect(results[4]).toMatchObject({ rank: 1, cohortId: 2, cohortRank: 1, cohortTotal: 2 });
    expect(results[6]).toMatchObject({ rank: 1, cohortId: 3, cohortRank: 1, cohortTotal: 1 });

    // A tie within cohort 1 (competition): p1 reaches 30 too, after p3.
    const tie = await f.api.submit(id, { playerId: 'p1', score: 30 });
    expect(tie.body).toMatchObject({ cohortId: 1, cohortRank: 1, cohortTotal: 3, updated: true });
    // A write that changes nothing still reports the standing.
    const same = await f.api.submit(id, { playerId: 'p2', score: 5 });
    expect(same.body).toMatchObject({ updated: false, cohortId: 1, cohortRank: 3 });

    const list = await f.api.get(`/v1/leaderboards/${id}/cohorts`);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ leaderboardId: id, periodId: '0000000001', total: 3 });
    expect(list.body.cohorts).toEqual([
      { cohortId: 1, size: 3 },
      { cohortId: 2, size: 3 },
      { cohortId: 3, size: 1 },
    ]);
    const paged = await f.api.get(`/v1/leaderboards/${id}/cohorts?offset=1&limit=1`);
    expect(paged.body.cohorts).toEqual([{ cohortId: 2, size: 3 }]);

    const page = await f.api.get(`/v1/leaderboards/${id}/cohorts/1/entries`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ cohortId: 1, total: 3, offset: 0, limit: 25 });
    expect(
      page.body.entries.map((e: { playerId: string; rank: number }) => [e.playerId, e.rank]),
    ).toEqual([
      ['p3', 1],
      ['p1', 1],
      ['p2', 3],
    ]);
    const second = await f.api.get(`/v1/leaderboards/${id}/cohorts/1/entries?offset=2&limit=5`);
    expect(second.body.entries.map((e: { playerId: string }) => e.playerId)).toEqual(['p2']);

    const mine = await f.api.get(`/v1/leaderboards/${id}/players/p5/cohort`);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ playerId: 'p5', cohortId: 2, total: 3, cohortRank: 2 });
    expect(mine.body.entries.map((e: { playerId: string }) => e.playerId)).toEqual([
      'p6',
      'p5',
      'p4',
    ]);

    const player = await f.api.get(`/v1/leaderboards/${id}/players/p4`);
    expect(player.body).toMatchObject({ rank: 4, cohortId: 2, cohortRank: 3, cohortTotal: 3 });
    const lookup = await f.api.request('POST', `/v1/leaderboards/${id}/players/lookup`, {
      body: { playerIds: ['p7', 'p1'] },
    });
    expect(lookup.body.entries.map((e: { cohortId: number }) => e.cohortId)).toEqual([3, 1]);
  });

  it('keeps a removed player in their cohort for the period, out of its standings', async () => {
    const id = await f.board({ cohortSize: 2, rankMode: 'dense' });
    for (const [p, s] of [
      ['a', 5],
      ['b', 5],
      ['c', 7],
    ] as const) {
      await f.api.submit(id, { playerId: p, score: s });
    }
    expect((await f.api.admin('DELETE', `/v1/leaderboards/${id}/players/a`)).status).toBe(204);
    const page = await f.api.get(`/v1/leaderboards/${id}/cohorts/1/entries`);
    expect(page.body.total).toBe(1);
    expect(page.body.entries.map((e: { playerId: string }) => e.playerId)).toEqual(['b']);
    // back in the same cohort (its place was kept), not in cohort 2 which has room
    const back = await f.api.submit(id, { playerId: 'a', score: 9 });
    expect(back.body).toMatchObject({ cohortId: 1, cohortRank: 1, cohortTotal: 2 });
    // a purge removes from cohorts too
    const purge = await f.api.admin(
      'DELETE',
      `/v1/leaderboards/${id}/entries?minScore=5&maxScore=5`,
    );
    expect(purge.body.removed).toBe(1);
    expect((await f.api.get(`/v1/leaderboards/${id}/cohorts/1/entries`)).body.total).toBe(1);
    // the fourth player opens cohort 3: cohort 2 (c) still has room, and cohort 1 is full
    const d = await f.api.submit(id, { playerId: 'd', score: 1 });
    expect(d.body.cohortId).toBe(2);
    const e = await f.api.submit(id, { playerId: 'e', score: 1 });
    expect(e.body.cohortId).toBe(3);
  });

  it('keeps archived periods readable and places players afresh in the next period', async () => {
    const id = await f.board({ cohortSize: 2 });
    const batch = await f.api.batch(id, [
      { playerId: 'x', score: 1 },
      { playerId: 'y', score: 2 },
      { playerId: 'z', score: 3 },
      { playerId: 'x', score: 4 },
    ]);
    expect(batch.status).toBe(200);
    expect(
      batch.body.results.map((r: { cohortId: number; cohortRank: number }) => [
        r.cohortId,
        r.cohortRank,
      ]),
    ).toEqual([
      [1, 1],
      [1, 1],
      [2, 1],
      [1, 1],
    ]);
    // The reset job's script, run here (this app has no worker).
    await f.app.app.get(ResetsRepository).reset(id, '0000000001', null);
    const z = await f.api.submit(id, { playerId: 'z', score: 1 });
    expect(z.body).toMatchObject({ periodId: '0000000002', cohortId: 1, cohortTotal: 1 });

    const old = await f.api.get(`/v1/leaderboards/${id}/periods/0000000001/cohorts`);
    expect(old.body).toMatchObject({ periodId: '0000000001', total: 2 });
    const oldPage = await f.api.get(`/v1/leaderboards/${id}/periods/0000000001/cohorts/1/entries`);
    expect(
      oldPage.body.entries.map((e: { playerId: string; score: number }) => [e.playerId, e.score]),
    ).toEqual([
      ['x', 4],
      ['y', 2],
    ]);
    const oldMine = await f.api.get(`/v1/leaderboards/${id}/periods/0000000001/players/z/cohort`);
    expect(oldMine.body).toMatchObject({ cohortId: 2, cohortRank: 1, total: 1 });
    const oldPlayer = await f.api.get(`/v1/leaderboards/${id}/periods/0000000001/players/y`);
    expect(oldPlayer.body).toMatchObject({ cohortId: 1, cohortRank: 2, cohortTotal: 2 });
    expect((await f.api.get(`/v1/leaderboards/${id}/players/z/cohort`)).body.cohortId).toBe(1);
  });

  it('refuses bad cohort settings and reads with a problem that changes nothing', async () => {
    const bad = async (body: Record<string, unknown>, path: string) => {
      const res = await f.api.admin('POST', '/v1/leaderboards', { id: 'bad-cohorts', ...body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors[0].path).toBe(path);
    };
    await bad({ cohortSize: 1 }, 'cohortSize');
    await bad({ cohortSize: 1001 }, 'cohortSize');
    await bad({ cohortSize: 2.5 }, 'cohortSize');
    await bad({ leagues: [{ name: 'a', promote: 1, demote: 0 }] }, 'leagues');
    await bad({ cohortSize: 4, leagues: [{ name: 'a', promote: 3, demote: 2 }] }, 'leagues.0');
    await bad(
      {
        cohortSize: 4,
        leagues: [
          { name: 'a', promote: 1, demote: 0 },
          { name: 'a', promote: 1, demote: 1 },
        ],
      },
      'leagues.1.name',
    );
    await bad(
      { cohortSize: 4, leagues: [{ name: 'a', promote: -1, demote: 0 }] },
      'leagues.0.promote',
    );
    expect((await f.api.get('/v1/leaderboards/bad-cohorts')).status).toBe(404);

    const id = await f.board({ cohortSize: 5 });
    const patch = await f.api.admin('PATCH', `/v1/leaderboards/${id}`, { cohortSize: 6 });
    expect(patch.status).toBe(400);
    expect((await f.api.get(`/v1/leaderboards/${id}`)).body.cohortSize).toBe(5);

    const plain = await f.board();
    expect((await f.api.get(`/v1/leaderboards/${plain}/cohorts`)).status).toBe(404);
    const submitted = await f.api.submit(plain, { playerId: 'q', score: 1 });
    expect(submitted.body).not.toHaveProperty('cohortId');
    expect((await f.api.get(`/v1/leaderboards/${id}/cohorts/0/entries`)).status).toBe(400);
    expect((await f.api.get(`/v1/leaderboards/${id}/cohorts/1/entries`)).status).toBe(404);
    expect((await f.api.get(`/v1/leaderboards/${id}/players/nobody/cohort`)).status).toBe(404);
    expect((await f.api.get(`/v1/leaderboards/${id}/periods/0000000009/cohorts`)).status).toBe(404);
    expect((await f.api.get('/v1/leaderboards/nope/cohorts')).status).toBe(404);
  });

  it('never overfills a cohort under 500 concurrent first submits (cohorts of 7)', async () => {
    const id = await f.board({ cohortSize: 7 });
    const responses = await Promise.all(
      Array.from({ length: 500 }, (_, i) => f.api.submit(id, { playerId: `c${i}`, score: i % 13 })),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const sizes = new Map<number, number>();
    for (const r of responses) sizes.set(r.body.cohortId, (sizes.get(r.body.cohortId) ?? 0) + 1);
    const count = Math.ceil(500 / 7);
    expect([...sizes.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: count }, (_, i) => i + 1),
    );
    for (let c = 1; c < count; c++) expect(sizes.get(c)).toBe(7);
    expect(sizes.get(count)).toBe(500 - 7 * (count - 1));
    const list = await f.api.get(`/v1/leaderboards/${id}/cohorts?limit=1000`);
    expect(list.body.total).toBe(count);
    expect(list.body.cohorts.map((c: { size: number }) => c.size)).toEqual(
      Array.from({ length: count }, (_, i) => sizes.get(i + 1)),
    );
    // Every player's cohort read holds them exactly once.
    const seen = new Set<string>();
    for (let c = 1; c <= count; c++) {
      const page = await f.api.get(`/v1/leaderboards/${id}/cohorts/${c}/entries`);
      for (const e of page.body.entries as { playerId: string }[]) {
        expect(seen.has(e.playerId)).toBe(false);
        seen.add(e.playerId);
      }
    }
    expect(seen.size).toBe(500);
  });
});
