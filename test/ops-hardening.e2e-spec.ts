import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { JobQueues } from '../src/ranking-jobs/queue/job-queues';
import { resetJobId } from '../src/ranking-jobs/queue/queue-names';
import { NextRunCache } from '../src/leaderboard/schedule';
import { EmbeddedValkey } from '../src/valkey/embedded-valkey';
import { ADMIN_KEY, http, startApp, SUBMIT_KEY, TestApp } from './support/app';
import { startValkey, TestValkey } from './support/valkey';
import { inOneWindow, waitFor } from './support/wait';

/** Issue 15, operations: Valkey's memory ceiling, resets across board generations. */

describe('Valkey at its memory ceiling (maxmemory, noeviction)', () => {
  let valkey: TestValkey;
  let app: TestApp;
  let api: ReturnType<typeof http>;

  beforeAll(async () => {
    valkey = await startValkey();
    // Reads limited as in production: the per-IP counter must keep counting when Valkey is full.
    app = await startApp(valkey.url, {
      RATE_LIMIT_READ_PER_IP: '10000',
      // The webhook routes' probe below registers a webhook at a loopback address.
      WEBHOOK_ALLOW_PRIVATE: 'true',
    });
    api = http(app.baseUrl);
  }, 30000);
  afterAll(async () => {
    await valkey.client.config('SET', 'maxmemory', '0').catch(() => undefined);
    await app?.close();
    await valkey?.stop();
  });

  it('refuses writes with a fast 507 problem, applies nothing, and keeps reads working', async () => {
    expect((await api.admin('POST', '/v1/leaderboards', { id: 'full' })).status).toBe(201);
    expect((await api.submit('full', { playerId: 'a', score: 10 })).status).toBe(200);
    const first = await api.submit(
      'full',
      { playerId: 'a', score: 11 },
      { 'idempotency-key': 'r1' },
    );
    expect(first.status).toBe(200);
    const digestBefore = await valkey.client.zrange('{lb:full}:cur:z', '0', '-1', 'WITHSCORES');

    // Any write now exceeds the ceiling (the same as a server that filled up).
    await valkey.client.config('SET', 'maxmemory', '1');
    const writes = [
      () => api.submit('full', { playerId: 'b', score: 20 }),
      () => api.submit('full', { playerId: 'a', score: 99 }, { 'idempotency-key': 'oom-1' }),
      () => api.batch('full', [{ playerId: 'c', score: 5 }]),
      // Submits run as Valkey Functions, refused before they start: also those that would change
      // nothing (an idempotent replay, a score that is not better).
      () => api.submit('full', { playerId: 'a', score: 11 }, { 'idempotency-key': 'r1' }),
      () => api.submit('full', { playerId: 'a', score: 1 }),
      () => api.admin('POST', '/v1/leaderboards', { id: 'another' }),
      () => api.admin('POST', '/v1/leaderboards/full/reset'),
    ];
    for (const write of writes) {
      const started = Date.now();
      const res = await write();
      expect(Date.now() - started).toBeLessThan(1000);
      expect(res.status).toBe(507);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({
        type: 'https://valkran.dev/problems/store-full',
        title: 'Insufficient Storage',
        status: 507,
      });
      expect(res.headers.get('retry-after')).toBe('30');
    }
    expect(await valkey.client.zrange('{lb:full}:cur:z', '0', '-1', 'WITHSCORES')).toEqual(
      digestBefore,
    );

    // Reads (rate-limited, so each one charges a counter) still answer.
    for (const path of [
      '/v1/leaderboards',
      '/v1/leaderboards/full',
      '/v1/leaderboards/full/entries',
      '/v1/leaderboards/full/players/a',
      '/v1/leaderboards/full/stats',
      '/leaderboard',
    ]) {
      const res = await api.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
    expect((await api.get('/v1/leaderboards/full/players/a')).body.score).toBe(11);

    // Room again: writes work again.
    await valkey.client.config('SET', 'maxmemory', '0');
    expect((await api.submit('full', { playerId: 'b', score: 20 })).status).toBe(200);
  });

  it('answers 507 at maxmemory exactly on the writes whose OpenAPI entry lists it', async () => {
    const mk = async (id: string, config: object = {}) =>
      expect((await api.admin('POST', '/v1/leaderboards', { id, ...config })).status).toBe(201);
    await mk('docfull');
    await mk('docjoin', { joinRequired: true });
    await mk('docleague', {
      cohortSize: 4,
      leagues: [
        { name: 'bronze', promote: 1, demote: 0 },
        { name: 'gold', promote: 0, demote: 1 },
      ],
    });
    // Two players per board, so removing one rewrites what is left (rather than only deleting).
    for (const id of ['docfull', 'docleague'])
      for (const playerId of ['x', 'y'])
        expect((await api.submit(id, { playerId, score: 3 })).status).toBe(200);
    const webhook = await api.admin('POST', '/v1/webhooks', {
      url: 'http://127.0.0.1:9/hook',
      events: ['leaderboard.created'],
    });
    expect(webhook.status).toBe(201);
    const wh = webhook.body.id as string;
    const doc = (await api.get('/openapi.json')).body;

    // [method, the document's path, the request's path, body, key]
    const S = SUBMIT_KEY;
    const writes: [string, string, string, unknown?, string?][] = [
      ['POST', '/v1/leaderboards', '/v1/leaderboards', { id: 'docnew' }],
      ['PATCH', '/v1/leaderboards/{id}', '/v1/leaderboards/docfull', { title: 'T' }],
      [
        'POST',
        '/v1/leaderboards/{id}/scores',
        '/v1/leaderboards/docfull/scores',
        { playerId: 'z', score: 1 },
        S,
      ],
      [
        'POST',
        '/v1/leaderboards/{id}/scores/batch',
        '/v1/leaderboards/docfull/scores/batch',
        { entries: [{ playerId: 'z', score: 1 }] },
        S,
      ],
      ['POST', '/submit-score', '/submit-score', { player_id: 'z', score: 1 }, S],
      [
        'POST',
        '/v1/leaderboards/{id}/players/{playerId}/join',
        '/v1/leaderboards/docjoin/players/z/join',
        undefined,
        S,
      ],
      [
        'PUT',
        '/v1/leaderboards/{id}/players/{playerId}/league',
        '/v1/leaderboards/docleague/players/x/league',
        { league: 'gold' },
      ],
      ['PUT', '/v1/players/{playerId}/hidden', '/v1/players/x/hidden', { hidden: true }],
      ['POST', '/v1/leaderboards/{id}/reset', '/v1/leaderboards/docfull/reset'],
      [
        'DELETE',
        '/v1/leaderboards/{id}/entries',
        '/v1/leaderboards/docfull/entries?minScore=3&maxScore=3',
      ],
      ['DELETE', '/v1/leaderboards/{id}/players/{playerId}', '/v1/leaderboards/docfull/players/x'],
      ['DELETE', '/v1/players/{playerId}', '/v1/players/x'],
      [
        'POST',
        '/v1/webhooks',
        '/v1/webhooks',
        { url: 'http://127.0.0.1:9/other', events: ['leaderboard.created'] },
      ],
      [
        'PATCH',
        '/v1/webhooks/{webhookId}',
        `/v1/webhooks/${wh}`,
        { url: 'http://127.0.0.1:9/moved' },
      ],
      ['POST', '/v1/webhooks/{webhookId}/test', `/v1/webhooks/${wh}/test`],
      // Only free memory: these still work.
      ['DELETE', '/v1/webhooks/{webhookId}', `/v1/webhooks/${wh}`],
      ['DELETE', '/v1/leaderboards/{id}', '/v1/leaderboards/docjoin'],
    ];
    // Every authenticated write of the document is probed here.
    const documented = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(
      ([path, ops]) =>
        Object.entries(ops)
          .filter(([method, op]) => method !== 'get' && op.security?.length)
          .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(writes.map(([m, path]) => `${m} ${path}`).sort()).toEqual(documented.sort());

    await valkey.client.config('SET', 'maxmemory', '1');
    try {
      for (const [method, path, url, body, key] of writes) {
        const res = await api.request(method, url, { body, key: key ?? ADMIN_KEY });
        const listed = '507' in doc.paths[path][method.toLowerCase()].responses;
        // Listed: refused whole. Not listed (the deletes that only free memory): they work.
        expect({ method, path, status: listed ? res.status : res.status < 300 }).toEqual({
          method,
          path,
          status: listed ? 507 : true,
        });
      }
    } finally {
      await valkey.client.config('SET', 'maxmemory', '0');
    }
  });

  it('gives the embedded development server a ceiling (VALKEY_MAXMEMORY)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'valkran-embedded-'));
    const embedded = await EmbeddedValkey.start(
      dir,
      process.env.VALKEY_SERVER_BIN ?? 'valkey-server',
      '64mb',
    );
    const client = new Redis(embedded.url, { maxRetriesPerRequest: 1 });
    try {
      expect(await client.config('GET', 'maxmemory')).toEqual(['maxmemory', String(64 * 2 ** 20)]);
      expect(await client.config('GET', 'maxmemory-policy')).toEqual([
        'maxmemory-policy',
        'noeviction',
      ]);
    } finally {
      client.disconnect();
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a manual reset queued before its board was deleted and created again', () => {
  let valkey: TestValkey;
  let api: TestApp;
  let worker: TestApp | undefined;
  let client: ReturnType<typeof http>;

  beforeAll(async () => {
    valkey = await startValkey();
    api = await startApp(valkey.url, { APP_MODE: 'api' });
    client = http(api.baseUrl);
  }, 30000);
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await valkey?.stop();
  });

  it("does not close the new board's first period; a job without a generation still resets", async () => {
    const create = () => client.admin('POST', '/v1/leaderboards', { id: 'reborn' });
    expect((await create()).status).toBe(201);
    const oldGeneration = Date.parse((await client.get('/v1/leaderboards/reborn')).body.createdAt);
    // No worker runs yet: the reset waits in the queue.
    const queued = await client.admin('POST', '/v1/leaderboards/reborn/reset');
    expect(queued.status).toBe(202);
    expect((await client.admin('DELETE', '/v1/leaderboards/reborn')).status).toBe(204);
    // Created again, at least 1 ms later (a generation is the creation time in ms).
    await waitFor(async () => Date.now() > oldGeneration + 1, 1000, 'a new millisecond', 1);
    expect((await create()).status).toBe(201);
    await client.submit('reborn', { playerId: 'a', score: 1 });

    worker = await startApp(valkey.url, { APP_MODE: 'worker' });
    const queues = api.app.get(JobQueues);
    const job = await queues.queues.resets.getJob(queued.body.jobId);
    expect(job?.data).toMatchObject({ generation: oldGeneration });
    const state = await waitFor(
      async () => {
        const s = await job!.getState();
        return s === 'completed' || s === 'failed' ? s : null;
      },
      10_000,
      'the old reset job to finish',
    );
    expect(state).toBe('failed');
    const board = (await client.get('/v1/leaderboards/reborn')).body;
    expect(board.period.id).toBe('0000000001');
    expect(board.memberCount).toBe(1);
    expect((await client.get('/v1/leaderboards/reborn/periods')).body.periods).toEqual([]);

    // A job queued by an older version (no generation) resets whichever board has the id.
    const legacyId = resetJobId('reborn', 0, '0000000001');
    await queues.queues.resets.add(
      'reset',
      { boardId: 'reborn', periodId: '0000000001' },
      { jobId: legacyId },
    );
    await waitFor(
      async () => (await client.get('/v1/leaderboards/reborn')).body.period.id === '0000000002',
      10_000,
      'the legacy reset',
    );
    expect(SUBMIT_KEY && ADMIN_KEY).toBeTruthy();
  });
});

describe('stats before the first computation', () => {
  let valkey: TestValkey;
  let api: TestApp;
  let worker: TestApp | undefined;
  let client: ReturnType<typeof http>;

  beforeAll(async () => {
    valkey = await startValkey();
    api = await startApp(valkey.url, { APP_MODE: 'api' });
    client = http(api.baseUrl);
  }, 30000);
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await valkey?.stop();
  });

  it('say they are pending, with no figures and no total, until the job has run', async () => {
    expect(
      (
        await client.admin('POST', '/v1/leaderboards', {
          id: 'pend',
          tiers: [{ name: 'gold', topPercent: 10 }],
        })
      ).status,
    ).toBe(201);
    await client.batch('pend', [
      { playerId: 'a', score: 1 },
      { playerId: 'b', score: 2 },
    ]);
    // No worker: nothing computes them.
    const pending = await client.get('/v1/leaderboards/pend/stats');
    expect(pending.status).toBe(200);
    expect(pending.body).toEqual({
      status: 'pending',
      leaderboardId: 'pend',
      periodId: '0000000001',
      total: null,
      minScore: null,
      maxScore: null,
      percentiles: { p50: null, p90: null, p99: null, p999: null },
      histogram: [],
      tiers: [{ name: 'gold', topPercent: 10, rank: null, score: null }],
      computedAt: null,
    });

    worker = await startApp(valkey.url, { APP_MODE: 'worker' });
    const ready = await waitFor(async () => {
      const body = (await client.get('/v1/leaderboards/pend/stats')).body;
      return body.status === 'ready' && body;
    });
    expect(ready).toMatchObject({ total: 2, minScore: 1, maxScore: 2 });
    expect(typeof ready.computedAt).toBe('string');

    // The OpenAPI document says exactly this.
    const schema = (await client.get('/openapi.json')).body.components.schemas.StatsDto;
    expect(schema.properties.status).toMatchObject({ enum: ['pending', 'ready'] });
    expect(schema.properties.total).toMatchObject({ type: 'number', nullable: true });
    expect(schema.required).toEqual(expect.arrayContaining(['status', 'total', 'computedAt']));
  });
});

describe('board count cap, schedule length and the paged board list', () => {
  let valkey: TestValkey;
  let app: TestApp;
  let api: ReturnType<typeof http>;

  beforeAll(async () => {
    valkey = await startValkey();
    app = await startApp(valkey.url, { MAX_BOARDS: '4' });
    api = http(app.baseUrl);
  }, 30000);
  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  it('refuses a board past MAX_BOARDS with a 409 board-limit problem, and counts deletions', async () => {
    // `global` is one of the four.
    for (const id of ['cap-a', 'cap-b', 'cap-c']) {
      expect((await api.admin('POST', '/v1/leaderboards', { id })).status).toBe(201);
    }
    const over = await api.admin('POST', '/v1/leaderboards', { id: 'cap-d' });
    expect(over.status).toBe(409);
    expect(over.headers.get('content-type')).toContain('application/problem+json');
    expect(over.body).toMatchObject({
      type: 'https://valkran.dev/problems/board-limit',
      status: 409,
      detail: expect.stringContaining('MAX_BOARDS'),
    });
    expect((await api.get('/v1/leaderboards/cap-d')).status).toBe(404);
    // An existing id is still a plain conflict.
    expect((await api.admin('POST', '/v1/leaderboards', { id: 'cap-a' })).body.type).toBe(
      'https://valkran.dev/problems/conflict',
    );
    // Concurrent creations never pass the cap either.
    expect((await api.admin('DELETE', '/v1/leaderboards/cap-c')).status).toBe(204);
    const racing = await Promise.all(
      ['r1', 'r2', 'r3', 'r4'].map((id) => api.admin('POST', '/v1/leaderboards', { id })),
    );
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    expect(Number((await api.get('/v1/leaderboards')).headers.get('x-total-count'))).toBe(4);
  });

  it('refuses a resetSchedule over 100 characters, naming it', async () => {
    const long = `${Array.from({ length: 40 }, (_v, i) => i).join(',')} * * * *`;
    expect(long.length).toBeGreaterThan(100);
    for (const [method, path, body] of [
      ['POST', '/v1/leaderboards', { id: 'cron-long', resetSchedule: long }],
      ['PATCH', '/v1/leaderboards/global', { resetSchedule: long }],
    ] as const) {
      const res = await api.admin(method, path, body);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        { path: 'resetSchedule', message: 'must be at most 100 characters' },
      ]);
    }
    expect((await api.get('/v1/leaderboards/global')).body.resetSchedule).toBeNull();
  });
});

describe('the paged board list', () => {
  let valkey: TestValkey;
  let app: TestApp;
  let api: ReturnType<typeof http>;

  beforeAll(async () => {
    valkey = await startValkey();
    app = await startApp(valkey.url);
    api = http(app.baseUrl);
  }, 30000);
  afterAll(async () => {
    jest.restoreAllMocks();
    await app?.close();
    await valkey?.stop();
  });

  it('serves the same array a page at a time, with X-Total-Count and a next Link', async () => {
    const ids = ['p-a', 'p-b', 'p-c', 'p-d'];
    for (const id of ids) {
      const created = await api.admin('POST', '/v1/leaderboards', {
        id,
        resetSchedule: '0 0 29 2 *',
        timezone: 'Europe/Berlin',
      });
      expect(created.status).toBe(201);
    }
    const all = ['global', ...ids];

    const whole = await api.get('/v1/leaderboards');
    expect(whole.status).toBe(200);
    expect(whole.body.map((b: { id: string }) => b.id)).toEqual(all);
    expect(whole.headers.get('x-total-count')).toBe('5');
    expect(whole.headers.get('link')).toBeNull();

    const nextRuns = jest.spyOn(NextRunCache.prototype, 'nextRunAt');
    const first = await api.get('/v1/leaderboards?limit=2');
    // Next fire times for the page's boards only.
    expect(nextRuns).toHaveBeenCalledTimes(2);
    expect(first.body.map((b: { id: string }) => b.id)).toEqual(['global', 'p-a']);
    expect(first.body[1]).toMatchObject({
      id: 'p-a',
      memberCount: 0,
      nextResetAt: expect.any(String),
    });
    expect(first.headers.get('x-total-count')).toBe('5');
    expect(first.headers.get('link')).toBe('</v1/leaderboards?offset=2&limit=2>; rel="next"');
    const last = await api.get('/v1/leaderboards?offset=4&limit=2');
    expect(last.body.map((b: { id: string }) => b.id)).toEqual(['p-d']);
    expect(last.headers.get('link')).toBeNull();
    expect((await api.get('/v1/leaderboards?offset=50')).body).toEqual([]);

    for (const bad of ['limit=0', 'limit=201', 'offset=-1', 'limit=abc']) {
      const res = await api.get(`/v1/leaderboards?${bad}`);
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
    }
    const schema = (await api.get('/openapi.json')).body.paths['/v1/leaderboards'].get;
    const query = schema.parameters.filter((p: { in: string }) => p.in === 'query');
    expect(query.map((p: { name: string }) => p.name).sort()).toEqual(['limit', 'offset']);
    expect(Object.keys(schema.responses['200'].headers)).toEqual(['X-Total-Count', 'Link']);
  });
});

describe('failed authentication is throttled per client IP', () => {
  let valkey: TestValkey;
  let app: TestApp;
  let other: TestApp;
  let api: ReturnType<typeof http>;
  const WRONG = 'wrong-key-0123456789';

  beforeAll(async () => {
    valkey = await startValkey();
    const env = { RATE_LIMIT_AUTH_FAILURES_PER_IP: '3' };
    app = await startApp(valkey.url, env);
    other = await startApp(valkey.url, env);
    api = http(app.baseUrl);
  }, 30000);
  afterAll(async () => {
    await other?.close();
    await app?.close();
    await valkey?.stop();
  });

  const submitWith = (key: string | null, base = api) =>
    base.request('POST', '/v1/leaderboards/global/scores', {
      body: { playerId: 'p', score: 1 },
      key,
    });

  it('answers 429 past the budget, for any key until the window ends; successes never count', async () => {
    await inOneWindow(async () => {
      // Valid keys are never counted, and requests without a key guess nothing.
      for (let i = 0; i < 10; i++) expect((await submitWith(SUBMIT_KEY)).status).toBe(200);
      for (let i = 0; i < 10; i++) expect((await submitWith(null)).status).toBe(401);
      for (let i = 0; i < 3; i++) expect((await submitWith(WRONG)).status).toBe(401);
      const over = await submitWith(WRONG);
      expect(over.status).toBe(429);
      expect(over.headers.get('content-type')).toContain('application/problem+json');
      expect(over.headers.get('retry-after')).toBe('1');
      expect(over.body).toMatchObject({
        type: 'https://valkran.dev/problems/rate-limited',
        detail: expect.stringContaining('failed authentications per client IP'),
      });
      // Refused without the key being checked, so a right guess would learn nothing.
      expect((await submitWith(ADMIN_KEY)).status).toBe(429);
      expect((await api.admin('GET', '/v1/webhooks')).status).toBe(429); // any key, any route
      expect((await api.admin('GET', '/v1/leaderboards/global')).status).toBe(200); // public
    });
    // The OpenAPI document lists it on both authenticated routes.
    const doc = (await api.get('/openapi.json')).body;
    expect('429' in doc.paths['/v1/leaderboards/{id}/scores'].post.responses).toBe(true);
    expect('429' in doc.paths['/v1/webhooks'].get.responses).toBe(true);
    // The next window: keys work again.
    await waitFor(async () => (await submitWith(SUBMIT_KEY)).status === 200, 3000, 'a new window');
    const metrics = (await api.get('/metrics')).body as string;
    expect(metrics).toMatch(
      /valkran_rate_limited_total\{limit="failed authentications per client IP"\} [1-9]/,
    );
  });

  it('shares the budget across instances and with the dashboard password', async () => {
    const basic = (password: string, base = api) =>
      base.request('GET', '/admin/queues', {
        headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` },
      });
    await inOneWindow(async () => {
      expect((await api.request('GET', '/admin/queues')).status).toBe(401); // the challenge
      expect((await basic(WRONG)).status).toBe(401);
      expect((await submitWith(WRONG, http(other.baseUrl))).status).toBe(401);
      expect((await basic(WRONG, http(other.baseUrl))).status).toBe(401);
      const over = await basic(WRONG);
      expect(over.status).toBe(429);
      expect(over.headers.get('content-type')).toContain('application/problem+json');
      expect((await basic(ADMIN_KEY)).status).toBe(429);
      expect((await submitWith(WRONG, http(other.baseUrl))).status).toBe(429);
    });
    await waitFor(async () => (await basic(ADMIN_KEY)).status === 200, 3000, 'a new window');
  });
});

describe('queue counts behind /metrics and /health/ready', () => {
  let valkey: TestValkey;
  let app: TestApp;
  let api: ReturnType<typeof http>;

  beforeAll(async () => {
    valkey = await startValkey();
    app = await startApp(valkey.url);
    api = http(app.baseUrl);
  }, 30000);
  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  const commandsProcessed = async (): Promise<number> =>
    Number(/total_commands_processed:(\d+)/.exec(await valkey.client.info('stats'))![1]);

  it('are read at most once a second however many scrapes and probes arrive', async () => {
    expect((await api.get('/metrics')).status).toBe(200);
    expect((await api.get('/health/ready')).status).toBe(200);
    const before = await commandsProcessed();
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_v, i) => api.get(i % 2 ? '/metrics' : '/health/ready')),
    );
    for (let i = 0; i < 20; i++) {
      await api.get('/metrics');
      await api.get('/health/ready');
    }
    const seconds = Math.ceil((Date.now() - started) / 1000) + 1;
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const used = (await commandsProcessed()) - before - 1; // the INFO above
    // Before: three queue counts per scrape, a ping and a count per probe (1,750 commands here).
    // Now: one reading of the counts and one ping per second, whatever the traffic, plus (for
    // the dashboards' gauges) one INFO and one look at the oldest reset jobs: ~26 commands a
    // second counting those the scripts run.
    expect(used).toBeLessThanOrEqual(seconds * 15);
  });
});
