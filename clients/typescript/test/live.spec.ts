import { LiveGateway } from '../../../src/realtime/live.gateway';
import { useApp } from '../../../test/support/fixture';
import { LiveClient, ValkranError, type LiveEvents } from '../src';

type Recorded = { [K in keyof LiveEvents]: { name: K; payload: LiveEvents[K] } }[keyof LiveEvents];

/** Every event a LiveClient emits, in order, and a way to wait for one. */
function record(live: LiveClient) {
  const events: Recorded[] = [];
  const names: (keyof LiveEvents)[] = [
    'leaderboard.top',
    'player.rank',
    'leaderboard.reset',
    'cohort.top',
    'resubscribed',
    'subscription.error',
    'connect',
    'disconnect',
  ];
  for (const name of names) {
    live.on(name, (payload: LiveEvents[typeof name]) => events.push({ name, payload } as Recorded));
  }
  async function next<K extends keyof LiveEvents>(
    name: K,
    match: (p: LiveEvents[K]) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<LiveEvents[K]> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const hit = events.find((e) => e.name === name && match(e.payload as LiveEvents[K]));
      if (hit) return hit.payload as LiveEvents[K];
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no ${name} event within ${timeoutMs} ms`);
  }
  return { events, next };
}

describe('SDK live client against a running Valkran', () => {
  const f = useApp({ APP_MODE: 'all', LIVE_MAX_HZ: '10' }, 'live');
  const clients: LiveClient[] = [];
  const connect = () => {
    const live = new LiveClient({
      baseUrl: f.app.baseUrl,
      // Back 300 ms after a drop: time for the renewal test to write while the client is away.
      socket: { transports: ['websocket'], reconnectionDelay: 300, randomizationFactor: 0 },
    });
    clients.push(live);
    return live;
  };
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  it('subscribes (before the socket is even connected) and gets the initial page, then typed events', async () => {
    const id = await f.board();
    await f.api.batch(id, [
      { playerId: 'alice', score: 300, displayName: 'Alice' },
      { playerId: 'bob', score: 200 },
      { playerId: 'carol', score: 100 },
    ]);
    const live = connect();
    const rec = record(live);
    expect(live.connected).toBe(false);
    const sub = await live.subscribe(id, { top: 2, playerIds: ['carol', 'ghost'] });
    expect(sub.leaderboardId).toBe(id);
    expect(sub.top).toMatchObject({ leaderboardId: id, total: 3, limit: 2 });
    expect(sub.top.entries.map((e) => [e.rank, e.playerId, e.score])).toEqual([
      [1, 'alice', 300],
      [2, 'bob', 200],
    ]);
    expect(sub.players.map((p) => [p.playerId, p.rank])).toEqual([['carol', 3]]);
    expect(live.subscriptions).toEqual([id]);

    await f.api.submit(id, { playerId: 'carol', score: 999 });
    const top = await rec.next('leaderboard.top', (e) => e.entries[0]?.playerId === 'carol');
    expect(top).toMatchObject({ leaderboardId: id, periodId: '0000000001' });
    expect(top.entries.map((e) => e.playerId)).toEqual(['carol', 'alice']);
    expect(Number.isNaN(Date.parse(top.at))).toBe(false);
    // (The seeding batch's own publish may announce carol at rank 3 first.)
    const rank = await rec.next('player.rank', (e) => e.playerId === 'carol' && e.score === 999);
    expect(rank).toEqual({
      leaderboardId: id,
      periodId: '0000000001',
      playerId: 'carol',
      rank: 1,
      score: 999,
      topPercent: expect.closeTo(100 / 3, 5),
    });

    await f.api.admin('POST', `/v1/leaderboards/${id}/reset`);
    const reset = await rec.next('leaderboard.reset');
    expect(reset).toEqual({
      leaderboardId: id,
      archivedPeriodId: '0000000001',
      periodId: '0000000002',
    });
  });

  it("watches a player's cohort: the ack carries it (null before placement), then cohort.top", async () => {
    const id = await f.board({
      cohortSize: 2,
      leagues: [
        { name: 'low', promote: 1, demote: 0 },
        { name: 'high', promote: 0, demote: 1 },
      ],
    });
    const live = connect();
    const rec = record(live);
    const early = await live.subscribe(id, { top: 1, cohortOf: 'bob' });
    expect(early.cohort).toBeNull();
    const plain = await live.subscribe(id, { top: 1 });
    expect('cohort' in plain).toBe(false);

    await f.api.batch(id, [
      { playerId: 'alice', score: 10 },
      { playerId: 'bob', score: 20 },
      { playerId: 'carol', score: 30 },
    ]);
    const sub = await live.subscribe(id, { top: 1, cohortOf: 'bob' });
    expect(sub.cohort).toEqual({
      periodId: '0000000001',
      cohortId: 1,
      league: 'low',
      entries: [
        { rank: 1, playerId: 'bob', score: 20 },
        { rank: 2, playerId: 'alice', score: 10 },
      ],
    });
    // Alice passes bob in their cohort; carol (cohort 2) is not in it.
    await f.api.submit(id, { playerId: 'alice', score: 50 });
    const event = await rec.next('cohort.top', (e) => e.entries[0]?.playerId === 'alice');
    expect(event).toMatchObject({
      leaderboardId: id,
      playerId: 'bob',
      periodId: '0000000001',
      cohortId: 1,
      league: 'low',
    });
    expect(event.entries.map((e) => [e.rank, e.playerId, e.score])).toEqual([
      [1, 'alice', 50],
      [2, 'bob', 20],
    ]);
    expect(Number.isNaN(Date.parse(event.at))).toBe(false);

    // A board without cohorts refuses cohortOf with the problem.
    const flat = await f.board();
    const err = await live.subscribe(flat, { cohortOf: 'bob' }).catch((e: unknown) => e);
    expect((err as ValkranError).status).toBe(404);
  });

  it('renews its subscriptions after the server drops the connection', async () => {
    const id = await f.board();
    await f.api.submit(id, { playerId: 'alice', score: 10 });
    const live = connect();
    const rec = record(live);
    await live.subscribe(id, { top: 5, playerIds: ['bob'] });

    // Close every connection at the transport (what a restarting instance does).
    f.app.app.get(LiveGateway).disconnectAll();
    await rec.next('disconnect');
    // While away, bob arrives: the renewal's fresh page shows him.
    await f.api.submit(id, { playerId: 'bob', score: 20 });
    const renewed = await rec.next('resubscribed');
    expect(rec.events.some((e) => e.name === 'connect' && e.payload.reconnect)).toBe(true);
    expect(renewed.leaderboardId).toBe(id);
    expect(renewed.top.entries.map((e) => e.playerId)).toEqual(['bob', 'alice']);
    expect(renewed.players.map((p) => p.playerId)).toEqual(['bob']);

    // The renewed subscription receives events again: top list and the watched player.
    await f.api.submit(id, { playerId: 'carol', score: 30 });
    await rec.next('leaderboard.top', (e) => e.entries[0]?.playerId === 'carol');
    await rec.next('player.rank', (e) => e.playerId === 'bob' && e.rank === 2);
  });

  it('unsubscribe stops the events of that board, and only that board', async () => {
    const quiet = await f.board();
    const loud = await f.board();
    const live = connect();
    const rec = record(live);
    await live.subscribe(quiet, { top: 3 });
    await live.subscribe(loud, { top: 3 });
    await f.api.submit(quiet, { playerId: 'p1', score: 1 });
    await rec.next('leaderboard.top', (e) => e.leaderboardId === quiet);

    await live.unsubscribe(quiet);
    expect(live.subscriptions).toEqual([loud]);
    const before = rec.events.length;
    // What the server still sends, before the client's own filter.
    const raw: string[] = [];
    live.socket.onAny((name: string, payload: { leaderboardId?: string }) =>
      raw.push(`${name} ${payload.leaderboardId}`),
    );
    await f.api.submit(quiet, { playerId: 'p2', score: 2 });
    await f.api.submit(loud, { playerId: 'p3', score: 3 });
    // The other board's event proves events are flowing; the quiet board's would have come
    // by then too (same publisher, same tick rate). Then wait a little longer still.
    await rec.next('leaderboard.top', (e) => e.leaderboardId === loud);
    await new Promise((r) => setTimeout(r, 500));
    const after = rec.events.slice(before);
    expect(
      after.filter((e) => 'leaderboardId' in e.payload && e.payload.leaderboardId === quiet),
    ).toEqual([]);

    // Not even sent: the server dropped the subscription (a new client on `quiet` sees the write).
    const other = connect();
    const otherRec = record(other);
    await other.subscribe(quiet, { top: 3 });
    await f.api.submit(quiet, { playerId: 'p4', score: 4 });
    await otherRec.next('leaderboard.top', (e) => e.entries.some((r) => r.playerId === 'p4'));
    expect(raw.filter((e) => e.endsWith(` ${quiet}`))).toEqual([]);
    expect(raw).toContain(`leaderboard.top ${loud}`);
    expect(
      rec.events
        .slice(before)
        .some((e) => e.name === 'leaderboard.top' && e.payload.leaderboardId === quiet),
    ).toBe(false);
  });

  it('rejects a refused subscription with the problem and keeps nothing of it', async () => {
    const live = connect();
    const err = await live.subscribe('no-such-board').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValkranError);
    expect((err as ValkranError).status).toBe(404);
    expect(live.subscriptions).toEqual([]);
    const bad = await live.subscribe('global', { top: 1000 }).catch((e: unknown) => e);
    expect((bad as ValkranError).status).toBe(400);
    expect((bad as ValkranError).problem.detail).toMatch(/top/);
  });

  it('needs a baseUrl outside a browser', () => {
    expect(() => new LiveClient()).toThrow(/baseUrl is required/);
  });

  it('close() ends a subscribe still waiting for the connection', async () => {
    const live = new LiveClient({
      baseUrl: 'http://127.0.0.1:9', // nothing listens there
      socket: { transports: ['websocket'], reconnectionDelay: 50 },
    });
    const pending = live.subscribe('global').catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    live.close();
    expect(((await pending) as Error).message).toBe('LiveClient closed');
  });
});
