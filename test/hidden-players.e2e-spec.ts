import { topPercent } from '../src/leaderboard/rank-maths';
import { ADMIN_KEY, SUBMIT_KEY } from './support/app';
import { useApp } from './support/fixture';
import { connectLive, LiveClient } from './support/live-client';
import {
  aroundOf,
  boardWithModel,
  entriesPage,
  expectHiddenReads,
  HIDDEN_MODEL_CONFIGS,
  lookupOf,
  rowsOf,
  setHidden,
} from './support/hidden-players';
import { waitFor } from './support/wait';

describe('hidden players (shadow-ban, e2e)', () => {
  // all: the stats job, the live publisher and resets run in the same process.
  const f = useApp({ APP_MODE: 'all' }, 'h');
  const hide = async (playerId: string, reason?: string) => {
    const res = await setHidden(f, playerId, { hidden: true, ...(reason ? { reason } : {}) });
    expect(res.status).toBe(200);
    return res.body as { playerId: string; hidden: boolean; hiddenAt?: string; reason?: string };
  };
  const show = async (playerId: string) => {
    const res = await setHidden(f, playerId, { hidden: false });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ playerId, hidden: false });
  };
  const page = (id: string, path?: string) => entriesPage(f, id, path);
  const ids = (entries: { playerId: string }[]) => entries.map((e) => e.playerId);
  const me = (id: string, playerId: string) =>
    f.api.get(`/v1/leaderboards/${id}/players/${playerId}`);
  const around = (id: string, playerId: string, limit: number) => aroundOf(f, id, playerId, limit);
  const lookup = (id: string, playerIds: string[]) => lookupOf(f, id, playerIds);

  it('takes a player out of pages, around-me, lookups, stats and the board count; their own reads and submits stay plausible; showing them restores everything', async () => {
    const id = await f.board({ tiers: [{ name: 'gold', topPercent: 50 }] });
    const scores: [string, number][] = [
      ['p1', 60],
      ['p2', 50],
      ['x', 45],
      ['p3', 40],
      ['p4', 30],
      ['p5', 20],
      ['p6', 10],
    ];
    const batch = await f.api.batch(
      id,
      scores.map(([playerId, score]) => ({ playerId, score })),
    );
    expect(batch.status).toBe(200);
    const etag = (await f.api.get(`/v1/leaderboards/${id}/entries`)).headers.get('etag');

    const status = await hide('x', 'speed hack, ticket 42');
    expect(status).toMatchObject({ playerId: 'x', hidden: true, reason: 'speed hack, ticket 42' });
    expect(Date.parse(status.hiddenAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect((await f.api.admin('GET', '/v1/players/x')).body).toEqual(status);
    // Hiding again keeps when, replaces why.
    const again = await hide('x', 'confirmed');
    expect(again).toEqual({ ...status, reason: 'confirmed' });

    // Others' view: x never existed, ranks close up.
    const visible = await page(id);
    expect(visible.total).toBe(6);
    expect(rowsOf(visible.entries)).toEqual(
      scores
        .filter(([p]) => p !== 'x')
        .map(([playerId, score], i) => ({ playerId, score, rank: i + 1 })),
    );
    const res = await f.api.get(`/v1/leaderboards/${id}/entries`);
    expect(res.headers.get('etag')).not.toBe(etag);
    expect((await f.api.get(`/v1/leaderboards/${id}`)).body.memberCount).toBe(6);
    expect((await me(id, 'p3')).body).toMatchObject({ rank: 3, total: 6, tier: 'gold' });
    expect(rowsOf((await around(id, 'p3', 3)).entries)).toEqual([
      { playerId: 'p2', rank: 2, score: 50 },
      { playerId: 'p3', rank: 3, score: 40 },
      { playerId: 'p4', rank: 4, score: 30 },
    ]);
    const friends = await lookup(id, ['p1', 'x', 'p3']);
    expect(ids(friends.entries)).toEqual(['p1', 'p3']);
    expect(friends.missing).toEqual(['x']);
    expect(friends.total).toBe(6);
    await waitFor(
      async () => (await f.api.get(`/v1/leaderboards/${id}/stats`)).body.total === 6,
      10_000,
      'stats without x',
    );
    const stats = (await f.api.get(`/v1/leaderboards/${id}/stats`)).body;
    expect(stats).toMatchObject({ total: 6, minScore: 10, maxScore: 60 });
    const counted = (stats.histogram as { count: number }[]).reduce((n, b) => n + b.count, 0);
    expect(counted).toBe(6);

    // x's own view: where they would be among the visible players, the total counting them.
    const own = await me(id, 'x');
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ playerId: 'x', rank: 3, score: 45, total: 7, tier: 'gold' });
    expect(own.body.topPercent).toBeCloseTo(topPercent(3, 7), 10);
    const window = await around(id, 'x', 3);
    expect(window.total).toBe(7);
    expect(rowsOf(window.entries)).toEqual([
      { playerId: 'p2', rank: 2, score: 50 },
      { playerId: 'x', rank: 3, score: 45 },
      { playerId: 'p3', rank: 4, score: 40 },
    ]);
    expect(rowsOf((await around(id, 'x', 100)).entries)).toEqual(
      scores.map(([playerId, score], i) => ({ playerId, score, rank: i + 1 })),
    );
    const standings = await f.api.get('/v1/players/x/standings');
    expect(standings.body.entries).toEqual([
      expect.objectContaining({ leaderboardId: id, rank: 3, total: 7, score: 45 }),
    ]);

    // x keeps submitting: accepted, stored, answered with the plausible standing, unseen by others.
    const sub = await f.api.submit(id, { playerId: 'x', score: 55, displayName: 'X' });
    expect(sub.status).toBe(200);
    expect(sub.body).toMatchObject({ score: 55, rank: 2, previousScore: 45, previousRank: 3 });
    expect(sub.body.updated).toBe(true);
    const b2 = await f.api.batch(id, [
      { playerId: 'p6', score: 11 },
      { playerId: 'x', score: 58 },
    ]);
    expect(b2.body.results[1]).toMatchObject({ score: 58, rank: 2, previousRank: 2 });
    expect(ids((await page(id)).entries)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    expect((await me(id, 'x')).body).toMatchObject({ rank: 2, score: 58, displayName: 'X' });

    // Shown again: latest score, and the board is whole.
    await show('x');
    expect((await f.api.admin('GET', '/v1/players/x')).body).toEqual({
      playerId: 'x',
      hidden: false,
    });
    const whole = await page(id);
    expect(whole.total).toBe(7);
    expect(ids(whole.entries)).toEqual(['p1', 'x', 'p2', 'p3', 'p4', 'p5', 'p6']);
    expect(whole.entries.map((e) => e.rank)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(ids((await lookup(id, ['x'])).entries)).toEqual(['x']);
  });

  it.each(
    HIDDEN_MODEL_CONFIGS.map((c) => [
      `${c.rankMode} ${c.sortOrder} ${c.tiebreakers?.length ?? 0} columns`,
      c,
    ]),
  )('is exact with ties, against the reference model: %s', async (_name, config) => {
    const columns = config.tiebreakers ?? [];
    const { id, model } = await boardWithModel(f, config);
    const sub = (n: number) => (columns.length ? { subscores: columns.map(() => n % 2) } : {});
    // Ties everywhere: the hidden ones tie with visible players before and after them.
    const plan: [string, number, number][] = [
      ['a', 10, 0],
      ['h1', 10, 0],
      ['b', 10, 0],
      ['c', 7, 1],
      ['d', 7, 0],
      ['h2', 5, 1],
      ['e', 3, 0],
      ['f', 3, 1],
      ['h3', 1, 0],
    ];
    const entries = plan.map(([playerId, score, s]) => ({ playerId, score, ...sub(s) }));
    expect((await f.api.batch(id, entries)).status).toBe(200);
    for (const e of entries) model.submit(e.playerId, e.score, e.subscores);
    const hidden = new Set(['h1', 'h2', 'h3']);
    for (const p of hidden) await hide(p);

    const check = () => expectHiddenReads(f, id, model, hidden);
    await check();
    // A hidden player's submit: answered with the rank the model gives them among the visible.
    const res = await f.api.submit(id, { playerId: 'h2', score: 7, ...sub(1) });
    expect(res.status).toBe(200);
    model.submit('h2', 7, sub(1).subscores);
    const view = model.ranked((q) => !hidden.has(q) || q === 'h2');
    expect(res.body.rank).toBe(view.find((r) => r.playerId === 'h2')!.rank);
    await check();
    // Shown again one by one: the board is the model's whole board, tie order intact.
    for (const p of ['h2', 'h1', 'h3']) {
      await show(p);
      hidden.delete(p);
      await check();
    }
    expect(rowsOf((await page(id)).entries)).toEqual(model.ranked());
  });

  it('hides archived periods too, and boards created after the hide', async () => {
    const id = await f.board({ rankMode: 'dense' });
    await f.api.batch(id, [
      { playerId: 'q1', score: 30 },
      { playerId: 'y', score: 20 },
      { playerId: 'q2', score: 20 },
      { playerId: 'q3', score: 10 },
    ]);
    expect((await f.api.admin('POST', `/v1/leaderboards/${id}/reset`)).status).toBe(202);
    await waitFor(
      async () => (await f.api.get(`/v1/leaderboards/${id}/periods`)).body.periods.length === 1,
      10_000,
      'the reset',
    );
    const archivedId = (await f.api.get(`/v1/leaderboards/${id}/periods`)).body.periods[0].id;
    await f.api.submit(id, { playerId: 'y', score: 5 });
    await f.api.submit(id, { playerId: 'q1', score: 1 });

    await hide('y');
    const later = await f.board();
    expect((await f.api.submit(later, { playerId: 'y', score: 99 })).body.rank).toBe(1);
    await f.api.submit(later, { playerId: 'q1', score: 3 });
    expect(rowsOf((await page(later)).entries)).toEqual([{ playerId: 'q1', rank: 1, score: 3 }]);
    expect((await me(later, 'y')).body).toMatchObject({ rank: 1, total: 2 });

    const arc = await page(id, `periods/${archivedId}/entries`);
    expect(rowsOf(arc.entries)).toEqual([
      { playerId: 'q1', rank: 1, score: 30 },
      { playerId: 'q2', rank: 2, score: 20 },
      { playerId: 'q3', rank: 3, score: 10 },
    ]);
    expect(arc.total).toBe(3);
    expect((await f.api.get(`/v1/leaderboards/${id}/periods`)).body.periods[0].total).toBe(3);
    const ownArc = await f.api.get(`/v1/leaderboards/${id}/periods/${archivedId}/players/y`);
    expect(ownArc.body).toMatchObject({ rank: 2, score: 20, total: 4 });
    expect(rowsOf((await page(id)).entries)).toEqual([{ playerId: 'q1', rank: 1, score: 1 }]);

    await show('y');
    expect(ids((await page(id, `periods/${archivedId}/entries`)).entries)).toEqual([
      'q1',
      'y',
      'q2',
      'q3',
    ]);
    expect((await f.api.get(`/v1/leaderboards/${id}/periods`)).body.periods[0].total).toBe(4);
    expect(ids((await page(id)).entries)).toEqual(['y', 'q1']);
    expect(ids((await page(later)).entries)).toEqual(['y', 'q1']);
  });

  it('keeps hidden players out of live events and subscribe acks', async () => {
    const id = await f.board();
    await f.api.batch(id, [
      { playerId: 'l1', score: 30 },
      { playerId: 'lx', score: 20 },
      { playerId: 'l2', score: 10 },
    ]);
    const c: LiveClient = await connectLive(f.app.baseUrl);
    try {
      const first = await c.request('subscribe', { leaderboardId: id, top: 5, playerIds: ['lx'] });
      expect(ids(first.top.entries)).toEqual(['l1', 'lx', 'l2']);
      // The close-up reaches subscribers.
      await hide('lx');
      await waitFor(
        async () =>
          c.events.some(
            (e) =>
              e.name === 'leaderboard.top' &&
              ids(e.payload.entries).join() === 'l1,l2' &&
              e.payload.entries[1].rank === 2,
          ),
        10_000,
        'a top list without lx',
      );
      // lx's watchers see them leave (rank null), as when a player leaves the board; sent after
      // the top list, so awaited before the events are cleared.
      await waitFor(
        async () =>
          c.events.some(
            (e) =>
              e.name === 'player.rank' && e.payload.playerId === 'lx' && e.payload.rank === null,
          ),
        10_000,
        'lx leaving',
      );
      c.events.length = 0;
      await f.api.submit(id, { playerId: 'lx', score: 1000 });
      await f.api.submit(id, { playerId: 'l2', score: 40 });
      await waitFor(
        async () =>
          c.events.some(
            (e) => e.name === 'leaderboard.top' && ids(e.payload.entries).join() === 'l2,l1',
          ),
        10_000,
        'the visible change',
      );
      const seen = c.events.filter((e) => JSON.stringify(e.payload).includes('"lx"'));
      expect(seen).toEqual([]);
      const again = await c.request('subscribe', { leaderboardId: id, top: 5, playerIds: ['lx'] });
      expect(ids(again.top.entries)).toEqual(['l2', 'l1']);
      expect(again.players).toEqual([]);
    } finally {
      c.close();
    }
  });

  it('removes, purges and erases hidden entries, and keeps their records when the visible ones go', async () => {
    const id = await f.board();
    await f.api.batch(id, [
      { playerId: 'm1', score: 10 },
      { playerId: 'mx', score: 20 },
      { playerId: 'my', score: 30 },
    ]);
    await hide('mx');
    await hide('my');
    // The last visible player leaves: the hidden players' records stay.
    expect((await f.api.admin('DELETE', `/v1/leaderboards/${id}/players/m1`)).status).toBe(204);
    expect((await page(id)).total).toBe(0);
    expect((await me(id, 'mx')).body).toMatchObject({ rank: 1, score: 20, total: 1 });
    expect((await f.api.admin('DELETE', `/v1/leaderboards/${id}/players/mx`)).status).toBe(204);
    expect((await me(id, 'mx')).status).toBe(404);
    const purge = await f.api.admin(
      'DELETE',
      `/v1/leaderboards/${id}/entries?minScore=25&maxScore=35`,
    );
    expect(purge.body).toEqual({ removed: 1 });
    expect((await me(id, 'my')).status).toBe(404);
    await f.api.submit(id, { playerId: 'my', score: 5 });
    const erased = await f.api.admin('DELETE', '/v1/players/my');
    expect(erased.body.removedFrom).toEqual([{ leaderboardId: id, periodId: '0000000001' }]);
    expect((await me(id, 'my')).status).toBe(404);
    expect(await f.valkey.client.keys(`{lb:${id}}:cur:*`)).toEqual([]);
    // Still hidden: erasing scores is not showing the player.
    expect((await f.api.admin('GET', '/v1/players/my')).body.hidden).toBe(true);
    await show('mx');
    await show('my');
  });

  it('refuses bad requests with a problem and changes nothing', async () => {
    const bad: [unknown, string][] = [
      [{}, 'hidden'],
      [{ hidden: 'yes' }, 'hidden'],
      [{ hidden: null }, 'hidden'],
      [{ hidden: true, reason: '' }, 'reason'],
      [{ hidden: true, reason: 'r'.repeat(201) }, 'reason'],
      [{ hidden: true, reason: 'a\nb' }, 'reason'],
      [{ hidden: true, reason: 12 }, 'reason'],
      [{ hidden: false, reason: 'why' }, 'reason'],
      [{ hidden: true, extra: 1 }, 'extra'],
    ];
    for (const [body, path] of bad) {
      const res = await setHidden(f, 'v1', body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const badId = await setHidden(f, 'no%20spaces', { hidden: true });
    expect(badId.status).toBe(400);
    expect(badId.body.errors[0].path).toBe('playerId');
    expect((await f.api.admin('GET', '/v1/players/no%20spaces')).status).toBe(400);
    const anon = await f.api.request('PUT', '/v1/players/v1/hidden', { body: { hidden: true } });
    expect(anon.status).toBe(401);
    const submitter = await f.api.request('PUT', '/v1/players/v1/hidden', {
      body: { hidden: true },
      key: SUBMIT_KEY,
    });
    expect(submitter.status).toBe(403);
    expect((await f.api.request('GET', '/v1/players/v1')).status).toBe(401);
    expect((await f.api.request('GET', '/v1/players/v1', { key: SUBMIT_KEY })).status).toBe(403);
    const status = await f.api.request('GET', '/v1/players/v1', { key: ADMIN_KEY });
    expect(status.body).toEqual({ playerId: 'v1', hidden: false });
    expect(await f.valkey.client.hlen('{valkran:hidden}:changes')).toBeGreaterThan(0);
    expect(await f.valkey.client.hexists('{valkran:hidden}:changes', 'v1')).toBe(0);
  });
});
