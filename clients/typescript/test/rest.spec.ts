import { ADMIN_KEY, SUBMIT_KEY } from '../../../test/support/app';
import { useApp } from '../../../test/support/fixture';
import { startReceiver } from '../../../test/support/receiver';
import { waitFor } from '../../../test/support/wait';
import { ValkranClient, ValkranError, type ValkranClientOptions } from '../src';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** What a client sent: method, path, Idempotency-Key, and the status it got (or the error). */
interface Sent {
  method: string;
  path: string;
  key: string | null;
  status: number | 'error';
  /** Date.now() when sent, and when its response arrived. */
  sentAt: number;
  answeredAt?: number;
}

/**
 * A fetch that records every attempt and can sabotage some: `lose` sends the request for real
 * and then drops the answer (the write happened, the client sees a network error), as a
 * connection cut after the server applied a submit would.
 */
function recordingFetch(plan: { lose?: Set<number>; hang?: Set<number> } = {}) {
  const sent: Sent[] = [];
  const fetchFn = async (request: Request): Promise<Response> => {
    const n = sent.length + 1;
    const entry: Sent = {
      method: request.method,
      path: new URL(request.url).pathname,
      key: request.headers.get('idempotency-key'),
      status: 'error',
      sentAt: Date.now(),
    };
    sent.push(entry);
    if (plan.hang?.has(n)) {
      // Never answers: only the client's per-attempt timeout ends this.
      return new Promise((_resolve, reject) =>
        request.signal.addEventListener('abort', () => reject(request.signal.reason as Error)),
      );
    }
    const response = await fetch(request);
    entry.status = response.status;
    entry.answeredAt = Date.now();
    if (plan.lose?.has(n)) {
      await response.arrayBuffer();
      throw new TypeError('fetch failed: connection reset after the request was sent');
    }
    return response;
  };
  return { sent, fetch: fetchFn };
}

describe('SDK REST client against a running Valkran', () => {
  // One submission per player and second: the rate-limit retry below meets a real 429. The
  // worker runs too (APP_MODE all): a reset archives a period for the archived-page read.
  // Webhooks may target the test's local receiver (a loopback address).
  const f = useApp(
    { RATE_LIMIT_SUBMIT_PER_PLAYER: '1', APP_MODE: 'all', WEBHOOK_ALLOW_PRIVATE: 'true' },
    'sdk',
  );
  const client = (options: ValkranClientOptions = {}) =>
    new ValkranClient({ baseUrl: f.app.baseUrl, ...options });
  const admin = () => client({ apiKey: ADMIN_KEY });

  it('creates a board as admin and reads it back, typed', async () => {
    const board = await admin().createBoard({
      id: 'sdk-arena',
      title: 'Arena',
      sortOrder: 'asc',
      tiers: [{ name: 'gold', topPercent: 10 }],
    });
    expect(board).toMatchObject({ id: 'sdk-arena', title: 'Arena', sortOrder: 'asc' });
    expect(board.period.id).toBe('0000000001');
    const read = await client().getBoard('sdk-arena');
    expect(read.memberCount).toBe(0);
    expect(read.rankMode).toBe('ordinal');
    expect((await client().listBoards()).map((b) => b.id)).toContain('sdk-arena');
  });

  it("asks a key function before every request and covers the admin console's routes", async () => {
    // The console's case: one client for the page, whose key changes as the operator signs in.
    let key: string | null = null;
    const sentKeys: (string | null)[] = [];
    const operator = client({
      apiKey: () => key,
      requestInit: { cache: 'no-store', credentials: 'omit' },
      fetch: (request) => {
        sentKeys.push(request.headers.get('authorization'));
        return fetch(request);
      },
    });
    const status = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: unknown) => (e instanceof ValkranError ? e.status : e),
      );
    expect(await status(operator.whoami())).toBe(401);
    key = SUBMIT_KEY;
    expect(await status(operator.whoami())).toBe(403);
    key = ADMIN_KEY;
    expect(await operator.whoami()).toEqual({ scope: 'admin' });
    expect(sentKeys).toEqual([null, `Bearer ${SUBMIT_KEY}`, `Bearer ${ADMIN_KEY}`]);

    await operator.createBoard({ id: 'sdk-console' });
    await client({ apiKey: SUBMIT_KEY }).submitBatch('sdk-console', [
      { playerId: 'p1', score: 10 },
      { playerId: 'p2', score: 20 },
      { playerId: 'p3', score: 30 },
      { playerId: 'p4', score: 40 },
    ]);
    const all = await operator.listBoards();
    const first = await operator.listBoardsPage({ limit: 1 });
    expect(first.boards).toEqual([all[0]]);
    expect(first.total).toBe(all.length);
    expect(all.length).toBeGreaterThan(1);

    expect(await operator.purgeScores('sdk-console', { minScore: 15, maxScore: 30 })).toEqual({
      removed: 2,
    });
    await expect(operator.removePlayer('sdk-console', 'p4')).resolves.toBeUndefined();
    expect(await status(operator.removePlayer('sdk-console', 'p4'))).toBe(404);
    expect((await operator.getEntries('sdk-console')).entries.map((e) => e.playerId)).toEqual([
      'p1',
    ]);

    await operator.resetBoard('sdk-console');
    await waitFor(
      async () => (await operator.getBoard('sdk-console')).period.id === '0000000002',
      10_000,
      'the reset',
    );
    const archived = await operator.getPeriodEntries('sdk-console', '0000000001', { limit: 5 });
    expect(archived.total).toBe(1);
    expect(archived.entries.map((e) => [e.rank, e.playerId, e.score])).toEqual([[1, 'p1', 10]]);

    // Signed out: admin routes are refused again, no key is sent.
    key = null;
    expect(await status(operator.purgeScores('sdk-console', { minScore: 0, maxScore: 1 }))).toBe(
      401,
    );
    expect(sentKeys.at(-1)).toBeNull();
  });

  it('reads cohorts, leagues and movements, and sets a league and the hidden flag, typed', async () => {
    const operator = admin();
    const id = 'sdk-cohorts';
    await operator.createBoard({
      id,
      cohortSize: 2,
      leagues: [
        { name: 'bronze', promote: 1, demote: 0 },
        { name: 'silver', promote: 0, demote: 1 },
      ],
    });
    await client({ apiKey: SUBMIT_KEY }).submitBatch(id, [
      { playerId: 'a1', score: 10 },
      { playerId: 'a2', score: 20 },
      { playerId: 'a3', score: 30 },
    ]);
    const reader = client();
    const cohorts = await reader.listCohorts(id);
    expect(cohorts).toMatchObject({ leaderboardId: id, periodId: '0000000001', total: 2 });
    expect(cohorts.cohorts).toEqual([
      { cohortId: 1, league: 'bronze', size: 2 },
      { cohortId: 2, league: 'bronze', size: 1 },
    ]);
    expect((await reader.listCohorts(id, { offset: 1, limit: 1 })).cohorts).toEqual([
      cohorts.cohorts[1],
    ]);
    const first = await reader.getCohortEntries(id, 1, { limit: 1 });
    expect(first).toMatchObject({ cohortId: 1, league: 'bronze', total: 2, limit: 1 });
    expect(first.entries.map((e) => [e.rank, e.playerId])).toEqual([[1, 'a2']]);
    const mine = await reader.getPlayerCohort(id, 'a1');
    expect(mine).toMatchObject({ playerId: 'a1', cohortId: 1, cohortRank: 2, total: 2 });
    expect(await reader.getPlayer(id, 'a1')).toMatchObject({
      cohortId: 1,
      cohortRank: 2,
      cohortTotal: 2,
      league: 'bronze',
    });
    expect((await reader.getLeagues(id)).leagues).toEqual([
      { name: 'bronze', players: 3 },
      { name: 'silver', players: 0 },
    ]);

    // An admin override: used from a3's next placement (next period), counted now.
    expect(await operator.setPlayerLeague(id, 'a3', 'silver')).toEqual({
      leaderboardId: id,
      playerId: 'a3',
      league: 'silver',
      previousLeague: 'bronze',
    });
    const unknown = await operator.setPlayerLeague(id, 'a3', 'gold').catch((e: unknown) => e);
    expect((unknown as ValkranError).status).toBe(400);
    const anon = await reader.setPlayerLeague(id, 'a3', 'silver').catch((e: unknown) => e);
    expect((anon as ValkranError).status).toBe(401);

    await operator.resetBoard(id);
    await waitFor(
      async () => (await operator.getMovements(id, '0000000001').catch(() => null))?.settled,
      10_000,
      'the movements',
    );
    const moves = await reader.getMovements(id, '0000000001');
    expect(moves.movements).toEqual(
      expect.arrayContaining([
        { playerId: 'a2', from: 'bronze', to: 'silver', cohortId: 1, cohortRank: 1 },
      ]),
    );
    const archived = await reader.listCohorts(id, { periodId: '0000000001' });
    expect(archived.cohorts).toEqual(cohorts.cohorts);
    const archivedPage = await reader.getCohortEntries(id, 2, { periodId: '0000000001' });
    expect(archivedPage.entries.map((e) => e.playerId)).toEqual(['a3']);
    expect((await reader.getPlayerCohort(id, 'a2', { periodId: '0000000001' })).cohortRank).toBe(1);
    const noCohorts = await reader.listCohorts('sdk-arena').catch((e: unknown) => e);
    expect((noCohorts as ValkranError).status).toBe(404);

    // Hidden players: the status, hide with a reason, show again.
    expect(await operator.getPlayerStatus('a1')).toEqual({ playerId: 'a1', hidden: false });
    const hidden = await operator.setPlayerHidden('a1', true, { reason: 'speed hack' });
    expect(hidden).toMatchObject({ playerId: 'a1', hidden: true, reason: 'speed hack' });
    expect(Number.isNaN(Date.parse(hidden.hiddenAt ?? ''))).toBe(false);
    expect(await operator.getPlayerStatus('a1')).toEqual(hidden);
    const bad = await operator
      .setPlayerHidden('a1', false, { reason: 'nope' })
      .catch((e: unknown) => e);
    expect((bad as ValkranError).status).toBe(400);
    expect(await operator.setPlayerHidden('a1', false)).toEqual({ playerId: 'a1', hidden: false });
    const refused = await reader.getPlayerStatus('a1').catch((e: unknown) => e);
    expect((refused as ValkranError).status).toBe(401);
  });

  it("reads a closed period's results with rewards, 404 until written, typed", async () => {
    const operator = admin();
    const id = 'sdk-rewards';
    await operator.createBoard({
      id,
      resultsTop: 3,
      rewards: [
        { fromRank: 1, toRank: 1, reward: { gems: 500 } },
        { fromRank: 2, toRank: 3, reward: 'badge' },
      ],
    });
    await client({ apiKey: SUBMIT_KEY }).submitBatch(id, [
      { playerId: 'r1', score: 40, displayName: 'Ann' },
      { playerId: 'r2', score: 30 },
      { playerId: 'r3', score: 20 },
      { playerId: 'r4', score: 10 },
    ]);
    const reader = client();
    const pending = await reader.getPeriodResults(id, '0000000001').catch((e: unknown) => e);
    expect((pending as ValkranError).status).toBe(404);
    await operator.resetBoard(id);
    const results = await waitFor(
      () => reader.getPeriodResults(id, '0000000001').catch(() => null),
      10_000,
      'the results',
    );
    expect(results).toMatchObject({ leaderboardId: id, periodId: '0000000001', total: 4 });
    expect(results.entries).toEqual([
      { rank: 1, playerId: 'r1', score: 40, displayName: 'Ann', reward: { gems: 500 } },
      { rank: 2, playerId: 'r2', score: 30, reward: 'badge' },
      { rank: 3, playerId: 'r3', score: 20, reward: 'badge' },
    ]);
  });

  it('manages webhooks: create with its secret once, list, edit, ping, deliveries, delete', async () => {
    const receiver = await startReceiver();
    try {
      const operator = admin();
      const made = await operator.createWebhook({
        url: receiver.url,
        events: ['period.closed'],
        description: 'payouts',
      });
      expect(made).toMatchObject({
        url: receiver.url,
        events: ['period.closed'],
        description: 'payouts',
        failing: false,
        secret: expect.stringMatching(/^whsec_/),
      });
      const listed = await operator.listWebhooks();
      expect(listed.map((w) => w.id)).toContain(made.id);
      expect(JSON.stringify(listed)).not.toContain(made.secret);
      const changed = await operator.updateWebhook(made.id, {
        events: ['period.closed', 'player.erased'],
        description: '',
      });
      expect(changed).toMatchObject({
        events: ['period.closed', 'player.erased'],
        description: null,
      });
      expect(changed).not.toHaveProperty('secret');

      const ping = await operator.testWebhook(made.id);
      expect(ping).toMatchObject({ ok: true, event: 'ping', attempt: 1, statusCode: 200 });
      expect(receiver.of('ping')).toHaveLength(1);
      const log = await operator.getWebhookDeliveries(made.id);
      expect(log.webhookId).toBe(made.id);
      expect(log.deliveries.map((d) => [d.deliveryId, d.event, d.statusCode])).toEqual([
        [ping.deliveryId, 'ping', 200],
      ]);
      expect((await operator.getWebhook(made.id)).lastSuccessAt).toEqual(expect.any(String));

      const bad = await operator
        .createWebhook({ url: 'ftp://127.0.0.1/x', events: ['period.closed'] })
        .catch((e: unknown) => e);
      expect((bad as ValkranError).status).toBe(400);
      expect((bad as ValkranError).problem.errors?.map((e) => e.path)).toEqual(['url']);
      const anon = await client()
        .listWebhooks()
        .catch((e: unknown) => e);
      expect((anon as ValkranError).status).toBe(401);

      await expect(operator.deleteWebhook(made.id)).resolves.toBeUndefined();
      const gone = await operator.getWebhook(made.id).catch((e: unknown) => e);
      expect((gone as ValkranError).status).toBe(404);
    } finally {
      await receiver.close();
    }
  });

  it('refuses admin routes to a submit key with a typed problem, without retrying', async () => {
    const rec = recordingFetch();
    const err = await client({ apiKey: SUBMIT_KEY, fetch: rec.fetch })
      .createBoard({ id: 'sdk-nope' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValkranError);
    expect((err as ValkranError).status).toBe(403);
    expect((err as ValkranError).problem.status).toBe(403);
    expect((err as ValkranError).requestId).toEqual(expect.any(String));
    expect(rec.sent).toHaveLength(1);
    expect((await f.api.get('/v1/leaderboards/sdk-nope')).status).toBe(404);
  });

  it('submits with a fresh Idempotency-Key per call and reads typed standings', async () => {
    const id = await f.board();
    const rec = recordingFetch();
    const game = client({ apiKey: SUBMIT_KEY, fetch: rec.fetch });
    const first = await game.submitScore(id, { playerId: 'alice', score: 300, displayName: 'Al' });
    expect(first).toEqual({
      leaderboardId: id,
      periodId: '0000000001',
      playerId: 'alice',
      score: 300,
      rank: 1,
      previousScore: null,
      previousRank: null,
      updated: true,
    });
    await game.submitScore(id, { playerId: 'bob', score: 200, metadata: { level: 3 } });
    const batch = await game.submitBatch(id, [
      { playerId: 'carol', score: 100 },
      { playerId: 'dave', score: 50 },
    ]);
    expect(batch.results.map((r) => r.rank)).toEqual([3, 4]);
    const keys = rec.sent.map((s) => s.key);
    expect(keys).toHaveLength(3);
    for (const key of keys) expect(key).toMatch(UUID);
    expect(new Set(keys).size).toBe(3);

    const reader = client();
    const page = await reader.getEntries(id, { limit: 2 });
    expect(page.total).toBe(4);
    expect(page.entries.map((e) => [e.rank, e.playerId, e.score])).toEqual([
      [1, 'alice', 300],
      [2, 'bob', 200],
    ]);
    const bob = await reader.getPlayer(id, 'bob');
    expect(bob).toMatchObject({ rank: 2, score: 200, total: 4, topPercent: 50 });
    expect(bob.metadata).toEqual({ level: 3 });
    const around = await reader.getAround(id, 'carol', { limit: 3 });
    expect(around.entries.map((e) => e.playerId)).toEqual(['bob', 'carol', 'dave']);
    const friends = await reader.lookupPlayers(id, ['dave', 'alice', 'zoe']);
    expect(friends.entries.map((e) => e.playerId)).toEqual(['alice', 'dave']);
    expect(friends.missing).toEqual(['zoe']);
    // Bob on a second board: his standings list both, in board id order, a page at a time.
    const other = await f.board();
    await game.submitScore(other, { playerId: 'bob', score: 7 });
    const standings = await reader.getPlayerStandings('bob');
    expect(standings).toMatchObject({ playerId: 'bob', total: 2, offset: 0, limit: 100 });
    expect(standings.entries).toEqual(
      [
        {
          leaderboardId: id,
          periodId: '0000000001',
          rank: 2,
          total: 4,
          score: 200,
          topPercent: 50,
        },
        {
          leaderboardId: other,
          periodId: '0000000001',
          rank: 1,
          total: 1,
          score: 7,
          topPercent: 100,
        },
      ].sort((a, b) => (a.leaderboardId < b.leaderboardId ? -1 : 1)),
    );
    const second = await reader.getPlayerStandings('bob', { offset: 1, limit: 1 });
    expect(second.entries).toEqual([standings.entries[1]]);
    expect((await reader.getPlayerStandings('zoe')).entries).toEqual([]);
    const bad = await reader.getPlayerStandings('bob', { limit: 0 }).catch((e: unknown) => e);
    expect((bad as ValkranError).status).toBe(400);
    const missing = await reader.getPlayer(id, 'zoe').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ValkranError);
    expect((missing as ValkranError).status).toBe(404);
    expect((missing as ValkranError).code).toBe('not-found');
  });

  it('retries a submit whose answer was lost with the same key: applied once', async () => {
    const id = await f.board({ updateMode: 'increment' });
    const rec = recordingFetch({ lose: new Set([1]) });
    const game = client({ apiKey: SUBMIT_KEY, fetch: rec.fetch, retry: { minDelayMs: 10 } });
    const result = await game.submitScore(id, { playerId: 'alice', score: 5 });
    // The first attempt was applied (200) but its answer lost; the retry replayed it.
    expect(rec.sent.map((s) => s.status)).toEqual([200, 200]);
    expect(rec.sent[0].key).toMatch(UUID);
    expect(rec.sent[1].key).toBe(rec.sent[0].key);
    expect(result).toMatchObject({ score: 5, previousScore: null, updated: true });
    expect((await f.api.get(`/v1/leaderboards/${id}/players/alice`)).body.score).toBe(5);

    // The next call is a new submission with a new key: it is applied.
    const next = await game.submitScore(id, { playerId: 'alice', score: 5 });
    expect(rec.sent[2].key).not.toBe(rec.sent[0].key);
    expect(next.score).toBe(10);
  });

  it('retries a batch whose attempt timed out with the same key: applied once', async () => {
    const id = await f.board({ updateMode: 'increment' });
    const rec = recordingFetch({ hang: new Set([1]) });
    const game = client({
      apiKey: SUBMIT_KEY,
      fetch: rec.fetch,
      timeoutMs: 300,
      retry: { minDelayMs: 10 },
    });
    const result = await game.submitBatch(id, [
      { playerId: 'p1', score: 2 },
      { playerId: 'p2', score: 3 },
    ]);
    expect(rec.sent).toHaveLength(2);
    expect(rec.sent[1].key).toBe(rec.sent[0].key);
    expect(result.results.map((r) => r.score)).toEqual([2, 3]);
  });

  it("waits out the server's 429 Retry-After and then succeeds", async () => {
    const id = await f.board();
    // The limit counts in fixed one-second windows (the server's clock, this machine's): the two
    // submissions start just after a window begins, so both fall in it unless the machine
    // stalls for most of a second. Only a pair that did span two windows (the first sent in one,
    // the second answered in a later one) is tried again, with another player.
    const window = (ms: number | undefined) => Math.floor((ms ?? Infinity) / 1000);
    for (let attempt = 1; ; attempt++) {
      const rec = recordingFetch();
      const game = client({ apiKey: SUBMIT_KEY, fetch: rec.fetch });
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
      const playerId = `spammer${attempt}`;
      await game.submitScore(id, { playerId, score: 1 });
      const second = await game.submitScore(id, { playerId, score: 2 });
      const statuses = rec.sent.map((s) => s.status);
      const spanned = window(rec.sent[0].sentAt) !== window(rec.sent[1]?.answeredAt);
      if (attempt < 3 && statuses.join() === '200,200' && spanned) continue;
      expect(statuses).toEqual([200, 429, 200]);
      expect(second).toMatchObject({ score: 2, previousScore: 1 });
      break;
    }
  });

  it('does not retry invalid input, and gives up after the retries on a lasting 503', async () => {
    const id = await f.board();
    const rec = recordingFetch();
    const game = client({ apiKey: SUBMIT_KEY, fetch: rec.fetch });
    const bad = await game.submitScore(id, { playerId: 'x', score: 1.5 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValkranError);
    expect((bad as ValkranError).status).toBe(400);
    expect((bad as ValkranError).problem.errors?.[0]?.path).toBe('score');
    expect(rec.sent).toHaveLength(1);

    // A proxy in front of Valkran answering 503 (not problem+json) on every attempt.
    let attempts = 0;
    const down = client({
      apiKey: SUBMIT_KEY,
      retry: { retries: 2, minDelayMs: 5 },
      fetch: async () => {
        attempts++;
        return new Response('upstream unavailable', { status: 503 });
      },
    });
    const err = await down.submitScore(id, { playerId: 'x', score: 1 }).catch((e: unknown) => e);
    expect(attempts).toBe(3);
    expect(err).toBeInstanceOf(ValkranError);
    expect((err as ValkranError).status).toBe(503);
    expect((err as ValkranError).message).toBe('upstream unavailable');
  });

  it('stops retrying as soon as the caller aborts', async () => {
    const id = await f.board();
    const controller = new AbortController();
    let attempts = 0;
    const game = client({
      apiKey: SUBMIT_KEY,
      retry: { retries: 10, minDelayMs: 60_000, maxDelayMs: 60_000 },
      fetch: async () => {
        attempts++;
        setTimeout(() => controller.abort(new Error('player left')), 20);
        return new Response('{}', { status: 502 });
      },
    });
    const started = Date.now();
    const err = await game
      .submitScore(id, { playerId: 'x', score: 1 }, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('player left');
    expect(attempts).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
