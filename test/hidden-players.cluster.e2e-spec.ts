import { Redis } from 'ioredis';
import { boardTag } from '../src/valkey/keys';
import { connectLive } from './support/live-client';
import { boardsOnEveryMaster, mastersOf, useClusterApp } from './support/cluster';
import {
  boardSettings,
  entriesPage,
  expectHiddenReads,
  HIDDEN_MODEL_CONFIGS,
  rowsOf,
  setHidden,
} from './support/hidden-players';
import { ModelConfig, ReferenceBoard } from './support/reference-model';
import { waitFor } from './support/wait';

// Hidden players on a real 3-master Valkey Cluster: the global registry ({valkran:hidden}) is in
// one slot, every board's copy ({lb:id}:hidden) and its z/zh in the board's own slot, so a hide
// visits boards on every master, each with a script of its own.
describe('hidden players on a real Valkey Cluster (e2e)', () => {
  const f = useClusterApp({
    RATE_LIMIT_SUBMIT_PER_KEY: '10000',
    RATE_LIMIT_SUBMIT_PER_PLAYER: '100',
    RATE_LIMIT_READ_PER_IP: '10000',
  });
  /** One connection per master, by port: a key is read on the master that serves its slot. */
  const nodes = new Map<number, Redis>();
  const onMaster = async (key: string): Promise<Redis> => {
    const [port] = await mastersOf(f.cluster, [key]);
    return nodes.get(port)!;
  };
  beforeAll(async () => {
    for (const s of f.cluster.servers) {
      const node = new Redis(s.port, { lazyConnect: true });
      await node.connect();
      nodes.set(s.port, node);
    }
  });
  afterAll(() => {
    for (const node of nodes.values()) node.disconnect();
  });

  const hide = async (playerId: string, hidden: boolean) => {
    const res = await setHidden(f, playerId, { hidden });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ playerId, hidden });
  };
  const create = async (id: string, config: ModelConfig) => {
    const res = await f.api.admin('POST', '/v1/leaderboards', { id, ...boardSettings(config) });
    expect(res.status).toBe(201);
    return new ReferenceBoard(config);
  };
  const subscores = (config: ModelConfig, n: number) =>
    config.tiebreakers?.length ? { subscores: config.tiebreakers.map((_, i) => (n + i) % 2) } : {};
  /** Sends the entries as one batch and plays them on the model. */
  const play = async (id: string, model: ReferenceBoard, entries: [string, number, number][]) => {
    const body = entries.map(([playerId, score, s]) => ({
      playerId,
      score,
      ...subscores(model.config, s),
    }));
    expect((await f.api.batch(id, body)).status).toBe(200);
    for (const e of body) model.submit(e.playerId, e.score, e.subscores);
  };
  /** The board's hidden set and the sizes of its current z and zh, read on the board's master. */
  const stored = async (id: string) => {
    const tag = boardTag(id);
    const node = await onMaster(tag);
    return {
      hidden: (await node.smembers(`${tag}:hidden`)).sort(),
      z: await node.zcard(`${tag}:cur:z`),
      zh: await node.zcard(`${tag}:cur:zh`),
    };
  };
  /** `GET /v1/players/{id}/standings`: every board holding the player, as the models rank them. */
  const expectStandings = async (
    playerId: string,
    models: Map<string, ReferenceBoard>,
    hidden: ReadonlySet<string>,
  ) => {
    const res = await f.api.get(`/v1/players/${playerId}/standings?limit=100`);
    expect(res.status).toBe(200);
    const expected = [...models.keys()].sort().map((id) => {
      const view = models.get(id)!.ranked((q) => q === playerId || !hidden.has(q));
      const mine = view.find((r) => r.playerId === playerId)!;
      return { leaderboardId: id, rank: mine.rank, score: mine.score, total: view.length };
    });
    expect(res.body.total).toBe(expected.length);
    expect(res.body.entries).toEqual(expected.map((e) => expect.objectContaining(e)));
  };

  it('hides a player on boards on every master: pages, totals, around-me, lookups, stats and standings; a hidden submit is stored; showing restores exact ranks', async () => {
    // Six boards, two per master, one per model config (every rank mode, columns or not).
    const boards = (await boardsOnEveryMaster(f.cluster, 'hc-', 2)).flat();
    const masters = await mastersOf(f.cluster, boards.map(boardTag));
    expect(new Set(masters).size).toBe(3);
    const [registry] = await mastersOf(f.cluster, ['{valkran:hidden}:players']);
    // Four of the boards live on a master other than the registry's.
    expect(masters.filter((m) => m !== registry)).toHaveLength(4);

    const models = new Map<string, ReferenceBoard>();
    const placed = [10, 7, 5, 3, 1, 12];
    for (const [i, id] of boards.entries()) {
      const model = await create(id, HIDDEN_MODEL_CONFIGS[i]);
      models.set(id, model);
      // Ties around the hidden player, whose place differs from board to board.
      await play(id, model, [
        ['a', 10, 0],
        ['b', 10, 1],
        ['cx', placed[i], i],
        ['c', 7, 1],
        ['d', 7, 0],
        ['e', 3, 0],
        ['f', 1, 1],
      ]);
    }
    await expectStandings('cx', models, new Set());
    // A live subscriber of a board on a master other than the registry's, watching cx.
    const watched = boards.find((_, i) => masters[i] !== registry)!;
    const live = await connectLive(f.app.baseUrl);
    const ids = (entries: { playerId: string }[]) => entries.map((e) => e.playerId);
    const sub = () =>
      live.request('subscribe', { leaderboardId: watched, top: 10, playerIds: ['cx'] });
    expect(ids((await sub()).top.entries)).toContain('cx');
    /** The live event `name` about the watched board that `match` accepts, once it arrived. */
    const arrived = (name: string, what: string, match: (payload: any) => boolean) =>
      waitFor(
        async () =>
          live.events.find(
            (e) => e.name === name && e.payload.leaderboardId === watched && match(e.payload),
          ),
        10_000,
        what,
      );

    const hidden = new Set(['cx']);
    await hide('cx', true);
    // Watchers see cx leave as a player leaves a board: the top list closes up and cx's
    // player.rank says null. On a cluster the two may arrive in either order (each PUBLISH goes
    // through whichever node), so both are awaited.
    await arrived(
      'leaderboard.top',
      'a live top list without cx',
      (p) => p.entries.length === 6 && !ids(p.entries).includes('cx'),
    );
    await arrived(
      'player.rank',
      'cx leaving',
      (p) => p.playerId === 'cx' && p.rank === null && p.score === null,
    );
    const again = await sub();
    expect(ids(again.top.entries)).not.toContain('cx');
    expect(again.players).toEqual([]);
    live.events.length = 0;
    expect(await nodes.get(registry)!.hexists('{valkran:hidden}:players', 'cx')).toBe(1);
    for (const [id, model] of models) {
      expect(await stored(id)).toEqual({ hidden: ['cx'], z: 6, zh: 1 });
      await expectHiddenReads(f, id, model, hidden);
      expect((await f.api.get(`/v1/leaderboards/${id}`)).body.memberCount).toBe(6);
    }
    for (const id of boards) {
      await waitFor(
        async () => (await f.api.get(`/v1/leaderboards/${id}/stats`)).body.total === 6,
        10_000,
        `stats of ${id} without cx`,
      );
    }
    await expectStandings('cx', models, hidden);

    // A hidden player's submit, a better score (a tie on some boards): stored (their own reads
    // show it), answered as the model ranks them among the visible players, still out of everyone
    // else's reads.
    for (const [i, [id, model]] of [...models].entries()) {
      const score = placed[i] + (model.config.sortOrder === 'desc' ? 2 : -2);
      const body = { playerId: 'cx', score, ...subscores(model.config, i + 1) };
      const res = await f.api.submit(id, body);
      expect(res.status).toBe(200);
      const expected = model.submit('cx', score, body.subscores);
      expect(expected).toMatchObject({ updated: true });
      expect(res.body).toMatchObject(expected as object);
      expect(await stored(id)).toEqual({ hidden: ['cx'], z: 6, zh: 1 });
      await expectHiddenReads(f, id, model, hidden);
    }
    await expectStandings('cx', models, hidden);
    // A visible change on the watched board is published; nothing about cx was.
    const model = models.get(watched)!;
    const best = model.config.sortOrder === 'desc' ? 20 : -20;
    await play(watched, model, [['f', best, 0]]);
    await arrived('leaderboard.top', 'f on top', (p) => p.entries[0].playerId === 'f');
    expect(live.events.filter((e) => JSON.stringify(e.payload).includes('"cx"'))).toEqual([]);

    hidden.delete('cx');
    await hide('cx', false);
    const back = await arrived('player.rank', 'cx back', (p) => p.playerId === 'cx');
    const { rank, score } = model.ranked().find((r) => r.playerId === 'cx')!;
    expect(back.payload).toMatchObject({ rank, score });
    live.close();
    expect(await nodes.get(registry)!.hexists('{valkran:hidden}:players', 'cx')).toBe(0);
    for (const [id, model] of models) {
      expect(await stored(id)).toEqual({ hidden: [], z: 7, zh: 0 });
      expect(rowsOf((await entriesPage(f, id)).entries)).toEqual(model.ranked());
      await expectHiddenReads(f, id, model, hidden);
      expect((await f.api.get(`/v1/leaderboards/${id}`)).body.memberCount).toBe(7);
    }
    await expectStandings('cx', models, hidden);
  }, 60000);

  it('hides archived periods on every master, and boards created after the hide start with the player hidden', async () => {
    const configs = HIDDEN_MODEL_CONFIGS.slice(0, 3);
    const old = (await boardsOnEveryMaster(f.cluster, 'ha-', 1)).flat();
    const later = (await boardsOnEveryMaster(f.cluster, 'hn-', 1)).flat();
    for (const ids of [old, later]) {
      expect(new Set(await mastersOf(f.cluster, ids.map(boardTag))).size).toBe(3);
    }
    const archived = new Map<string, { periodId: string; model: ReferenceBoard }>();
    const models = new Map<string, ReferenceBoard>();
    for (const [i, id] of old.entries()) {
      const model = await create(id, configs[i]);
      await play(id, model, [
        ['q1', 30, 0],
        ['cy', 20, 0],
        ['q2', 20, 0],
        ['q3', 10, 0],
      ]);
      expect((await f.api.admin('POST', `/v1/leaderboards/${id}/reset`)).status).toBe(202);
      await waitFor(
        async () => (await f.api.get(`/v1/leaderboards/${id}/periods`)).body.periods?.length === 1,
        10_000,
        `the reset of ${id}`,
      );
      const periodId = (await f.api.get(`/v1/leaderboards/${id}/periods`)).body.periods[0].id;
      archived.set(id, { periodId, model });
      const current = new ReferenceBoard(configs[i]);
      await play(id, current, [
        ['cy', 5, 0],
        ['q1', 1, 0],
      ]);
      models.set(id, current);
    }

    const hidden = new Set(['cy']);
    await hide('cy', true);
    const expectArchived = async () => {
      for (const [id, { periodId, model }] of archived) {
        const others = model.ranked((p) => !hidden.has(p));
        const arc = await entriesPage(f, id, `periods/${periodId}/entries`);
        expect(rowsOf(arc.entries)).toEqual(others);
        expect(arc.total).toBe(others.length);
        const periods = (await f.api.get(`/v1/leaderboards/${id}/periods`)).body.periods;
        expect(periods[0]).toMatchObject({ id: periodId, total: others.length });
        const own = await f.api.get(`/v1/leaderboards/${id}/periods/${periodId}/players/cy`);
        const view = model.ranked((q) => q === 'cy' || !hidden.has(q));
        expect(own.body).toMatchObject({
          ...view.find((r) => r.playerId === 'cy'),
          total: view.length,
        });
      }
    };
    await expectArchived();
    for (const [id, model] of models) await expectHiddenReads(f, id, model, hidden);

    // Created after the hide, on every master: seeded, so even the first submission is hidden.
    for (const [i, id] of later.entries()) {
      const model = await create(id, configs[i]);
      expect(await stored(id)).toEqual({ hidden: ['cy'], z: 0, zh: 0 });
      const first = await f.api.submit(id, { playerId: 'cy', score: 99 });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject(model.submit('cy', 99) as object);
      await play(id, model, [['q1', 3, 0]]);
      expect(await stored(id)).toEqual({ hidden: ['cy'], z: 1, zh: 1 });
      await expectHiddenReads(f, id, model, hidden);
      models.set(id, model);
    }
    await expectStandings('cy', models, hidden);

    hidden.delete('cy');
    await hide('cy', false);
    await expectArchived();
    for (const [id, model] of models) {
      expect(rowsOf((await entriesPage(f, id)).entries)).toEqual(model.ranked());
      await expectHiddenReads(f, id, model, hidden);
    }
    await expectStandings('cy', models, hidden);
  }, 60000);

  it("erases a hidden player's entries on every master and keeps them hidden", async () => {
    const boards = (await boardsOnEveryMaster(f.cluster, 'he-', 1)).flat();
    expect(new Set(await mastersOf(f.cluster, boards.map(boardTag))).size).toBe(3);
    for (const id of boards) {
      await play(id, await create(id, HIDDEN_MODEL_CONFIGS[0]), [
        ['m1', 10, 0],
        ['cz', 20, 0],
      ]);
    }
    await hide('cz', true);
    for (const id of boards) expect(await stored(id)).toEqual({ hidden: ['cz'], z: 1, zh: 1 });

    const erased = await f.api.admin('DELETE', '/v1/players/cz');
    expect(erased.status).toBe(200);
    const from = erased.body.removedFrom as { leaderboardId: string; periodId: string }[];
    expect([...from].sort((a, b) => a.leaderboardId.localeCompare(b.leaderboardId))).toEqual(
      [...boards].sort().map((leaderboardId) => ({ leaderboardId, periodId: '0000000001' })),
    );
    for (const id of boards) {
      expect(await stored(id)).toEqual({ hidden: ['cz'], z: 1, zh: 0 });
      expect((await f.api.get(`/v1/leaderboards/${id}/players/cz`)).status).toBe(404);
    }
    // Erasing scores is not showing the player: their next submission is hidden too.
    expect((await f.api.admin('GET', '/v1/players/cz')).body.hidden).toBe(true);
    expect((await f.api.submit(boards[2], { playerId: 'cz', score: 30 })).body.rank).toBe(1);
    expect(rowsOf((await entriesPage(f, boards[2])).entries)).toEqual([
      { playerId: 'm1', rank: 1, score: 10 },
    ]);
    await hide('cz', false);
    expect(rowsOf((await entriesPage(f, boards[2])).entries)).toEqual([
      { playerId: 'cz', rank: 1, score: 30 },
      { playerId: 'm1', rank: 2, score: 10 },
    ]);
    for (const id of boards) expect((await stored(id)).hidden).toEqual([]);
  }, 30000);
});
