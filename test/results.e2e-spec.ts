import { EventBus } from '../src/events/event-bus';
import type { DomainEvents } from '../src/events/domain-events';
import { BoardsRepository } from '../src/leaderboard/boards.repository';
import { ResetsRepository } from '../src/ranking-jobs/resets/resets.repository';
import { SchedulesService } from '../src/ranking-jobs/resets/schedules.service';
import { ResultsRepository } from '../src/ranking-jobs/results/results.repository';
import { ResultsService } from '../src/ranking-jobs/results/results.service';
import { useApp } from './support/fixture';
import { waitFor } from './support/wait';

const P1 = '0000000001';
const P2 = '0000000002';

describe('results and rewards of closed periods (e2e, all mode)', () => {
  const f = useApp({ APP_MODE: 'all' }, 'res');
  const results = (id: string, period = P1) =>
    f.api.get(`/v1/leaderboards/${id}/periods/${period}/results`);
  const resultsReady = (id: string, period = P1) =>
    waitFor(
      async () => {
        const r = await results(id, period);
        return r.status === 200 && r.body;
      },
      10_000,
      `the results of ${id}/${period}`,
    );
  const closed: DomainEvents['period.closed'][] = [];
  beforeAll(() => f.app.app.get(EventBus).on('period.closed', (e) => void closed.push(e)));

  const podium = [
    { fromRank: 1, toRank: 1, reward: { gems: 500, badge: 'gold' } },
    { fromRank: 2, toRank: 3, reward: { gems: 200 } },
    { fromRank: 4, toRank: 5, reward: 'sticker' },
  ];

  it('answers 404 before the close, then the results with rewards; ties take the better range', async () => {
    const id = await f.board({ rewards: podium, resultsTop: 6 });
    expect((await f.api.get(`/v1/leaderboards/${id}`)).body).toMatchObject({
      rewards: podium,
      resultsTop: 6,
    });
    await f.api.batch(id, [
      { playerId: 'ann', score: 900, displayName: 'Ann', metadata: { clan: 'red' } },
      { playerId: 'bob', score: 800 },
      { playerId: 'cat', score: 700 },
      { playerId: 'dan', score: 700 }, // ordinal ranks 3 and 4: a tie across the 2-3 / 4-5 boundary
      { playerId: 'eve', score: 600 },
      { playerId: 'fay', score: 500 },
      { playerId: 'gus', score: 400 }, // past resultsTop
    ]);
    const before = await results(id);
    expect(before.status).toBe(404);
    expect(before.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await f.api.admin('POST', `/v1/leaderboards/${id}/reset`)).status).toBe(202);

    const body = await resultsReady(id);
    const period = (await f.api.get(`/v1/leaderboards/${id}/periods`)).body.periods[0];
    expect(body).toEqual({
      leaderboardId: id,
      periodId: P1,
      startedAt: period.startedAt,
      closedAt: period.endedAt,
      total: 7,
      entries: [
        {
          rank: 1,
          playerId: 'ann',
          score: 900,
          displayName: 'Ann',
          metadata: { clan: 'red' },
          reward: podium[0].reward,
        },
        { rank: 2, playerId: 'bob', score: 800, reward: podium[1].reward },
        { rank: 3, playerId: 'cat', score: 700, reward: podium[1].reward },
        { rank: 4, playerId: 'dan', score: 700, reward: podium[1].reward },
        { rank: 5, playerId: 'eve', score: 600, reward: 'sticker' },
        { rank: 6, playerId: 'fay', score: 500 },
      ],
    });
    // Announced once, with the same results.
    await waitFor(async () => closed.some((e) => e.boardId === id));
    const mine = closed.filter((e) => e.boardId === id);
    expect(mine).toHaveLength(1);
    expect(mine[0].results.entries.map((e) => e.playerId)).toEqual(
      body.entries.map((e: { playerId: string }) => e.playerId),
    );
    // Nothing pending is left behind.
    expect(await f.app.app.get(ResultsRepository).pending(id)).toEqual([]);
    expect((await results(id, P2)).status).toBe(404);
    expect((await f.api.get(`/v1/leaderboards/nope/periods/${P1}/results`)).status).toBe(404);
    expect((await f.api.get(`/v1/leaderboards/${id}/periods/1/results`)).status).toBe(400);
  });

  it('ranks in the board’s rank mode (competition, dense), an empty period has empty results', async () => {
    for (const rankMode of ['competition', 'dense'] as const) {
      const id = await f.board({ rankMode, rewards: podium, resultsTop: 10 });
      await f.api.batch(id, [
        { playerId: 'a', score: 50 },
        { playerId: 'b', score: 50 },
        { playerId: 'c', score: 40 },
        { playerId: 'd', score: 30 },
        { playerId: 'e', score: 30 },
        { playerId: 'f', score: 20 },
      ]);
      await f.api.admin('POST', `/v1/leaderboards/${id}/reset`);
      const body = await resultsReady(id);
      const got = body.entries.map((e: { rank: number; reward?: unknown }) => [e.rank, e.reward]);
      const g = podium[0].reward;
      const s = podium[1].reward;
      expect(got).toEqual(
        rankMode === 'competition'
          ? [
              [1, g],
              [1, g],
              [3, s],
              [4, 'sticker'],
              [4, 'sticker'],
              [6, undefined],
            ]
          : [
              [1, g],
              [1, g],
              [2, s],
              [3, s],
              [3, s],
              [4, 'sticker'],
            ],
      );
    }
    const empty = await f.board({ rewards: podium });
    await f.api.admin('POST', `/v1/leaderboards/${empty}/reset`);
    expect(await resultsReady(empty)).toMatchObject({ total: 0, entries: [] });
  });

  it('pays the rewards of the close even when a PATCH changes them right after', async () => {
    const id = await f.board({ rewards: [{ fromRank: 1, toRank: 1, reward: 'old' }] });
    await f.api.submit(id, { playerId: 'p', score: 1 });
    await f.api.admin('POST', `/v1/leaderboards/${id}/reset`);
    const patched = await f.api.admin('PATCH', `/v1/leaderboards/${id}`, {
      rewards: [{ fromRank: 1, toRank: 1, reward: 'new' }],
    });
    expect(patched.status).toBe(200);
    expect((await resultsReady(id)).entries[0].reward).toBe('old');
    await f.api.submit(id, { playerId: 'p', score: 2 });
    await f.api.admin('POST', `/v1/leaderboards/${id}/reset`);
    expect((await resultsReady(id, P2)).entries[0].reward).toBe('new');
  });

  it('extends the results to the whole of a rewarded tie at the resultsTop cut', async () => {
    const id = await f.board({
      resultsTop: 3,
      rewards: [{ fromRank: 1, toRank: 3, reward: 'top3' }],
    });
    await f.api.batch(id, [
      { playerId: 'a', score: 9 },
      { playerId: 'b', score: 5 },
      { playerId: 'c', score: 5 },
      { playerId: 'd', score: 5 },
      { playerId: 'e', score: 5 },
      { playerId: 'f', score: 1 },
    ]);
    await f.api.admin('POST', `/v1/leaderboards/${id}/reset`);
    const body = await resultsReady(id);
    expect(body.entries.map((e: { playerId: string; reward?: string }) => e.reward)).toEqual([
      'top3',
      'top3',
      'top3',
      'top3',
      'top3',
    ]);
    expect(body.entries.map((e: { playerId: string }) => e.playerId)).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
    ]);
  });

  it('writes the results once when jobs for the period race, and the sweep catches up a lost job', async () => {
    const id = await f.board({ rewards: podium, resultsTop: 50 });
    await f.api.batch(
      id,
      Array.from({ length: 40 }, (_, i) => ({ playerId: `p${i}`, score: (i * 7) % 13 })),
    );
    const board = (await f.app.app.get(BoardsRepository).get(id))!;
    // Closed by the script alone, as if the worker died right after it: no job was queued.
    const reset = await f.app.app.get(ResetsRepository).reset(id, P1, null);
    expect(reset.status).toBe('reset');
    const repo = f.app.app.get(ResultsRepository);
    expect((await repo.pending(id)).map((p) => p.periodId)).toEqual([P1]);
    const outcomes: string[] = [];
    const write = repo.write.bind(repo);
    const spy = jest.spyOn(repo, 'write').mockImplementation(async (...args) => {
      const outcome = await write(...args);
      outcomes.push(outcome);
      return outcome;
    });
    try {
      const service = f.app.app.get(ResultsService);
      const job = { data: { boardId: id, generation: board.createdAt, periodId: P1 } } as never;
      await Promise.all(Array.from({ length: 6 }, () => service.onResults(job)));
      expect(outcomes.filter((o) => o === 'WRITTEN')).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
    const body = await resultsReady(id);
    // The results are the archive's own top entries, ranks and all.
    const archive = (await f.api.get(`/v1/leaderboards/${id}/periods/${P1}/entries?limit=50`)).body;
    expect(
      body.entries.map((e: { playerId: string; rank: number }) => [e.playerId, e.rank]),
    ).toEqual(archive.entries.map((e: { playerId: string; rank: number }) => [e.playerId, e.rank]));
    expect(await repo.pending(id)).toEqual([]);

    // A second close, again without its job: the sweep finds it pending and writes it.
    await f.api.submit(id, { playerId: 'late', score: 3 });
    expect((await f.app.app.get(ResetsRepository).reset(id, P2, null)).status).toBe('reset');
    expect((await results(id, P2)).status).toBe(404);
    await f.app.app.get(SchedulesService).onSweep({} as never);
    expect((await resultsReady(id, P2)).entries).toEqual([
      { rank: 1, playerId: 'late', score: 3, reward: podium[0].reward },
    ]);
  });

  it('keeps results as long as their period: pruned with it, never before they are written', async () => {
    const id = await f.board({ retainPeriods: 1 });
    for (const [i, period] of [P1, P2, '0000000003'].entries()) {
      await f.api.submit(id, { playerId: `p${i}`, score: i });
      await f.api.admin('POST', `/v1/leaderboards/${id}/reset`);
      await resultsReady(id, period);
    }
    await waitFor(
      async () => (await f.api.get(`/v1/leaderboards/${id}/periods`)).body.periods.length === 1,
      5000,
      'pruning',
    );
    expect((await results(id, P1)).status).toBe(404);
    expect((await results(id, P2)).status).toBe(404);
    expect((await results(id, '0000000003')).status).toBe(200);
    expect(await f.valkey.client.keys(`{lb:${id}}:arc:${P1}:*`)).toEqual([]);

    // A period whose results are pending is not pruned (closed by the script alone: no job).
    const pendingBoard = await f.board({ retainPeriods: 0 });
    await f.app.app.get(ResetsRepository).reset(pendingBoard, P1, null);
    expect(await f.app.app.get(ResetsRepository).pruneOne(pendingBoard, 0)).toBeNull();
    await f.app.app.get(ResultsService).catchUp(pendingBoard);
    await waitFor(
      async () =>
        (await f.api.get(`/v1/leaderboards/${pendingBoard}/periods`)).body.periods.length === 0,
      5000,
      'the pruning that waited for the results',
    );
    expect(await f.valkey.client.keys(`{lb:${pendingBoard}}:arc:*`)).toEqual([]);
  });

  it('removes an erased player from stored results; the others keep ranks and rewards', async () => {
    const id = await f.board({ rewards: podium });
    await f.api.batch(id, [
      { playerId: 'keep', score: 2 },
      { playerId: 'gone', score: 3 },
    ]);
    await f.api.admin('POST', `/v1/leaderboards/${id}/reset`);
    await resultsReady(id);
    expect((await f.api.admin('DELETE', '/v1/players/gone')).status).toBe(200);
    expect((await results(id)).body.entries).toEqual([
      { rank: 2, playerId: 'keep', score: 2, reward: podium[1].reward },
    ]);
  });

  it('refuses bad rewards and resultsTop with a 400 that changes nothing', async () => {
    const bad: [string, Record<string, unknown>][] = [
      ['rewards.1', { rewards: [podium[0], { fromRank: 1, toRank: 2, reward: 1 }] }],
      ['rewards.0.toRank', { rewards: [{ fromRank: 3, toRank: 2, reward: 1 }] }],
      ['rewards.0.toRank', { rewards: [{ fromRank: 1, toRank: 101, reward: 1 }] }],
      ['rewards.0.reward', { rewards: [{ fromRank: 1, toRank: 1, reward: null }] }],
      ['rewards.0.reward', { rewards: [{ fromRank: 1, toRank: 1 }] }],
      ['rewards.0.reward', { rewards: [{ fromRank: 1, toRank: 1, reward: 'x'.repeat(1100) }] }],
      ['rewards.0.fromRank', { rewards: [{ fromRank: 0, toRank: 1, reward: 1 }] }],
      ['rewards.0.extra', { rewards: [{ fromRank: 1, toRank: 1, reward: 1, extra: 1 }] }],
      [
        'rewards',
        {
          rewards: Array.from({ length: 51 }, (_, i) => ({
            fromRank: i + 1,
            toRank: i + 1,
            reward: i,
          })),
          resultsTop: 100,
        },
      ],
      ['resultsTop', { resultsTop: 0 }],
      ['resultsTop', { resultsTop: 10_001 }],
      ['resultsTop', { resultsTop: 1.5 }],
    ];
    for (const [path, body] of bad) {
      const res = await f.api.admin('POST', '/v1/leaderboards', { id: 'res-bad', ...body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect((await f.api.get('/v1/leaderboards/res-bad')).status).toBe(404);

    const id = await f.board({ rewards: podium, resultsTop: 10 });
    const lower = await f.api.admin('PATCH', `/v1/leaderboards/${id}`, { resultsTop: 4 });
    expect(lower.status).toBe(400);
    expect(lower.body.errors[0].path).toBe('rewards.2.toRank');
    const overlap = await f.api.admin('PATCH', `/v1/leaderboards/${id}`, {
      rewards: [...podium, { fromRank: 5, toRank: 8, reward: 'x' }],
    });
    expect(overlap.status).toBe(400);
    expect((await f.api.get(`/v1/leaderboards/${id}`)).body).toMatchObject({
      rewards: podium,
      resultsTop: 10,
    });
    // Both at once, consistent: accepted.
    const both = await f.api.admin('PATCH', `/v1/leaderboards/${id}`, {
      resultsTop: 1,
      rewards: [{ fromRank: 1, toRank: 1, reward: ['a', 1, true] }],
    });
    expect(both.status).toBe(200);
    expect(both.body).toMatchObject({ resultsTop: 1, rewards: [{ reward: ['a', 1, true] }] });
  });
});
