import type { LiveSnapshot, PlayerState } from '../../src/realtime/live';
import { LiveRepository, WATCH_LEASE_MS } from '../../src/realtime/live.repository';
import { useRepositories } from '../support/repositories';
import { waitFor } from '../support/wait';

describe('LiveRepository (watch, watched, save-live, take-gate against real Valkey)', () => {
  const f = useRepositories('live');
  const live = () => new LiveRepository(f.connections);
  const liveKeys = (boardId: string) => f.valkey.client.keys(`{lb:${boardId}}:live:*`);
  /** Runs `fn` with Date.now() reading `at`: leases are computed from the caller's clock. */
  async function at<T>(when: number, fn: () => Promise<T>): Promise<T> {
    const clock = jest.spyOn(Date, 'now').mockReturnValue(when);
    try {
      return await fn();
    } finally {
      clock.mockRestore();
    }
  }
  const sorted = (w: { tops: number[]; players: string[] }) => ({
    tops: [...w.tops].sort((a, b) => a - b),
    players: [...w.players].sort(),
  });
  const snapshot = (total: number): LiveSnapshot => ({
    periodId: '0000000001',
    total,
    top: [{ rank: 1, playerId: 'a', score: total }],
  });
  const states = (...pairs: [string, PlayerState][]) => new Map(pairs);

  describe('watch / watched', () => {
    it('returns the top-N sizes and players someone watches', async () => {
      const board = await f.board();
      await live().watch(board.id, [10, 3], ['p1']);
      await live().watch(board.id, [3], ['p2']);
      expect(sorted(await live().watched(board.id))).toEqual({
        tops: [3, 10],
        players: ['p1', 'p2'],
      });
    });

    it('lets leases expire, forgetting the standings of players nobody watches', async () => {
      const board = await f.board();
      const t0 = Date.now();
      await at(t0, () => live().watch(board.id, [5], ['a']));
      await at(t0 + 30_000, () => live().watch(board.id, [], ['b']));
      const recorded = states(['a', { rank: 1, score: 9 }], ['b', { rank: 2, score: 8 }]);
      expect(await live().save(board.id, { players: recorded })).toBe(true);

      // a's and the top's leases end at t0 + lease, b's 30 s later.
      expect(await at(t0 + WATCH_LEASE_MS - 1, () => live().watched(board.id))).toEqual({
        tops: [5],
        players: ['a', 'b'],
      });
      expect(await at(t0 + WATCH_LEASE_MS + 1, () => live().watched(board.id))).toEqual({
        tops: [],
        players: ['b'],
      });
      expect(await live().playerStates(board.id, ['a', 'b'])).toEqual([
        undefined,
        { rank: 2, score: 8 },
      ]);
      expect(await at(t0 + WATCH_LEASE_MS + 30_001, () => live().watched(board.id))).toEqual({
        tops: [],
        players: [],
      });
      expect(await live().playerStates(board.id, ['b'])).toEqual([undefined]);
    });

    it('extends a lease but never shortens one', async () => {
      const board = await f.board();
      const t0 = Date.now();
      await at(t0 + 60_000, () => live().watch(board.id, [5], ['a']));
      await at(t0, () => live().watch(board.id, [5], ['a'])); // an older renewal arrives late
      expect(await at(t0 + WATCH_LEASE_MS + 30_000, () => live().watched(board.id))).toEqual({
        tops: [5],
        players: ['a'],
      });
    });

    it('keeps the published snapshot and standings alive while anyone watches', async () => {
      const board = await f.board();
      await live().save(board.id, {
        snapshot: snapshot(1),
        players: states(['a', { rank: 1, score: 1 }]),
      });
      const snap = `{lb:${board.id}}:live:snap`;
      const pstate = `{lb:${board.id}}:live:pstate`;
      await f.valkey.client.expire(snap, 60);
      await f.valkey.client.expire(pstate, 60);
      await live().watch(board.id, [1], []);
      expect(await f.valkey.client.ttl(snap)).toBeGreaterThan(3600);
      expect(await f.valkey.client.ttl(pstate)).toBeGreaterThan(3600);
    });

    it('writes nothing for a board that does not exist', async () => {
      const id = f.id();
      await live().watch(id, [5], ['a']);
      expect(await f.valkey.client.keys(`{lb:${id}}*`)).toEqual([]);
      expect(await live().watched(id)).toEqual({ tops: [], players: [] });
    });
  });

  describe('watch leases per holder (release) and the cap', () => {
    /** Two api instances: each repository object is its own lease holder. */
    const instances = () => [live(), live()] as const;
    const players = async (boardId: string) =>
      (await f.valkey.client.zrange(`{lb:${boardId}}:live:players`, '0', '-1')).sort();

    it('releases a player at once when its holder was the only one', async () => {
      const board = await f.board();
      const [a] = instances();
      await a.watch(board.id, [5], ['p1', 'p2']);
      await a.save(board.id, { players: states(['p1', { rank: 1, score: 1 }]) });
      expect(await a.release(board.id, ['p1'])).toBe(1);
      expect(await players(board.id)).toEqual(['p2']);
      expect(await a.playerStates(board.id, ['p1'])).toEqual([undefined]);
      expect(await a.watched(board.id)).toEqual({ tops: [5], players: ['p2'] });
    });

    it("never cuts another holder's watch, and ends the lease with the remaining holder's", async () => {
      const board = await f.board();
      const [a, b] = instances();
      const t0 = Date.now();
      await at(t0, () => b.watch(board.id, [], ['shared']));
      await at(t0 + 10_000, () => a.watch(board.id, [], ['shared', 'mine']));
      expect(await a.release(board.id, ['shared', 'mine'])).toBe(1);
      expect(await players(board.id)).toEqual(['shared']);
      // The lease now ends when b's does, not when a's would have.
      expect(await f.valkey.client.zscore(`{lb:${board.id}}:live:players`, 'shared')).toBe(
        String(t0 + WATCH_LEASE_MS),
      );
      expect(await b.release(board.id, ['shared'])).toBe(1);
      expect(await players(board.id)).toEqual([]);
      expect(await f.valkey.client.exists(`{lb:${board.id}}:live:holders`)).toBe(0);
    });

    it('releases nothing another holder took, and treats an expired holder as gone', async () => {
      const board = await f.board();
      const [a, b] = instances();
      const t0 = Date.now();
      await at(t0, () => a.watch(board.id, [], ['p']));
      expect(await b.release(board.id, ['p', 'never-watched'])).toBe(0);
      expect(await players(board.id)).toEqual(['p']);
      // b watches after a's lease lapsed (a crashed): releasing b forgets the player.
      await at(t0 + WATCH_LEASE_MS + 1, () => b.watch(board.id, [], ['p']));
      expect(await at(t0 + WATCH_LEASE_MS + 2, () => b.release(board.id, ['p']))).toBe(1);
      expect(await players(board.id)).toEqual([]);
    });

    it('refuses, writing nothing, a watch whose new players do not all fit under the cap', async () => {
      const board = await f.board();
      const [a, b] = instances();
      expect(await a.watch(board.id, [3], ['p1', 'p2', 'p3'], { maxPlayers: 4 })).toEqual({
        status: 'ok',
        skipped: 0,
      });
      expect(await b.watch(board.id, [7], ['p3', 'p4', 'p5'], { maxPlayers: 4 })).toEqual({
        status: 'full',
        watched: 3,
      });
      expect(await players(board.id)).toEqual(['p1', 'p2', 'p3']);
      expect((await b.watched(board.id)).tops).toEqual([3]);
      // Already-watched players take no room; one new one still fits.
      expect(await b.watch(board.id, [], ['p1', 'p2', 'p3', 'p4'], { maxPlayers: 4 })).toEqual({
        status: 'ok',
        skipped: 0,
      });
      expect(await a.watch(board.id, [], ['p5'], { maxPlayers: 4 })).toMatchObject({
        status: 'full',
      });
      // A renewal keeps what fits and skips the rest.
      expect(
        await a.watch(board.id, [], ['p1', 'p5', 'p6'], { maxPlayers: 4, renew: true }),
      ).toEqual({ status: 'ok', skipped: 2 });
      expect(await players(board.id)).toEqual(['p1', 'p2', 'p3', 'p4']);
    });

    it('frees the room of expired leases before counting', async () => {
      const board = await f.board();
      const [a] = instances();
      const t0 = Date.now();
      await at(t0, () => a.watch(board.id, [], ['old1', 'old2'], { maxPlayers: 2 }));
      expect(
        await at(t0 + WATCH_LEASE_MS + 1, () =>
          a.watch(board.id, [], ['new1', 'new2'], { maxPlayers: 2 }),
        ),
      ).toEqual({ status: 'ok', skipped: 0 });
      expect(await players(board.id)).toEqual(['new1', 'new2']);
    });

    it('answers gone for a board that does not exist, writing nothing', async () => {
      const id = f.id();
      expect(await live().watch(id, [5], ['a'], { maxPlayers: 10 })).toEqual({ status: 'gone' });
      expect(await live().release(id, ['a'])).toBe(0);
      expect(await f.valkey.client.keys(`{lb:${id}}*`)).toEqual([]);
    });

    it('sweeps standings recorded for players nobody watches (a publish that raced a release)', async () => {
      const board = await f.board();
      const [a] = instances();
      await a.watch(board.id, [], ['kept']);
      await a.save(board.id, {
        players: states(['kept', { rank: 1, score: 1 }], ['raced', { rank: 2, score: 0 }]),
      });
      await a.watched(board.id);
      expect(await a.playerStates(board.id, ['kept', 'raced'])).toEqual([
        { rank: 1, score: 1 },
        undefined,
      ]);
    });
  });

  describe('save', () => {
    it('records the snapshot and player states (null: known to be off the board)', async () => {
      const board = await f.board();
      const saved = {
        snapshot: snapshot(2),
        players: states(['a', { rank: 1, score: 2 }], ['b', null]),
      };
      expect(await live().save(board.id, saved)).toBe(true);
      expect(await live().lastSnapshot(board.id)).toEqual(snapshot(2));
      expect(await live().playerStates(board.id, ['a', 'b', 'c'])).toEqual([
        { rank: 1, score: 2 },
        null,
        undefined,
      ]);
      expect(await live().playerStates(board.id, [])).toEqual([]);
    });

    it('writes only for the board generation it was read from', async () => {
      const board = await f.board();
      const generation = String(board.createdAt);
      expect(
        await live().save(board.id, { snapshot: snapshot(1), players: states() }, { generation }),
      ).toBe(true);
      const late = { snapshot: snapshot(2), players: states(['a', { rank: 1, score: 2 }]) };
      expect(await live().save(board.id, late, { generation: String(board.createdAt - 1) })).toBe(
        false,
      );
      expect(await live().lastSnapshot(board.id)).toEqual(snapshot(1));
      expect(await live().playerStates(board.id, ['a'])).toEqual([undefined]);
    });

    it('writes nothing for a board that does not exist', async () => {
      const id = f.id();
      const state = { snapshot: snapshot(1), players: states(['a', null]) };
      expect(await live().save(id, state)).toBe(false);
      expect(await f.valkey.client.keys(`{lb:${id}}*`)).toEqual([]);
    });

    it('only fills in what is missing with onlyIfAbsent', async () => {
      const board = await f.board();
      await live().save(board.id, {
        snapshot: snapshot(1),
        players: states(['a', { rank: 1, score: 1 }]),
      });
      const seed = {
        snapshot: snapshot(9),
        players: states(['a', { rank: 9, score: 9 }], ['c', { rank: 3, score: 3 }]),
      };
      expect(await live().save(board.id, seed, { onlyIfAbsent: true })).toBe(true);
      expect(await live().lastSnapshot(board.id)).toEqual(snapshot(1));
      expect(await live().playerStates(board.id, ['a', 'c'])).toEqual([
        { rank: 1, score: 1 },
        { rank: 3, score: 3 },
      ]);
      // On a board with no baseline yet, the seed is the baseline.
      const fresh = await f.board();
      expect(await live().save(fresh.id, seed, { onlyIfAbsent: true })).toBe(true);
      expect(await live().lastSnapshot(fresh.id)).toEqual(snapshot(9));
    });

    it('forgets every recorded player first with clearPlayers, and keeps the snapshot when none is given', async () => {
      const board = await f.board();
      await live().save(board.id, {
        snapshot: snapshot(1),
        players: states(['a', { rank: 1, score: 1 }], ['b', { rank: 2, score: 0 }]),
      });
      const next = { players: states(['d', { rank: 4, score: 4 }]), clearPlayers: true };
      expect(await live().save(board.id, next)).toBe(true);
      expect(await live().playerStates(board.id, ['a', 'b', 'd'])).toEqual([
        undefined,
        undefined,
        { rank: 4, score: 4 },
      ]);
      expect(await live().lastSnapshot(board.id)).toEqual(snapshot(1));
      // Recorded state expires after a quiet day.
      expect(await f.valkey.client.ttl(`{lb:${board.id}}:live:pstate`)).toBeGreaterThan(86_000);
    });
  });

  describe('takeGate', () => {
    it('gives the slot to one caller per interval, with the board generation', async () => {
      const board = await f.board();
      expect(await live().takeGate(board.id, 60_000)).toEqual({
        taken: true,
        generation: String(board.createdAt),
      });
      const busy = await live().takeGate(board.id, 60_000);
      expect(busy).toMatchObject({ taken: false });
      if (busy?.taken !== false) return;
      expect(busy.waitMs).toBeGreaterThan(0);
      expect(busy.waitMs).toBeLessThanOrEqual(60_000);
    });

    it('frees the slot when the interval is over', async () => {
      const board = await f.board();
      expect(await live().takeGate(board.id, 100)).toMatchObject({ taken: true });
      expect(await live().takeGate(board.id, 100)).toMatchObject({ taken: false });
      await waitFor(
        async () => (await live().takeGate(board.id, 100))?.taken,
        5000,
        'the gate to free',
      );
    });

    it('answers null for a board that does not exist, writing nothing', async () => {
      const id = f.id();
      expect(await live().takeGate(id, 1000)).toBeNull();
      expect(await f.valkey.client.keys(`{lb:${id}}*`)).toEqual([]);
    });
  });

  it('drops every live key of the board, and nothing else', async () => {
    const board = await f.board();
    await live().watch(board.id, [5], ['a']);
    await live().save(board.id, {
      snapshot: snapshot(1),
      players: states(['a', { rank: 1, score: 1 }]),
    });
    await live().takeGate(board.id, 60_000);
    expect((await liveKeys(board.id)).sort()).toEqual(
      ['gate', 'holders', 'players', 'pstate', 'snap', 'tops'].map(
        (k) => `{lb:${board.id}}:live:${k}`,
      ),
    );
    await live().drop(board.id);
    expect(await liveKeys(board.id)).toEqual([]);
    expect(await f.boards.get(board.id)).toEqual(board);
  });
});
