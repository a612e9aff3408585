import type { BoardStats } from '../../src/ranking-jobs/stats/stats';
import { StatsRepository } from '../../src/ranking-jobs/stats/stats.repository';
import { ScoresRepository } from '../../src/scores/scores.repository';
import { boardOf, NO_KEY, useRepositories } from '../support/repositories';

describe('StatsRepository (stats-probe, save-stats against real Valkey)', () => {
  const f = useRepositories('stats');
  const stats = () => new StatsRepository(f.connections);

  async function seeded(order: 'desc' | 'asc', scores: number[]) {
    const board = await f.board({ sortOrder: order });
    const entries = scores.map((score, i) => ({ playerId: `p${i}`, score }));
    await new ScoresRepository(f.connections).submitBatch(board.id, entries, NO_KEY);
    return board;
  }
  const statsOf = (leaderboardId: string, total: number): BoardStats => ({
    leaderboardId,
    periodId: '0000000001',
    total,
    minScore: 1,
    maxScore: 9,
    percentiles: { p50: 5, p90: 9, p99: 9, p999: 9 },
    histogram: [{ from: 1, to: 9, count: total }],
    tiers: [{ name: 'gold', topPercent: 1, rank: null, score: null }],
    sequence: total,
    computedAt: new Date().toISOString(),
  });

  describe('probe', () => {
    it('reads k at rank indices and counts in inclusive k ranges (desc: k = -score)', async () => {
      const board = await seeded('desc', [10, 20, 30]);
      const probe = await stats().probe(
        board.id,
        [0, 1, -1, 3, -4],
        [
          ['-30', '-20'],
          ['-inf', '+inf'],
          ['-5', '0'],
          ['(-30', '-10'],
        ],
      );
      expect(probe).toEqual({
        periodId: '0000000001',
        total: 3,
        sequence: await f.boards.sequence(board.id),
        ks: ['-30', '-20', '-10', null, null],
        counts: [2, 3, 0, 2],
      });
    });

    it('uses the score itself as k on an ascending board', async () => {
      const board = await seeded('asc', [10, 20, 30]);
      expect(await stats().probe(board.id, [0, -1], [['10', '15']])).toMatchObject({
        ks: ['10', '30'],
        counts: [1],
      });
    });

    it('describes an empty board, and answers null for an unknown one', async () => {
      const board = await f.board();
      expect(await stats().probe(board.id, [0], [['-inf', '+inf']])).toEqual({
        periodId: '0000000001',
        total: 0,
        sequence: 0,
        ks: [null],
        counts: [0],
      });
      expect(await stats().probe(f.id(), [0], [])).toBeNull();
    });
  });

  describe('save', () => {
    it('stores stats for the generation they were computed for, and refuses any other', async () => {
      const board = await f.board();
      const first = statsOf(board.id, 1);
      expect(await stats().save(first, board.createdAt)).toBe(true);
      expect(await stats().load(board.id)).toEqual(first);
      expect(await stats().save(statsOf(board.id, 2), board.createdAt + 1)).toBe(false);
      expect(await stats().load(board.id)).toEqual(first);
    });

    it('never brings back the stats of a deleted or re-created board', async () => {
      const board = await f.board();
      await stats().save(statsOf(board.id, 1), board.createdAt);
      await stats().drop(board.id);
      await f.boards.delete(board.id);
      expect(await stats().save(statsOf(board.id, 1), board.createdAt)).toBe(false);
      expect(await f.valkey.client.keys(`{lb:${board.id}}*`)).toEqual([]);
      const again = boardOf(board.id);
      await f.boards.create(again);
      expect(await stats().save(statsOf(board.id, 1), board.createdAt)).toBe(false);
      expect(await stats().load(board.id)).toBeNull();
      expect(await stats().save(statsOf(board.id, 1), again.createdAt)).toBe(true);
    });

    it('refuses an unknown board', async () => {
      const id = f.id();
      expect(await stats().save(statsOf(id, 1), Date.now())).toBe(false);
      expect(await f.valkey.client.keys(`{lb:${id}}*`)).toEqual([]);
    });
  });

  it('drops the stats and nothing else of the board', async () => {
    const board = await f.board();
    await stats().save(statsOf(board.id, 1), board.createdAt);
    await stats().drop(board.id);
    expect(await stats().load(board.id)).toBeNull();
    expect(await f.boards.get(board.id)).toEqual(board);
    await stats().drop(board.id); // dropping twice is fine
  });
});
