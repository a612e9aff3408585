import { RateLimitRepository } from '../../src/common/rate-limit.repository';
import type { PeriodRef } from '../../src/leaderboard/board';
import { StandingsRepository } from '../../src/leaderboard/standings.repository';
import { ResetsRepository } from '../../src/ranking-jobs/resets/resets.repository';
import { fingerprint } from '../../src/scores/fingerprint';
import { BoardKeys } from '../../src/leaderboard/board.keys';
import {
  ScoresRepository,
  SubmissionInput,
  SubmissionRow,
} from '../../src/scores/scores.repository';
import { boardOf, NO_KEY, useRepositories } from '../support/repositories';

describe('ScoresRepository (submit, submit-batch, remove, purge, erase against real Valkey)', () => {
  const f = useRepositories('scores');
  const scores = () => new ScoresRepository(f.connections);
  const limits = () => new RateLimitRepository(f.connections);

  /** Score and rank of each player (null when absent) in a period, read back through the API. */
  async function standing(boardId: string, playerIds: string[], period: PeriodRef = 'current') {
    const r = await new StandingsRepository(f.connections).players(boardId, period, playerIds);
    if (r.status !== 'ok') throw new Error(r.status);
    return r.rows.map((row) => (row.entry ? [row.entry.score, row.entry.rank] : null));
  }
  /** Submits one score per (playerId, score) pair, in order, without an idempotency key. */
  async function submitAll(boardId: string, pairs: [string, number][]) {
    for (const [playerId, score] of pairs) {
      const r = await scores().submit(boardId, { playerId, score }, NO_KEY);
      expect(r.status).toBe('ok');
    }
  }
  /** The value of an 'ok' outcome (fails the test on any other). */
  function ok<T>(r: { status: string; value?: T }): T {
    expect(r.status).toBe('ok');
    return r.value as T;
  }
  const single = (body: SubmissionInput, key: string) => fingerprint('single', body, key);

  describe('submit', () => {
    it('adds a new player with no previous standing', async () => {
      const board = await f.board();
      const before = Date.now();
      const r = await scores().submit(board.id, { playerId: 'a', score: 10 }, NO_KEY);
      expect(r).toEqual({
        status: 'ok',
        replayed: false,
        rate: null,
        updateMode: 'best',
        value: {
          periodId: '0000000001',
          score: 10,
          rank: 1,
          previousScore: null,
          previousRank: null,
          updated: true,
          updatedAt: expect.any(Number),
        },
      });
      const at = ok(r).updatedAt;
      expect(at).toBeGreaterThanOrEqual(before - 1000);
      expect(at).toBeLessThanOrEqual(Date.now() + 1000);
    });

    it('keeps only improvements in best mode (higher on desc, lower on asc)', async () => {
      const board = await f.board();
      const first = ok(await scores().submit(board.id, { playerId: 'a', score: 10 }, NO_KEY));
      await submitAll(board.id, [['b', 20]]);
      const worse = ok(await scores().submit(board.id, { playerId: 'a', score: 5 }, NO_KEY));
      expect(worse).toEqual({
        periodId: '0000000001',
        score: 10,
        rank: 2,
        previousScore: 10,
        previousRank: 2,
        updated: false,
        updatedAt: first.updatedAt,
      });
      const better = ok(await scores().submit(board.id, { playerId: 'a', score: 30 }, NO_KEY));
      expect(better).toMatchObject({
        score: 30,
        rank: 1,
        previousScore: 10,
        previousRank: 2,
        updated: true,
      });
      expect(await standing(board.id, ['a', 'b'])).toEqual([
        [30, 1],
        [20, 2],
      ]);

      const asc = await f.board({ sortOrder: 'asc' });
      await submitAll(asc.id, [['a', 10]]);
      expect(ok(await scores().submit(asc.id, { playerId: 'a', score: 20 }, NO_KEY))).toMatchObject(
        { score: 10, updated: false },
      );
      expect(ok(await scores().submit(asc.id, { playerId: 'a', score: 5 }, NO_KEY))).toMatchObject({
        score: 5,
        previousScore: 10,
        updated: true,
      });
    });

    it('takes any different score in latest mode', async () => {
      const board = await f.board({ updateMode: 'latest' });
      await submitAll(board.id, [
        ['a', 10],
        ['b', 7],
      ]);
      const r = await scores().submit(board.id, { playerId: 'a', score: 5 }, NO_KEY);
      expect(r).toMatchObject({ updateMode: 'latest' });
      expect(ok(r)).toMatchObject({
        score: 5,
        rank: 2,
        previousScore: 10,
        previousRank: 1,
        updated: true,
      });
      const same = ok(await scores().submit(board.id, { playerId: 'a', score: 5 }, NO_KEY));
      expect(same).toMatchObject({ score: 5, previousScore: 5, updated: false });
    });

    it('adds to the score in increment mode; adding 0 changes nothing', async () => {
      const board = await f.board({ updateMode: 'increment' });
      const add = async (playerId: string, score: number) =>
        ok(await scores().submit(board.id, { playerId, score }, NO_KEY));
      expect(await add('a', 10)).toMatchObject({ score: 10, previousScore: null, updated: true });
      expect(await add('a', 5)).toMatchObject({ score: 15, previousScore: 10, updated: true });
      expect(await add('a', -20)).toMatchObject({ score: -5, previousScore: 15, updated: true });
      expect(await add('a', 0)).toMatchObject({ score: -5, previousScore: -5, updated: false });
      // A new player's first 0 is a score of 0: they join the board.
      expect(await add('b', 0)).toMatchObject({ score: 0, rank: 1, updated: true });
    });

    it('ranks a tie by who reached the score first', async () => {
      const ordinal = await f.board();
      await submitAll(ordinal.id, [['first', 50]]);
      const second = ok(
        await scores().submit(ordinal.id, { playerId: 'second', score: 50 }, NO_KEY),
      );
      expect(second).toMatchObject({ score: 50, rank: 2 });
      // Re-sending the same best score does not jump the queue.
      await submitAll(ordinal.id, [['first', 50]]);
      expect(await standing(ordinal.id, ['first', 'second'])).toEqual([
        [50, 1],
        [50, 2],
      ]);

      const competition = await f.board({ rankMode: 'competition' });
      await submitAll(competition.id, [['first', 50]]);
      const shared = ok(
        await scores().submit(competition.id, { playerId: 'second', score: 50 }, NO_KEY),
      );
      expect(shared).toMatchObject({ score: 50, rank: 1 });
    });

    it('keeps the display name and metadata unless a submission brings new ones', async () => {
      const board = await f.board();
      const s = scores();
      await s.submit(
        board.id,
        { playerId: 'a', score: 1, displayName: 'A', metadata: { x: 1 } },
        NO_KEY,
      );
      await s.submit(board.id, { playerId: 'a', score: 2 }, NO_KEY);
      const read = async () => {
        const r = await new StandingsRepository(f.connections).players(board.id, 'current', ['a']);
        return r.status === 'ok' ? r.rows[0].entry : null;
      };
      expect(await read()).toMatchObject({ score: 2, displayName: 'A', metadata: { x: 1 } });
      await s.submit(
        board.id,
        { playerId: 'a', score: 3, displayName: 'B', metadata: { y: 2 } },
        NO_KEY,
      );
      expect(await read()).toMatchObject({ score: 3, displayName: 'B', metadata: { y: 2 } });
    });

    it('replays an idempotent retry without applying it again, and refuses a changed body', async () => {
      const board = await f.board();
      const body = { playerId: 'a', score: 10 };
      const fp = single(body, 'retry-key');
      const first = await scores().submit(board.id, body, fp);
      expect(first).toMatchObject({ status: 'ok', replayed: false });
      const sequence = await f.boards.sequence(board.id);
      // What happened since (one more score change) does not change the replay.
      await submitAll(board.id, [['a', 20]]);
      const again = await scores().submit(board.id, body, fp);
      expect(again).toEqual({
        status: 'ok',
        value: ok(first),
        replayed: true,
        rate: null,
      });
      expect(await f.boards.sequence(board.id)).toBe(sequence + 1);

      const changed = { playerId: 'a', score: 99 };
      expect(await scores().submit(board.id, changed, single(changed, 'retry-key'))).toEqual({
        status: 'idempotency-conflict',
      });
      expect(await standing(board.id, ['a'])).toEqual([[20, 1]]);
      // The record lasts a day.
      const [record] = await f.valkey.client.keys(`{lb:${board.id}}:idem:*`);
      expect(record).toBe(`{lb:${board.id}}:idem:${fp.keyDigest}`);
      const ttl = await f.valkey.client.pttl(record);
      expect(ttl).toBeGreaterThan(86_400_000 - 60_000);
      expect(ttl).toBeLessThanOrEqual(86_400_000);
    });

    it('ignores an idempotency record left by a deleted board of the same id', async () => {
      const board = await f.board();
      const body = { playerId: 'a', score: 10 };
      const fp = single(body, 'reused-key');
      expect(await scores().submit(board.id, body, fp)).toMatchObject({ replayed: false });
      await f.boards.delete(board.id);
      expect(await f.boards.create(boardOf(board.id))).toBe(true); // a new generation
      const r = await scores().submit(board.id, body, fp);
      expect(r).toMatchObject({ status: 'ok', replayed: false, value: { updated: true } });
      expect(await standing(board.id, ['a'])).toEqual([[10, 1]]);
    });

    it('refuses a score outside the board’s bounds and writes nothing', async () => {
      const board = await f.board({ minScore: 0, maxScore: 100 });
      const body = { playerId: 'a', score: 101 };
      expect(await scores().submit(board.id, body, single(body, 'k'))).toEqual({
        status: 'out-of-bounds',
        min: 0,
        max: 100,
        result: 101,
        index: 0,
      });
      expect(await scores().submit(board.id, { playerId: 'a', score: -1 }, NO_KEY)).toMatchObject({
        status: 'out-of-bounds',
        result: -1,
      });
      // Both bounds are inclusive.
      await submitAll(board.id, [
        ['min', 0],
        ['max', 100],
      ]);
      expect(await standing(board.id, ['a', 'min', 'max'])).toEqual([null, [0, 2], [100, 1]]);
      expect(await f.valkey.client.keys(`{lb:${board.id}}:idem:*`)).toEqual([]);
    });

    it('refuses an increment whose sum leaves the bounds, reporting the sum', async () => {
      const board = await f.board({ updateMode: 'increment', minScore: 0, maxScore: 100 });
      await submitAll(board.id, [['a', 90]]);
      expect(await scores().submit(board.id, { playerId: 'a', score: 20 }, NO_KEY)).toEqual({
        status: 'out-of-bounds',
        min: 0,
        max: 100,
        result: 110,
        index: 0,
      });
      expect(await standing(board.id, ['a'])).toEqual([[90, 1]]);
    });

    it('charges a per-player counter and refuses once it is spent, changing nothing', async () => {
      const board = await f.board({ updateMode: 'latest' });
      const specs = limits().playerCounters(board.id, ['a'], 2);
      const send = (score: number) =>
        scores().submit(board.id, { playerId: 'a', score }, NO_KEY, specs);
      expect(await send(1)).toMatchObject({ status: 'ok', rate: { limit: 2, remaining: 1 } });
      expect(await send(2)).toMatchObject({ status: 'ok', rate: { limit: 2, remaining: 0 } });
      expect(await send(3)).toEqual({ status: 'rate-limited', spec: specs[0] });
      expect(await standing(board.id, ['a'])).toEqual([[2, 1]]);
      // Another player's counter is their own.
      const other = limits().playerCounters(board.id, ['b'], 2);
      expect(
        await scores().submit(board.id, { playerId: 'b', score: 1 }, NO_KEY, other),
      ).toMatchObject({ status: 'ok', rate: { limit: 2, remaining: 1 } });
    });

    it('reports the tightest counter, and names the one that refused', async () => {
      const board = await f.board();
      const key = limits().submitKeyCounter('ab'.repeat(32), 10, 1);
      const [player] = limits().playerCounters(board.id, ['a'], 1);
      const send = () =>
        scores().submit(board.id, { playerId: 'a', score: 1 }, NO_KEY, [key, player]);
      expect(await send()).toMatchObject({ status: 'ok', rate: { limit: 1, remaining: 0 } });
      expect(await send()).toEqual({ status: 'rate-limited', spec: player });
      // The refused submission charged neither counter.
      expect(await limits().check([key])).toEqual({ ok: true, state: { limit: 10, remaining: 8 } });
    });

    it('neither charges an out-of-bounds submission nor refuses an idempotent replay', async () => {
      const board = await f.board({ maxScore: 100 });
      const specs = limits().playerCounters(board.id, ['a'], 1);
      const tooHigh = await scores().submit(board.id, { playerId: 'a', score: 101 }, NO_KEY, specs);
      expect(tooHigh.status).toBe('out-of-bounds');
      const body = { playerId: 'a', score: 5 };
      const fp = single(body, 'spent-key');
      const first = await scores().submit(board.id, body, fp, specs);
      expect(first).toMatchObject({ status: 'ok', rate: { limit: 1, remaining: 0 } });
      // The counter is spent, but a replay is free and still says where the client stands.
      expect(await scores().submit(board.id, body, fp, specs)).toEqual({
        status: 'ok',
        value: ok(first),
        replayed: true,
        rate: { limit: 1, remaining: 0 },
      });
      expect(
        await scores().submit(board.id, { playerId: 'a', score: 6 }, NO_KEY, specs),
      ).toMatchObject({ status: 'rate-limited' });
    });

    it('reports an unknown board and writes nothing, not even a rate counter', async () => {
      const id = f.id();
      const specs = limits().playerCounters(id, ['a'], 5);
      const body = { playerId: 'a', score: 1 };
      expect(await scores().submit(id, body, single(body, 'k'), specs)).toEqual({
        status: 'board-not-found',
      });
      expect(await f.valkey.client.keys(`{lb:${id}}*`)).toEqual([]);
    });
  });

  describe('submitBatch', () => {
    it('applies every entry in order and returns one row per entry', async () => {
      const board = await f.board({ updateMode: 'increment' });
      const r = await scores().submitBatch(
        board.id,
        [
          { playerId: 'a', score: 10 },
          { playerId: 'b', score: 30 },
          { playerId: 'a', score: 5 },
          { playerId: 'b', score: 0 },
        ],
        NO_KEY,
      );
      expect(r).toMatchObject({
        status: 'ok',
        replayed: false,
        rate: null,
        updateMode: 'increment',
      });
      const rows = ok(r);
      expect(rows.map((row) => [row.score, row.rank, row.previousScore, row.updated])).toEqual([
        [10, 1, null, true],
        [30, 1, null, true],
        [15, 2, 10, true],
        [30, 1, 30, false],
      ]);
      expect(new Set(rows.map((row) => row.updatedAt)).size).toBe(1); // one clock reading
      expect(await standing(board.id, ['a', 'b'])).toEqual([
        [15, 2],
        [30, 1],
      ]);
    });

    it('stores and answers exactly what the same submissions one at a time would', async () => {
      // Enough new players to split buckets mid-batch, repeats (later entries read earlier
      // ones' writes), ties and unchanged entries; the batch reads and writes each bucket once
      // and the sequence counter once, which must change nothing observable.
      const entries: SubmissionInput[] = [];
      for (let i = 0; i < 400; i++) {
        const playerId = `p${(i * 37) % 150}`;
        entries.push({
          playerId,
          score: (i * 7919) % 23,
          displayName: i % 3 ? `n${i}` : undefined,
        });
      }
      for (const updateMode of ['best', 'latest', 'increment'] as const) {
        for (const rankMode of ['ordinal', 'competition', 'dense'] as const) {
          const one = await f.board({ updateMode, rankMode });
          const batch = await f.board({ updateMode, rankMode });
          const single: SubmissionRow[] = [];
          for (const e of entries) single.push(ok(await scores().submit(one.id, e, NO_KEY)));
          const batched = ok(await scores().submitBatch(batch.id, entries, NO_KEY));
          const strip = (rows: SubmissionRow[]) => rows.map(({ updatedAt: _, ...row }) => row);
          expect(strip(batched)).toEqual(strip(single));
          const stored = async (id: string) => {
            const k = new BoardKeys(id);
            const records = await f.valkey.client.hgetall(k.current.r);
            // updatedAt (11 hex digits after the 14 of the sequence) differs between the two.
            const unTimed = Object.entries(records)
              .map(([field, v]) => [field, v.replace(/(\t[0-9a-f]{14})[0-9a-f]{11}/g, '$1')])
              .sort();
            return {
              seq: await f.valkey.client.get(k.seq),
              z: await f.valkey.client.zrange(k.current.z, '0', '-1', 'WITHSCORES'),
              dz: await f.valkey.client.zrange(k.current.dz, '0', '-1', 'WITHSCORES'),
              r: unTimed,
            };
          };
          const expected = await stored(one.id);
          expect(Number(expected.r.find(([field]) => field === '#')?.[1])).toBeGreaterThan(1);
          expect(await stored(batch.id)).toEqual(expected);
        }
      }
    });

    it('applies nothing when any entry is out of bounds, naming the first such entry', async () => {
      const board = await f.board({ updateMode: 'increment', minScore: 0, maxScore: 100 });
      // Increments are simulated in order: only the third entry's running sum is too high.
      const r = await scores().submitBatch(
        board.id,
        [
          { playerId: 'b', score: 50 },
          { playerId: 'a', score: 60 },
          { playerId: 'a', score: 60 },
          { playerId: 'c', score: 500 },
        ],
        NO_KEY,
      );
      expect(r).toEqual({ status: 'out-of-bounds', min: 0, max: 100, result: 120, index: 2 });
      expect(await standing(board.id, ['a', 'b', 'c'])).toEqual([null, null, null]);
      expect(await f.boards.sequence(board.id)).toBe(0);

      const plain = await f.board({ minScore: 0, maxScore: 100 });
      const first = await scores().submitBatch(
        plain.id,
        [
          { playerId: 'a', score: -1 },
          { playerId: 'b', score: 1 },
        ],
        NO_KEY,
      );
      expect(first).toEqual({ status: 'out-of-bounds', min: 0, max: 100, result: -1, index: 0 });
      expect(await standing(plain.id, ['a', 'b'])).toEqual([null, null]);
    });

    it('replays an idempotent batch and refuses a changed one', async () => {
      const board = await f.board();
      const entries = [
        { playerId: 'a', score: 1 },
        { playerId: 'b', score: 2 },
      ];
      const fp = fingerprint('batch', { entries }, 'batch-key');
      const first = await scores().submitBatch(board.id, entries, fp);
      expect(first).toMatchObject({ status: 'ok', replayed: false });
      const sequence = await f.boards.sequence(board.id);
      expect(await scores().submitBatch(board.id, entries, fp)).toEqual({
        status: 'ok',
        value: ok(first),
        replayed: true,
        rate: null,
      });
      expect(await f.boards.sequence(board.id)).toBe(sequence);
      const changed = [{ playerId: 'a', score: 3 }];
      expect(
        await scores().submitBatch(
          board.id,
          changed,
          fingerprint('batch', { entries: changed }, 'batch-key'),
        ),
      ).toEqual({ status: 'idempotency-conflict' });
      expect(await standing(board.id, ['a'])).toEqual([[1, 2]]);
    });

    it('charges each player by how often they occur, and refuses the whole batch when spent', async () => {
      const board = await f.board({ updateMode: 'latest' });
      const entries = [
        { playerId: 'a', score: 1 },
        { playerId: 'a', score: 2 },
        { playerId: 'b', score: 3 },
      ];
      const specs = limits().playerCounters(board.id, ['a', 'a', 'b'], 2);
      expect(specs.map((s) => s.cost)).toEqual([2, 1]);
      expect(await scores().submitBatch(board.id, entries, NO_KEY, specs)).toMatchObject({
        status: 'ok',
        rate: { limit: 2, remaining: 0 },
      });
      const more = [
        { playerId: 'b', score: 4 },
        { playerId: 'a', score: 5 },
      ];
      // The same two counters (same window), now charged one each: 'b' has room, 'a' has not.
      const moreSpecs = [specs[1], specs[0]].map((s) => ({ ...s, cost: 1 }));
      expect(await scores().submitBatch(board.id, more, NO_KEY, moreSpecs)).toEqual({
        status: 'rate-limited',
        spec: moreSpecs[1],
      });
      expect(await standing(board.id, ['a', 'b'])).toEqual([
        [2, 2],
        [3, 1],
      ]);
    });

    it('reports an unknown board', async () => {
      expect(await scores().submitBatch(f.id(), [{ playerId: 'a', score: 1 }], NO_KEY)).toEqual({
        status: 'board-not-found',
      });
    });
  });

  describe('idempotency records scoped per submit key (issue 15, item 6)', () => {
    const KEY_A = 'a1'.repeat(32);
    const KEY_B = 'b2'.repeat(32);

    it("neither replays nor refuses another submit key's record for the same Idempotency-Key", async () => {
      const board = await f.board({ updateMode: 'increment' });
      const body = { playerId: 'p', score: 5 };
      const fromA = fingerprint('single', body, 'order-1', KEY_A);
      const fromB = fingerprint('single', body, 'order-1', KEY_B);
      expect(fromA.keyDigest).not.toBe(fromB.keyDigest);
      expect(await scores().submit(board.id, body, fromA)).toMatchObject({ replayed: false });
      // B's request with A's key and body is B's own: applied, not A's result replayed.
      expect(await scores().submit(board.id, body, fromB)).toMatchObject({
        status: 'ok',
        replayed: false,
        value: { score: 10 },
      });
      // Another body under the same key from B is not a conflict with A's record either.
      const other = { playerId: 'p', score: 1 };
      expect(
        await scores().submit(board.id, other, fingerprint('single', other, 'order-2', KEY_A)),
      ).toMatchObject({ replayed: false });
      expect(
        await scores().submit(board.id, other, fingerprint('single', other, 'order-2', KEY_B)),
      ).toMatchObject({ status: 'ok', replayed: false, value: { score: 12 } });
      // Each key still replays its own.
      expect(await scores().submit(board.id, body, fromA)).toMatchObject({
        replayed: true,
        value: { score: 5 },
      });
      expect(await scores().submit(board.id, body, fromB)).toMatchObject({
        replayed: true,
        value: { score: 10 },
      });
      expect(await standing(board.id, ['p'])).toEqual([[12, 1]]);
    });

    it('replays a record written before scoping for the same body, and ignores it for another', async () => {
      const board = await f.board({ updateMode: 'increment' });
      const body = { playerId: 'p', score: 5 };
      const now = fingerprint('single', body, 'straddle', KEY_A);
      // What the previous version wrote: the record named by the Idempotency-Key alone.
      const before = { keyDigest: now.legacyKeyDigest!, bodyDigest: now.bodyDigest };
      const first = await scores().submit(board.id, body, before);
      expect(first).toMatchObject({ replayed: false, value: { score: 5 } });
      expect(await scores().submit(board.id, body, now)).toEqual({
        status: 'ok',
        value: ok(first),
        replayed: true,
        rate: null,
      });
      // Batches look the old record up the same way.
      const entries = [{ playerId: 'q', score: 2 }];
      const batchNow = fingerprint('batch', entries, 'straddle-batch', KEY_A);
      const batchBefore = { keyDigest: batchNow.legacyKeyDigest!, bodyDigest: batchNow.bodyDigest };
      expect(await scores().submitBatch(board.id, entries, batchBefore)).toMatchObject({
        replayed: false,
      });
      expect(await scores().submitBatch(board.id, entries, batchNow)).toMatchObject({
        replayed: true,
      });
      // An old record with another body may be another client's: applied, not a 409.
      const changed = { playerId: 'p', score: 1 };
      expect(
        await scores().submit(board.id, changed, fingerprint('single', changed, 'straddle', KEY_B)),
      ).toMatchObject({ status: 'ok', replayed: false, value: { score: 6 } });
      expect(await standing(board.id, ['p', 'q'])).toEqual([
        [6, 1],
        [2, 2],
      ]);
    });

    it('lets only an idempotent replay through when a counter outside the script refused', async () => {
      const board = await f.board({ updateMode: 'increment' });
      const outside = limits().submitKeyCounter(KEY_A, 1, 1);
      const body = { playerId: 'p', score: 5 };
      const fp = fingerprint('single', body, 'spent', KEY_A);
      const first = await scores().submit(board.id, body, fp);
      expect(await scores().submit(board.id, body, fp, [], outside)).toEqual({
        status: 'ok',
        value: ok(first),
        replayed: true,
        rate: null,
      });
      const fresh = { playerId: 'p', score: 7 };
      expect(
        await scores().submit(
          board.id,
          fresh,
          fingerprint('single', fresh, 'fresh', KEY_A),
          [],
          outside,
        ),
      ).toEqual({ status: 'rate-limited', spec: outside });
      expect(await scores().submitBatch(board.id, [fresh], NO_KEY, [], outside)).toEqual({
        status: 'rate-limited',
        spec: outside,
      });
      expect(await standing(board.id, ['p'])).toEqual([[5, 1]]);
    });

    it('peeks at a counter without charging it, and charges it without a check', async () => {
      const counter = limits().submitKeyCounter('c3'.repeat(32), 3, 2);
      expect(await limits().peek([counter])).toEqual({
        ok: true,
        state: { limit: 3, remaining: 3 },
      });
      expect(await limits().charge([counter])).toEqual({ limit: 3, remaining: 1 });
      expect(await limits().peek([counter])).toEqual({ ok: false, spec: counter });
      // Work already done is charged even past the limit; the state never goes below 0.
      expect(await limits().charge([counter])).toEqual({ limit: 3, remaining: 0 });
      expect(await f.valkey.client.get(counter.key)).toBe('4');
      expect(await f.valkey.client.pttl(counter.key)).toBeGreaterThan(0);
    });
  });

  describe('remove', () => {
    it("removes a player: 'removed', then 'absent'; 'board-not-found' for an unknown board", async () => {
      const board = await f.board();
      await submitAll(board.id, [
        ['a', 3],
        ['b', 2],
        ['c', 1],
      ]);
      expect(await scores().remove(board.id, 'b')).toBe('removed');
      expect(await scores().remove(board.id, 'b')).toBe('absent');
      expect(await standing(board.id, ['a', 'b', 'c'])).toEqual([[3, 1], null, [1, 2]]);
      expect(await f.boards.memberCount(board.id)).toBe(2);
      expect(await scores().remove(f.id(), 'a')).toBe('board-not-found');
    });

    it('keeps dense ranks right and leaves no key behind once the period is empty', async () => {
      const board = await f.board({ rankMode: 'dense' });
      await submitAll(board.id, [
        ['a', 50],
        ['b', 40],
        ['b2', 40],
        ['c', 30],
      ]);
      expect(await scores().remove(board.id, 'b')).toBe('removed');
      expect(await standing(board.id, ['c'])).toEqual([[30, 3]]); // 40 is still held by b2
      expect(await scores().remove(board.id, 'b2')).toBe('removed');
      expect(await standing(board.id, ['c'])).toEqual([[30, 2]]);
      for (const p of ['a', 'c']) expect(await scores().remove(board.id, p)).toBe('removed');
      expect(await f.valkey.client.keys(`{lb:${board.id}}:cur:*`)).toEqual([]);
    });
  });

  describe('purgeChunk', () => {
    const FIVE: [string, number][] = [
      ['s10', 10],
      ['s20', 20],
      ['s30', 30],
      ['s40', 40],
      ['s50', 50],
    ];

    it.each(['desc', 'asc'] as const)(
      'removes players whose score is within the bounds, both inclusive (%s board)',
      async (sortOrder) => {
        const board = await f.board({ sortOrder });
        await submitAll(board.id, FIVE);
        expect(await scores().purgeChunk(board.id, 20, 40, 100)).toBe(3);
        expect(
          await standing(
            board.id,
            FIVE.map(([p]) => p),
          ),
        ).toEqual(
          sortOrder === 'desc'
            ? [[10, 2], null, null, null, [50, 1]]
            : [[10, 1], null, null, null, [50, 2]],
        );
        expect(await scores().purgeChunk(board.id, 20, 40, 100)).toBe(0);
      },
    );

    it('removes at most a chunk per call', async () => {
      const board = await f.board();
      await submitAll(board.id, FIVE);
      const removed: number[] = [];
      for (let i = 0; i < 4; i++) removed.push(await scores().purgeChunk(board.id, 0, 100, 2));
      expect(removed).toEqual([2, 2, 1, 0]);
      expect(await f.boards.memberCount(board.id)).toBe(0);
    });

    it('keeps dense ranks right and leaves no key behind', async () => {
      const board = await f.board({ rankMode: 'dense' });
      await submitAll(board.id, [...FIVE, ['t40', 40]]);
      expect(await scores().purgeChunk(board.id, 40, 40, 10)).toBe(2);
      expect(await standing(board.id, ['s50', 's30', 's10'])).toEqual([
        [50, 1],
        [30, 2],
        [10, 4],
      ]);
      expect(await scores().purgeChunk(board.id, -1000, 1000, 10)).toBe(4);
      expect(await f.valkey.client.keys(`{lb:${board.id}}:cur:*`)).toEqual([]);
    });

    it('returns -1 for an unknown board', async () => {
      expect(await scores().purgeChunk(f.id(), 0, 100, 10)).toBe(-1);
    });
  });

  describe('eraseEverywhere', () => {
    it('removes the player from the current and every archived period, current first', async () => {
      const board = await f.board({ rankMode: 'dense' });
      const resets = new ResetsRepository(f.connections);
      await submitAll(board.id, [
        ['x', 10],
        ['y', 5],
      ]);
      await resets.reset(board.id, '0000000001', null);
      await submitAll(board.id, [['y', 7]]);
      await resets.reset(board.id, '0000000002', null);
      await submitAll(board.id, [['x', 30]]);
      await resets.reset(board.id, '0000000003', null);
      await submitAll(board.id, [
        ['x', 40],
        ['y', 1],
      ]);

      expect(await scores().eraseEverywhere(board.id, 'x')).toEqual([
        '0000000004',
        '0000000001',
        '0000000003',
      ]);
      for (const period of ['current', { archived: '0000000001' }] as PeriodRef[]) {
        expect(await standing(board.id, ['x', 'y'], period)).toEqual([
          null,
          [period === 'current' ? 1 : 5, 1],
        ]);
      }
      expect(await standing(board.id, ['x'], { archived: '0000000003' })).toEqual([null]);
      expect(await f.valkey.client.keys(`{lb:${board.id}}:arc:0000000003:*`)).toEqual([]);
      expect(await scores().eraseEverywhere(board.id, 'x')).toEqual([]);
    });

    it('names only the periods the player was in; nothing for an unknown board', async () => {
      const board = await f.board();
      await submitAll(board.id, [['x', 1]]);
      await new ResetsRepository(f.connections).reset(board.id, '0000000001', null);
      expect(await scores().eraseEverywhere(board.id, 'x')).toEqual(['0000000001']);
      expect(await scores().eraseEverywhere(board.id, 'nobody')).toEqual([]);
      expect(await scores().eraseEverywhere(f.id(), 'x')).toEqual([]);
    });
  });
});
