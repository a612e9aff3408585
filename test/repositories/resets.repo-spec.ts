import { PeriodsRepository } from '../../src/leaderboard/periods.repository';
import { StandingsRepository } from '../../src/leaderboard/standings.repository';
import { ResetsRepository } from '../../src/ranking-jobs/resets/resets.repository';
import { ResultsRepository } from '../../src/ranking-jobs/results/results.repository';
import { ScoresRepository } from '../../src/scores/scores.repository';
import { boardOf, NO_KEY, useRepositories } from '../support/repositories';

describe('ResetsRepository (reset, prune-periods against real Valkey)', () => {
  const f = useRepositories('resets');
  const resets = () => new ResetsRepository(f.connections);
  const periods = () => new PeriodsRepository(f.connections);
  const submit = (boardId: string, playerId: string, score: number) =>
    new ScoresRepository(f.connections).submit(boardId, { playerId, score }, NO_KEY);

  describe('reset', () => {
    it('archives the current period and opens the next one, empty', async () => {
      const board = await f.board();
      await submit(board.id, 'a', 1);
      await submit(board.id, 'b', 2);
      const before = Date.now();
      const r = await resets().reset(board.id, '0000000001', null);
      expect(r).toEqual({
        status: 'reset',
        archivedPeriodId: '0000000001',
        periodId: '0000000002',
        endedAt: expect.any(Number),
      });
      if (r.status !== 'reset') return;
      expect(r.endedAt).toBeGreaterThanOrEqual(before - 1000);
      expect(r.endedAt).toBeLessThanOrEqual(Date.now() + 1000);
      expect(await f.boards.get(board.id)).toMatchObject({
        periodId: '0000000002',
        periodStartedAt: r.endedAt,
      });
      const archived = {
        id: '0000000001',
        startedAt: board.periodStartedAt,
        endedAt: r.endedAt,
        total: 2,
      };
      expect(await periods().list(board.id)).toEqual([archived]);
      expect(await periods().get(board.id, '0000000001')).toEqual(archived);
      expect(await resets().archivedCount(board.id)).toBe(1);
      expect(await f.boards.memberCount(board.id)).toBe(0);
      const page = await new StandingsRepository(f.connections).page(
        board.id,
        { archived: '0000000001' },
        0,
        10,
      );
      expect(page.status === 'ok' && page.rows.map((e) => e.playerId)).toEqual(['b', 'a']);
      // The next submission lands in the new period.
      expect(await submit(board.id, 'c', 3)).toMatchObject({
        value: { periodId: '0000000002', rank: 1 },
      });
    });

    it('archives an empty period too, with nothing but its index entry', async () => {
      const board = await f.board({ rankMode: 'dense' });
      expect(await resets().reset(board.id, '0000000001', null)).toMatchObject({
        status: 'reset',
      });
      expect(await periods().list(board.id)).toMatchObject([{ id: '0000000001', total: 0 }]);
      expect(await f.valkey.client.keys(`{lb:${board.id}}:arc:*`)).toEqual([]);
    });

    it("is 'stale' when the expected period is no longer current, and changes nothing", async () => {
      const board = await f.board();
      await resets().reset(board.id, '0000000001', null);
      const after = await f.boards.get(board.id);
      expect(await resets().reset(board.id, '0000000001', null)).toEqual({
        status: 'stale',
        periodId: '0000000002',
      });
      expect(await resets().reset(board.id, '0000000005', null)).toEqual({
        status: 'stale',
        periodId: '0000000002',
      });
      expect(await f.boards.get(board.id)).toEqual(after);
      expect(await resets().archivedCount(board.id)).toBe(1);
    });

    it("reports an unknown board as 'board-not-found' and writes nothing", async () => {
      const id = f.id();
      expect(await resets().reset(id, '0000000001', null)).toEqual({ status: 'board-not-found' });
      const scheduled = { fireAt: Date.now(), schedule: '* * * * *', timezone: 'UTC' };
      expect(await resets().reset(id, '0000000001', scheduled)).toEqual({
        status: 'board-not-found',
      });
      expect(await f.valkey.client.keys(`{lb:${id}}*`)).toEqual([]);
    });

    it('closes a scheduled period at its fire time, under the schedule it came from only', async () => {
      const board = await f.board({ resetSchedule: '0 * * * *', timezone: 'UTC' });
      const fireAt = board.periodStartedAt + 1000;
      const under = (schedule: string, timezone: string, at = fireAt) => ({
        fireAt: at,
        schedule,
        timezone,
      });
      const stale = { status: 'stale', periodId: '0000000001' };
      expect(await resets().reset(board.id, '0000000001', under('*/5 * * * *', 'UTC'))).toEqual(
        stale,
      );
      expect(
        await resets().reset(board.id, '0000000001', under('0 * * * *', 'Asia/Tokyo')),
      ).toEqual(stale);
      expect(await resets().reset(board.id, '0000000001', under('0 * * * *', 'UTC'))).toEqual({
        status: 'reset',
        archivedPeriodId: '0000000001',
        periodId: '0000000002',
        endedAt: fireAt,
      });
      expect(await f.boards.get(board.id)).toMatchObject({ periodStartedAt: fireAt });
      expect(await periods().get(board.id, '0000000001')).toMatchObject({ endedAt: fireAt });
      // The same fire time again (a retry, a second worker), or an earlier one: skipped.
      for (const at of [fireAt, fireAt - 500]) {
        expect(await resets().reset(board.id, '0000000002', under('0 * * * *', 'UTC', at))).toEqual(
          { status: 'skipped', periodId: '0000000002' },
        );
      }
      // Unscheduled since the fire time was computed: no reset.
      expect(await f.boards.update(board.id, { resetSchedule: null })).toBe('updated');
      expect(
        await resets().reset(board.id, '0000000002', under('0 * * * *', 'UTC', fireAt + 1000)),
      ).toEqual({ status: 'stale', periodId: '0000000002' });
      expect(await resets().archivedCount(board.id)).toBe(1);
    });

    it('resets only the generation it was asked for; without one, any board of the id', async () => {
      const old = await f.board();
      expect(await f.boards.delete(old.id)).toBe(true);
      const board = boardOf(old.id);
      expect(await f.boards.create(board)).toBe(true);
      // The deleted board's reset: the board of that id now is another one.
      expect(await resets().reset(board.id, '0000000001', null, old.createdAt)).toEqual({
        status: 'board-not-found',
      });
      expect(await f.boards.get(board.id)).toMatchObject({ periodId: '0000000001' });
      expect(await resets().archivedCount(board.id)).toBe(0);
      // Its own generation resets it; so does a job from before jobs carried one.
      expect(await resets().reset(board.id, '0000000001', null, board.createdAt)).toMatchObject({
        status: 'reset',
        periodId: '0000000002',
      });
      expect(await resets().reset(board.id, '0000000002', null)).toMatchObject({
        status: 'reset',
        periodId: '0000000003',
      });
    });
  });

  describe('pruneOne', () => {
    it('drops the oldest archive beyond the retained count, one per call', async () => {
      const board = await f.board({ rankMode: 'dense' });
      for (let p = 1; p <= 3; p++) {
        await submit(board.id, `p${p}`, p);
        await resets().reset(board.id, String(p).padStart(10, '0'), null);
      }
      // A period whose results are still to be written is kept until they are.
      expect(await resets().pruneOne(board.id, 1)).toBeNull();
      for (let p = 1; p <= 3; p++)
        await new ResultsRepository(f.connections).finish(
          board.id,
          String(p).padStart(10, '0'),
          board.createdAt,
        );
      expect(await resets().pruneOne(board.id, 3)).toBeNull();
      expect(await resets().pruneOne(board.id, 1)).toBe('0000000001');
      expect(await resets().pruneOne(board.id, 1)).toBe('0000000002');
      expect(await resets().pruneOne(board.id, 1)).toBeNull();
      expect((await periods().list(board.id)).map((p) => p.id)).toEqual(['0000000003']);
      expect(await periods().get(board.id, '0000000001')).toBeNull();
      // The dropped periods' standings are gone; the kept one's are not.
      const arc = await f.valkey.client.keys(`{lb:${board.id}}:arc:*`);
      expect(arc.sort()).toEqual(
        ['dz', 'r', 'z'].map((s) => `{lb:${board.id}}:arc:0000000003:${s}`),
      );
      expect(await resets().pruneOne(board.id, 0)).toBe('0000000003');
      expect(await f.valkey.client.keys(`{lb:${board.id}}:arc:*`)).toEqual([]);
      expect(await resets().archivedCount(board.id)).toBe(0);
    });

    it('drops nothing from a board without archives or an unknown board', async () => {
      const board = await f.board();
      expect(await resets().pruneOne(board.id, 0)).toBeNull();
      expect(await resets().pruneOne(f.id(), 0)).toBeNull();
    });
  });
});
