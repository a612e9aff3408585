import { connect } from 'node:net';
import { ADMIN_KEY, SUBMIT_KEY } from './support/app';
import { useApp } from './support/fixture';

const MAX = Number.MAX_SAFE_INTEGER;

describe('scores (e2e)', () => {
  const f = useApp({}, 'b');
  const board = f.board;
  const top = async (id: string, limit = 25) =>
    (await f.api.get(`/v1/leaderboards/${id}/entries?limit=${limit}`)).body.entries.map(
      (e: { playerId: string; score: number; rank: number }) => [e.playerId, e.score, e.rank],
    );

  it('returns the submit result shape for a new and an improving player', async () => {
    const id = await board();
    const first = await f.api.submit(id, { playerId: 'alice', score: 100 });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      leaderboardId: id,
      periodId: '0000000001',
      playerId: 'alice',
      score: 100,
      rank: 1,
      previousScore: null,
      previousRank: null,
      updated: true,
    });
    await f.api.submit(id, { playerId: 'bob', score: 200 });
    const better = await f.api.submit(id, { playerId: 'alice', score: 300 });
    expect(better.body).toMatchObject({
      score: 300,
      rank: 1,
      previousScore: 100,
      previousRank: 2,
      updated: true,
    });
  });

  it('best mode keeps the better score (desc and asc) and reports updated=false', async () => {
    const desc = await board();
    await f.api.submit(desc, { playerId: 'p', score: 50 });
    const worse = await f.api.submit(desc, { playerId: 'p', score: 40 });
    expect(worse.body).toMatchObject({
      score: 50,
      previousScore: 50,
      updated: false,
      rank: 1,
      previousRank: 1,
    });
    const asc = await board({ sortOrder: 'asc' });
    await f.api.submit(asc, { playerId: 'p', score: 50 });
    expect((await f.api.submit(asc, { playerId: 'p', score: 60 })).body.updated).toBe(false);
    expect((await f.api.submit(asc, { playerId: 'p', score: 40 })).body).toMatchObject({
      score: 40,
      updated: true,
    });
    await f.api.submit(asc, { playerId: 'q', score: 45 });
    expect(await top(asc)).toEqual([
      ['p', 40, 1],
      ['q', 45, 2],
    ]);
  });

  it('latest mode always replaces; an equal score changes nothing', async () => {
    const id = await board({ updateMode: 'latest' });
    await f.api.submit(id, { playerId: 'p', score: 50 });
    expect((await f.api.submit(id, { playerId: 'p', score: 10 })).body).toMatchObject({
      score: 10,
      previousScore: 50,
      updated: true,
    });
    expect((await f.api.submit(id, { playerId: 'p', score: 10 })).body.updated).toBe(false);
  });

  it('increment mode adds, and an out-of-bounds result is a 400 that applies nothing', async () => {
    const id = await board({ updateMode: 'increment', minScore: -100, maxScore: 100 });
    expect((await f.api.submit(id, { playerId: 'p', score: 60 })).body).toMatchObject({
      score: 60,
      updated: true,
    });
    expect((await f.api.submit(id, { playerId: 'p', score: 30 })).body).toMatchObject({
      score: 90,
      previousScore: 60,
    });
    const over = await f.api.submit(id, { playerId: 'p', score: 20 });
    expect(over.status).toBe(400);
    expect(over.body.errors[0].path).toBe('score');
    expect((await f.api.get(`/v1/leaderboards/${id}/players/p`)).body.score).toBe(90);
    expect((await f.api.submit(id, { playerId: 'p', score: -190 })).body.score).toBe(-100);
  });

  it('increment stays exact at the edge of the safe range', async () => {
    const id = await board({ updateMode: 'increment' });
    await f.api.submit(id, { playerId: 'p', score: MAX - 1 });
    expect((await f.api.submit(id, { playerId: 'p', score: 1 })).body.score).toBe(MAX);
    expect((await f.api.submit(id, { playerId: 'p', score: 1 })).status).toBe(400);
    expect((await f.api.submit(id, { playerId: 'p', score: -MAX })).body.score).toBe(0);
  });

  it('rejects scores outside the board bounds with 400 and changes nothing', async () => {
    const id = await board({ minScore: 0, maxScore: 1000 });
    const res = await f.api.submit(id, { playerId: 'p', score: 1001 });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/\[0, 1000\]/);
    expect((await f.api.get(`/v1/leaderboards/${id}/entries`)).body.total).toBe(0);
  });

  it('orders ties by who reached the score first, in every rank mode', async () => {
    for (const rankMode of ['ordinal', 'competition', 'dense']) {
      const id = await board({ rankMode });
      await f.api.submit(id, { playerId: 'late', score: 5 });
      await f.api.submit(id, { playerId: 'first', score: 10 });
      await f.api.submit(id, { playerId: 'second', score: 10 });
      await f.api.submit(id, { playerId: 'late', score: 10 });
      await f.api.submit(id, { playerId: 'low', score: 1 });
      const ranks = { ordinal: [1, 2, 3, 4], competition: [1, 1, 1, 4], dense: [1, 1, 1, 2] }[
        rankMode
      ]!;
      expect(await top(id)).toEqual([
        ['first', 10, ranks[0]],
        ['second', 10, ranks[1]],
        ['late', 10, ranks[2]],
        ['low', 1, ranks[3]],
      ]);
    }
  });

  it('keeps ties exact for the largest safe scores', async () => {
    const id = await board({ rankMode: 'competition' });
    await f.api.submit(id, { playerId: 'a', score: MAX });
    await f.api.submit(id, { playerId: 'b', score: MAX - 1 });
    await f.api.submit(id, { playerId: 'c', score: MAX });
    await f.api.submit(id, { playerId: 'd', score: -MAX });
    expect(await top(id)).toEqual([
      ['a', MAX, 1],
      ['c', MAX, 1],
      ['b', MAX - 1, 3],
      ['d', -MAX, 4],
    ]);
  });

  it('stores displayName and metadata, keeping them when a later submit omits them', async () => {
    const id = await board();
    await f.api.submit(id, {
      playerId: 'p',
      score: 1,
      displayName: 'Pé 🎮',
      metadata: { lvl: 3, tags: ['a\tb'] },
    });
    await f.api.submit(id, { playerId: 'p', score: 2 });
    const p = (await f.api.get(`/v1/leaderboards/${id}/players/p`)).body;
    expect(p).toMatchObject({
      displayName: 'Pé 🎮',
      metadata: { lvl: 3, tags: ['a\tb'] },
      score: 2,
    });
    await f.api.submit(id, { playerId: 'p', score: 3, displayName: 'New' });
    expect((await f.api.get(`/v1/leaderboards/${id}/players/p`)).body.displayName).toBe('New');
  });

  it('applies an idempotent retry once and rejects the key with another body', async () => {
    const id = await board({ updateMode: 'increment' });
    const headers = { 'idempotency-key': 'retry-1' };
    const a = await f.api.submit(id, { playerId: 'p', score: 5 }, headers);
    const b = await f.api.submit(id, { playerId: 'p', score: 5 }, headers);
    expect(b.status).toBe(200);
    expect(b.body).toEqual(a.body);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect((await f.api.get(`/v1/leaderboards/${id}/players/p`)).body.score).toBe(5);
    const c = await f.api.submit(id, { playerId: 'p', score: 6 }, headers);
    expect(c.status).toBe(409);
    expect((await f.api.get(`/v1/leaderboards/${id}/players/p`)).body.score).toBe(5);
    expect(
      (await f.api.submit(id, { playerId: 'p', score: 5 }, { 'idempotency-key': 'x'.repeat(129) }))
        .status,
    ).toBe(400);
    const ttl = await f.valkey.client.pttl((await f.valkey.client.keys(`{lb:${id}}:idem:*`))[0]);
    expect(ttl).toBeGreaterThan(23 * 3600 * 1000);
  });

  it('applies a batch in order and returns per-entry results', async () => {
    const id = await board({ updateMode: 'increment' });
    const res = await f.api.batch(id, [
      { playerId: 'a', score: 5 },
      { playerId: 'b', score: 7 },
      { playerId: 'a', score: 5 },
    ]);
    expect(res.status).toBe(200);
    expect(
      res.body.results.map((r: { playerId: string; score: number; rank: number }) => [
        r.playerId,
        r.score,
        r.rank,
      ]),
    ).toEqual([
      ['a', 5, 1],
      ['b', 7, 1],
      ['a', 10, 1],
    ]);
    const retry = await f.api.batch(id, [{ playerId: 'a', score: 1 }], {
      'idempotency-key': 'batch-1',
    });
    const again = await f.api.batch(id, [{ playerId: 'a', score: 1 }], {
      'idempotency-key': 'batch-1',
    });
    expect(again.body).toEqual(retry.body);
    expect((await f.api.get(`/v1/leaderboards/${id}/players/a`)).body.score).toBe(11);
  });

  it('validates a batch whole: one bad entry names it and nothing is applied', async () => {
    const id = await board({ updateMode: 'increment', maxScore: 10 });
    const shape = await f.api.batch(id, [
      { playerId: 'a', score: 1 },
      { playerId: 'b', score: 'x' },
    ]);
    expect(shape.status).toBe(400);
    expect(shape.body.errors[0].path).toBe('entries.1.score');
    const bounds = await f.api.batch(id, [
      { playerId: 'a', score: 6 },
      { playerId: 'a', score: 6 },
    ]);
    expect(bounds.status).toBe(400);
    expect(bounds.body.errors[0].path).toBe('entries.1.score');
    expect((await f.api.get(`/v1/leaderboards/${id}/entries`)).body.total).toBe(0);
    const tooMany = await f.api.batch(
      id,
      Array.from({ length: 1001 }, (_, i) => ({ playerId: `p${i}`, score: 1 })),
    );
    expect(tooMany.status).toBe(400);
    expect((await f.api.batch(id, [])).status).toBe(400);
    // Entries that are not objects (an array inside the array, a number) are named, not a 500.
    for (const odd of [[{ playerId: 'z', score: 1 }, [{ playerId: 'x', score: 5 }]], [[]], [7]]) {
      const res = await f.api.batch(id, odd);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors[0].path).toMatch(/^entries/);
    }
    expect((await f.api.get(`/v1/leaderboards/${id}/entries`)).body.total).toBe(0);
  });

  it.each([
    [{ playerId: 'p', score: 1.5 }, 'score'],
    [{ playerId: 'p', score: '10' }, 'score'],
    [{ playerId: 'p', score: 2 ** 53 }, 'score'],
    [{ playerId: 'p' }, 'score'],
    [{ score: 1 }, 'playerId'],
    [{ playerId: 'bad id!', score: 1 }, 'playerId'],
    [{ playerId: 'x'.repeat(129), score: 1 }, 'playerId'],
    [{ playerId: 'p', score: 1, displayName: '' }, 'displayName'],
    [{ playerId: 'p', score: 1, displayName: 'a\u0007b' }, 'displayName'],
    [{ playerId: 'p', score: 1, displayName: 'x'.repeat(65) }, 'displayName'],
    [{ playerId: 'p', score: 1, metadata: [1, 2] }, 'metadata'],
    [{ playerId: 'p', score: 1, metadata: 'text' }, 'metadata'],
    [{ playerId: 'p', score: 1, metadata: { blob: 'x'.repeat(1100) } }, 'metadata'],
    [{ playerId: 'p', score: 1, cheat: true }, 'cheat'],
  ])('rejects %j with 400 naming %s and stores nothing', async (body, field) => {
    const id = await board();
    const res = await f.api.submit(id, body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    expect((await f.api.get(`/v1/leaderboards/${id}/entries`)).body.total).toBe(0);
  });

  it('answers malformed requests with problem+json', async () => {
    const id = await board();
    const badJson = await f.api.request('POST', `/v1/leaderboards/${id}/scores`, {
      raw: '{"playerId":',
      key: SUBMIT_KEY,
    });
    expect(badJson.status).toBe(400);
    expect(badJson.headers.get('content-type')).toContain('application/problem+json');
    const huge = await f.api.request('POST', `/v1/leaderboards/${id}/scores`, {
      raw: JSON.stringify({ playerId: 'p', score: 1, pad: 'x'.repeat(70 * 1024) }),
      key: SUBMIT_KEY,
    });
    expect(huge.status).toBe(413);
    expect(huge.body.status).toBe(413);
    const proto = await f.api.request('POST', `/v1/leaderboards/${id}/scores`, {
      raw: '{"playerId":"p","score":1,"metadata":{"__proto__":{"x":1}}}',
      key: SUBMIT_KEY,
    });
    expect(proto.status).toBe(400);
    const unknown = await f.api.submit('no-such-board', { playerId: 'p', score: 1 });
    expect(unknown.status).toBe(404);
    const badBoard = await f.api.submit('Bad!', { playerId: 'p', score: 1 });
    expect(badBoard.status).toBe(400);
    expect((await f.api.request('GET', '/no/such/route')).status).toBe(404);
    // A URL that is not valid percent-encoding never reaches a route: still problem+json.
    const badUrl = await f.api.request('GET', `/v1/leaderboards/${id}/players/%FF`);
    expect(badUrl.status).toBe(400);
    expect(badUrl.headers.get('content-type')).toContain('application/problem+json');
    // Bytes that are not HTTP at all get a problem+json 400 and a closed connection.
    const { port } = new URL(f.app.baseUrl);
    const raw = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('HELLO\r\n\r\n'));
      socket.on('data', (d) => (text += d.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toContain('application/problem+json');
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 400 });
    expect((await f.api.get(`/v1/leaderboards/${id}/entries`)).body.total).toBe(0);
  });

  it('needs a submit or admin key to submit', async () => {
    const id = await board();
    expect(
      (
        await f.api.request('POST', `/v1/leaderboards/${id}/scores`, {
          body: { playerId: 'p', score: 1 },
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await f.api.request('POST', `/v1/leaderboards/${id}/scores`, {
          body: { playerId: 'p', score: 1 },
          key: ADMIN_KEY,
        })
      ).status,
    ).toBe(200);
  });

  it('keeps the seed-compatible routes working on global', async () => {
    const noKey = await f.api.request('POST', '/submit-score', {
      body: { player_id: 'seed', score: 3 },
    });
    expect(noKey.status).toBe(401);
    const ok = await f.api.request('POST', '/submit-score', {
      body: { player_id: 'seed', score: 3 },
      key: SUBMIT_KEY,
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ player_id: 'seed', score: 3, rank: 1 });
    for (let i = 0; i < 12; i++) {
      await f.api.request('POST', '/submit-score', {
        body: { player_id: `s${i}`, score: i * 10 },
        key: SUBMIT_KEY,
      });
    }
    const lb = await f.api.get('/leaderboard');
    expect(lb.status).toBe(200);
    expect(lb.body).toHaveLength(10);
    expect(lb.body[0]).toEqual({ player_id: 's11', score: 110 });
    const bad = await f.api.request('POST', '/submit-score', {
      body: { player_id: 'x', score: 'high' },
      key: SUBMIT_KEY,
    });
    expect(bad.status).toBe(400);
  });
});
