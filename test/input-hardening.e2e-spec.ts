import { connect, Socket } from 'node:net';
import { Writable } from 'node:stream';
import { ADMIN_KEY, http, startApp, SUBMIT_KEY, TestApp } from './support/app';
import { useApp } from './support/fixture';
import { startValkey, TestValkey } from './support/valkey';
import { waitFor } from './support/wait';

/** Sends `request` as raw bytes (no URL normalisation) and resolves with the whole answer. */
function rawHttp(baseUrl: string, request: string, opts: { endAfterMs?: number } = {}) {
  const { hostname, port } = new URL(baseUrl);
  return new Promise<{ status: number; headers: string; body: string }>((resolve, reject) => {
    const socket: Socket = connect(Number(port), hostname);
    let data = '';
    socket.on('data', (d: Buffer) => (data += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, ...rest] = data.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head, body: rest.join('\r\n\r\n') });
    });
    socket.write(request);
    if (opts.endAfterMs !== undefined) setTimeout(() => socket.end(), opts.endAfterMs);
  });
}

const get = (path: string): string =>
  `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`;

/** A problem+json 4xx with `status`; returns the problem for further checks. */
function expectProblem(res: { status: number; headers: Headers; body: any }, status: number) {
  expect({ status: res.status, type: res.headers.get('content-type') }).toEqual({
    status,
    type: expect.stringMatching(/^application\/problem\+json/),
  });
  expect(res.body.status).toBe(status);
  return res.body as { detail: string; errors?: { path: string; message: string }[] };
}

describe('input hardening (issue 15: ids, prototype-named fields, nesting, modes, timeouts)', () => {
  // `all`: the reset below needs a worker to archive a period.
  const f = useApp({ APP_MODE: 'all' }, 'h');

  describe('the longest valid player id on every path route (item 2)', () => {
    // 128 characters, every one percent-encoded in the path: 384 characters on the wire.
    const id = ':@'.repeat(64);
    const enc = encodeURIComponent(id);

    it('submits, reads, windows, archives, removes and erases it', async () => {
      const board = await f.board();
      expect(enc).toHaveLength(384);
      expect((await f.api.submit(board, { playerId: id, score: 10 })).status).toBe(200);
      expect((await f.api.submit(board, { playerId: 'other', score: 5 })).status).toBe(200);

      const player = await f.api.get(`/v1/leaderboards/${board}/players/${enc}`);
      expect(player.status).toBe(200);
      expect(player.body).toMatchObject({ playerId: id, rank: 1, score: 10 });
      const around = await f.api.get(`/v1/leaderboards/${board}/players/${enc}/around?limit=2`);
      expect(around.status).toBe(200);
      expect(around.body.entries.map((e: { playerId: string }) => e.playerId)).toEqual([
        id,
        'other',
      ]);

      // Archive the period, then read the id's final entry in it.
      expect((await f.api.admin('POST', `/v1/leaderboards/${board}/reset`)).status).toBe(202);
      const periods = await waitFor(
        async () => {
          const res = await f.api.get(`/v1/leaderboards/${board}/periods`);
          return res.body.periods?.length > 0 ? res.body.periods : null;
        },
        10_000,
        'the period to be archived',
      );
      const archived = await f.api.get(
        `/v1/leaderboards/${board}/periods/${periods[0].id}/players/${enc}`,
      );
      expect(archived.status).toBe(200);
      expect(archived.body).toMatchObject({ playerId: id, score: 10 });

      // Remove from the current period.
      expect((await f.api.submit(board, { playerId: id, score: 7 })).status).toBe(200);
      const removed = await f.api.request('DELETE', `/v1/leaderboards/${board}/players/${enc}`, {
        key: ADMIN_KEY,
      });
      expect(removed.status).toBe(204);
      expectProblem(await f.api.get(`/v1/leaderboards/${board}/players/${enc}`), 404);

      // Erase everywhere (GDPR): the current period and the archive.
      expect((await f.api.submit(board, { playerId: id, score: 8 })).status).toBe(200);
      const erased = await f.api.request('DELETE', `/v1/players/${enc}`, { key: ADMIN_KEY });
      expect(erased.status).toBe(200);
      expect(erased.body.playerId).toBe(id);
      expect(erased.body.removedFrom).toHaveLength(2);
      expectProblem(await f.api.get(`/v1/leaderboards/${board}/players/${enc}`), 404);
      expectProblem(
        await f.api.get(`/v1/leaderboards/${board}/periods/${periods[0].id}/players/${enc}`),
        404,
      );
    });

    it('answers a 129-character id with a 400 naming it, and an absurd path segment with a 414 problem', async () => {
      const tooLong = await f.api.get(`/v1/leaderboards/global/players/${'a'.repeat(129)}`);
      expect(expectProblem(tooLong, 400).errors).toEqual([
        { path: 'playerId', message: expect.any(String) },
      ]);
      expectProblem(await f.api.get(`/v1/leaderboards/global/players/${'a'.repeat(5000)}`), 414);
    });
  });

  describe('fields named like Object.prototype members (items 7 and 15)', () => {
    it('stores and returns metadata keys such as toString, constructor and valueOf exactly as sent', async () => {
      const board = await f.board();
      const metadata =
        '{"toString":"x","constructor":1,"valueOf":[1],"hasOwnProperty":{"prototype":null},' +
        '"nested":{"constructor":{"name":"c"},"isPrototypeOf":true},"prototype":"p"}';
      const res = await f.api.request('POST', `/v1/leaderboards/${board}/scores`, {
        key: SUBMIT_KEY,
        raw: `{"playerId":"meta","score":1,"metadata":${metadata}}`,
      });
      expect(res.status).toBe(200);
      const player = await f.api.get(`/v1/leaderboards/${board}/players/meta`);
      expect(JSON.stringify(player.body.metadata)).toBe(metadata);
      const page = await f.api.get(`/v1/leaderboards/${board}/entries`);
      expect(JSON.stringify(page.body.entries[0].metadata)).toBe(metadata);

      // In a batch too, and the 1 KiB limit counts those keys.
      const batch = await f.api.request('POST', `/v1/leaderboards/${board}/scores/batch`, {
        key: SUBMIT_KEY,
        raw: `{"entries":[{"playerId":"meta2","score":2,"metadata":{"toString":"y"}}]}`,
      });
      expect(batch.status).toBe(200);
      expect((await f.api.get(`/v1/leaderboards/${board}/players/meta2`)).body.metadata).toEqual({
        toString: 'y',
      });
      const big = await f.api.submit(board, {
        playerId: 'meta3',
        score: 3,
        metadata: { toString: 'x'.repeat(1100) },
      });
      expect(expectProblem(big, 400).errors).toEqual([
        { path: 'metadata', message: expect.stringContaining('1024 bytes') },
      ]);
    });

    it('rejects __proto__ in metadata (a 400), and applies nothing', async () => {
      const board = await f.board();
      const res = await f.api.request('POST', `/v1/leaderboards/${board}/scores`, {
        key: SUBMIT_KEY,
        raw: '{"playerId":"proto","score":1,"metadata":{"__proto__":{"x":1}}}',
      });
      expectProblem(res, 400);
      expectProblem(await f.api.get(`/v1/leaderboards/${board}/players/proto`), 404);
    });

    it.each(['constructor', 'toString', 'prototype', 'valueOf', 'hasOwnProperty', '__proto__'])(
      'rejects a body field named %s by name, like any unknown field, and applies nothing',
      async (field) => {
        const board = await f.board();
        const value = field === '__proto__' ? '{}' : '1';
        const submit = await f.api.request('POST', `/v1/leaderboards/${board}/scores`, {
          key: SUBMIT_KEY,
          raw: `{"playerId":"p","score":1,"${field}":${value}}`,
        });
        const problem = expectProblem(submit, 400);
        // Fastify's JSON parser refuses __proto__ outright (without a path).
        if (field !== '__proto__')
          expect(problem.errors).toEqual([{ path: field, message: 'is not a known field' }]);
        expectProblem(await f.api.get(`/v1/leaderboards/${board}/players/p`), 404);

        if (field === '__proto__') return;
        const batch = await f.api.request('POST', `/v1/leaderboards/${board}/scores/batch`, {
          key: SUBMIT_KEY,
          raw: `{"entries":[{"playerId":"p","score":1},{"playerId":"q","score":2,"${field}":1}]}`,
        });
        expect(expectProblem(batch, 400).errors).toEqual([
          { path: `entries.1.${field}`, message: 'is not a known field' },
        ]);
        expectProblem(await f.api.get(`/v1/leaderboards/${board}/players/p`), 404);

        const create = await f.api.request('POST', '/v1/leaderboards', {
          key: ADMIN_KEY,
          raw: `{"id":"${board}x","${field}":1}`,
        });
        expect(expectProblem(create, 400).errors).toEqual([
          { path: field, message: 'is not a known field' },
        ]);
        expectProblem(await f.api.get(`/v1/leaderboards/${board}x`), 404);

        const patch = await f.api.request('PATCH', `/v1/leaderboards/${board}`, {
          key: ADMIN_KEY,
          raw: `{"title":"changed","${field}":1}`,
        });
        expect(expectProblem(patch, 400).errors).toEqual([
          { path: field, message: 'is not a known field' },
        ]);
        expect((await f.api.get(`/v1/leaderboards/${board}`)).body.title).toBe(board);

        const lookup = await f.api.request('POST', `/v1/leaderboards/${board}/players/lookup`, {
          raw: `{"playerIds":["p"],"${field}":1}`,
        });
        expect(expectProblem(lookup, 400).errors).toEqual([
          { path: field, message: 'is not a known field' },
        ]);
        const query = await f.api.get(`/v1/leaderboards/${board}/entries?${field}=1`);
        expect(expectProblem(query, 400).errors).toEqual([
          { path: field, message: 'is not a known field' },
        ]);
      },
    );

    it.each(['null', '[]', '"title"', '7'])(
      'answers PATCH with a %s body with a 400 and changes nothing',
      async (raw) => {
        const board = await f.board({ title: 'Kept' });
        const res = await f.api.request('PATCH', `/v1/leaderboards/${board}`, {
          key: ADMIN_KEY,
          raw,
        });
        expectProblem(res, 400);
        expect((await f.api.get(`/v1/leaderboards/${board}`)).body.title).toBe('Kept');
      },
    );
  });

  it('has a 30 s request timeout by default (Fastify would have none; item 11)', () => {
    expect(f.app.app.getHttpServer().requestTimeout).toBe(30_000);
  });

  describe('nesting depth and refused static paths (item 14)', () => {
    const nest = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

    it('answers a body nested 20,000 levels deep with a 400 naming the limit', async () => {
      const res = await f.api.request('POST', '/v1/leaderboards/global/players/lookup', {
        raw: `{"playerIds":${nest(20_000)}}`,
      });
      const problem = expectProblem(res, 400);
      expect(problem.detail).toContain('32 levels');
      expect(problem.errors).toEqual([{ path: 'body', message: expect.stringContaining('32') }]);
      // Refused by the JSON parser itself, before any handler: also where no DTO would look.
      const reset = await f.api.request('POST', '/v1/leaderboards/global/reset', {
        key: ADMIN_KEY,
        raw: nest(20_000),
      });
      expect(expectProblem(reset, 400).detail).toContain('32 levels');
      // Brackets inside strings (escaped quotes too) are not nesting.
      const inString = await f.api.request('POST', '/v1/leaderboards/global/players/lookup', {
        raw: JSON.stringify({ playerIds: [`\\"${nest(50)}`] }),
      });
      // …so that one is read, and refused for what it is: not a player id.
      expect(expectProblem(inString, 400).errors).toEqual([
        { path: 'playerIds', message: expect.stringContaining('player') },
      ]);
    });

    it('accepts metadata up to the limit (32 levels in all) and refuses one level more', async () => {
      const board = await f.board();
      // {entries:[{metadata:{a:…}}]}: 3 levels before the metadata's own.
      const metadata = (levels: number): string =>
        '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
      const body = (levels: number): string =>
        `{"entries":[{"playerId":"deep","score":1,"metadata":${metadata(levels)}}]}`;
      const ok = await f.api.request('POST', `/v1/leaderboards/${board}/scores/batch`, {
        key: SUBMIT_KEY,
        raw: body(29),
      });
      expect(ok.status).toBe(200);
      const tooDeep = await f.api.request('POST', `/v1/leaderboards/${board}/scores/batch`, {
        key: SUBMIT_KEY,
        raw: body(30).replace('"deep"', '"deeper"'),
      });
      expectProblem(tooDeep, 400);
      expectProblem(await f.api.get(`/v1/leaderboards/${board}/players/deeper`), 404);
    });

    it.each([
      '/docs/../../package.json',
      '/docs/%2e%2e/%2e%2e/package.json',
      '/docs//swagger-ui.css',
      '/docs/./swagger-ui.css',
      '/live.js/../../package.json',
    ])('answers GET %s with a 404 problem, not a 500', async (path) => {
      const res = await rawHttp(f.app.baseUrl, get(path));
      expect(res.status).toBe(404);
      expect(res.headers).toMatch(/content-type: application\/problem\+json/i);
      expect(JSON.parse(res.body)).toMatchObject({ status: 404 });
    });
  });
});

describe('every mode answers errors with problem+json (item 8)', () => {
  let valkey: TestValkey;
  let worker: TestApp;

  beforeAll(async () => {
    valkey = await startValkey();
    worker = await startApp(valkey.url, { APP_MODE: 'worker' });
  }, 30_000);
  afterAll(async () => {
    await worker?.close();
    await valkey?.stop();
  });

  it('a worker answers an unknown route (and the API it does not serve) with a 404 problem', async () => {
    const api = http(worker.baseUrl);
    expect((await api.get('/health/live')).status).toBe(200);
    for (const path of ['/no-such-route', '/v1/leaderboards', '/docs']) {
      expect(expectProblem(await api.get(path), 404).detail).toContain('Cannot GET');
    }
  });
});

describe('requests that take too long or are abandoned (items 11 and 16)', () => {
  let valkey: TestValkey;
  let t: TestApp;
  // Nest's Logger is process-wide: the last app created logs for all, so this one comes last.
  const lines: { level: number; msg: string }[] = [];

  beforeAll(async () => {
    valkey = await startValkey();
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    });
    t = await startApp(
      valkey.url,
      { LOG_LEVEL: 'debug' },
      { logDestination: sink, requestTimeoutMs: 1000 },
    );
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    await valkey?.stop();
  });

  it('answers headers that never finish arriving with a 408 problem', async () => {
    const started = Date.now();
    const res = await rawHttp(t.baseUrl, 'GET /health/live HTTP/1.1\r\nHost: localhost\r\n');
    expect(res.status).toBe(408);
    expect(res.headers).toMatch(/content-type: application\/problem\+json/i);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('answers a body that never finishes arriving with a 408 problem', async () => {
    const started = Date.now();
    const res = await rawHttp(
      t.baseUrl,
      'POST /v1/leaderboards/global/players/lookup HTTP/1.1\r\nHost: localhost\r\n' +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"playerIds":',
    );
    expect(res.status).toBe(408);
    expect(res.headers).toMatch(/content-type: application\/problem\+json/i);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('keeps serving after bodies it refused early, once their deadline has passed', async () => {
    const api = http(t.baseUrl);
    const huge = await api.request('POST', '/v1/leaderboards/global/players/lookup', {
      raw: JSON.stringify({ playerIds: ['x'.repeat(70_000)] }),
    });
    expectProblem(huge, 413);
    await new Promise((r) => setTimeout(r, 1500)); // past the 1 s request timeout
    expect((await api.get('/health/live')).status).toBe(200);
  });

  it('logs an upload the client abandoned at debug, not as an unexpected error', async () => {
    const { hostname, port } = new URL(t.baseUrl);
    const socket = connect(Number(port), hostname);
    await new Promise((r) => socket.once('connect', r));
    socket.write(
      'POST /v1/leaderboards/global/players/lookup HTTP/1.1\r\nHost: localhost\r\n' +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"playerIds":["a"',
    );
    await new Promise((r) => setTimeout(r, 100)); // let the server start reading the body
    socket.destroy();
    const line = await waitFor(
      async () => lines.find((l) => /aborted/.test(l.msg)),
      5000,
      'the aborted upload to be logged',
    );
    expect(line.level).toBeLessThan(30); // debug
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});
