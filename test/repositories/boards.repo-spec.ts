import { BOARD_REGISTRY_KEY, LEGACY_BOARD_REGISTRY_KEY } from '../../src/leaderboard/board.keys';
import { ResetsRepository } from '../../src/ranking-jobs/resets/resets.repository';
import { ScoresRepository } from '../../src/scores/scores.repository';
import { boardOf, NO_KEY, useRepositories } from '../support/repositories';

describe('BoardsRepository (create-board, update-board, delete-board against real Valkey)', () => {
  const f = useRepositories('boards');
  const scores = () => new ScoresRepository(f.connections);
  const resets = () => new ResetsRepository(f.connections);

  describe('create', () => {
    it('creates a board once: true, then false for an existing id, keeping the first', async () => {
      const id = f.id();
      const first = boardOf(id, {
        title: 'First',
        sortOrder: 'asc',
        updateMode: 'increment',
        rankMode: 'dense',
        resetSchedule: '0 0 * * *',
        timezone: 'Europe/Paris',
        minScore: -5,
        maxScore: 500,
        retainPeriods: 3,
        tiers: [{ name: 'gold', topPercent: 1 }],
      });
      expect(await f.boards.create(first)).toBe(true);
      expect(await f.boards.create(boardOf(id, { title: 'Second' }))).toBe(false);
      expect(await f.boards.get(id)).toEqual(first);
      expect(await f.boards.ids()).toContain(id);
    });

    it('stores a board without a schedule as null and reads back an unknown id as null', async () => {
      const board = await f.board();
      expect((await f.boards.get(board.id))?.resetSchedule).toBeNull();
      expect(await f.boards.get('no-such-board')).toBeNull();
    });

    it('writes the registry even when the board existed (heals a crash between the steps)', async () => {
      const board = await f.board();
      await f.valkey.client.zrem(BOARD_REGISTRY_KEY, board.id); // the crash
      expect(await f.boards.ids()).not.toContain(board.id);
      expect(await f.boards.create(board)).toBe(false);
      expect(await f.boards.ids()).toContain(board.id);
    });
  });

  describe('registry (register-board)', () => {
    it('admits ids up to the cap, atomically, and always an id registered already', async () => {
      const registry = await f.valkey.client.zcard(BOARD_REGISTRY_KEY);
      const max = registry + 3;
      const ids = Array.from({ length: 8 }, () => f.id());
      // Concurrent admissions never pass the cap.
      const admitted = await Promise.all(ids.map((id) => f.boards.admit(id, max)));
      expect(admitted.filter(Boolean)).toHaveLength(3);
      expect(await f.valkey.client.zcard(BOARD_REGISTRY_KEY)).toBe(max);
      const inside = ids.filter((_id, i) => admitted[i]);
      expect(await f.boards.admit(inside[0], max)).toBe(true);
      expect(await f.boards.admit(f.id(), max)).toBe(false);
      expect(await f.boards.admit(f.id(), 0)).toBe(true); // 0: no cap
    });

    it('pages boards in id order with the total, skipping ids without a board', async () => {
      for (let i = 0; i < 3; i++) await f.board();
      await f.boards.admit('zz-registered-only', 0); // a creation that crashed after admission
      const all = await f.boards.ids();
      expect(all).toEqual([...all].sort());
      const withBoard: string[] = [];
      for (const id of all) if (await f.boards.get(id)) withBoard.push(id);
      expect(withBoard).not.toContain('zz-registered-only');
      const whole = await f.boards.page(0, all.length + 5);
      expect(whole.total).toBe(all.length);
      expect(whole.rows.map((r) => r.board.id)).toEqual(withBoard);
      const second = await f.boards.page(1, 2);
      expect(second.total).toBe(all.length);
      expect(second.rows.map((r) => r.board.id)).toEqual(
        all.slice(1, 3).filter((id) => withBoard.includes(id)),
      );
      await f.valkey.client.zrem(BOARD_REGISTRY_KEY, 'zz-registered-only');
    });

    it('folds the former set registry into the sorted one, keeping ids added meanwhile', async () => {
      const id = f.id();
      await f.valkey.client.sadd(LEGACY_BOARD_REGISTRY_KEY, id, 'legacy-2');
      expect(await f.boards.foldLegacyRegistry()).toBe(2);
      expect(await f.boards.ids()).toEqual(expect.arrayContaining([id, 'legacy-2']));
      expect(await f.valkey.client.exists(LEGACY_BOARD_REGISTRY_KEY)).toBe(0);
      expect(await f.boards.foldLegacyRegistry()).toBe(0);
      // A delete clears both, whichever holds the id.
      await f.valkey.client.sadd(LEGACY_BOARD_REGISTRY_KEY, id);
      await f.boards.delete(id);
      expect(await f.boards.ids()).not.toContain(id);
      expect(await f.valkey.client.sismember(LEGACY_BOARD_REGISTRY_KEY, id)).toBe(0);
      await f.valkey.client.zrem(BOARD_REGISTRY_KEY, 'legacy-2');
    });
  });

  describe('update', () => {
    it('writes the changed settings and leaves the others alone', async () => {
      const board = await f.board({ minScore: 0, maxScore: 100 });
      const changes = {
        title: 'Renamed',
        resetSchedule: '*/5 * * * *',
        retainPeriods: 2,
        tiers: [{ name: 'top', topPercent: 10 }],
        maxScore: 1000,
      };
      expect(await f.boards.update(board.id, changes)).toBe('updated');
      expect(await f.boards.get(board.id)).toEqual({ ...board, ...changes });
      expect(await f.boards.update(board.id, { resetSchedule: null })).toBe('updated');
      expect((await f.boards.get(board.id))?.resetSchedule).toBeNull();
    });

    it("returns 'bounds' and writes nothing when minScore would exceed maxScore", async () => {
      const board = await f.board({ minScore: 0, maxScore: 100 });
      // Against the stored maximum, against the stored minimum, and both given at once.
      expect(await f.boards.update(board.id, { minScore: 101, title: 'no' })).toBe('bounds');
      expect(await f.boards.update(board.id, { maxScore: -1, title: 'no' })).toBe('bounds');
      expect(await f.boards.update(board.id, { minScore: 50, maxScore: 49 })).toBe('bounds');
      expect(await f.boards.get(board.id)).toEqual(board);
      // Equal bounds are allowed; and a pair that is only valid together is written together.
      expect(await f.boards.update(board.id, { minScore: 100 })).toBe('updated');
      expect(await f.boards.update(board.id, { minScore: 200, maxScore: 300 })).toBe('updated');
      expect(await f.boards.get(board.id)).toMatchObject({ minScore: 200, maxScore: 300 });
    });

    it("returns 'not-found' for an unknown board and creates no key", async () => {
      const id = f.id();
      expect(await f.boards.update(id, { title: 'ghost' })).toBe('not-found');
      expect(await f.boards.update(id, {})).toBe('not-found');
      expect(await f.valkey.client.keys(`{lb:${id}}*`)).toEqual([]);
    });

    it("answers an empty change set with 'updated' for an existing board", async () => {
      const board = await f.board();
      expect(await f.boards.update(board.id, {})).toBe('updated');
      expect(await f.boards.get(board.id)).toEqual(board);
    });
  });

  describe('delete', () => {
    it('unlinks the configuration, the current period and every archived period', async () => {
      const board = await f.board({ rankMode: 'dense' });
      const other = await f.board();
      await scores().submitBatch(
        board.id,
        [
          { playerId: 'a', score: 1 },
          { playerId: 'b', score: 2 },
        ],
        NO_KEY,
      );
      await resets().reset(board.id, '0000000001', null);
      await scores().submit(board.id, { playerId: 'a', score: 3 }, NO_KEY);
      await resets().reset(board.id, '0000000002', null);
      await scores().submit(board.id, { playerId: 'c', score: 4 }, NO_KEY);
      await scores().submit(other.id, { playerId: 'a', score: 1 }, NO_KEY);
      // Every key family the script must remove is there before the delete.
      const before = await f.valkey.client.keys(`{lb:${board.id}}*`);
      for (const suffix of [':cfg', ':seq', ':ver', ':periods', ':pmeta', ':cur:z', ':cur:r']) {
        expect(before).toContain(`{lb:${board.id}}${suffix}`);
      }
      expect(before).toContain(`{lb:${board.id}}:arc:0000000001:dz`);
      expect(before).toContain(`{lb:${board.id}}:arc:0000000002:r`);

      expect(await f.boards.delete(board.id)).toBe(true);
      expect(await f.valkey.client.keys(`{lb:${board.id}}*`)).toEqual([]);
      expect(await f.boards.get(board.id)).toBeNull();
      expect(await f.boards.ids()).not.toContain(board.id);
      // Another board is untouched.
      expect(await f.boards.get(other.id)).toEqual(other);
      expect(await f.boards.memberCount(other.id)).toBe(1);
    });

    it('returns false for a board that does not exist', async () => {
      const board = await f.board();
      expect(await f.boards.delete(board.id)).toBe(true);
      expect(await f.boards.delete(board.id)).toBe(false);
      expect(await f.boards.delete(f.id())).toBe(false);
    });
  });
});
