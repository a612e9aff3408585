import type { Board } from '../../src/leaderboard/board';
import { RankedEntry, StandingsRepository } from '../../src/leaderboard/standings.repository';
import { ResetsRepository } from '../../src/ranking-jobs/resets/resets.repository';
import { ScoresRepository } from '../../src/scores/scores.repository';
import { NO_KEY, useRepositories } from '../support/repositories';

describe('StandingsRepository (page, around, players against real Valkey)', () => {
  const f = useRepositories('standings');
  const standings = () => new StandingsRepository(f.connections);

  /** A board with these (playerId, score) submissions applied in order. */
  async function seeded(scores: [string, number][], settings: Partial<Board> = {}) {
    const board = await f.board(settings);
    const entries = scores.map(([playerId, score]) => ({ playerId, score }));
    const r = await new ScoresRepository(f.connections).submitBatch(board.id, entries, NO_KEY);
    expect(r.status).toBe('ok');
    return board;
  }
  const ranked = (rows: RankedEntry[]) => rows.map((e) => [e.playerId, e.rank, e.score]);
  // 'z' reaches 40 before 'b' does: equal scores order by who got there first.
  const TIED: [string, number][] = [
    ['a', 50],
    ['z', 40],
    ['b', 40],
    ['d', 30],
  ];
  const TEN: [string, number][] = Array.from({ length: 10 }, (_, i) => [`p${i}`, 100 - i]);

  describe('page', () => {
    it('lists best first with ordinal ranks, ties earliest first, and the header', async () => {
      const board = await seeded(TIED, { tiers: [{ name: 'gold', topPercent: 25 }] });
      const r = await standings().page(board.id, 'current', 0, 10);
      if (r.status !== 'ok') throw new Error(r.status);
      expect(r.header).toEqual({
        periodId: '0000000001',
        periodStartedAt: board.periodStartedAt,
        total: 4,
        tiers: [{ name: 'gold', topPercent: 25 }],
      });
      expect(ranked(r.rows)).toEqual([
        ['a', 1, 50],
        ['z', 2, 40],
        ['b', 3, 40],
        ['d', 4, 30],
      ]);
    });

    it('gives tied players one rank in competition mode, skipping after the tie', async () => {
      const board = await seeded(TIED, { rankMode: 'competition' });
      const all = await standings().page(board.id, 'current', 0, 10);
      expect(all.status === 'ok' && ranked(all.rows)).toEqual([
        ['a', 1, 50],
        ['z', 2, 40],
        ['b', 2, 40],
        ['d', 4, 30],
      ]);
      // A page that starts inside the tie still ranks its first row right.
      const mid = await standings().page(board.id, 'current', 2, 2);
      expect(mid.status === 'ok' && ranked(mid.rows)).toEqual([
        ['b', 2, 40],
        ['d', 4, 30],
      ]);
    });

    it('counts distinct scores in dense mode', async () => {
      const board = await seeded(TIED, { rankMode: 'dense' });
      const all = await standings().page(board.id, 'current', 0, 10);
      expect(all.status === 'ok' && ranked(all.rows)).toEqual([
        ['a', 1, 50],
        ['z', 2, 40],
        ['b', 2, 40],
        ['d', 3, 30],
      ]);
      const mid = await standings().page(board.id, 'current', 2, 2);
      expect(mid.status === 'ok' && ranked(mid.rows)).toEqual([
        ['b', 2, 40],
        ['d', 3, 30],
      ]);
    });

    it('puts the lowest score first on an ascending board', async () => {
      const board = await seeded(
        [
          ['a', 50],
          ['b', -10],
          ['c', 30],
        ],
        { sortOrder: 'asc' },
      );
      const r = await standings().page(board.id, 'current', 0, 10);
      expect(r.status === 'ok' && ranked(r.rows)).toEqual([
        ['b', 1, -10],
        ['c', 2, 30],
        ['a', 3, 50],
      ]);
    });

    it('pages by offset and limit, and answers past the end with no rows', async () => {
      const board = await seeded(TEN);
      const r = await standings().page(board.id, 'current', 3, 2);
      expect(r.status === 'ok' && ranked(r.rows)).toEqual([
        ['p3', 4, 97],
        ['p4', 5, 96],
      ]);
      const tail = await standings().page(board.id, 'current', 8, 5);
      expect(tail.status === 'ok' && tail.rows.map((e) => e.playerId)).toEqual(['p8', 'p9']);
      for (const offset of [10, 1e12]) {
        const past = await standings().page(board.id, 'current', offset, 5);
        expect(past).toMatchObject({ status: 'ok', header: { total: 10 }, rows: [] });
      }
    });

    it('decodes every stored field, exactly, up to the largest safe integers', async () => {
      const board = await f.board();
      const scores = new ScoresRepository(f.connections);
      const before = Date.now();
      const big = Number.MAX_SAFE_INTEGER;
      await scores.submit(
        board.id,
        { playerId: 'ann', score: big, displayName: 'Ann', metadata: { level: 3, tags: ['x'] } },
        NO_KEY,
      );
      await scores.submit(board.id, { playerId: 'bob', score: big - 1 }, NO_KEY);
      await scores.submit(board.id, { playerId: 'cy', score: -big }, NO_KEY);
      const r = await standings().page(board.id, 'current', 0, 10);
      if (r.status !== 'ok') throw new Error(r.status);
      expect(r.rows[0]).toEqual({
        rank: 1,
        sequence: '00000000000001',
        playerId: 'ann',
        score: big,
        displayName: 'Ann',
        metadata: { level: 3, tags: ['x'] },
        updatedAt: expect.any(Number),
      });
      expect(r.rows[0].updatedAt).toBeGreaterThanOrEqual(before - 1000);
      expect(r.rows[0].updatedAt).toBeLessThanOrEqual(Date.now() + 1000);
      expect(r.rows[1]).not.toHaveProperty('displayName');
      expect(r.rows[1]).not.toHaveProperty('metadata');
      expect(ranked(r.rows)).toEqual([
        ['ann', 1, big],
        ['bob', 2, big - 1],
        ['cy', 3, -big],
      ]);
    });

    it('reports an unknown board', async () => {
      expect(await standings().page(f.id(), 'current', 0, 10)).toEqual({
        status: 'board-not-found',
      });
    });
  });

  describe('around', () => {
    it('centres the window on the player and shifts it to stay full at either end', async () => {
      const board = await seeded(TEN);
      const ids = async (playerId: string, limit: number) => {
        const r = await standings().around(board.id, 'current', playerId, limit);
        if (r.status !== 'ok') throw new Error(r.status);
        expect(r.header.total).toBe(10);
        return r.rows.map((e) => `${e.playerId}#${e.rank}`);
      };
      expect(await ids('p5', 3)).toEqual(['p4#5', 'p5#6', 'p6#7']);
      expect(await ids('p5', 4)).toEqual(['p4#5', 'p5#6', 'p6#7', 'p7#8']);
      expect(await ids('p0', 3)).toEqual(['p0#1', 'p1#2', 'p2#3']);
      expect(await ids('p9', 3)).toEqual(['p7#8', 'p8#9', 'p9#10']);
      expect(await ids('p3', 1)).toEqual(['p3#4']);
      expect(await ids('p3', 50)).toHaveLength(10);
    });

    it('ranks a window starting inside a tie in competition and dense mode', async () => {
      const competition = await seeded(TIED, { rankMode: 'competition' });
      const c = await standings().around(competition.id, 'current', 'b', 2);
      expect(c.status === 'ok' && ranked(c.rows)).toEqual([
        ['b', 2, 40],
        ['d', 4, 30],
      ]);
      const dense = await seeded(TIED, { rankMode: 'dense' });
      const d = await standings().around(dense.id, 'current', 'd', 2);
      expect(d.status === 'ok' && ranked(d.rows)).toEqual([
        ['b', 2, 40],
        ['d', 3, 30],
      ]);
    });

    it('reports an unknown player and an unknown board', async () => {
      const board = await seeded(TEN);
      expect(await standings().around(board.id, 'current', 'ghost', 5)).toEqual({
        status: 'player-not-found',
      });
      expect(await standings().around(f.id(), 'current', 'p1', 5)).toEqual({
        status: 'board-not-found',
      });
    });
  });

  describe('players', () => {
    it('returns entries in request order, null for players not on the board', async () => {
      const board = await seeded(TEN);
      const r = await standings().players(board.id, 'current', ['p3', 'ghost', 'p0']);
      if (r.status !== 'ok') throw new Error(r.status);
      expect(r.header.total).toBe(10);
      expect(r.rows.map((row) => [row.playerId, row.entry?.rank ?? null])).toEqual([
        ['p3', 4],
        ['ghost', null],
        ['p0', 1],
      ]);
      expect(r.rows[0].entry).toMatchObject({ playerId: 'p3', score: 97 });
    });

    it('ranks each player by the board’s rank mode', async () => {
      const rankOf = async (rankMode: Board['rankMode']) => {
        const board = await seeded(TIED, { rankMode });
        const r = await standings().players(board.id, 'current', ['d', 'b', 'z', 'a']);
        if (r.status !== 'ok') throw new Error(r.status);
        return r.rows.map((row) => row.entry?.rank);
      };
      expect(await rankOf('ordinal')).toEqual([4, 3, 2, 1]);
      expect(await rankOf('competition')).toEqual([4, 2, 2, 1]);
      expect(await rankOf('dense')).toEqual([3, 2, 2, 1]);
    });

    it('reports an unknown board', async () => {
      expect(await standings().players(f.id(), 'current', ['a'])).toEqual({
        status: 'board-not-found',
      });
    });
  });

  it('reads an archived period with the same scripts', async () => {
    const board = await seeded(TIED, { rankMode: 'dense' });
    await new ResetsRepository(f.connections).reset(board.id, '0000000001', null);
    await new ScoresRepository(f.connections).submit(
      board.id,
      { playerId: 'new', score: 1 },
      NO_KEY,
    );
    const archived = { archived: '0000000001' };
    const page = await standings().page(board.id, archived, 0, 10);
    expect(page).toMatchObject({ status: 'ok', header: { total: 4 } });
    expect(page.status === 'ok' && ranked(page.rows)).toEqual([
      ['a', 1, 50],
      ['z', 2, 40],
      ['b', 2, 40],
      ['d', 3, 30],
    ]);
    const around = await standings().around(board.id, archived, 'd', 2);
    expect(around.status === 'ok' && ranked(around.rows)).toEqual([
      ['b', 2, 40],
      ['d', 3, 30],
    ]);
    const players = await standings().players(board.id, archived, ['b', 'new']);
    expect(players.status === 'ok' && players.rows.map((r) => r.entry?.rank ?? null)).toEqual([
      2,
      null,
    ]);
    expect(await standings().around(board.id, archived, 'new', 2)).toEqual({
      status: 'player-not-found',
    });
    // The current period holds only what came after the reset.
    const current = await standings().page(board.id, 'current', 0, 10);
    expect(current.status === 'ok' && ranked(current.rows)).toEqual([['new', 1, 1]]);
  });
});
