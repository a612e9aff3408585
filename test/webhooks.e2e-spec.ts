import { createHmac, timingSafeEqual } from 'node:crypto';
import { verifySignature } from '../src/webhooks/signature';
import { WebhookClient } from '../src/webhooks/webhook-client';
import { ADMIN_KEY, http, startApp, SUBMIT_KEY, TestApp } from './support/app';
import { useApp } from './support/fixture';
import { Received, Receiver, startReceiver } from './support/receiver';
import { startValkey, TestValkey } from './support/valkey';
import { waitFor } from './support/wait';

const SECRET = 'whsec_test-secret-of-the-game-server';

/** What a game server does with a delivery (README, "Verifying a delivery"). */
function verified(r: Received, secret = SECRET): boolean {
  const header = String(r.headers['valkran-signature']);
  const [t, v1] = header.split(',').map((p) => p.split('=')[1]);
  const expected = createHmac('sha256', secret).update(`${t}.${r.body}`).digest();
  const given = Buffer.from(v1, 'hex');
  const fresh = Math.abs(Date.now() / 1000 - Number(t)) <= 300;
  return fresh && given.length === expected.length && timingSafeEqual(given, expected);
}

const metric = (text: string, name: string, labels: Record<string, string>): number | null => {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && want.every((w) => l.includes(w)));
  return line ? Number(line.split(' ').at(-1)) : null;
};

describe('webhooks (e2e, all mode, real receivers)', () => {
  const f = useApp(
    { APP_MODE: 'all', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_DELAYS_MS: '100,150,200' },
    'wh',
  );
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    // Each test's webhooks go with it, so later events reach only the next test's.
    for (const h of (await f.api.admin('GET', '/v1/webhooks')).body ?? []) {
      await f.api.admin('DELETE', `/v1/webhooks/${h.id}`);
    }
    await receiver.close();
  });
  const create = async (body: Record<string, unknown>) => {
    const res = await f.api.admin('POST', '/v1/webhooks', { secret: SECRET, ...body });
    expect(res.status).toBe(201);
    return res.body;
  };
  const closePeriod = async (id: string, periodId: string) => {
    await f.api.admin('POST', `/v1/leaderboards/${id}/reset`);
    await waitFor(
      async () =>
        (await f.api.get(`/v1/leaderboards/${id}/periods/${periodId}/results`)).status === 200,
      10_000,
      `the results of ${id}/${periodId}`,
    );
  };

  it('manages webhooks with admin keys; the secret shows only on create', async () => {
    const made = await f.api.admin('POST', '/v1/webhooks', {
      url: receiver.url,
      events: ['period.closed', 'player.erased'],
      description: 'payouts',
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      id: expect.stringMatching(/^wh_[0-9a-f]{24}$/),
      url: receiver.url,
      events: ['period.closed', 'player.erased'],
      description: 'payouts',
      failing: false,
      failingSince: null,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
    });
    const id = made.body.id;
    const got = await f.api.admin('GET', `/v1/webhooks/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty('secret');
    expect(JSON.stringify((await f.api.admin('GET', '/v1/webhooks')).body)).not.toContain(
      made.body.secret,
    );
    const patched = await f.api.admin('PATCH', `/v1/webhooks/${id}`, {
      events: ['leaderboard.deleted'],
      description: '',
      secret: 'another-secret-0123456789',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ events: ['leaderboard.deleted'], description: null });
    expect(patched.body).not.toHaveProperty('secret');
    expect((await f.api.admin('GET', `/v1/webhooks/${id}/deliveries`)).body).toEqual({
      webhookId: id,
      deliveries: [],
    });
    expect((await f.api.admin('DELETE', `/v1/webhooks/${id}`)).status).toBe(204);
    expect((await f.api.admin('GET', `/v1/webhooks/${id}`)).status).toBe(404);
    expect((await f.api.admin('DELETE', `/v1/webhooks/${id}`)).status).toBe(404);
  });

  it('refuses bad requests with 4xx problems that change nothing', async () => {
    const good = { url: receiver.url, events: ['period.closed'] };
    const post = (body: unknown, key: string | null = ADMIN_KEY) =>
      f.api.request('POST', '/v1/webhooks', { body, key });
    expect((await post(good, null)).status).toBe(401);
    expect((await post(good, SUBMIT_KEY)).status).toBe(403);
    expect((await f.api.request('GET', '/v1/webhooks', { key: SUBMIT_KEY })).status).toBe(403);
    expect((await f.api.get('/v1/webhooks')).status).toBe(401);
    const bad: [string, unknown][] = [
      ['url', { ...good, url: 'not a url' }],
      ['url', { ...good, url: 'ftp://127.0.0.1/x' }],
      ['url', { ...good, url: 'http://user:pw@127.0.0.1/x' }],
      ['url', { ...good, url: `http://127.0.0.1/${'x'.repeat(2050)}` }],
      ['url', { events: ['period.closed'] }],
      ['events', { ...good, events: [] }],
      ['events', { ...good, events: ['tournament.paused'] }],
      ['events', { ...good, events: ['period.closed', 'period.closed'] }],
      ['events', { ...good, events: 'period.closed' }],
      ['secret', { ...good, secret: 'short' }],
      ['secret', { ...good, secret: 'has spaces in it, sadly' }],
      ['description', { ...good, description: 'd'.repeat(201) }],
      ['extra', { ...good, extra: 1 }],
    ];
    for (const [path, body] of bad) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect((await f.api.admin('GET', '/v1/webhooks')).body).toEqual([]);

    const hook = await create(good);
    const badPatch = await f.api.admin('PATCH', `/v1/webhooks/${hook.id}`, {
      events: ['nope'],
      url: 'gopher://x',
    });
    expect(badPatch.status).toBe(400);
    expect((await f.api.admin('GET', `/v1/webhooks/${hook.id}`)).body).toMatchObject(good);
    const unknown = 'wh_000000000000000000000000';
    for (const [method, path] of [
      ['GET', ''],
      ['PATCH', ''],
      ['DELETE', ''],
      ['GET', '/deliveries'],
      ['POST', '/test'],
    ]) {
      const body = method === 'PATCH' ? { description: 'x' } : undefined;
      expect((await f.api.admin(method, `/v1/webhooks/${unknown}${path}`, body)).status).toBe(404);
      expect((await f.api.admin(method, `/v1/webhooks/nope${path}`, body)).status).toBe(400);
    }
  });

  it('delivers a signed period.closed once per closed period, with the right rewards', async () => {
    const hook = await create({ url: receiver.url, events: ['period.closed'] });
    const rewards = [
      { fromRank: 1, toRank: 1, reward: { gems: 500 } },
      { fromRank: 2, toRank: 3, reward: { gems: 100 } },
    ];
    const id = await f.board({ rewards, resultsTop: 5 });
    await f.api.batch(id, [
      { playerId: 'ann', score: 30, displayName: 'Ann' },
      { playerId: 'bob', score: 20 },
      { playerId: 'cat', score: 10 },
      { playerId: 'dan', score: 10 }, // ranks 3 and 4 tied: both get the 2-3 reward
      { playerId: 'eve', score: 5 },
    ]);
    await closePeriod(id, '0000000001');
    await f.api.submit(id, { playerId: 'solo', score: 1 });
    await closePeriod(id, '0000000002');
    const mine = () => receiver.of('period.closed').filter((r) => r.json.data.leaderboardId === id);
    await waitFor(async () => mine().length >= 2, 10_000, 'two period.closed deliveries');
    // Nothing more arrives: each period is announced once (a fixed wait on purpose: proving
    // that no second delivery comes needs time to pass).
    await new Promise((r) => setTimeout(r, 700));
    const got = mine();
    expect(got.map((r) => r.json.data.periodId)).toEqual(['0000000001', '0000000002']);
    expect(new Set(got.map((r) => r.headers['valkran-delivery'])).size).toBe(2);
    for (const r of got) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['valkran-delivery']).toMatch(/^dlv_[0-9a-f]{32}$/);
      expect(verified(r)).toBe(true);
      expect(verified(r, 'some-other-secret-xyz')).toBe(false);
      expect(
        verifySignature(String(r.headers['valkran-signature']), SECRET, r.body, Date.now() / 1000),
      ).toBe(true);
      expect(r.json).toMatchObject({ id: expect.stringMatching(/^evt_/), event: 'period.closed' });
    }
    const results = (await f.api.get(`/v1/leaderboards/${id}/periods/0000000001/results`)).body;
    expect(got[0].json.data).toEqual({
      leaderboardId: id,
      periodId: '0000000001',
      startedAt: results.startedAt,
      closedAt: results.closedAt,
      total: 5,
      entries: [
        { rank: 1, playerId: 'ann', score: 30, displayName: 'Ann', reward: { gems: 500 } },
        { rank: 2, playerId: 'bob', score: 20, reward: { gems: 100 } },
        { rank: 3, playerId: 'cat', score: 10, reward: { gems: 100 } },
        { rank: 4, playerId: 'dan', score: 10, reward: { gems: 100 } },
        { rank: 5, playerId: 'eve', score: 5 },
      ],
      truncated: false,
      resultsUrl: `/v1/leaderboards/${id}/periods/0000000001/results`,
    });
    expect(got[1].json.data.entries).toEqual([
      { rank: 1, playerId: 'solo', score: 1, reward: { gems: 500 } },
    ]);
    const log = (await f.api.admin('GET', `/v1/webhooks/${hook.id}/deliveries`)).body.deliveries;
    expect(log.filter((d: { statusCode: number }) => d.statusCode === 200)).toHaveLength(2);
  });

  it('retries a failing receiver with the same delivery id: 3 failures, then delivered', async () => {
    receiver.respond = (_r, n) => (n < 3 ? 500 : 204);
    const hook = await create({ url: receiver.url, events: ['leaderboard.created'] });
    const id = await f.board({ title: 'Retry me' });
    await waitFor(async () => receiver.received.length >= 4, 10_000, 'four attempts');
    // A fixed wait on purpose: no fifth attempt may follow a success.
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.received).toHaveLength(4);
    const ids = receiver.received.map((r) => r.headers['valkran-delivery']);
    expect(new Set(ids).size).toBe(1);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    expect(receiver.received.every((r) => verified(r))).toBe(true);
    expect(receiver.received[0].json.data).toMatchObject({
      leaderboardId: id,
      title: 'Retry me',
      sortOrder: 'desc',
    });
    const log = await waitFor(async () => {
      const d = (await f.api.admin('GET', `/v1/webhooks/${hook.id}/deliveries`)).body.deliveries;
      return d.length === 4 && d;
    });
    // Newest first: the success, then three failures that each named their next try.
    expect(log.map((d: { statusCode: number }) => d.statusCode)).toEqual([204, 500, 500, 500]);
    expect(log.map((d: { attempt: number }) => d.attempt)).toEqual([4, 3, 2, 1]);
    expect(log[0]).toMatchObject({ error: null, nextRetryAt: null, event: 'leaderboard.created' });
    for (const d of log.slice(1)) {
      expect(d.error).toBe('HTTP 500');
      expect(Date.parse(d.nextRetryAt)).toBeGreaterThan(Date.parse(d.at));
    }
    expect(new Set(log.map((d: { deliveryId: string }) => d.deliveryId))).toEqual(
      new Set([ids[0]]),
    );
    expect((await f.api.admin('GET', `/v1/webhooks/${hook.id}`)).body).toMatchObject({
      failing: false,
      failingSince: null,
      lastSuccessAt: expect.any(String),
    });
    const text = await waitFor(async () => {
      const t = (await f.api.get('/metrics')).body as string;
      return metric(t, 'valkran_webhook_failing', { webhook: hook.id }) === 0 && t;
    }, 5000);
    const labels = { webhook: hook.id, event: 'leaderboard.created' };
    expect(
      metric(text, 'valkran_webhook_deliveries_total', { ...labels, outcome: 'retrying' }),
    ).toBe(3);
    expect(
      metric(text, 'valkran_webhook_deliveries_total', { ...labels, outcome: 'delivered' }),
    ).toBe(1);
    expect(metric(text, 'valkran_webhook_failing', { webhook: hook.id })).toBe(0);
  });

  it('marks a webhook failing when a delivery runs out of retries; a success clears it', async () => {
    receiver.respond = () => 503;
    const hook = await create({ url: receiver.url, events: ['leaderboard.deleted'] });
    const id = await f.board();
    await f.api.admin('DELETE', `/v1/leaderboards/${id}`);
    const failing = await waitFor(async () => {
      const body = (await f.api.admin('GET', `/v1/webhooks/${hook.id}`)).body;
      return body.failing && body;
    }, 10_000);
    expect(receiver.received).toHaveLength(4);
    expect(receiver.received[0].json).toMatchObject({
      event: 'leaderboard.deleted',
      data: { leaderboardId: id },
    });
    expect(failing.failingSince).toEqual(expect.any(String));
    const log = (await f.api.admin('GET', `/v1/webhooks/${hook.id}/deliveries`)).body.deliveries;
    expect(log[0]).toMatchObject({ attempt: 4, statusCode: 503, nextRetryAt: null });
    // The gauge is read from Valkey at most once a second.
    const gauge = (want: number) =>
      waitFor(async () => {
        const text = (await f.api.get('/metrics')).body as string;
        return metric(text, 'valkran_webhook_failing', { webhook: hook.id }) === want && text;
      }, 5000);
    const text = await gauge(1);
    expect(
      metric(text, 'valkran_webhook_deliveries_total', {
        webhook: hook.id,
        event: 'leaderboard.deleted',
        outcome: 'failed',
      }),
    ).toBe(1);

    // The receiver is back: a test ping succeeds, and the webhook is healthy again.
    receiver.respond = () => 200;
    const ping = await f.api.admin('POST', `/v1/webhooks/${hook.id}/test`);
    expect(ping.status).toBe(200);
    expect(ping.body).toMatchObject({ ok: true, statusCode: 200, event: 'ping', attempt: 1 });
    const last = receiver.received.at(-1)!;
    expect(last.headers['valkran-event']).toBe('ping');
    expect(last.json.data).toEqual({ webhookId: hook.id });
    expect(verified(last)).toBe(true);
    expect((await f.api.admin('GET', `/v1/webhooks/${hook.id}`)).body.failing).toBe(false);
    await gauge(0);
  });

  it('documents the routes, their guards and the events in OpenAPI', async () => {
    const doc = (await f.api.get('/openapi.json')).body;
    // 429 (failed authentications), 503 (Valkey) and 507 (Valkey full; not for a delete, which
    // only unlinks) come from what every route goes through (src/openapi.ts).
    const shared = ['429', '503'];
    const ops: [string, string, string[]][] = [
      ['/v1/webhooks', 'post', ['201', '400', '401', '403', '409', ...shared, '507']],
      ['/v1/webhooks', 'get', ['200', '401', '403', ...shared]],
      ['/v1/webhooks/{webhookId}', 'get', ['200', '400', '401', '403', '404', ...shared]],
      ['/v1/webhooks/{webhookId}', 'patch', ['200', '400', '401', '403', '404', ...shared, '507']],
      ['/v1/webhooks/{webhookId}', 'delete', ['204', '400', '401', '403', '404', ...shared]],
      [
        '/v1/webhooks/{webhookId}/deliveries',
        'get',
        ['200', '400', '401', '403', '404', ...shared],
      ],
      [
        '/v1/webhooks/{webhookId}/test',
        'post',
        ['200', '400', '401', '403', '404', ...shared, '507'],
      ],
    ];
    for (const [path, method, statuses] of ops) {
      const op = doc.paths[path]?.[method];
      expect(op).toBeDefined();
      expect(Object.keys(op.responses).sort()).toEqual(statuses.sort());
      expect(op.security).toEqual([{ bearer: [] }]);
    }
    const results = doc.paths['/v1/leaderboards/{id}/periods/{periodId}/results'].get;
    expect(Object.keys(results.responses).sort()).toEqual(['200', '400', '404', '429', '503']);
    expect(results.security).toBeUndefined();
    const schemas = doc.components.schemas;
    expect(schemas.CreateWebhookDto.required).toEqual(['url', 'events']);
    expect(schemas.CreateWebhookDto.properties.events.items.enum).toEqual([
      'period.closed',
      'leaderboard.created',
      'leaderboard.deleted',
      'player.erased',
      'tournament.started',
      'tournament.ended',
      'league.moved',
    ]);
    expect(schemas.UpdateWebhookDto.required).toBeUndefined();
    expect(schemas.CreatedWebhookDto.required).toContain('secret');
    expect(schemas.WebhookDto.properties).not.toHaveProperty('secret');
    // A reward is any JSON value, not only an object.
    for (const schema of [
      schemas.RewardDto.properties.reward,
      schemas.ResultEntryDto.properties.reward,
    ]) {
      expect(schema.type).toBeUndefined();
      expect(schema.oneOf.map((o: { type: string }) => o.type)).toEqual([
        'string',
        'number',
        'boolean',
        'array',
        'object',
      ]);
    }
    expect(schemas.BoardDto.required).toEqual(expect.arrayContaining(['rewards', 'resultsTop']));
  });

  it('announces tournament.started, tournament.ended and league.moved, once each', async () => {
    await create({
      url: receiver.url,
      events: ['tournament.started', 'tournament.ended', 'league.moved'],
    });
    // A tournament that starts in a second and ends a second later.
    const startsAt = Math.ceil(Date.now() / 1000) * 1000 + 1000;
    const cup = await f.board({
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(startsAt + 1000).toISOString(),
    });
    await waitFor(async () => receiver.of('tournament.ended').length === 1, 15_000, 'the end');
    expect(receiver.of('tournament.started').map((r) => r.json.data)).toEqual([
      { leaderboardId: cup, periodId: '0000000001', startsAt: new Date(startsAt).toISOString() },
    ]);
    expect(receiver.of('tournament.ended')[0].json.data).toEqual({
      leaderboardId: cup,
      periodId: '0000000001',
      endsAt: new Date(startsAt + 1000).toISOString(),
      resultsUrl: `/v1/leaderboards/${cup}/periods/0000000001/results`,
    });
    // Leagues: the best of each cohort moves up at the close.
    const league = await f.board({
      cohortSize: 2,
      leagues: [
        { name: 'bronze', promote: 1, demote: 0 },
        { name: 'silver', promote: 0, demote: 1 },
      ],
    });
    await f.api.batch(league, [
      { playerId: 'l1', score: 10 },
      { playerId: 'l2', score: 5 },
    ]);
    await f.api.admin('POST', `/v1/leaderboards/${league}/reset`);
    await waitFor(async () => receiver.of('league.moved').length === 1, 15_000, 'league.moved');
    expect(receiver.of('league.moved')[0].json.data).toEqual({
      leaderboardId: league,
      periodId: '0000000001',
      moved: 1,
      movementsUrl: `/v1/leaderboards/${league}/periods/0000000001/movements`,
    });
    await new Promise((r) => setTimeout(r, 300)); // fixed on purpose: nothing more may arrive
    expect(receiver.received.map((r) => r.json.event).sort()).toEqual([
      'league.moved',
      'tournament.ended',
      'tournament.started',
    ]);
    expect(receiver.received.every((r) => verified(r))).toBe(true);
  }, 40_000);

  it('announces player.erased to its subscribers only', async () => {
    const erased = await create({ url: receiver.url, events: ['player.erased'] });
    const other = await startReceiver();
    try {
      await create({ url: other.url, events: ['period.closed'] });
      const id = await f.board();
      await f.api.submit(id, { playerId: 'forget-me', score: 3 });
      expect((await f.api.admin('DELETE', '/v1/players/forget-me')).status).toBe(200);
      await waitFor(async () => receiver.of('player.erased').length === 1, 10_000);
      expect(receiver.of('player.erased')[0].json.data).toEqual({
        playerId: 'forget-me',
        removedFrom: [{ leaderboardId: id, periodId: '0000000001' }],
      });
      expect(receiver.received).toHaveLength(1); // not leaderboard.created: not subscribed
      expect(other.received).toHaveLength(0);
      // Nobody left to erase: no event.
      await f.api.admin('DELETE', '/v1/players/forget-me');
      await new Promise((r) => setTimeout(r, 300)); // fixed on purpose: nothing may arrive
      expect(receiver.received).toHaveLength(1);
      expect(erased.events).toEqual(['player.erased']);
    } finally {
      await other.close();
    }
  });
});

describe('webhook targets: private addresses refused unless WEBHOOK_ALLOW_PRIVATE=true', () => {
  let valkey: TestValkey;
  let permissive: TestApp;
  let strict: TestApp;
  let production: TestApp;
  let receiver: Receiver;

  beforeAll(async () => {
    valkey = await startValkey();
    // The permissive api registers; only the strict worker delivers.
    permissive = await startApp(valkey.url, { APP_MODE: 'api', WEBHOOK_ALLOW_PRIVATE: 'true' });
    strict = await startApp(valkey.url, { APP_MODE: 'all', WEBHOOK_RETRY_DELAYS_MS: '50' });
    production = await startApp(valkey.url, { APP_MODE: 'api', NODE_ENV: 'production' });
    receiver = await startReceiver();
  }, 30_000);
  afterAll(async () => {
    await receiver?.close();
    for (const app of [production, strict, permissive]) await app?.close();
    await valkey?.stop();
  });

  it('refuses private, loopback and link-local targets at creation', async () => {
    const api = http(strict.baseUrl);
    for (const url of [
      `http://127.0.0.1:${receiver.port}/hook`,
      `http://localhost:${receiver.port}/hook`,
      'http://[::1]/hook',
      'http://10.0.0.7/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::ffff:192.168.0.1]/hook',
    ]) {
      const res = await api.admin('POST', '/v1/webhooks', { url, events: ['period.closed'] });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].path).toBe('url');
      expect(res.body.detail).toMatch(/private, loopback or link-local/);
    }
    // Production wants https, and still refuses private targets.
    const prod = http(production.baseUrl);
    const plain = await prod.admin('POST', '/v1/webhooks', {
      url: 'http://8.8.8.8/hook',
      events: ['period.closed'],
    });
    expect(plain.status).toBe(400);
    expect(plain.body.detail).toMatch(/https/);
    const loop = await prod.admin('POST', '/v1/webhooks', {
      url: 'https://127.0.0.1/hook',
      events: ['period.closed'],
    });
    expect(loop.status).toBe(400);
    expect((await api.admin('GET', '/v1/webhooks')).body).toEqual([]);
  });

  it('refuses them at delivery time too: a name is checked when it resolves', async () => {
    // Registered where private targets are allowed, delivered where they are not (what a DNS
    // re-pointing would look like to the worker).
    const made = await http(permissive.baseUrl).admin('POST', '/v1/webhooks', {
      url: `http://localhost:${receiver.port}/hook`,
      events: ['leaderboard.created'],
    });
    expect(made.status).toBe(201);
    expect(
      (await http(permissive.baseUrl).admin('POST', '/v1/leaderboards', { id: 'ssrf' })).status,
    ).toBe(201);
    const api = http(strict.baseUrl);
    // The job's attempts were set where it was queued (the permissive api: the default 10); the
    // strict worker retries them on its own 50 ms schedule, until the last marks it failing.
    await waitFor(
      async () => (await api.admin('GET', `/v1/webhooks/${made.body.id}`)).body.failing,
      10_000,
      'every attempt refused',
    );
    const log = (await api.admin('GET', `/v1/webhooks/${made.body.id}/deliveries`)).body.deliveries;
    expect(log).toHaveLength(10);
    for (const d of log) {
      expect(d.statusCode).toBeNull();
      expect(d.error).toMatch(/^refused: localhost resolves to (127\.0\.0\.1|::1)/);
    }
    expect(receiver.received).toHaveLength(0);
  });

  it('the client refuses before connecting, gives up at its deadline and follows no redirect', async () => {
    const strictClient = new WebhookClient({
      allowPrivate: false,
      httpsOnly: false,
      timeoutMs: 300,
      maxResponseBytes: 65_536,
    });
    for (const url of [receiver.url, `http://localhost:${receiver.port}/`]) {
      const out = await strictClient.post(url, '{}', {});
      expect(out).toMatchObject({ ok: false, statusCode: null });
      expect(out.error).toMatch(/^refused: /);
    }
    expect(receiver.received).toHaveLength(0);
    const client = new WebhookClient({
      allowPrivate: true,
      httpsOnly: false,
      timeoutMs: 300,
      maxResponseBytes: 65_536,
    });
    receiver.respond = () => 'hang';
    const slow = await client.post(receiver.url, '{}', {});
    expect(slow).toMatchObject({ ok: false, statusCode: null, error: 'timed out after 300 ms' });
    expect(slow.durationMs).toBeLessThan(2000);
    receiver.respond = () => 302; // a redirect is not followed: a failure
    expect(await client.post(receiver.url, '{}', {})).toMatchObject({
      ok: false,
      statusCode: 302,
      error: 'HTTP 302',
    });
  });
});
