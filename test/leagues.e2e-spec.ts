import type { Job } from 'bullmq';
import { BoardsRepository } from '../src/leaderboard/boards.repository';
import { EventBus } from '../src/events/event-bus';
import { LeagueSettlement } from '../src/ranking-jobs/resets/league-settlement';
import { LeaguesRepository } from '../src/ranking-jobs/resets/leagues.repository';
import { ResetsRepository } from '../src/ranking-jobs/resets/resets.repository';
import { ResetsService } from '../src/ranking-jobs/resets/resets.service';
import { ResultsRepository } from '../src/ranking-jobs/results/results.repository';
import { ResultsService } from '../src/ranking-jobs/results/results.service';
import type { ResetJob, ResultsJob } from '../src/ranking-jobs/queue/queue-names';
import { useApp } from './support/fixture';

const LEAGUES = [
  { name: 'bronze', promote: 1, demote: 0 },
  { name: 'silver', promote: 1, demote: 1 },
  { name: 'gold', promote: 0, demote: 1 },
];

describe('leagues (e2e)', () => {
  const f = useApp({}, 'lg');
  const moved: { boardId: string; generation: number; periodId: string; moved: number }[] = [];

  beforeAll(() => {
    f.app.app.get(EventBus).on('league.moved', (e) => void moved.push(e));
  });

  /** The reset job's handler, as a worker runs it (this app is api-only). */
  async function closePeriod(id: string): Promise<void> {
    const board = (await f.app.app.get(BoardsRepository).get(id))!;
    const job = {
      data: { boardId: id, periodId: board.periodId, generation: board.createdAt },
    } as Job<ResetJob>;
    await f.app.app.get(ResetsService).onManualReset(job);
  }

  /** The board's league.moved events, one per period (repeats must agree). */
  const announced = (id: string): [string, number][] => {
    const byPeriod = new Map<string, number>();
    for (const m of moved.filter((e) => e.boardId === id)) {
      expect(byPeriod.get(m.periodId) ?? m.moved).toBe(m.moved);
      byPeriod.set(m.periodId, m.moved);
    }
    return [...byPeriod];
  };

  /**
   * The prune job, as a worker runs it, after the results job (also a worker's, not running
   * here) has written each closed period's results: a period is pruned only once they are.
   */
  async function prune(id: string): Promise<void> {
    for (const p of await f.app.app.get(ResultsRepository).pending(id))
      await f.app.app.get(ResultsService).onResults({
        data: { boardId: id, generation: p.generation, periodId: p.periodId },
      } as Job<ResultsJob>);
    await f.app.app
      .get(ResetsService)
      .onPrune({ data: { boardId: id } } as Job<{ boardId: string }>);
  }

  const submitAll = async (id: string, scores: Record<string, number>) => {
    for (const [playerId, score] of Object.entries(scores)) {
      const res = await f.api.submit(id, { playerId, score });
      expect(res.status).toBe(200);
    }
  };

  it('promotes the top and demotes the bottom of every cohort at each close', async () => {
    const id = await f.board({ cohortSize: 4, leagues: LEAGUES });
    await submitAll(id, { a1: 1, a2: 2, a3: 3, a4: 4, a5: 5, a6: 6, a7: 7, a8: 8 });
    expect((await f.api.get(`/v1/leaderboards/${id}/players/a1`)).body.league).toBe('bronze');
    expect((await f.api.get(`/v1/leaderboards/${id}/cohorts`)).body.cohorts).toEqual([
      { cohortId: 1, league: 'bronze', size: 4 },
      { cohortId: 2, league: 'bronze', size: 4 },
    ]);
    await closePeriod(id);
    expect(moved.filter((m) => m.boardId === id)).toEqual([
      { boardId: id, generation: expect.any(Number), periodId: '0000000001', moved: 2 },
    ]);
    const movements = await f.api.get(`/v1/leaderboards/${id}/periods/0000000001/movements`);
    expect(movements.body).toMatchObject({ settled: true, total: 2 });
    expect(movements.body.movements).toEqual([
      { playerId: 'a4', from: 'bronze', to: 'silver', cohortId: 1, cohortRank: 1 },
      { playerId: 'a8', from: 'bronze', to: 'silver', cohortId: 2, cohortRank: 1 },
    ]);
    expect((await f.api.get(`/v1/leaderboards/${id}/leagues`)).body).toEqual({
      leaderboardId: id,
      pendingPeriods: 0,
      leagues: [
        { name: 'bronze', players: 6 },
        { name: 'silver', players: 2 },
        { name: 'gold', players: 0 },
      ],
    });

    await submitAll(id, { a4: 10, a8: 5, a1: 1 });
    const a4 = (await f.api.get(`/v1/leaderboards/${id}/players/a4`)).body;
    expect(a4).toMatchObject({ league: 'silver', cohortId: 1, cohortRank: 1, cohortTotal: 2 });
    expect((await f.api.get(`/v1/leaderboards/${id}/players/a1`)).body).toMatchObject({
      league: 'bronze',
      cohortId: 2,
    });
    await closePeriod(id);
    const second = await f.api.get(`/v1/leaderboards/${id}/periods/0000000002/movements`);
    expect(
      second.body.movements.map((m: { playerId: string; to: string }) => [m.playerId, m.to]),
    ).toEqual([
      ['a4', 'gold'],
      ['a8', 'bronze'],
      ['a1', 'silver'],
    ]);
    // Players who did not play keep their league.
    expect((await f.api.get(`/v1/leaderboards/${id}/leagues`)).body.leagues).toEqual([
      { name: 'bronze', players: 6 },
      { name: 'silver', players: 1 },
      { name: 'gold', players: 1 },
    ]);
    // a closed period's cohorts keep the league they were played in
    expect(
      (await f.api.get(`/v1/leaderboards/${id}/periods/0000000002/players/a8`)).body,
    ).toMatchObject({ league: 'silver', cohortRank: 2 });
  });

  it('places a player by their moved league even before the reset job has settled', async () => {
    const id = await f.board({ cohortSize: 2, leagues: LEAGUES });
    await submitAll(id, { b1: 1, b2: 2, b3: 3, b4: 4 });
    // Only the reset script: the movements are not applied yet.
    await f.app.app.get(ResetsRepository).reset(id, '0000000001', null);
    expect((await f.api.get(`/v1/leaderboards/${id}/leagues`)).body.pendingPeriods).toBe(1);
    const b2 = await f.api.submit(id, { playerId: 'b2', score: 1 });
    expect(b2.body.cohortId).toBe(1);
    expect((await f.api.get(`/v1/leaderboards/${id}/players/b2`)).body.league).toBe('silver');
    const b1 = await f.api.submit(id, { playerId: 'b1', score: 1 });
    expect(b1.body.cohortId).toBe(2); // bronze: not with b2
    // the reset job settles the rest, and never the early one twice
    await f.app.app.get(LeagueSettlement).settle(id, 1);
    const list = await f.api.get(`/v1/leaderboards/${id}/periods/0000000001/movements`);
    expect(list.body.movements.map((m: { playerId: string }) => m.playerId)).toEqual(['b2', 'b4']);
    expect((await f.api.get(`/v1/leaderboards/${id}/leagues`)).body.leagues).toEqual([
      { name: 'bronze', players: 2 },
      { name: 'silver', players: 2 },
      { name: 'gold', players: 0 },
    ]);
  });

  it('announces league.moved after a settler died between its last step and the announcement', async () => {
    // retainPeriods 0: the prune drops the closed period's cohort keys before the announcement.
    const id = await f.board({ cohortSize: 2, leagues: LEAGUES, retainPeriods: 0 });
    await submitAll(id, { b1: 1, b2: 2, b3: 3 });
    await f.app.app.get(ResetsRepository).reset(id, '0000000001', null);
    // A settler that finishes the period's steps and dies before announcing.
    const repo = f.app.app.get(LeaguesRepository);
    let step = await repo.settleStep(id, 1);
    while (step.status === 'progress') step = await repo.settleStep(id, 1);
    expect(step).toMatchObject({ status: 'done', periodId: '0000000001', movedInPeriod: 2 });
    expect(announced(id)).toEqual([]);
    expect((await repo.owedAnnouncements(id)).owed).toEqual([{ periodId: '0000000001', moved: 2 }]);
    // The results and prune jobs run meanwhile: period 1 and its cohort keys go.
    await prune(id);
    expect(await f.valkey.client.keys(`{lb:${id}}:co:*:0000000001:*`)).toEqual([]);
    // The next settlement (the job's retry, or the next close) owes it and announces it, once,
    // with its count.
    await f.app.app.get(LeagueSettlement).settle(id);
    expect(announced(id)).toEqual([['0000000001', 2]]);
    expect((await repo.owedAnnouncements(id)).owed).toEqual([]);
    await f.app.app.get(LeagueSettlement).settle(id);
    expect(moved.filter((m) => m.boardId === id)).toHaveLength(1);
  });

  it('lets an admin set a league, used from the next placement', async () => {
    const id = await f.board({ cohortSize: 3, leagues: LEAGUES });
    const put = (playerId: string, body: unknown, key?: string) =>
      f.api.request('PUT', `/v1/leaderboards/${id}/players/${playerId}/league`, { body, key });
    const set = await f.api.admin('PUT', `/v1/leaderboards/${id}/players/vip/league`, {
      league: 'gold',
    });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({
      leaderboardId: id,
      playerId: 'vip',
      league: 'gold',
      previousLeague: null,
    });
    await submitAll(id, { joe: 5, vip: 1 });
    expect((await f.api.get(`/v1/leaderboards/${id}/players/vip`)).body).toMatchObject({
      league: 'gold',
      cohortId: 2,
    });
    expect((await put('vip', { league: 'gold' })).status).toBe(401);
    const bad = await f.api.admin('PUT', `/v1/leaderboards/${id}/players/vip/league`, {
      league: 'platinum',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('league');
    const extra = await f.api.admin('PUT', `/v1/leaderboards/${id}/players/vip/league`, {
      league: 'bronze',
      also: 1,
    });
    expect(extra.status).toBe(400);
    const plain = await f.board({ cohortSize: 3 });
    expect(
      (await f.api.admin('PUT', `/v1/leaderboards/${plain}/players/vip/league`, { league: 'x' }))
        .status,
    ).toBe(404);
    expect((await f.api.get(`/v1/leaderboards/${plain}/leagues`)).status).toBe(404);
    expect((await f.api.get(`/v1/leaderboards/${id}/leagues`)).body.leagues).toEqual([
      { name: 'bronze', players: 1 },
      { name: 'silver', players: 0 },
      { name: 'gold', players: 1 },
    ]);
  });

  it('applies each cohort once with closes interrupted mid-way and two settlers racing', async () => {
    const id = await f.board({ cohortSize: 5, leagues: LEAGUES });
    const players = Array.from({ length: 300 }, (_, i) => `r${i}`);
    const expected = new Map<string, number>(players.map((p) => [p, 0]));
    const repo = f.app.app.get(LeaguesRepository);
    const settlement = f.app.app.get(LeagueSettlement);
    for (let period = 1; period <= 4; period++) {
      const batch = players.map((p, i) => ({ playerId: p, score: (i * 7919 + period * 31) % 101 }));
      for (let i = 0; i < batch.length; i += 100) {
        expect((await f.api.batch(id, batch.slice(i, i + 100))).status).toBe(200);
      }
      // the expected moves, from the cohorts as the API shows them
      const cohorts = (await f.api.get(`/v1/leaderboards/${id}/cohorts?limit=1000`)).body.cohorts;
      for (const c of cohorts as { cohortId: number; league: string; size: number }[]) {
        const L = LEAGUES.findIndex((l) => l.name === c.league);
        const page = await f.api.get(`/v1/leaderboards/${id}/cohorts/${c.cohortId}/entries`);
        const ids = (page.body.entries as { playerId: string }[]).map((e) => e.playerId);
        const up = L < LEAGUES.length - 1 ? Math.min(LEAGUES[L].promote, ids.length) : 0;
        const down = L > 0 ? Math.min(LEAGUES[L].demote, ids.length - up) : 0;
        ids.forEach((p, i) => {
          if (i < up) expected.set(p, L + 1);
          else if (i >= ids.length - down) expected.set(p, L - 1);
        });
      }
      await f.app.app.get(ResetsRepository).reset(id, String(period).padStart(10, '0'), null);
      // A worker killed mid-close: a few steps, then nothing; two others race to finish it.
      for (let s = 0; s < period; s++) await repo.settleStep(id, 3);
      const finished = await Promise.all([settlement.settle(id, 2), settlement.settle(id, 3)]);
      expect(finished.flat()).toEqual([String(period).padStart(10, '0')]);
    }
    const counts = (await f.api.get(`/v1/leaderboards/${id}/leagues`)).body;
    expect(counts.pendingPeriods).toBe(0);
    const byLeague = [0, 0, 0];
    for (const L of expected.values()) byLeague[L]++;
    expect(counts.leagues.map((l: { players: number }) => l.players)).toEqual(byLeague);
    expect(byLeague.reduce((a, b) => a + b)).toBe(players.length);
    // every player is where the rules put them: one more period shows each one's league
    for (const p of players)
      expect((await f.api.submit(id, { playerId: p, score: 1 })).status).toBe(200);
    const found = await f.api.request('POST', `/v1/leaderboards/${id}/players/lookup`, {
      body: { playerIds: players.slice(0, 100) },
    });
    for (const e of found.body.entries as { playerId: string; league: string }[]) {
      expect(e.league).toBe(LEAGUES[expected.get(e.playerId)!].name);
    }
  });

  it('validates demoteInactive: needs leagues, a boolean, fixed at creation', async () => {
    const create = (body: Record<string, unknown>) =>
      f.api.admin('POST', '/v1/leaderboards', { id: `di-${Object.keys(body).length}`, ...body });
    const noLeagues = await create({ demoteInactive: true, cohortSize: 4 });
    expect(noLeagues.status).toBe(400);
    expect(noLeagues.body.errors[0].path).toBe('demoteInactive');
    const notBool = await create({ demoteInactive: 'yes', cohortSize: 4, leagues: LEAGUES });
    expect(notBool.status).toBe(400);
    expect(notBool.body.errors[0].path).toBe('demoteInactive');
    const id = await f.board({ cohortSize: 4, leagues: LEAGUES, demoteInactive: true });
    expect((await f.api.get(`/v1/leaderboards/${id}`)).body.demoteInactive).toBe(true);
    const plain = await f.board({ cohortSize: 4, leagues: LEAGUES });
    expect((await f.api.get(`/v1/leaderboards/${plain}`)).body.demoteInactive).toBe(false);
    const patch = await f.api.admin('PATCH', `/v1/leaderboards/${id}`, { demoteInactive: false });
    expect(patch.status).toBe(400);
    expect(patch.body.errors[0].path).toBe('demoteInactive');
  });

  it('demotes players who did not play, once per closed period (demoteInactive)', async () => {
    const id = await f.board({ cohortSize: 2, leagues: LEAGUES, demoteInactive: true });
    const league = async (p: string) =>
      (await f.api.get(`/v1/leaderboards/${id}/players/${p}`)).body.league as string;
    const moves = async (periodId: string) =>
      (await f.api.get(`/v1/leaderboards/${id}/periods/${periodId}/movements`)).body.movements.map(
        (m: { playerId: string; to: string; cohortId: number | null }) => [
          m.playerId,
          m.to,
          m.cohortId,
        ],
      );
    const counts = async () =>
      (await f.api.get(`/v1/leaderboards/${id}/leagues`)).body.leagues.map(
        (l: { players: number }) => l.players,
      );
    // Period 1: d2 and d4 top their cohorts; vip is set to gold and does not play.
    await submitAll(id, { d1: 1, d2: 2, d3: 3, d4: 4 });
    await f.api.admin('PUT', `/v1/leaderboards/${id}/players/vip/league`, { league: 'gold' });
    await closePeriod(id);
    expect(await moves('0000000001')).toEqual([
      ['d2', 'silver', 1],
      ['d4', 'silver', 2],
      ['vip', 'silver', null],
    ]);
    expect(await counts()).toEqual([2, 3, 0]);

    // Period 2: only d4 plays (alone in a silver cohort: promoted). The close is only archived
    // at first: d2 (silver, absent) is placed in period 3 by their demoted league, and an admin
    // sets late to gold after the close: period 2 does not demote them.
    await submitAll(id, { d4: 9 });
    await f.app.app.get(ResetsRepository).reset(id, '0000000002', null);
    expect((await f.api.get(`/v1/leaderboards/${id}/leagues`)).body.pendingPeriods).toBe(1);
    await f.api.admin('PUT', `/v1/leaderboards/${id}/players/late/league`, { league: 'gold' });
    const d2 = await f.api.submit(id, { playerId: 'd2', score: 1 });
    expect(d2.status).toBe(200);
    expect(await league('d2')).toBe('bronze');
    // Settlers racing in small steps apply each demotion once.
    const settlement = f.app.app.get(LeagueSettlement);
    const finished = await Promise.all([settlement.settle(id, 1), settlement.settle(id, 1)]);
    expect(finished.flat()).toEqual(['0000000002']);
    // d2's demotion was recorded first, when their placement applied it.
    expect(await moves('0000000002')).toEqual([
      ['d2', 'bronze', null],
      ['d4', 'gold', 1],
      ['vip', 'bronze', null],
    ]);
    // At least once per period (two settlers racing may both announce; the webhook delivery
    // id derives from board and period, so it is queued once).
    expect(announced(id)).toEqual([
      ['0000000001', 3],
      ['0000000002', 3],
    ]);
    const movements = await f.api.get(`/v1/leaderboards/${id}/periods/0000000002/movements`);
    expect(movements.body.movements[0]).toEqual({
      playerId: 'd2',
      from: 'silver',
      to: 'bronze',
      cohortId: null,
      cohortRank: null,
    });
    expect(await counts()).toEqual([4, 0, 2]);

    // Period 3 (only d2 plays: alone in a bronze cohort, promoted) and period 4, which nobody
    // plays: each close demotes the absent above bronze.
    await closePeriod(id);
    expect(await moves('0000000003')).toEqual([
      ['d2', 'silver', 1],
      ['d4', 'silver', null],
      ['late', 'silver', null],
    ]);
    await closePeriod(id);
    expect(await moves('0000000004')).toEqual([
      ['d2', 'bronze', null],
      ['d4', 'bronze', null],
      ['late', 'bronze', null],
    ]);
    expect(await counts()).toEqual([6, 0, 0]);
    expect((await f.api.get(`/v1/leaderboards/${id}/leagues`)).body.pendingPeriods).toBe(0);
  });

  it("drops a pruned period's cohorts once settled, and a deleted board's cohorts and leagues", async () => {
    const id = await f.board({ cohortSize: 2, leagues: LEAGUES, retainPeriods: 1 });
    const keys = async () => (await f.valkey.client.keys(`{lb:${id}}:co:*`)).sort();
    await submitAll(id, { k1: 1, k2: 2, k3: 3 });
    await closePeriod(id);
    await submitAll(id, { k1: 5 });
    await closePeriod(id);
    await prune(id); // period 1 goes (retainPeriods 1), with its cohorts
    const left = await keys();
    expect(left.some((k) => k.includes(':0000000001:'))).toBe(false);
    expect(left.some((k) => k.includes(':0000000002:c1'))).toBe(true);
    expect((await f.api.get(`/v1/leaderboards/${id}/periods/0000000002/cohorts`)).body.total).toBe(
      1,
    );
    expect((await f.api.get(`/v1/leaderboards/${id}/leagues`)).body.leagues[1].players).toBe(3);
    expect((await f.api.admin('DELETE', `/v1/leaderboards/${id}`)).status).toBe(204);
    expect(await keys()).toEqual([]);
  });
});
