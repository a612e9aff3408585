import { BoardsRepository } from '../../src/leaderboard/boards.repository';
import { StandingsRepository } from '../../src/leaderboard/standings.repository';
import { ResetsRepository } from '../../src/ranking-jobs/resets/resets.repository';
import { ResultsRepository } from '../../src/ranking-jobs/results/results.repository';
import { ScoresRepository } from '../../src/scores/scores.repository';
import { boardOf, NO_KEY, useRepositories } from '../support/repositories';

const MAX = Number.MAX_SAFE_INTEGER;

describe('storage layout 2 (board.keys.ts) against real Valkey', () => {
  const f = useRepositories('layout');
  const standings = () => new StandingsRepository(f.connections);
  const scores = () => new ScoresRepository(f.connections);
  const resets = () => new ResetsRepository(f.connections);

  async function batch(boardId: string, entries: [string, number][]): Promise<void> {
    for (let i = 0; i < entries.length; i += 1000) {
      const chunk = entries.slice(i, i + 1000).map(([playerId, score]) => ({ playerId, score }));
      const r = await scores().submitBatch(boardId, chunk, NO_KEY);
      if (r.status !== 'ok') throw new Error(r.status);
    }
  }

  async function page(boardId: string, offset = 0, limit = 10_000) {
    const r = await standings().page(boardId, 'current', offset, limit);
    if (r.status !== 'ok') throw new Error(r.status);
    return r;
  }

  describe('what the scripts rely on', () => {
    it('Valkey prints every integer-valued double within ±(2^53-1) as plain decimal digits', async () => {
      // A k read back (ZSCORE, ZRANGE … WITHSCORES, ZRANK … WITHSCORE) is compared and used as
      // a dense-set member byte for byte, so it must come back exactly as it was written.
      const values = new Set<number>([0, 1, -1, MAX, -MAX, MAX - 1, 2 ** 52, 1e15, -1e15, 9e15]);
      for (let p = 1; p < 1e16; p *= 10) [p, 5 * p, 9 * p, 12 * p].forEach((v) => values.add(v));
      for (let e = 0; e <= 53; e++) [2 ** e - 1, 2 ** e].forEach((v) => values.add(v));
      let seed = 7;
      for (let i = 0; i < 500; i++) {
        seed = (seed * 48271) % 2147483647;
        values.add(Math.floor((seed / 2147483647) * 10 ** (1 + (i % 16))) * (i % 2 ? -1 : 1));
      }
      const key = '{layout:fmt}:z';
      for (const v of [...values].filter((x) => Math.abs(x) <= MAX)) {
        const text = String(v);
        await f.valkey.client.zadd(key, text, 'm');
        const rank = (await f.valkey.client.call('ZRANK', key, 'm', 'WITHSCORE')) as string[];
        expect([
          await f.valkey.client.zscore(key, 'm'),
          (await f.valkey.client.zrange(key, '0', '0', 'WITHSCORES'))[1],
          rank[1],
        ]).toEqual([text, text, text]);
      }
    });
  });

  describe('the bucketed records', () => {
    it('finds every player of a board whose buckets split many times, and keeps buckets small', async () => {
      const board = await f.board();
      const n = 3000;
      await batch(
        board.id,
        Array.from({ length: n }, (_, i) => [`player-${i}`, i % 50] as [string, number]),
      );
      const r = `{lb:${board.id}}:cur:r`;
      const buckets = Number(await f.valkey.client.hget(r, '#'));
      // Linear hashing keeps ~12 players per bucket.
      expect(buckets).toBeGreaterThanOrEqual(n / 12);
      expect(buckets).toBeLessThanOrEqual(n / 12 + 1);
      const fields = await f.valkey.client.hgetall(r);
      const sizes = Object.entries(fields)
        .filter(([k]) => k !== '#')
        .map(([, v]) => v.split('\n').length - 1);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
      expect(Math.max(...sizes)).toBeLessThan(60);
      const ids = Array.from({ length: n }, (_, i) => `player-${i}`);
      for (let i = 0; i < n; i += 100) {
        const found = await standings().players(board.id, 'current', ids.slice(i, i + 100));
        if (found.status !== 'ok') throw new Error(found.status);
        expect(found.rows.every((row) => row.entry?.playerId === row.playerId)).toBe(true);
      }
      // Ties (50 distinct scores) list in submission order.
      const all = await page(board.id);
      expect(all.rows.map((e) => e.playerId).slice(0, 3)).toEqual([
        'player-49',
        'player-99',
        'player-149',
      ]);
    });

    it('keeps a record too long to pack in a field of its own, and moves it back when it shrinks', async () => {
      const board = await f.board();
      const r = `{lb:${board.id}}:cur:r`;
      const long = { text: 'y'.repeat(400) };
      const pid = `p-${'x'.repeat(60)}`;
      await scores().submit(board.id, { playerId: pid, score: 1, metadata: long }, NO_KEY);
      await scores().submit(board.id, { playerId: 'short', score: 2 }, NO_KEY);
      expect(await f.valkey.client.hexists(r, `!${pid}`)).toBe(1);
      const read = async () => {
        const p = await standings().players(board.id, 'current', [pid]);
        return p.status === 'ok' ? p.rows[0].entry : null;
      };
      expect(await read()).toMatchObject({ score: 1, rank: 2, metadata: long });
      const around = await standings().around(board.id, 'current', pid, 3);
      expect(around.status === 'ok' && around.rows.map((e) => e.metadata)).toEqual([
        undefined,
        long,
      ]);
      await scores().submit(board.id, { playerId: pid, score: 3, metadata: { s: 1 } }, NO_KEY);
      expect(await f.valkey.client.hexists(r, `!${pid}`)).toBe(0);
      expect(await read()).toMatchObject({ score: 3, rank: 1, metadata: { s: 1 } });
      await scores().submit(board.id, { playerId: pid, score: 4, metadata: long }, NO_KEY);
      expect(await scores().remove(board.id, pid)).toBe('removed');
      expect(await f.valkey.client.hexists(r, `!${pid}`)).toBe(0);
      expect(await scores().remove(board.id, 'short')).toBe('removed');
      expect(await f.valkey.client.keys(`{lb:${board.id}}:cur:*`)).toEqual([]);
    });

    it('orders ties exactly however large the sequence, across its byte boundaries', async () => {
      const board = await f.board();
      const seq = `{lb:${board.id}}:seq`;
      const at: [number, string][] = [
        [254, 'a'],
        [65534, 'b'],
        [2 ** 32 - 2, 'c'],
        [2 ** 48 - 2, 'd'],
        [MAX - 3, 'e'],
      ];
      for (const [value, pid] of at) {
        await f.valkey.client.set(seq, String(value));
        // Each player reaches 10 just after the sequence crossed a byte boundary.
        await scores().submit(board.id, { playerId: pid, score: 10 }, NO_KEY);
        await scores().submit(board.id, { playerId: `${pid}2`, score: 10 }, NO_KEY);
      }
      const rows = (await page(board.id)).rows;
      expect(rows.map((e) => e.playerId)).toEqual([
        'a',
        'a2',
        'b',
        'b2',
        'c',
        'c2',
        'd',
        'd2',
        'e',
        'e2',
      ]);
      expect(rows[rows.length - 1].sequence).toBe((MAX - 1).toString(16).padStart(14, '0'));
    });
  });

  describe('the board version', () => {
    const version = async (
      boardId: string,
      period: 'current' | { archived: string } = 'current',
    ) => {
      const r = await standings().page(boardId, period, 0, 1);
      if (r.status !== 'ok') throw new Error(r.status);
      return r.version as string;
    };

    it('is "<createdAt>.<counter>" and moves with every change a read can see, only then', async () => {
      const board = await f.board({ retainPeriods: 1 });
      const seen = [await version(board.id)];
      // The counter starts at Valkey's clock, in microseconds, when the board was created.
      const [generation, counter] = seen[0].split('.');
      expect(generation).toBe(String(board.createdAt));
      expect(Math.abs(Number(counter) / 1000 - Date.now())).toBeLessThan(60_000);
      const moves = async (what: string, change: () => Promise<unknown>, moved = true) => {
        await change();
        const v = await version(board.id);
        // A change gives a value never seen before; anything else keeps the last one.
        expect([what, moved ? !seen.includes(v) : v === seen[seen.length - 1]]).toEqual([
          what,
          true,
        ]);
        seen.push(v);
      };
      await moves('submit', () => scores().submit(board.id, { playerId: 'a', score: 5 }, NO_KEY));
      await moves(
        'no-change submit',
        () => scores().submit(board.id, { playerId: 'a', score: 1 }, NO_KEY),
        false,
      );
      await moves('batch', () =>
        batch(board.id, [
          ['b', 7],
          ['c', 3],
          ['d', 2],
        ]),
      );
      await moves('remove', () => scores().remove(board.id, 'b'));
      await moves('absent remove', () => scores().remove(board.id, 'b'), false);
      await moves('purge', () => scores().purgeChunk(board.id, 3, 3, 10));
      await moves('empty purge', () => scores().purgeChunk(board.id, 100, 200, 10), false);
      await moves('erase', () => scores().eraseEverywhere(board.id, 'd'));
      await moves('update', () => f.boards.update(board.id, { title: 'New' }));
      await moves('reset', () => resets().reset(board.id, '0000000001', null));
      await moves('reset', () => resets().reset(board.id, '0000000002', null));
      // A period is pruned once its results are written (ranking-jobs/results): finish them.
      for (const periodId of ['0000000001', '0000000002'])
        await new ResultsRepository(f.connections).finish(board.id, periodId, board.createdAt);
      await moves('prune', () => resets().pruneOne(board.id, 1));
      // Archived reads carry the board's version too.
      expect(await version(board.id, { archived: '0000000002' })).toBe(seen[seen.length - 1]);
    });

    it('never repeats across a board deleted and created again under the same id, even within the same millisecond', async () => {
      const first = boardOf(f.id());
      await f.boards.create(first);
      await scores().submit(first.id, { playerId: 'a', score: 1 }, NO_KEY);
      const before = await version(first.id);
      await f.boards.delete(first.id);
      await f.boards.create({ ...first }); // the same createdAt: the generation repeats
      await scores().submit(first.id, { playerId: 'a', score: 1 }, NO_KEY); // as many changes
      const after = await version(first.id);
      expect(after.split('.')[0]).toBe(before.split('.')[0]);
      expect(BigInt(after.split('.')[1]) > BigInt(before.split('.')[1])).toBe(true);
    });

    it('answers a conditional read whose version still holds with NOT_MODIFIED, rendering nothing', async () => {
      const board = await f.board();
      await batch(board.id, [
        ['a', 3],
        ['b', 2],
      ]);
      const s = standings();
      const v = await version(board.id);
      const unchanged = { status: 'not-modified', notModified: true, version: v };
      expect(await s.page(board.id, 'current', 0, 10, { ifVersion: v })).toEqual(unchanged);
      expect(await s.around(board.id, 'current', 'a', 3, { ifVersion: v })).toEqual(unchanged);
      expect(await s.players(board.id, 'current', ['a', 'zz'], { ifVersion: v })).toEqual(
        unchanged,
      );
      // Another version, or none: the full read.
      for (const ifVersion of ['1.2', '', undefined]) {
        expect(await s.page(board.id, 'current', 0, 10, { ifVersion })).toMatchObject({
          status: 'ok',
          version: v,
        });
      }
      await scores().submit(board.id, { playerId: 'c', score: 9 }, NO_KEY);
      const next = await s.players(board.id, 'current', ['c'], { ifVersion: v });
      expect(next).toMatchObject({ status: 'ok', rows: [{ playerId: 'c', entry: { rank: 1 } }] });
      expect(next.status === 'ok' && next.version).not.toBe(v);
      // Archived periods answer it too; an unknown board is still not found.
      await resets().reset(board.id, '0000000001', null);
      const v2 = await version(board.id);
      expect(await s.page(board.id, { archived: '0000000001' }, 0, 10, { ifVersion: v2 })).toEqual({
        status: 'not-modified',
        notModified: true,
        version: v2,
      });
      expect(await s.page(f.id(), 'current', 0, 10, { ifVersion: v2 })).toEqual({
        status: 'board-not-found',
      });
    });

    it('leaves no counter behind when a board is deleted', async () => {
      const board = await f.board();
      await scores().submit(board.id, { playerId: 'a', score: 1 }, NO_KEY);
      expect(await f.valkey.client.exists(`{lb:${board.id}}:ver`)).toBe(1);
      await new BoardsRepository(f.connections).delete(board.id);
      expect(await f.valkey.client.keys(`{lb:${board.id}}*`)).toEqual([]);
      // A prune racing the delete does not bring the counter back.
      expect(await resets().pruneOne(board.id, 0)).toBeNull();
      expect(await f.valkey.client.keys(`{lb:${board.id}}*`)).toEqual([]);
    });
  });
});
