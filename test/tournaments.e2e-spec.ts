import { EventBus } from '../src/events/event-bus';
import type { DomainEvents } from '../src/events/domain-events';
import { http, startApp, SUBMIT_KEY, TestApp } from './support/app';
import type { AppFixture } from './support/fixture';
import { startValkey } from './support/valkey';
import { waitFor } from './support/wait';

const iso = (ms: number): string => new Date(ms).toISOString();
const sleepUntil = (ms: number): Promise<void> =>
  new Promise((r) => setTimeout(r, Math.max(0, ms - Date.now())));
const problemType = (slug: string): string => `https://valkran.dev/problems/${slug}`;

describe('tournaments (e2e, all mode: api and worker in one process, plus a second api)', () => {
  // One valkey-server, an app in `all` mode (api and worker) and a second api instance; torn
  // down in reverse (the second app first, while Valkey still answers it).
  const f = {} as Omit<AppFixture, 'board'>;
  let second: TestApp;
  let api2: ReturnType<typeof http>;
  let n = 0;
  beforeAll(async () => {
    f.valkey = await startValkey();
    f.app = await startApp(f.valkey.url, { APP_MODE: 'all' });
    f.api = http(f.app.baseUrl);
    second = await startApp(f.valkey.url, { APP_MODE: 'api' });
    api2 = http(second.baseUrl);
  }, 30000);
  afterAll(async () => {
    await second?.close();
    await f.app?.close();
    await f.valkey?.stop();
  });
  const board = async (config: Record<string, unknown> = {}): Promise<string> => {
    const id = `t${++n}`;
    const res = await f.api.admin('POST', '/v1/leaderboards', { id, ...config });
    if (res.status !== 201)
      throw new Error(`board ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    return id;
  };

  const join = (api: ReturnType<typeof http>, id: string, playerId: string) =>
    api.request('POST', `/v1/leaderboards/${id}/players/${playerId}/join`, { key: SUBMIT_KEY });
  const boardDoc = async (id: string) => (await f.api.get(`/v1/leaderboards/${id}`)).body;
  const player = async (id: string, playerId: string) =>
    (await f.api.get(`/v1/leaderboards/${id}/players/${playerId}`)).body;

  describe('configuration', () => {
    it('shows the options in the board document, the board list and the OpenAPI document', async () => {
      const startsAt = Date.now() + 3_600_000;
      const endsAt = startsAt + 7_200_000;
      const id = await board({
        startsAt: iso(startsAt),
        endsAt: new Date(endsAt).toISOString().replace('Z', '+00:00'),
        resetSchedule: '0 * * * *',
        activeFor: 600,
        joinRequired: true,
        maxPlayers: 64,
        maxAttempts: 3,
      });
      const doc = await boardDoc(id);
      expect(doc).toMatchObject({
        startsAt: iso(startsAt),
        endsAt: iso(endsAt),
        activeFor: 600,
        joinRequired: true,
        maxPlayers: 64,
        maxAttempts: 3,
      });
      const list = await f.api.get('/v1/leaderboards?limit=200');
      expect(list.body.find((b: { id: string }) => b.id === id)).toMatchObject({
        startsAt: iso(startsAt),
        maxPlayers: 64,
      });
      const plain = await boardDoc(await board());
      expect(plain).toMatchObject({
        startsAt: null,
        endsAt: null,
        activeFor: null,
        joinRequired: false,
        maxPlayers: null,
        maxAttempts: null,
      });

      const openapi = (await f.api.get('/openapi.json')).body;
      const boardSchema = openapi.components.schemas.BoardDto.properties;
      for (const field of [
        'startsAt',
        'endsAt',
        'activeFor',
        'joinRequired',
        'maxPlayers',
        'maxAttempts',
      ]) {
        expect(boardSchema[field]).toBeDefined();
        expect(openapi.components.schemas.CreateBoardDto.properties[field]).toBeDefined();
      }
      const joinRoute = openapi.paths['/v1/leaderboards/{id}/players/{playerId}/join'].post;
      expect(joinRoute.responses['200'].content['application/json'].schema.$ref).toMatch(
        /JoinResultDto$/,
      );
      expect(openapi.components.schemas.PlayerDto.properties.attemptsLeft).toBeDefined();
    });

    it('refuses bad options with a 400 naming the field, creating nothing', async () => {
      const soon = Date.now() + 60_000;
      const cases: [Record<string, unknown>, string][] = [
        [{ startsAt: '2026-02-30T00:00:00Z' }, 'startsAt'],
        [{ startsAt: '2026-01-01T00:00:00' }, 'startsAt'], // no zone: not an instant
        [{ endsAt: 1767225600000 }, 'endsAt'],
        [{ endsAt: iso(Date.now() - 1000) }, 'endsAt'],
        [{ startsAt: iso(soon), endsAt: iso(soon) }, 'startsAt'],
        [{ activeFor: 60 }, 'activeFor'], // needs a resetSchedule
        [{ activeFor: 0, resetSchedule: '* * * * *' }, 'activeFor'],
        [{ maxPlayers: 0 }, 'maxPlayers'],
        [{ maxAttempts: 1.5 }, 'maxAttempts'],
        [{ joinRequired: 'yes' }, 'joinRequired'],
      ];
      for (const [body, field] of cases) {
        const res = await f.api.admin('POST', '/v1/leaderboards', { id: 'bad-cfg', ...body });
        expect([res.status, res.body.errors?.[0]?.path]).toEqual([400, field]);
        expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      }
      expect((await f.api.get('/v1/leaderboards/bad-cfg')).status).toBe(404);
    });

    it('moves startsAt/endsAt by PATCH until the tournament ends; entry rules are immutable', async () => {
      const endsAt = Date.now() + 1500;
      const id = await board({ endsAt: iso(endsAt), maxAttempts: 2 });
      const later = endsAt + 1000;
      let res = await f.api.admin('PATCH', `/v1/leaderboards/${id}`, { endsAt: iso(later) });
      expect([res.status, res.body.endsAt]).toEqual([200, iso(later)]);
      res = await f.api.admin('PATCH', `/v1/leaderboards/${id}`, { startsAt: iso(later) });
      expect([res.status, res.body.errors?.[0]?.path]).toEqual([400, 'startsAt']);
      res = await f.api.admin('PATCH', `/v1/leaderboards/${id}`, { maxAttempts: 5 });
      expect([res.status, res.body.errors?.[0]?.path]).toEqual([400, 'maxAttempts']);
      res = await f.api.admin('PATCH', `/v1/leaderboards/${id}`, { joinRequired: true });
      expect([res.status, res.body.errors?.[0]?.path]).toEqual([400, 'joinRequired']);
      expect(await boardDoc(id)).toMatchObject({ maxAttempts: 2, joinRequired: false });

      await sleepUntil(later + 50);
      res = await f.api.admin('PATCH', `/v1/leaderboards/${id}`, { endsAt: iso(later + 60_000) });
      expect([res.status, res.body.type]).toEqual([409, problemType('ended')]);
      expect((await boardDoc(id)).endsAt).toBe(iso(later));
      // Other settings still change.
      res = await f.api.admin('PATCH', `/v1/leaderboards/${id}`, { title: 'Cup (over)' });
      expect(res.status).toBe(200);
    });
  });

  describe('the submission window', () => {
    it('refuses before startsAt and after endsAt; at endsAt the worker closes the period once', async () => {
      const events: DomainEvents['tournament.ended'][] = [];
      const started: DomainEvents['tournament.started'][] = [];
      const bus = f.app.app.get(EventBus);
      bus.on('tournament.ended', (e) => void events.push(e));
      bus.on('tournament.started', (e) => void started.push(e));

      const startsAt = Date.now() + 1200;
      const endsAt = startsAt + 1500;
      const id = await board({ startsAt: iso(startsAt), endsAt: iso(endsAt) });
      let res = await f.api.submit(id, { playerId: 'early', score: 1 });
      expect([res.status, res.body.type]).toEqual([409, problemType('not-started')]);
      expect(res.body.detail).toContain(iso(startsAt));
      expect((await f.api.get(`/v1/leaderboards/${id}/entries`)).body.total).toBe(0); // reads work

      await sleepUntil(startsAt + 20);
      res = await f.api.submit(id, { playerId: 'alice', score: 50 });
      expect(res.status).toBe(200);
      expect(res.body.updated).toBe(true);
      const batch = await api2.batch(id, [
        { playerId: 'bob', score: 70 },
        { playerId: 'carol', score: 60 },
      ]);
      expect(batch.status).toBe(200);
      await waitFor(async () => started.some((e) => e.boardId === id), 5000, 'tournament.started');

      await sleepUntil(endsAt + 20);
      res = await f.api.submit(id, { playerId: 'late', score: 99 });
      expect([res.status, res.body.type]).toEqual([409, problemType('ended')]);
      res = await api2.batch(id, [{ playerId: 'late', score: 99 }]);
      expect([res.status, res.body.type]).toEqual([409, problemType('ended')]);

      const closed = await waitFor(
        async () => {
          const p = (await f.api.get(`/v1/leaderboards/${id}/periods`)).body;
          return p.periods.length > 0 ? p : null;
        },
        5000,
        'the close at endsAt',
      );
      expect(closed.periods).toHaveLength(1);
      const final = closed.periods[0];
      expect(final).toMatchObject({ endedAt: iso(endsAt), total: 3 });
      const standings = await f.api.get(`/v1/leaderboards/${id}/periods/${final.id}/entries`);
      expect(standings.body.entries.map((e: { playerId: string }) => e.playerId)).toEqual([
        'bob',
        'carol',
        'alice',
      ]);
      // A schedule added after the end fires every second, but no longer rolls periods: the
      // final standings stay the newest archive.
      res = await f.api.admin('PATCH', `/v1/leaderboards/${id}`, { resetSchedule: '* * * * * *' });
      expect(res.status).toBe(200);
      // A fixed wait on purpose: proving no reset happens needs schedule fires to pass.
      await new Promise((r) => setTimeout(r, 2200));
      const after = (await f.api.get(`/v1/leaderboards/${id}/periods`)).body;
      expect(after.periods.map((p: { id: string }) => p.id)).toEqual([final.id]);
      const doc = await boardDoc(id);
      expect(doc.period).toMatchObject({ startedAt: iso(endsAt), endsAt: null });
      expect(doc.nextResetAt).toBeNull();
      expect(events.filter((e) => e.boardId === id)).toEqual([
        { boardId: id, generation: Date.parse(doc.createdAt), endsAt, periodId: final.id },
      ]);
      expect(started.filter((e) => e.boardId === id)).toHaveLength(1);
    });

    it('opens and closes each period of a 2-second schedule for activeFor 1 second', async () => {
      const id = await board({ resetSchedule: '*/2 * * * * *', activeFor: 1, maxAttempts: 10 });
      /** Waits for the next period and returns its start (ms). */
      const nextPeriod = async (after: string): Promise<{ id: string; startedAt: number }> => {
        const doc = await waitFor(
          async () => {
            const d = await boardDoc(id);
            return d.period.id !== after ? d : null;
          },
          5000,
          'the next period',
          20,
        );
        return { id: doc.period.id, startedAt: Date.parse(doc.period.startedAt) };
      };
      let period = await nextPeriod((await boardDoc(id)).period.id);
      let opened = 0;
      for (let round = 0; round < 2; round++) {
        // Open right after the period opens (the reset job opens it at the fire time); a round
        // that saw the period too late (a loaded machine) checks only the close.
        const sentAt = Date.now();
        let res = await f.api.submit(id, { playerId: 'p', score: 10 + round });
        if (sentAt < period.startedAt + 700) {
          expect([res.status, res.body.periodId]).toEqual([200, period.id]);
          expect((await player(id, 'p')).attempts).toBe(1);
          opened++;
        }
        // Closed from startedAt + 1 s until the next period opens.
        await sleepUntil(period.startedAt + 1100);
        res = await f.api.submit(id, { playerId: 'p', score: 100 });
        expect([res.status, res.body.type]).toEqual([409, problemType('closed')]);
        expect(res.body.detail).toContain(iso(period.startedAt + 1000));
        period = await nextPeriod(period.id);
      }
      expect(opened).toBeGreaterThan(0);
    });
  });

  describe('entry rules', () => {
    it('admits exactly 10 of 50 concurrent joins for 10 seats, over two api instances', async () => {
      const id = await board({ joinRequired: true, maxPlayers: 10 });
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => join(i % 2 ? api2 : f.api, id, `p${i}`)),
      );
      const admitted = results.filter((r) => r.status === 200);
      expect(admitted).toHaveLength(10);
      const refused = results.filter((r) => r.status !== 200);
      expect(refused.map((r) => [r.status, r.body.type])).toEqual(
        Array.from({ length: 40 }, () => [409, problemType('full')]),
      );
      expect(admitted.map((r) => r.body.players).sort((a, b) => a - b)).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
      ]);
      const seated = admitted[0].body;
      expect(seated).toEqual({
        leaderboardId: id,
        periodId: '0000000001',
        playerId: seated.playerId,
        joined: true,
        players: seated.players,
      });
      // Joining twice is a no-op 200.
      const again = await join(f.api, id, seated.playerId);
      expect([again.status, again.body.players]).toEqual([200, 10]);

      // A seated player's scores count; another player's are a 403.
      expect((await api2.submit(id, { playerId: seated.playerId, score: 5 })).status).toBe(200);
      const outsider = refused[0] && `p${results.indexOf(refused[0])}`;
      const res = await f.api.submit(id, { playerId: outsider, score: 5 });
      expect([res.status, res.body.type]).toEqual([403, problemType('not-joined')]);
      const batch = await f.api.batch(id, [
        { playerId: seated.playerId, score: 6 },
        { playerId: outsider, score: 6 },
      ]);
      expect([batch.status, batch.body.type, batch.body.errors]).toEqual([
        403,
        problemType('not-joined'),
        [{ path: 'entries.1.playerId', message: 'has not joined the current period' }],
      ]);
      expect((await player(id, seated.playerId)).score).toBe(5); // the batch applied nothing

      // Joins belong to a period: after a reset everyone joins again.
      await f.api.admin('POST', `/v1/leaderboards/${id}/reset`);
      await waitFor(async () => (await boardDoc(id)).period.id === '0000000002');
      expect((await f.api.submit(id, { playerId: seated.playerId, score: 7 })).status).toBe(403);
      const rejoin = await join(api2, id, outsider);
      expect([rejoin.status, rejoin.body.periodId, rejoin.body.players]).toEqual([
        200,
        '0000000002',
        1,
      ]);
    });

    it('seats players by their first submission without joinRequired', async () => {
      const id = await board({ maxPlayers: 2 });
      expect((await f.api.submit(id, { playerId: 'a', score: 1 })).status).toBe(200);
      expect((await api2.submit(id, { playerId: 'b', score: 2 })).status).toBe(200);
      const res = await f.api.submit(id, { playerId: 'c', score: 3 });
      expect([res.status, res.body.type]).toEqual([409, problemType('full')]);
      const batch = await f.api.batch(id, [
        { playerId: 'a', score: 4 },
        { playerId: 'd', score: 4 },
      ]);
      expect([batch.status, batch.body.errors?.[0]?.path]).toEqual([409, 'entries.1.playerId']);
      expect((await f.api.submit(id, { playerId: 'a', score: 9 })).body.score).toBe(9);
      expect((await join(f.api, id, 'e')).status).toBe(409); // joins take seats too
      expect((await join(f.api, id, 'b')).body.players).toBe(2);
      // Erasing a player frees their seat (their attempts are personal data too).
      expect((await f.api.admin('DELETE', '/v1/players/b')).status).toBe(200);
      expect((await f.api.submit(id, { playerId: 'c', score: 3 })).status).toBe(200);
    });

    it('holds maxAttempts across two api instances; an idempotent replay is not an attempt', async () => {
      const id = await board({ maxAttempts: 3, updateMode: 'increment' });
      const tries = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? api2 : f.api).submit(id, { playerId: 'racer', score: 1 }),
        ),
      );
      expect(tries.filter((r) => r.status === 200)).toHaveLength(3);
      expect(
        tries.filter((r) => r.status === 409 && r.body.type === problemType('no-attempts-left')),
      ).toHaveLength(9);
      expect(await player(id, 'racer')).toMatchObject({ score: 3, attempts: 3, attemptsLeft: 0 });

      // Replays cost nothing, before and after the attempts run out.
      const key = { 'idempotency-key': 'run-1' };
      const first = await f.api.submit(id, { playerId: 'solo', score: 10 }, key);
      expect(first.status).toBe(200);
      for (const api of [f.api, api2]) {
        const replay = await api.submit(id, { playerId: 'solo', score: 10 }, key);
        expect([replay.status, replay.headers.get('idempotent-replayed')]).toEqual([200, 'true']);
      }
      expect(await player(id, 'solo')).toMatchObject({ score: 10, attempts: 1, attemptsLeft: 2 });
      // A batch: each entry is an attempt, all or nothing.
      const over = await api2.batch(id, [
        { playerId: 'solo', score: 1 },
        { playerId: 'solo', score: 1 },
        { playerId: 'solo', score: 1 },
      ]);
      expect([over.status, over.body.type, over.body.errors?.[0]?.path]).toEqual([
        409,
        problemType('no-attempts-left'),
        'entries.2.playerId',
      ]);
      expect(await player(id, 'solo')).toMatchObject({ score: 10, attempts: 1 });
      const two = await api2.batch(id, [
        { playerId: 'solo', score: 1 },
        { playerId: 'solo', score: 1 },
      ]);
      expect(two.status).toBe(200);
      const spent = await f.api.submit(id, { playerId: 'solo', score: 1 });
      expect([spent.status, spent.body.type]).toEqual([409, problemType('no-attempts-left')]);
      expect(await player(id, 'solo')).toMatchObject({ score: 12, attempts: 3, attemptsLeft: 0 });
      const late = await f.api.submit(id, { playerId: 'solo', score: 10 }, key);
      expect([late.status, late.body.score]).toEqual([200, 10]); // the first response, replayed

      // A board without entry rules shows no attempts and takes no joins.
      const plain = await board();
      await f.api.submit(plain, { playerId: 'x', score: 1 });
      expect(await player(plain, 'x')).not.toHaveProperty('attempts');
      const res = await join(f.api, plain, 'x');
      expect([res.status, res.body.type]).toEqual([409, problemType('no-entry-rules')]);
    });

    it('checks the join route like its neighbours: auth, ids, unknown boards; deletion drops entrants', async () => {
      const id = await board({ joinRequired: true });
      const path = `/v1/leaderboards/${id}/players/a/join`;
      expect((await f.api.request('POST', path)).status).toBe(401);
      expect((await f.api.request('POST', path, { key: 'nope' })).status).toBe(401);
      const badPlayer = await join(f.api, id, 'bad%20id');
      expect([badPlayer.status, badPlayer.body.errors?.[0]?.path]).toEqual([400, 'playerId']);
      expect((await join(f.api, 'no-such-board', 'a')).status).toBe(404);
      expect((await join(f.api, id, 'a')).status).toBe(200);
      expect(await f.valkey.client.exists(`{lb:${id}}:entrants`)).toBe(1);
      expect((await f.api.admin('DELETE', `/v1/leaderboards/${id}`)).status).toBe(204);
      expect(await f.valkey.client.exists(`{lb:${id}}:entrants`)).toBe(0);
    });
  });
});
