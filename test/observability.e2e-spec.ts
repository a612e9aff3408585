import { Writable } from 'node:stream';
import { ADMIN_KEY, http, startApp, SUBMIT_KEY, TestApp } from './support/app';
import { startValkey, TestValkey } from './support/valkey';
import { waitFor } from './support/wait';

/** Parses Prometheus text into {name{labels}: value}. Throws on a malformed line. */
function parseProm(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (-?[0-9.eE+-]+|NaN|[+-]?Inf)$/i.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    out.set(m[1], Number(m[2]));
  }
  return out;
}

const sum = (m: Map<string, number>, prefix: string, ...needles: string[]): number =>
  [...m]
    .filter(([k]) => k.startsWith(prefix) && needles.every((n) => k.includes(n)))
    .reduce((a, [, v]) => a + v, 0);

describe('logs, request ids and metrics (e2e)', () => {
  let valkey: TestValkey;
  let t: TestApp;
  let api: ReturnType<typeof http>;
  const lines: Record<string, unknown>[] = [];

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
      {
        APP_MODE: 'all',
        LOG_LEVEL: 'info',
        RATE_LIMIT_SUBMIT_PER_PLAYER: '2',
        CORS_ORIGINS: 'https://game.example',
      },
      { logDestination: sink },
    );
    api = http(t.baseUrl);
  });
  afterAll(async () => {
    await t.close();
    await valkey.stop();
  });

  it('writes one JSON line per request with the request id, and never an API key', async () => {
    await api.request('POST', '/v1/leaderboards/global/scores', {
      body: { playerId: 'logged', score: 5 },
      key: SUBMIT_KEY,
      headers: { 'x-request-id': 'trace-42' },
    });
    await api.request('GET', '/v1/leaderboards/global', {
      headers: { 'x-request-id': 'trace-43' },
    });
    const line = await waitFor(async () =>
      lines.find((l) => l.reqId === 'trace-42' && l.msg === 'request'),
    );
    expect(line).toMatchObject({
      level: 30,
      service: 'valkran',
      method: 'POST',
      route: '/v1/leaderboards/:id/scores',
      status: 200,
    });
    expect(typeof line.ms).toBe('number');
    expect(lines.filter((l) => l.reqId === 'trace-43' && l.msg === 'request')).toHaveLength(1);
    const all = JSON.stringify(lines);
    expect(all).not.toContain(SUBMIT_KEY);
    expect(all).not.toContain(ADMIN_KEY);
    // Nest's own messages are structured too, with their context.
    expect(lines.some((l) => typeof l.context === 'string')).toBe(true);
  });

  it('answers CORS for the origins in CORS_ORIGINS only', async () => {
    const allowed = await api.request('GET', '/v1/leaderboards/global', {
      headers: { origin: 'https://game.example' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://game.example');
    expect(allowed.headers.get('access-control-expose-headers')).toContain('x-request-id');
    const preflight = await api.request('OPTIONS', '/v1/leaderboards/global/scores', {
      headers: {
        origin: 'https://game.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBeLessThan(300);
    const other = await api.request('GET', '/v1/leaderboards/global', {
      headers: { origin: 'https://evil.example' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('exposes Prometheus metrics whose counters move with traffic', async () => {
    // The per-player limit (2/s) counts per wall-clock second: start just after one begins,
    // and try again (a new player) in the rare case a stall pushed the three into two seconds.
    let before = new Map<string, number>();
    for (let attempt = 1; ; attempt++) {
      before = parseProm((await api.get('/metrics')).body);
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 30));
      const second = Math.floor(Date.now() / 1000);
      const playerId = `m${attempt}`;
      await api.submit('global', { playerId, score: 1 });
      await api.submit('global', { playerId, score: 0 });
      await api.submit('global', { playerId, score: 2 }); // third in a second: rate limited
      if (Math.floor(Date.now() / 1000) === second || attempt === 3) break;
    }
    await api.get('/v1/leaderboards/global/entries');
    const res = await api.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const after = parseProm(res.body);
    const delta = (prefix: string, ...needles: string[]) =>
      sum(after, prefix, ...needles) - sum(before, prefix, ...needles);
    expect(delta('valkran_submissions_total', 'board="global"', 'mode="best"')).toBe(2);
    expect(delta('valkran_submissions_total', 'updated="false"')).toBe(1);
    expect(delta('valkran_rate_limited_total')).toBe(1);
    expect(
      delta(
        'valkran_http_request_duration_seconds_count',
        'route="/v1/leaderboards/:id/entries"',
        'status="200"',
      ),
    ).toBe(1);
    expect(delta('valkran_http_request_duration_seconds_count', 'status="429"')).toBe(1);
    expect(after.has('valkran_queue_jobs{queue="ranking",state="waiting"}')).toBe(true);
    expect(after.has('valkran_live_sockets')).toBe(true);
    expect(after.has('valkran_process_resident_memory_bytes')).toBe(true);
    await waitFor(
      async () =>
        sum(
          parseProm((await api.get('/metrics')).body),
          'valkran_job_duration_seconds_count',
          'queue="ranking"',
        ) > 0,
      5000,
      'a ranking job to be timed',
    );
  });
});
