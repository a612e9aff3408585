import { Redis } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metrics } from '../src/common/metrics';
import { ValkeyServerProcess } from '../src/valkey/valkey-server-process';
import { ADMIN_KEY, SUBMIT_KEY, startApp, TestApp } from './support/app';
import { startValkey, TestValkey } from './support/valkey';
import { waitFor } from './support/wait';

/**
 * Rendered reads (src/leaderboard/rendered-reads.ts, README "Caching reads"): each api process
 * keeps the JSON of its last page, player and around-me answers with the board version they were
 * rendered at, and serves one only while the read's own script says the board is still at it.
 *
 * Two api apps (`a`, `b`) keep bodies; `plain` (READ_RENDER_CACHE_MB=0) keeps nothing and is
 * the reference: on an unchanged board a kept answer must be byte for byte, headers included,
 * what `plain` renders at that moment. A worker app runs the manual resets. All on one Valkey.
 */

interface Raw {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** Headers that differ between any two answers (the connection's, the clock's, the request's). */
const VALKEY_BIN = process.env.VALKEY_SERVER_BIN ?? 'valkey-server';
const PER_RESPONSE = new Set(['date', 'connection', 'keep-alive', 'x-request-id']);

async function raw(
  t: TestApp,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Raw> {
  const res = await fetch(`${t.baseUrl}${path}`, { method, headers });
  const text = await res.text();
  const all: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (!PER_RESPONSE.has(k)) all[k] = v;
  });
  return { status: res.status, headers: all, text };
}

async function call(
  t: TestApp,
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${t.baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const admin = (t: TestApp, method: string, path: string, body?: unknown) =>
  call(t, method, path, ADMIN_KEY, body);

async function submit(t: TestApp, id: string, playerId: string, score: number): Promise<void> {
  const res = await call(t, 'POST', `/v1/leaderboards/${id}/scores`, SUBMIT_KEY, {
    playerId,
    score,
  });
  expect(res.status).toBe(200);
  expect(res.body.updated).toBe(true);
}

async function batch(t: TestApp, id: string, scores: Record<string, number>): Promise<void> {
  const entries = Object.entries(scores).map(([playerId, score]) => ({ playerId, score }));
  const res = await call(t, 'POST', `/v1/leaderboards/${id}/scores/batch`, SUBMIT_KEY, {
    entries,
  });
  expect(res.status).toBe(200);
}

/** valkran_rendered_reads_total of one app, by outcome. */
async function counted(t: TestApp): Promise<{ kept: number; rendered: number }> {
  const values = (await t.app.get(Metrics).renderedReads.get()).values;
  const of = (outcome: string) => values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  return { kept: of('kept'), rendered: of('rendered') };
}

/** The parsed JSON of an answer. */
const json = (r: Raw): any => JSON.parse(r.text);

/** Limits count per wall-clock second: start a measurement just after a second begins. */
async function nextSecond(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 30));
}

describe('rendered reads: kept bodies on two api apps sharing one Valkey (e2e)', () => {
  let valkey: TestValkey;
  let a: TestApp;
  let b: TestApp;
  let plain: TestApp;
  let worker: TestApp;
  let boards = 0;

  beforeAll(async () => {
    valkey = await startValkey();
    [a, b, plain, worker] = await Promise.all([
      startApp(valkey.url),
      startApp(valkey.url),
      startApp(valkey.url, { READ_RENDER_CACHE_MB: '0' }),
      startApp(valkey.url, { APP_MODE: 'worker' }),
    ]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([a, b, plain, worker].map((t) => t?.close()));
    await valkey?.stop();
  });

  async function board(scores: Record<string, number>, settings = {}): Promise<string> {
    const id = `rr${++boards}`;
    expect((await admin(b, 'POST', '/v1/leaderboards', { id, ...settings })).status).toBe(201);
    if (Object.keys(scores).length > 0) await batch(b, id, scores);
    return id;
  }

  /** Reads `path` on `t` until its body is kept, and returns the kept answer. */
  async function keptOn(t: TestApp, path: string, headers: Record<string, string> = {}) {
    await raw(t, path);
    const before = await counted(t);
    const res = await raw(t, path, headers);
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    expect({ path, kept: (await counted(t)).kept }).toEqual({ path, kept: before.kept + 1 });
    return res;
  }

  /**
   * Reads `path` on `a` expecting an answer not kept (the board moved since it was kept), and
   * the same answer, byte for byte and headers included, as `plain` gives right after.
   */
  async function freshOnA(path: string, headers: Record<string, string> = {}): Promise<Raw> {
    const before = await counted(a);
    const res = await raw(a, path, headers);
    const after = await counted(a);
    expect({ path, kept: after.kept }).toEqual({ path, kept: before.kept });
    expect({ path, ...res }).toEqual({ path, ...(await raw(plain, path, headers)) });
    return res;
  }

  it('serves a repeated read of an unchanged board kept, the bytes and headers plain renders', async () => {
    const id = await board({ ann: 50, bob: 40, cat: 30, dan: 20, eve: 10 });
    const paths = [
      `/v1/leaderboards/${id}/entries`,
      `/v1/leaderboards/${id}/entries?offset=1&limit=2`,
      `/v1/leaderboards/${id}/players/cat`,
      `/v1/leaderboards/${id}/players/cat/around?limit=3`,
    ];
    for (const t of [a, b]) {
      for (const path of paths) {
        const first = await raw(t, path);
        expect(first.status).toBe(200);
        for (let i = 0; i < 3; i++) {
          const again = await keptOn(t, path);
          const reference = await raw(plain, path);
          expect(again).toEqual(reference);
          expect(first).toEqual(reference);
          expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
          expect(again.headers.etag).toMatch(/^W\/"\d+\.\d+"$/);
          expect(again.headers['cache-control']).toBe('no-cache');
          expect(again.headers['content-length']).toBe(String(Buffer.byteLength(again.text)));
        }
        // HEAD (Nest's pipeline) answers with the same headers and no body.
        const head = await raw(t, path, {}, 'HEAD');
        expect(head).toEqual({ ...(await raw(plain, path, {}, 'HEAD')), text: '' });
      }
    }
    expect(json(await raw(a, paths[0])).entries.map((e: any) => e.playerId)).toEqual([
      'ann',
      'bob',
      'cat',
      'dan',
      'eve',
    ]);
    expect(json(await raw(a, paths[2]))).toMatchObject({ playerId: 'cat', rank: 3, total: 5 });
    // plain keeps and counts nothing; a and b count on /metrics.
    expect(await counted(plain)).toEqual({ kept: 0, rendered: 0 });
    const metrics = (await raw(a, '/metrics')).text;
    const keptOnA = /^valkran_rendered_reads_total\{outcome="kept"\} (\d+)$/m.exec(metrics);
    expect(Number(keptOnA?.[1])).toBe((await counted(a)).kept);
    expect((await counted(a)).kept).toBeGreaterThanOrEqual(paths.length * 3);
    expect(metrics).toMatch(/^valkran_rendered_reads_total\{outcome="rendered"\} [1-9]/m);
  });

  it('never serves a kept body once the board changed, through either app', async () => {
    const id = await board({ ann: 50, bob: 40, cat: 30, dan: 20, eve: 10 });
    const page = `/v1/leaderboards/${id}/entries?limit=3`;
    const player = `/v1/leaderboards/${id}/players/cat`;
    const around = `/v1/leaderboards/${id}/players/cat/around?limit=3`;
    const ann = `/v1/leaderboards/${id}/players/ann`;
    const ids = (r: Raw) => json(r).entries.map((e: any) => `${e.playerId}:${e.rank}`);

    /** Keeps every read on `a`, applies `change`, then checks each read shows it at once. */
    async function afterChange(
      what: string,
      change: () => Promise<void>,
      check: (r: { page: Raw; player: Raw; around: Raw; ann: Raw }) => void,
    ): Promise<void> {
      const kept: Record<string, string> = {};
      for (const path of [page, player, around, ann]) {
        const r = await raw(a, path);
        if (r.status === 200) kept[path] = (await keptOn(a, path)).headers.etag;
      }
      await change();
      const now = {
        page: await freshOnA(page),
        player: await freshOnA(player),
        around: await freshOnA(around),
        ann: await freshOnA(ann),
      };
      for (const [path, etag] of Object.entries(kept)) {
        const r = await raw(a, path);
        expect({ what, path, changed: r.headers.etag !== etag }).toEqual({
          what,
          path,
          changed: true,
        });
      }
      check(now);
    }

    await afterChange(
      'a submit through the other app',
      () => submit(b, id, 'fay', 45),
      (r) => {
        expect(ids(r.page)).toEqual(['ann:1', 'fay:2', 'bob:3']);
        expect(json(r.page).total).toBe(6);
        expect(json(r.player)).toMatchObject({ rank: 4, total: 6 });
        expect(ids(r.around)).toEqual(['bob:3', 'cat:4', 'dan:5']);
      },
    );
    await afterChange(
      'a submit through the same app',
      () => submit(a, id, 'cat', 60),
      (r) => {
        expect(ids(r.page)).toEqual(['cat:1', 'ann:2', 'fay:3']);
        expect(json(r.player)).toMatchObject({ rank: 1, score: 60, total: 6 });
        expect(ids(r.around)).toEqual(['cat:1', 'ann:2', 'fay:3']);
        expect(json(r.ann)).toMatchObject({ rank: 2, score: 50 });
      },
    );
    await afterChange(
      'a removal',
      async () => {
        expect((await admin(b, 'DELETE', `/v1/leaderboards/${id}/players/ann`)).status).toBe(204);
      },
      (r) => {
        expect(ids(r.page)).toEqual(['cat:1', 'fay:2', 'bob:3']);
        expect(json(r.page).total).toBe(5);
        expect(r.ann.status).toBe(404);
      },
    );
    await afterChange(
      'a purge',
      async () => {
        const purge = `/v1/leaderboards/${id}/entries?minScore=0&maxScore=25`;
        expect((await admin(b, 'DELETE', purge)).status).toBe(200);
      },
      (r) => {
        expect(json(r.page)).toMatchObject({ total: 3 });
        expect(json(r.player)).toMatchObject({ rank: 1, total: 3, topPercent: expect.any(Number) });
      },
    );
    await afterChange(
      'hiding a player',
      async () => {
        const hide = await admin(b, 'PUT', '/v1/players/fay/hidden', { hidden: true });
        expect(hide.status).toBe(200);
      },
      (r) => {
        expect(ids(r.page)).toEqual(['cat:1', 'bob:2']);
        expect(json(r.page).total).toBe(2);
        expect(json(r.player)).toMatchObject({ rank: 1, total: 2 });
        expect(ids(r.around)).toEqual(['cat:1', 'bob:2']);
      },
    );
    await afterChange(
      'a board edit',
      async () => {
        const tiers = [{ name: 'gold', topPercent: 50 }];
        expect((await admin(b, 'PATCH', `/v1/leaderboards/${id}`, { tiers })).status).toBe(200);
      },
      (r) => {
        expect(json(r.player)).toMatchObject({ rank: 1, tier: 'gold' });
      },
    );
    const periodBefore = json(await raw(plain, page)).periodId;
    await afterChange(
      'a manual reset',
      async () => {
        expect((await admin(b, 'POST', `/v1/leaderboards/${id}/reset`)).status).toBe(202);
        await waitFor(
          async () => json(await raw(plain, page)).periodId !== periodBefore,
          10_000,
          'the reset',
        );
      },
      (r) => {
        expect(json(r.page)).toMatchObject({ total: 0, entries: [] });
        expect(json(r.page).periodId).not.toBe(periodBefore);
        expect(r.player.status).toBe(404);
        expect(r.around.status).toBe(404);
      },
    );
    // On the new period: kept again, and moved on again by a submit through b.
    await submit(b, id, 'cat', 7);
    await afterChange(
      'a submit after the reset',
      () => submit(b, id, 'bob', 8),
      (r) => {
        expect(ids(r.page)).toEqual(['bob:1', 'cat:2']);
        expect(json(r.player)).toMatchObject({ rank: 2, score: 7, total: 2 });
      },
    );
    await afterChange(
      'showing a hidden player again',
      async () => {
        await submit(b, id, 'fay', 9); // hidden: not on the page yet
        expect(ids(await raw(plain, page))).toEqual(['bob:1', 'cat:2']);
        const show = await admin(b, 'PUT', '/v1/players/fay/hidden', { hidden: false });
        expect(show.status).toBe(200);
      },
      (r) => {
        expect(ids(r.page)).toEqual(['fay:1', 'bob:2', 'cat:3']);
        expect(json(r.player)).toMatchObject({ rank: 3, total: 3 });
      },
    );
  });

  it('answers If-None-Match as before: 304 for the current ETag or *, the kept body for a stale one', async () => {
    const id = await board({ ann: 3, bob: 2, cat: 1 });
    const paths = [
      `/v1/leaderboards/${id}/entries`,
      `/v1/leaderboards/${id}/players/bob`,
      `/v1/leaderboards/${id}/players/bob/around?limit=2`,
    ];
    const stale: Record<string, string> = {};
    for (const path of paths) stale[path] = (await keptOn(a, path)).headers.etag;
    await submit(b, id, 'dan', 4);
    for (const path of paths) {
      const body = await keptOn(a, path);
      const current = body.headers.etag;
      expect(current).not.toBe(stale[path]);
      for (const inm of [current, '*', `W/"1.1", ${current}`, current.slice(2)]) {
        const before = await counted(a);
        const res = await raw(a, path, { 'if-none-match': inm });
        expect({ path, inm, status: res.status, text: res.text }).toEqual({
          path,
          inm,
          status: 304,
          text: '',
        });
        expect(res.headers.etag).toBe(current);
        expect(res).toEqual(await raw(plain, path, { 'if-none-match': inm }));
        expect((await counted(a)).rendered).toBe(before.rendered);
      }
      for (const inm of [stale[path], `W/"1.1", ${stale[path]}`, 'garbage']) {
        const before = await counted(a);
        const res = await raw(a, path, { 'if-none-match': inm });
        expect({ path, inm, status: res.status }).toEqual({ path, inm, status: 200 });
        expect((await counted(a)).kept).toBe(before.kept + 1);
        expect(res).toEqual(body);
        expect(res).toEqual(await raw(plain, path, { 'if-none-match': inm }));
      }
    }
    // A stale ETag after the board moved again: the new state, neither 304 nor the kept body.
    await submit(a, id, 'eve', 5);
    for (const path of paths) {
      const res = await freshOnA(path, { 'if-none-match': stale[path] });
      expect(res.status).toBe(200);
    }
    expect(json(await raw(a, paths[0])).entries[0]).toMatchObject({ playerId: 'eve', rank: 1 });
  });

  it('serves nothing kept for a board deleted and created again with the same id', async () => {
    const id = 'again';
    const paths = [
      `/v1/leaderboards/${id}/entries`,
      `/v1/leaderboards/${id}/players/ann`,
      `/v1/leaderboards/${id}/players/cat`,
      `/v1/leaderboards/${id}/players/ann/around?limit=3`,
    ];
    expect((await admin(b, 'POST', '/v1/leaderboards', { id })).status).toBe(201);
    await batch(b, id, { ann: 3, bob: 2, cat: 1 });
    const old: Record<string, Raw> = {};
    for (const path of paths) old[path] = await keptOn(a, path);

    // The same number of changes since creation; the versions still differ (creation time, and
    // the counter's start: the next test makes both creations the same millisecond).
    expect((await admin(b, 'DELETE', `/v1/leaderboards/${id}`)).status).toBe(204);
    for (const path of paths) expect((await freshOnA(path)).status).toBe(404);
    const created = await admin(b, 'POST', '/v1/leaderboards', { id, sortOrder: 'asc' });
    expect(created.status).toBe(201);
    await batch(b, id, { ann: 3, bob: 2, zed: 1 });

    const page = await freshOnA(paths[0]);
    expect(json(page).entries.map((e: any) => e.playerId)).toEqual(['zed', 'bob', 'ann']);
    expect(json(await freshOnA(paths[1]))).toMatchObject({ rank: 3, score: 3 });
    expect((await freshOnA(paths[2])).status).toBe(404);
    expect(json(await freshOnA(paths[3])).entries.map((e: any) => e.playerId)).toEqual([
      'zed',
      'bob',
      'ann',
    ]);
    for (const path of [paths[0], paths[1], paths[3]]) {
      expect((await raw(a, path)).headers.etag).not.toBe(old[path].headers.etag);
      expect((await raw(a, path)).text).not.toBe(old[path].text);
    }
  });

  it('serves nothing kept for a board created again within the same millisecond as the first time', async () => {
    const id = 'samems';
    const path = `/v1/leaderboards/${id}/entries`;
    const at = Date.now();
    // Both creations at one clock reading: the generation (createdAt) is the same.
    const create = async (settings = {}): Promise<void> => {
      const clock = jest.spyOn(Date, 'now').mockReturnValue(at);
      try {
        const res = await admin(b, 'POST', '/v1/leaderboards', { id, ...settings });
        expect(res.status).toBe(201);
      } finally {
        clock.mockRestore();
      }
    };
    await create();
    await batch(b, id, { ann: 3, bob: 2 });
    const old = await keptOn(a, path);
    expect((await admin(b, 'DELETE', `/v1/leaderboards/${id}`)).status).toBe(204);
    await create({ sortOrder: 'asc' });
    await batch(b, id, { ann: 3, bob: 2 }); // as many changes as the old board had
    const page = await freshOnA(path);
    expect(json(page).entries.map((e: any) => e.playerId)).toEqual(['bob', 'ann']);
    expect(page.headers.etag).not.toBe(old.headers.etag);
  });

  it('charges the read limit for kept answers, and refuses over it even when a body is kept', async () => {
    const id = await board({ ann: 3, bob: 2 });
    const tight = await startApp(valkey.url, { RATE_LIMIT_READ_PER_IP: '4' });
    try {
      const path = `/v1/leaderboards/${id}/players/bob`;
      for (let attempt = 0; ; attempt++) {
        await nextSecond();
        const second = Math.floor(Date.now() / 1000);
        const before = await counted(tight);
        const answers: Raw[] = [];
        for (let i = 0; i < 5; i++) answers.push(await raw(tight, path));
        // (a second that ended midway, on a very slow machine, is measured again)
        if (Math.floor(Date.now() / 1000) !== second && attempt < 3) continue;
        expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 429]);
        expect(answers.map((r) => r.headers['ratelimit-remaining'])).toEqual([
          '3',
          '2',
          '1',
          '0',
          '0',
        ]);
        expect(answers[4].headers['retry-after']).toBe('1');
        expect(answers[4].headers['content-type']).toMatch(/problem\+json/);
        // The first rendered (or was kept from an earlier attempt), the next three were kept.
        const after = await counted(tight);
        expect(after.kept - before.kept).toBeGreaterThanOrEqual(3);
        expect(after.kept + after.rendered - before.kept - before.rendered).toBe(4);
        for (const r of answers.slice(1, 4)) expect(r.text).toBe(answers[0].text);
        break;
      }
    } finally {
      await tight.close();
    }
  });

  it('still answers 404 for a player not on a board whose reads are kept', async () => {
    const id = await board({ ann: 3, bob: 2 });
    for (const path of [
      `/v1/leaderboards/${id}/entries`,
      `/v1/leaderboards/${id}/players/ann`,
      `/v1/leaderboards/${id}/players/ann/around`,
    ])
      await keptOn(a, path);
    const before = await counted(a);
    for (const path of [
      `/v1/leaderboards/${id}/players/zoe`,
      `/v1/leaderboards/${id}/players/zoe/around`,
      `/v1/leaderboards/${id}/players/zoe`,
    ]) {
      const res = await raw(a, path);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(JSON.parse(res.text).detail).toMatch(/"zoe"/);
      const reference = await raw(plain, path);
      expect({ ...res, text: '' }).toEqual({ ...reference, text: '' });
    }
    expect(await counted(a)).toEqual(before);
    // And so does an unknown board, read before on this app.
    expect((await admin(b, 'DELETE', `/v1/leaderboards/${id}`)).status).toBe(204);
    expect((await raw(a, `/v1/leaderboards/${id}/players/ann`)).status).toBe(404);
  });
});

describe('rendered reads after Valkey lost writes (e2e)', () => {
  let dir: string;
  let server: ValkeyServerProcess;
  let a: TestApp;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'valkran-kept-'));
    server = await ValkeyServerProcess.start({ binary: VALKEY_BIN, dir, appendOnly: false });
    a = await startApp(server.url);
  });

  afterAll(async () => {
    await a?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps nothing across a reconnection: a Valkey restarted from an older snapshot hands out versions again', async () => {
    const id = 'rollback';
    expect((await admin(a, 'POST', '/v1/leaderboards', { id })).status).toBe(201);
    await submit(a, id, 'alice', 10);
    const snapshot = new Redis(server.url);
    await snapshot.save();
    snapshot.disconnect();
    await submit(a, id, 'bob', 20);
    const path = `/v1/leaderboards/${id}/entries`;
    const before = await raw(a, path);
    expect(json(before).entries.map((e: { playerId: string }) => e.playerId)).toEqual([
      'bob',
      'alice',
    ]);
    await raw(a, path); // kept now
    // Valkey comes back from the snapshot (alice only) on the same port; the next write makes
    // the board's version what it was when bob's page was kept.
    const port = server.port;
    await server.stop();
    server = await ValkeyServerProcess.start({ binary: VALKEY_BIN, dir, port, appendOnly: false });
    // Ready again, without reading the board (a read now would re-render it at version 1).
    await waitFor(async () => (await fetch(`${a.baseUrl}/health/ready`)).ok, 10_000, 'ready');
    await submit(a, id, 'carol', 5);
    const after = await raw(a, path);
    expect(after.headers.etag).toBe(before.headers.etag); // the same version, other content
    expect(json(after).entries.map((e: { playerId: string }) => e.playerId)).toEqual([
      'alice',
      'carol',
    ]);
  });
});
