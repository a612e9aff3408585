import { http, startApp, TestApp } from './support/app';
import { startValkey, TestValkey } from './support/valkey';

describe('Valkey outage (e2e)', () => {
  let valkey: TestValkey;
  let t: TestApp;
  let api: ReturnType<typeof http>;

  beforeAll(async () => {
    valkey = await startValkey();
    t = await startApp(valkey.url, { VALKEY_COMMAND_TIMEOUT_MS: '300' });
    api = http(t.baseUrl);
  });
  let revived: { stop(): Promise<void> } | null = null;
  afterAll(async () => {
    valkey.server.resume();
    // Close the app while a Valkey is still up, so no queued command is left to reject.
    await t.close();
    await revived?.stop();
    await valkey.stop();
  });

  it('answers 503 with Retry-After within 1 s while Valkey is paused, then recovers', async () => {
    expect((await api.submit('global', { playerId: 'before', score: 1 })).status).toBe(200);
    const doc = (await api.get('/openapi.json')).body;
    valkey.server.pause();
    try {
      // [the route in the OpenAPI document, the request]
      for (const [route, call] of [
        [
          'post /v1/leaderboards/{id}/scores',
          () => api.submit('global', { playerId: 'during', score: 2 }),
        ],
        ['get /v1/leaderboards/{id}/entries', () => api.get('/v1/leaderboards/global/entries')],
        ['get /v1/leaderboards/{id}', () => api.get('/v1/leaderboards/global')],
        ['get /v1/leaderboards', () => api.get('/v1/leaderboards')],
        ['get /health/ready', () => api.get('/health/ready')],
        [
          'patch /v1/leaderboards/{id}',
          () => api.admin('PATCH', '/v1/leaderboards/global', { title: 'G' }),
        ],
      ] as const) {
        const started = Date.now();
        const res = await call();
        expect(Date.now() - started).toBeLessThan(1000);
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('1');
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        const [method, path] = route.split(' ');
        expect({ route, listed: '503' in doc.paths[path][method].responses }).toEqual({
          route,
          listed: true,
        });
        // Typed as it is sent.
        expect(Object.keys(doc.paths[path][method].responses['503'].content)).toEqual([
          'application/problem+json',
        ]);
      }
      // These answer without Valkey, and their document entries say no 503.
      expect('503' in doc.paths['/health/live'].get.responses).toBe(false);
      const whoami = await api.admin('GET', '/v1/admin/whoami');
      expect(whoami.status).toBe(200);
      expect('503' in doc.paths['/v1/admin/whoami'].get.responses).toBe(false);
      expect((await api.get('/health/live')).status).toBe(200);
    } finally {
      valkey.server.resume();
    }
    let recovered = false;
    for (let i = 0; i < 50 && !recovered; i++) {
      recovered = (await api.submit('global', { playerId: 'after', score: 3 })).status === 200;
      if (!recovered) await new Promise((r) => setTimeout(r, 100));
    }
    expect(recovered).toBe(true);
    const before = await api.get('/v1/leaderboards/global/players/before');
    expect(before.body.score).toBe(1);
  });

  it('answers 503 fast when Valkey is gone and recovers when it is back on the same port', async () => {
    const port = valkey.server.port;
    valkey.server.pause();
    // Simulate a dead server: connection refused rather than a hang. The brief freeze first
    // is a fixed wait on purpose (time passing, no condition to wait for).
    await new Promise((r) => setTimeout(r, 10));
    valkey.server.resume();
    await valkey.server.stop();
    const started = Date.now();
    const res = await api.get('/v1/leaderboards/global/entries');
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(1000);

    const { ValkeyServerProcess } = await import('../src/valkey/valkey-server-process');
    revived = await ValkeyServerProcess.start({
      binary: 'valkey-server',
      dir: valkey.server.dir,
      appendOnly: false,
      port,
    });
    let ok = false;
    for (let i = 0; i < 50 && !ok; i++) {
      // The revived server is empty (no AOF here), so health is the signal, not the board.
      ok = (await api.get('/health/ready')).status === 200;
      if (!ok) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ok).toBe(true);
  });

  it('connects with a valkey:// URL as with a redis:// one', async () => {
    // ioredis reads only redis(s)://; the config passes the valkey schemes on as those.
    const other = await startApp(valkey.url.replace(/^redis:/, 'valkey:'));
    try {
      const api = http(other.baseUrl);
      expect((await api.get('/health/ready')).status).toBe(200);
      expect((await api.submit('global', { playerId: 'via-valkey-url', score: 4 })).status).toBe(
        200,
      );
    } finally {
      await other.close();
    }
  });
});
