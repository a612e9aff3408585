import { HotArgs } from '../src/common/hot-routes';
import { ADMIN_KEY, http, startApp, SUBMIT_KEY, TestApp } from './support/app';
import { startValkey, TestValkey } from './support/valkey';

/**
 * The hot routes (src/common/hot-routes.ts: submit, batch and the three public GET reads served
 * straight on Fastify) must answer exactly as Nest's pipeline does (guards, global
 * ValidationPipe, param pipes, ProblemFilter). Two apps, each on its own fresh Valkey, one with
 * hot routes and one without (`hotRoutes: false`), are set up alike and sent the same table of
 * requests, one request to both at once; status, body and headers must match, after normalising
 * only what legitimately differs (request ids, dates, timestamps, the board generation in ETags).
 */

/** Limits count per wall-clock second: start a measurement just after a second begins. */
async function nextSecond(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 30));
}

type Api = ReturnType<typeof http>;

interface Side {
  name: 'hot' | 'nest';
  valkey: TestValkey;
  app: TestApp;
  api: Api;
}

interface Pair {
  hot: Side;
  nest: Side;
  both: Side[];
}

/** Two fresh Valkeys and two apps with the same config: hot routes on, and off. */
async function startPair(env: Record<string, string>): Promise<Pair> {
  const start = async (name: Side['name']): Promise<Side> => {
    const valkey = await startValkey();
    try {
      const app = await startApp(valkey.url, env, { hotRoutes: name === 'hot' });
      return { name, valkey, app, api: http(app.baseUrl) };
    } catch (err) {
      await valkey.stop();
      throw err;
    }
  };
  const [hot, nest] = await Promise.all([start('hot'), start('nest')]);
  return { hot, nest, both: [hot, nest] };
}

async function stopPair(pair: Pair | undefined): Promise<void> {
  if (!pair) return;
  await Promise.all(
    pair.both.map(async (s) => {
      await s.app.close();
      await s.valkey.stop();
    }),
  );
}

/** Runs `step` on both sides at once, expecting `status` from each (setup steps). */
async function onBoth(
  pair: Pair,
  what: string,
  status: number,
  step: (api: Api) => Promise<{ status: number; body: unknown }>,
): Promise<void> {
  const results = await Promise.all(pair.both.map((s) => step(s.api)));
  for (const [i, r] of results.entries()) {
    if (r.status !== status) {
      throw new Error(`${what} on ${pair.both[i].name}: ${r.status} ${JSON.stringify(r.body)}`);
    }
  }
}

interface Case {
  name: string;
  method: string;
  path: string;
  /** The status both must answer (so the table exercises what its names say). */
  status: number;
  key?: string | null;
  headers?: Record<string, string>;
  /** Sends If-None-Match: this side's current ETag of that path (after `headers`' own, if any). */
  ifNoneMatchCurrentOf?: string;
  body?: unknown;
  /** A body sent as is (content-type application/json unless `headers` says otherwise). */
  raw?: string;
}

/** What of an answer is compared: status, normalised body and headers. */
interface Seen {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Headers that differ per request or per process, and say nothing of the route. */
const IGNORED_HEADERS = new Set(['date', 'x-request-id', 'connection', 'keep-alive']);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

function normaliseBody(value: unknown): unknown {
  if (typeof value === 'string') return ISO_TIME.test(value) ? '<time>' : value;
  if (Array.isArray(value)) return value.map(normaliseBody);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normaliseBody(v)]));
  }
  return value;
}

/**
 * `exactRemaining`: compare RateLimit-Remaining as is (the low-limit pair, whose requests all
 * fall in one second); otherwise only its shape (a pair of requests may straddle a window).
 */
function normalise(
  res: { status: number; headers: Headers; body: unknown },
  exactRemaining: boolean,
  versions: Map<string, string>,
): Seen {
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (IGNORED_HEADERS.has(name)) return;
    if (name === 'etag') {
      // "<board createdAt>.<counter>": both differ between the two Valkeys (the counter starts
      // at the creation's clock), so each side's versions are named in the order it first sent
      // them: the same sequence of changes gives the same names.
      if (!versions.has(value)) versions.set(value, `W/"<version ${versions.size + 1}>"`);
      headers[name] = versions.get(value)!;
    } else if (name === 'ratelimit-remaining' && !exactRemaining) {
      headers[name] = /^\d+$/.test(value) ? '<n>' : value;
    } else {
      headers[name] = value;
    }
  });
  return { status: res.status, headers, body: normaliseBody(res.body) };
}

async function send(
  side: Side,
  c: Case,
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const headers = { ...(c.headers ?? {}) };
  if (c.ifNoneMatchCurrentOf) {
    const etag = (await side.api.get(c.ifNoneMatchCurrentOf)).headers.get('etag');
    if (!etag) throw new Error(`no ETag on ${side.name} for ${c.ifNoneMatchCurrentOf}`);
    headers['if-none-match'] = headers['if-none-match']
      ? `${headers['if-none-match']}, ${etag}`
      : etag;
  }
  return side.api.request(c.method, c.path, {
    key: c.key,
    headers,
    body: c.body,
    raw: c.raw,
  });
}

interface Outcome {
  /** Cases the two paths answered differently. */
  differences: { name: string; hot: Seen; nest: Seen }[];
  /** Cases where a path did not answer the status the table expects. */
  unexpected: { name: string; expected: number; hot: number; nest: number }[];
  /** The hot path's normalised answer to each case, by name (for spot checks). */
  seen: Record<string, Seen>;
}

/** Sends every case, in order, to both sides at once; collects what differs. */
async function compare(pair: Pair, cases: Case[], exactRemaining = false): Promise<Outcome> {
  const outcome: Outcome = { differences: [], unexpected: [], seen: {} };
  const versions = { hot: new Map<string, string>(), nest: new Map<string, string>() };
  for (const c of cases) {
    const [hotRes, nestRes] = await Promise.all([send(pair.hot, c), send(pair.nest, c)]);
    const hot = normalise(hotRes, exactRemaining, versions.hot);
    const nest = normalise(nestRes, exactRemaining, versions.nest);
    outcome.seen[c.name] = hot;
    if (JSON.stringify(hot) !== JSON.stringify(nest)) {
      outcome.differences.push({ name: c.name, hot, nest });
    }
    if (hot.status !== c.status || nest.status !== c.status) {
      outcome.unexpected.push({
        name: c.name,
        expected: c.status,
        hot: hot.status,
        nest: nest.status,
      });
    }
  }
  return outcome;
}

const B = '/v1/leaderboards';
const SEED = [
  { playerId: 'alice', score: 500, displayName: 'Alice', metadata: { level: 3 } },
  { playerId: 'bob', score: 400 },
  { playerId: 'carol', score: 300 },
  { playerId: 'dave', score: 200 },
  { playerId: 'erin', score: 100 },
];

/** A case per request; `get` for the reads, `post` for the submits. */
const get = (name: string, path: string, status: number, extra: Partial<Case> = {}): Case => ({
  name,
  method: 'GET',
  path,
  status,
  ...extra,
});
const post = (name: string, path: string, status: number, extra: Partial<Case> = {}): Case => ({
  name,
  method: 'POST',
  path,
  status,
  key: SUBMIT_KEY,
  ...extra,
});

describe('hot routes answer exactly as Nest’s pipeline does (e2e)', () => {
  let main: Pair;

  beforeAll(async () => {
    main = await startPair({
      // Limits on but out of reach, so every answer carries its RateLimit headers.
      RATE_LIMIT_READ_PER_IP: '1000000',
      RATE_LIMIT_SUBMIT_PER_KEY: '1000000',
      RATE_LIMIT_SUBMIT_PER_PLAYER: '1000000',
      RATE_LIMIT_AUTH_FAILURES_PER_IP: '0',
      READ_CACHE_CONTROL: 'public, max-age=5',
    });
    for (const id of ['lb', 'subs']) {
      await onBoth(main, `create ${id}`, 201, (api) => api.admin('POST', B, { id }));
    }
    await onBoth(main, 'create ties', 201, (api) =>
      api.admin('POST', B, {
        id: 'ties',
        tiebreakers: [{ name: 'kills', order: 'desc' }],
      }),
    );
    await onBoth(main, 'seed lb', 200, (api) => api.batch('lb', SEED));
    await onBoth(main, 'seed ties', 200, (api) =>
      api.batch('ties', [
        { playerId: 'x', score: 10, subscores: [1] },
        { playerId: 'y', score: 10, subscores: [2] },
      ]),
    );
  }, 30000);
  afterAll(() => stopPair(main));

  it('serves the five routes hot on one app and through Nest on the other (HEAD: Nest on both)', async () => {
    // HotArgs.param is called by every hot route and by nothing else: a spy (calling through)
    // shows which path a request took.
    const spies = main.both.map((s) => jest.spyOn(s.app.app.get(HotArgs), 'param'));
    try {
      const routes: Case[] = [
        post('submit', `${B}/subs/scores`, 200, { body: { playerId: 'probe', score: 1 } }),
        post('batch', `${B}/subs/scores/batch`, 200, {
          body: { entries: [{ playerId: 'probe', score: 1 }] },
        }),
        get('page', `${B}/lb/entries`, 200),
        get('player', `${B}/lb/players/alice`, 200),
        get('around', `${B}/lb/players/alice/around`, 200),
        // Fastify copies a GET route's options for its HEAD route before onRoute runs.
        { ...get('HEAD', `${B}/lb/entries`, 200), method: 'HEAD' },
      ];
      const took: Record<string, string[]> = {};
      for (const c of routes) {
        const before = spies.map((spy) => spy.mock.calls.length);
        for (const s of main.both) expect((await send(s, c)).status).toBe(c.status);
        took[c.name] = main.both
          .filter((_s, i) => spies[i].mock.calls.length > before[i])
          .map((s) => s.name);
      }
      expect(took).toEqual({
        submit: ['hot'],
        batch: ['hot'],
        page: ['hot'],
        player: ['hot'],
        around: ['hot'],
        HEAD: [],
      });
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('answers public reads alike: pages, players, around, their errors, ETags and HEAD', async () => {
    const cases: Case[] = [
      // Valid reads, with and without query parameters.
      get('page', `${B}/lb/entries`, 200),
      get('page limit', `${B}/lb/entries?limit=2`, 200),
      get('page offset+limit', `${B}/lb/entries?offset=1&limit=3`, 200),
      get('page past the end', `${B}/lb/entries?offset=50`, 200),
      get('page with tie-break columns', `${B}/ties/entries`, 200),
      get('player', `${B}/lb/players/alice`, 200),
      get('player with columns', `${B}/ties/players/y`, 200),
      get('player, a public read with a key', `${B}/lb/players/bob`, 200, { key: SUBMIT_KEY }),
      get('player, a public read with a wrong key', `${B}/lb/players/bob`, 200, { key: 'nope' }),
      get('around', `${B}/lb/players/carol/around`, 200),
      get('around limit', `${B}/lb/players/carol/around?limit=3`, 200),
      get('around the top', `${B}/lb/players/alice/around?limit=2`, 200),
      // Bad and unknown ids.
      get('page, bad board id', `${B}/Bad!/entries`, 400),
      get('page, unknown board', `${B}/nope/entries`, 404),
      get('player, bad board id', `${B}/Bad!/players/alice`, 400),
      get('player, unknown board', `${B}/nope/players/alice`, 404),
      get('player, bad player id', `${B}/lb/players/bad%20id`, 400),
      get('player, bad board and player ids', `${B}/Bad!/players/bad%20id`, 400),
      get('player, unknown player', `${B}/lb/players/zed`, 404),
      get('player, player id too long', `${B}/lb/players/${'p'.repeat(129)}`, 400),
      get('around, bad board id', `${B}/Bad!/players/alice/around`, 400),
      get('around, unknown board', `${B}/nope/players/alice/around`, 404),
      get('around, bad player id', `${B}/lb/players/bad%20id/around`, 400),
      get('around, unknown player', `${B}/lb/players/zed/around`, 404),
      // Bad queries.
      get('page limit=0', `${B}/lb/entries?limit=0`, 400),
      get('page limit=abc', `${B}/lb/entries?limit=abc`, 400),
      get('page limit too big', `${B}/lb/entries?limit=1001`, 400),
      get('page limit empty', `${B}/lb/entries?limit=`, 400),
      get('page offset=-1', `${B}/lb/entries?offset=-1`, 400),
      get('page offset and limit both bad', `${B}/lb/entries?offset=-1&limit=0`, 400),
      get('page unknown query field', `${B}/lb/entries?sort=asc`, 400),
      get('page duplicated limit', `${B}/lb/entries?limit=1&limit=2`, 400),
      get('around limit=0', `${B}/lb/players/carol/around?limit=0`, 400),
      get('around limit=abc', `${B}/lb/players/carol/around?limit=abc`, 400),
      get('around unknown query field', `${B}/lb/players/carol/around?offset=1`, 400),
      get('around duplicated limit', `${B}/lb/players/carol/around?limit=3&limit=3`, 400),
      get('player, a query (it takes none)', `${B}/lb/players/alice?limit=1`, 200),
      // Bad id and bad query at once: the same error must win.
      get('page, bad board id and bad query', `${B}/Bad!/entries?limit=0`, 400),
      get('page, unknown board and bad query', `${B}/nope/entries?limit=abc`, 400),
      get('around, bad board id and bad query', `${B}/Bad!/players/alice/around?limit=0`, 400),
      get('around, bad ids and bad query', `${B}/Bad!/players/bad%20id/around?limit=0`, 400),
      get('around, bad player id and bad query', `${B}/lb/players/bad%20id/around?x=1`, 400),
      get('around, unknown player and bad query', `${B}/lb/players/zed/around?limit=0`, 400),
      // Conditional reads.
      get('page, If-None-Match current', `${B}/lb/entries?limit=2`, 304, {
        ifNoneMatchCurrentOf: `${B}/lb/entries?limit=2`,
      }),
      get('page, If-None-Match list naming current', `${B}/lb/entries`, 304, {
        headers: { 'if-none-match': 'W/"1.1"' },
        ifNoneMatchCurrentOf: `${B}/lb/entries`,
      }),
      get('player, If-None-Match current', `${B}/lb/players/bob`, 304, {
        ifNoneMatchCurrentOf: `${B}/lb/players/bob`,
      }),
      get('around, If-None-Match current', `${B}/lb/players/bob/around?limit=3`, 304, {
        ifNoneMatchCurrentOf: `${B}/lb/players/bob/around?limit=3`,
      }),
      get('page, If-None-Match *', `${B}/lb/entries`, 304, { headers: { 'if-none-match': '*' } }),
      get('player, If-None-Match *', `${B}/lb/players/bob`, 304, {
        headers: { 'if-none-match': '*' },
      }),
      get('around, If-None-Match *', `${B}/lb/players/bob/around`, 304, {
        headers: { 'if-none-match': '*' },
      }),
      get('page, If-None-Match stale', `${B}/lb/entries`, 200, {
        headers: { 'if-none-match': 'W/"1.1"' },
      }),
      get('page, If-None-Match garbage', `${B}/lb/entries`, 200, {
        headers: { 'if-none-match': 'garbage' },
      }),
      get('player, If-None-Match * on an unknown player', `${B}/lb/players/zed`, 404, {
        headers: { 'if-none-match': '*' },
      }),
      get('page, If-None-Match * on an unknown board', `${B}/nope/entries`, 404, {
        headers: { 'if-none-match': '*' },
      }),
      get('page, If-None-Match * and a bad query', `${B}/lb/entries?limit=0`, 400, {
        headers: { 'if-none-match': '*' },
      }),
      // HEAD of the reads.
      { ...get('HEAD page', `${B}/lb/entries?limit=2`, 200), method: 'HEAD' },
      { ...get('HEAD player', `${B}/lb/players/alice`, 200), method: 'HEAD' },
      { ...get('HEAD around', `${B}/lb/players/alice/around`, 200), method: 'HEAD' },
      { ...get('HEAD unknown player', `${B}/lb/players/zed`, 404), method: 'HEAD' },
      { ...get('HEAD bad query', `${B}/lb/entries?limit=0`, 400), method: 'HEAD' },
      {
        ...get('HEAD, If-None-Match current', `${B}/lb/players/alice`, 304, {
          ifNoneMatchCurrentOf: `${B}/lb/players/alice`,
        }),
        method: 'HEAD',
      },
    ];
    const { differences, unexpected, seen } = await compare(main, cases);
    expect({ differences, unexpected }).toEqual({ differences: [], unexpected: [] });
    // Spot checks that the table reached what it names.
    expect(seen['page'].headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'public, max-age=5',
      etag: expect.stringMatching(/^W\/"<version \d+>"$/),
      'ratelimit-limit': '1000000',
    });
    expect(seen['page, If-None-Match current'].body).toBe('');
    expect(seen['page, If-None-Match current'].headers.etag).toBe(seen['page limit'].headers.etag);
  });

  it('answers submits and batches alike: auth, bodies, ids, Idempotency-Key', async () => {
    const S = `${B}/subs/scores`;
    const SB = `${B}/subs/scores/batch`;
    const cases: Case[] = [
      post('submit', S, 200, { body: { playerId: 'p1', score: 10 } }),
      post('submit, every field', S, 200, {
        body: { playerId: 'p2', score: 20, displayName: 'P two', metadata: { a: [1, 2] } },
      }),
      post('submit, no change', S, 200, { body: { playerId: 'p1', score: 5 } }),
      post('submit, admin key', S, 200, { key: ADMIN_KEY, body: { playerId: 'p3', score: 30 } }),
      post('submit, X-API-Key header', S, 200, {
        key: null,
        headers: { 'x-api-key': SUBMIT_KEY },
        body: { playerId: 'p4', score: 40 },
      }),
      post('submit, no key', S, 401, { key: null, body: { playerId: 'p1', score: 1 } }),
      post('submit, wrong key', S, 401, { key: 'wrong-key', body: { playerId: 'p1', score: 1 } }),
      post('submit, no key and a bad body', S, 401, { key: null, body: { score: 'x' } }),
      post('submit, wrong key and a bad id', `${B}/Bad!/scores`, 401, {
        key: 'wrong-key',
        body: {},
      }),
      post('submit, malformed Authorization', S, 401, {
        key: null,
        headers: { authorization: 'Basic abc' },
        body: { playerId: 'p1', score: 1 },
      }),
      post('submit, missing score', S, 400, { body: { playerId: 'p1' } }),
      post('submit, missing playerId', S, 400, { body: { score: 1 } }),
      post('submit, empty object', S, 400, { body: {} }),
      post('submit, score a string', S, 400, { body: { playerId: 'p1', score: '10' } }),
      post('submit, score a float', S, 400, { body: { playerId: 'p1', score: 1.5 } }),
      post('submit, score unsafe', S, 400, { body: { playerId: 'p1', score: 2 ** 53 } }),
      post('submit, bad playerId', S, 400, { body: { playerId: 'bad id', score: 1 } }),
      post('submit, extra field', S, 400, { body: { playerId: 'p1', score: 1, extra: true } }),
      post('submit, null displayName', S, 400, {
        body: { playerId: 'p1', score: 1, displayName: null },
      }),
      post('submit, metadata an array', S, 400, {
        body: { playerId: 'p1', score: 1, metadata: [1] },
      }),
      post('submit, subscores on a board without columns', S, 400, {
        body: { playerId: 'p1', score: 1, subscores: [1] },
      }),
      post('submit, no subscores on a board with columns', `${B}/ties/scores`, 400, {
        body: { playerId: 'z', score: 1 },
      }),
      post('submit, with subscores', `${B}/ties/scores`, 200, {
        body: { playerId: 'z', score: 10, subscores: [3] },
      }),
      post('submit, body an array', S, 400, { body: [{ playerId: 'p1', score: 1 }] }),
      post('submit, body a string', S, 400, { raw: '"hello"' }),
      post('submit, body a number', S, 400, { raw: '42' }),
      post('submit, body null', S, 400, { raw: 'null' }),
      post('submit, invalid JSON', S, 400, { raw: '{"playerId": "p1", score: 1' }),
      post('submit, empty JSON body', S, 400, { raw: '' }),
      post('submit, no body', S, 400, {}),
      post('submit, text/plain body', S, 415, {
        raw: '{"playerId":"p1","score":1}',
        headers: { 'content-type': 'text/plain' },
      }),
      post('submit, form body', S, 415, {
        raw: 'playerId=p1&score=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      post('submit, bad board id', `${B}/Bad!/scores`, 400, { body: { playerId: 'p1', score: 1 } }),
      post('submit, bad board id and bad body', `${B}/Bad!/scores`, 400, { body: { score: 'x' } }),
      post('submit, unknown board', `${B}/nope/scores`, 404, {
        body: { playerId: 'p1', score: 1 },
      }),
      post('submit, unknown board and bad body', `${B}/nope/scores`, 400, { body: {} }),
      // Idempotency-Key.
      post('submit, Idempotency-Key first', S, 200, {
        headers: { 'idempotency-key': 'k-1' },
        body: { playerId: 'p5', score: 50 },
      }),
      post('submit, Idempotency-Key replay', S, 200, {
        headers: { 'idempotency-key': 'k-1' },
        body: { playerId: 'p5', score: 50 },
      }),
      post('submit, Idempotency-Key conflict', S, 409, {
        headers: { 'idempotency-key': 'k-1' },
        body: { playerId: 'p5', score: 51 },
      }),
      post('submit, Idempotency-Key too long', S, 400, {
        headers: { 'idempotency-key': 'k'.repeat(129) },
        body: { playerId: 'p6', score: 1 },
      }),
      post('submit, Idempotency-Key too long and a bad body', S, 400, {
        headers: { 'idempotency-key': 'k'.repeat(129) },
        body: { playerId: 'p6' },
      }),
      post('submit, Idempotency-Key too long, unknown board', `${B}/nope/scores`, 400, {
        headers: { 'idempotency-key': 'k'.repeat(129) },
        body: { playerId: 'p6', score: 1 },
      }),
      post('submit, Idempotency-Key 128 characters', S, 200, {
        headers: { 'idempotency-key': 'k'.repeat(128) },
        body: { playerId: 'p6', score: 1 },
      }),
      // Batches.
      post('batch', SB, 200, {
        body: {
          entries: [
            { playerId: 'q1', score: 1 },
            { playerId: 'q2', score: 2, displayName: 'Q2' },
            { playerId: 'q1', score: 3 },
          ],
        },
      }),
      post('batch, no key', SB, 401, {
        key: null,
        body: { entries: [{ playerId: 'q', score: 1 }] },
      }),
      post('batch, wrong key', SB, 401, {
        key: 'wrong-key',
        body: { entries: [{ playerId: 'q', score: 1 }] },
      }),
      post('batch, admin key', SB, 200, {
        key: ADMIN_KEY,
        body: { entries: [{ playerId: 'q3', score: 3 }] },
      }),
      post('batch, empty', SB, 400, { body: { entries: [] } }),
      post('batch, entries not an array', SB, 400, { body: { entries: { playerId: 'q' } } }),
      post('batch, no entries', SB, 400, { body: {} }),
      post('batch, an entry not an object', SB, 400, { body: { entries: [1, 'x'] } }),
      post('batch, bad entries', SB, 400, {
        body: { entries: [{ playerId: 'ok', score: 1 }, { playerId: 'bad id', score: 'x' }, {}] },
      }),
      post('batch, extra field in an entry', SB, 400, {
        body: { entries: [{ playerId: 'q', score: 1, extra: 1 }] },
      }),
      post('batch, extra top-level field', SB, 400, {
        body: { entries: [{ playerId: 'q', score: 1 }], extra: 1 },
      }),
      post('batch, too many', SB, 400, {
        body: {
          entries: Array.from({ length: 1001 }, (_, i) => ({ playerId: `m${i}`, score: i })),
        },
      }),
      post('batch, body an array', SB, 400, { body: [{ playerId: 'q', score: 1 }] }),
      post('batch, invalid JSON', SB, 400, { raw: '{"entries": [' }),
      post('batch, bad board id', `${B}/Bad!/scores/batch`, 400, {
        body: { entries: [{ playerId: 'q', score: 1 }] },
      }),
      post('batch, bad board id and bad body', `${B}/Bad!/scores/batch`, 400, {
        body: { entries: [] },
      }),
      post('batch, unknown board', `${B}/nope/scores/batch`, 404, {
        body: { entries: [{ playerId: 'q', score: 1 }] },
      }),
      post('batch, Idempotency-Key first', SB, 200, {
        headers: { 'idempotency-key': 'kb-1' },
        body: { entries: [{ playerId: 'q4', score: 4 }] },
      }),
      post('batch, Idempotency-Key replay', SB, 200, {
        headers: { 'idempotency-key': 'kb-1' },
        body: { entries: [{ playerId: 'q4', score: 4 }] },
      }),
      post('batch, Idempotency-Key conflict', SB, 409, {
        headers: { 'idempotency-key': 'kb-1' },
        body: { entries: [{ playerId: 'q4', score: 5 }] },
      }),
      post('batch, Idempotency-Key too long', SB, 400, {
        headers: { 'idempotency-key': 'k'.repeat(129) },
        body: { entries: [{ playerId: 'q5', score: 5 }] },
      }),
      // Reads see the same board after all of it.
      get('page after the submits', `${B}/subs/entries?limit=100`, 200),
      get('around after the submits', `${B}/subs/players/q1/around?limit=5`, 200),
    ];
    const { differences, unexpected, seen } = await compare(main, cases);
    expect({ differences, unexpected }).toEqual({ differences: [], unexpected: [] });
    // Spot checks that the table reached what it names.
    expect(seen['submit'].headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'ratelimit-limit': '1000000',
    });
    expect(seen['submit, wrong key'].headers).toMatchObject({ 'www-authenticate': 'Bearer' });
    expect(seen['submit, Idempotency-Key first'].headers['idempotent-replayed']).toBeUndefined();
    for (const replay of ['submit, Idempotency-Key replay', 'batch, Idempotency-Key replay']) {
      expect(seen[replay].headers).toMatchObject({ 'idempotent-replayed': 'true' });
    }
    expect(seen['submit, Idempotency-Key replay'].body).toEqual(
      seen['submit, Idempotency-Key first'].body,
    );
  });
});

describe('hot routes refuse over-limit requests as Nest’s pipeline does (e2e)', () => {
  let limited: Pair;

  beforeAll(async () => {
    limited = await startPair({
      RATE_LIMIT_READ_PER_IP: '3',
      RATE_LIMIT_SUBMIT_PER_PLAYER: '2',
      RATE_LIMIT_SUBMIT_PER_KEY: '1000',
      RATE_LIMIT_AUTH_FAILURES_PER_IP: '2',
    });
    await onBoth(limited, 'create lb', 201, (api) => api.admin('POST', B, { id: 'lb' }));
    for (const s of SEED) {
      // One submit per player: the per-player budget of this second is spent later.
      await onBoth(limited, `seed ${s.playerId}`, 200, (api) => api.submit('lb', s));
    }
  }, 30000);
  afterAll(() => stopPair(limited));

  it('answers 429 with the same RateLimit headers and Retry-After', async () => {
    // Every case must fall in one rate-limit second on both sides: retry in a fresh second if not.
    let outcome: Outcome | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      await nextSecond();
      const second = Math.floor(Date.now() / 1000);
      const S = `${B}/lb/scores`;
      const idem = { 'idempotency-key': `idem-${attempt}` };
      const player = `lim${attempt}`;
      const cases: Case[] = [
        get('read 1', `${B}/lb/entries?limit=2`, 200),
        get('read, bad query (not charged)', `${B}/lb/entries?limit=0`, 400),
        get('read, bad id (not charged)', `${B}/Bad!/players/alice`, 400),
        get('read 2', `${B}/lb/players/alice`, 200),
        get('read 3, unknown player', `${B}/lb/players/zed`, 404),
        get('read 4, over the limit', `${B}/lb/players/bob/around?limit=3`, 429),
        get('read 5, over the limit', `${B}/lb/entries`, 429),
        get('read, over the limit, If-None-Match *', `${B}/lb/players/bob`, 429, {
          headers: { 'if-none-match': '*' },
        }),
        get('read, over the limit, unknown board', `${B}/nope/entries`, 429),
        get('read, over the limit, bad query', `${B}/lb/entries?limit=abc`, 400),
        post('submit 1', S, 200, { headers: idem, body: { playerId: player, score: 1 } }),
        post('submit 2', S, 200, { body: { playerId: player, score: 2 } }),
        post('submit 3, over the player limit', S, 429, { body: { playerId: player, score: 3 } }),
        post('submit, over the limit, replay (free)', S, 200, {
          headers: idem,
          body: { playerId: player, score: 1 },
        }),
        post('batch, over the player limit', `${S}/batch`, 429, {
          body: {
            entries: [
              { playerId: 'fresh', score: 1 },
              { playerId: player, score: 9 },
            ],
          },
        }),
        post('batch, another player', `${S}/batch`, 200, {
          body: { entries: [{ playerId: `${player}b`, score: 1 }] },
        }),
        post('wrong key 1', S, 401, { key: 'wrong-1', body: { playerId: 'x', score: 1 } }),
        post('wrong key 2', S, 401, { key: 'wrong-2', body: { playerId: 'x', score: 1 } }),
        post('wrong key 3, over the auth failure limit', S, 429, {
          key: 'wrong-3',
          body: { playerId: 'x', score: 1 },
        }),
        post('right key, refused IP', S, 429, { body: { playerId: 'x', score: 1 } }),
      ];
      outcome = await compare(limited, cases, true);
      if (Math.floor(Date.now() / 1000) === second) break;
    }
    const { differences, unexpected, seen } = outcome!;
    expect({ differences, unexpected }).toEqual({ differences: [], unexpected: [] });
    // The table reached what it names: the limits' 429s with their headers, a free replay.
    expect(seen['read 4, over the limit'].headers).toMatchObject({
      'retry-after': '1',
      'ratelimit-limit': '3',
      'ratelimit-remaining': '0',
    });
    expect(seen['read 2'].headers).toMatchObject({ 'ratelimit-remaining': '1' });
    expect(seen['submit 3, over the player limit'].headers).toMatchObject({
      'retry-after': '1',
      'ratelimit-limit': '2',
    });
    expect(seen['submit, over the limit, replay (free)'].headers).toMatchObject({
      'idempotent-replayed': 'true',
    });
    expect(seen['wrong key 2'].headers).toMatchObject({ 'www-authenticate': 'Bearer' });
  });
});
