import { ADMIN_KEY, SUBMIT_KEY } from './support/app';
import { useApp } from './support/fixture';

describe('boards (e2e)', () => {
  const f = useApp({}, 'b');

  it('has the global board at startup with the documented defaults', async () => {
    const res = await f.api.get('/v1/leaderboards/global');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 'global',
      title: 'global',
      sortOrder: 'desc',
      updateMode: 'best',
      rankMode: 'ordinal',
      resetSchedule: null,
      timezone: 'UTC',
      minScore: -Number.MAX_SAFE_INTEGER,
      maxScore: Number.MAX_SAFE_INTEGER,
      retainPeriods: 7,
      tiers: [],
      memberCount: 0,
      nextResetAt: null,
      period: { id: '0000000001', endsAt: null },
    });
  });

  it('creates, lists, patches and deletes a board', async () => {
    const created = await f.api.admin('POST', '/v1/leaderboards', {
      id: 'weekly',
      title: 'Weekly',
      sortOrder: 'asc',
      updateMode: 'latest',
      rankMode: 'dense',
      resetSchedule: '0 0 * * 1',
      timezone: 'Europe/Berlin',
      minScore: 0,
      maxScore: 1000,
      retainPeriods: 3,
      tiers: [{ name: 'gold', topPercent: 1 }],
    });
    expect(created.status).toBe(201);
    expect(created.body.period.endsAt).toBe(created.body.nextResetAt);
    expect(new Date(created.body.nextResetAt).getTime()).toBeGreaterThan(Date.now());

    const again = await f.api.admin('POST', '/v1/leaderboards', { id: 'weekly' });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');

    const list = await f.api.get('/v1/leaderboards');
    expect(list.body.map((b: { id: string }) => b.id)).toEqual(['global', 'weekly']);

    const patched = await f.api.admin('PATCH', '/v1/leaderboards/weekly', {
      title: 'Weekly Arena',
      resetSchedule: null,
      maxScore: 5000,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      title: 'Weekly Arena',
      resetSchedule: null,
      nextResetAt: null,
      maxScore: 5000,
      sortOrder: 'asc',
    });
    expect((await f.api.get('/v1/leaderboards/weekly')).body.title).toBe('Weekly Arena');

    expect((await f.api.admin('DELETE', '/v1/leaderboards/weekly')).status).toBe(204);
    expect((await f.api.get('/v1/leaderboards/weekly')).status).toBe(404);
    expect((await f.api.admin('DELETE', '/v1/leaderboards/weekly')).status).toBe(404);
    expect((await f.api.admin('DELETE', '/v1/leaderboards/global')).status).toBe(409);
  });

  it('deleting a board removes all its keys', async () => {
    await f.api.admin('POST', '/v1/leaderboards', { id: 'temp', rankMode: 'dense' });
    await f.api.submit('temp', { playerId: 'p1', score: 10 });
    expect((await f.valkey.client.keys('{lb:temp}*')).length).toBeGreaterThan(0);
    await f.api.admin('DELETE', '/v1/leaderboards/temp');
    expect(await f.valkey.client.keys('{lb:temp}*')).toEqual([]);
  });

  it.each([
    [{ id: 'Bad Id' }, 'id'],
    [{ id: 'x', sortOrder: 'up' }, 'sortOrder'],
    [{ id: 'x', updateMode: 'sum' }, 'updateMode'],
    [{ id: 'x', rankMode: 'olympic' }, 'rankMode'],
    [{ id: 'x', resetSchedule: '* * *' }, 'resetSchedule'],
    [{ id: 'x', resetSchedule: 'every monday' }, 'resetSchedule'],
    [{ id: 'x', timezone: 'Mars/Olympus' }, 'timezone'],
    [{ id: 'x', minScore: 1.5 }, 'minScore'],
    [{ id: 'x', maxScore: 2 ** 53 }, 'maxScore'],
    [{ id: 'x', minScore: 10, maxScore: 5 }, 'minScore'],
    [{ id: 'x', retainPeriods: 366 }, 'retainPeriods'],
    [{ id: 'x', title: '' }, 'title'],
    [{ id: 'x', title: null }, 'title'],
    [{ id: 'x', tiers: [{ name: 'g', topPercent: 101 }] }, 'tiers.0.topPercent'],
    [{ id: 'x', tiers: [[{ name: 'g', topPercent: 1 }]] }, 'tiers'],
    [{ id: 'x', tiers: ['gold'] }, 'tiers'],
    [
      { id: 'x', tiers: Array.from({ length: 11 }, (_, i) => ({ name: `t${i}`, topPercent: 5 })) },
      'tiers',
    ],
    [{ id: 'x', colour: 'red' }, 'colour'],
  ])('rejects invalid create body %j naming %s, creating nothing', async (body, field) => {
    const res = await f.api.admin('POST', '/v1/leaderboards', body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    expect((await f.api.get('/v1/leaderboards/x')).status).toBe(404);
  });

  it.each(['id', 'sortOrder', 'updateMode', 'rankMode'])(
    'rejects PATCH of immutable %s',
    async (field) => {
      await f.api.admin('POST', '/v1/leaderboards', { id: 'imm' });
      const res = await f.api.admin('PATCH', '/v1/leaderboards/imm', { [field]: 'asc' });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].path).toBe(field);
      expect((await f.api.get('/v1/leaderboards/imm')).body.sortOrder).toBe('desc');
    },
  );

  it('rejects PATCH that would make min > max and changes nothing', async () => {
    await f.api.admin('POST', '/v1/leaderboards', { id: 'bounds', minScore: 0, maxScore: 100 });
    const res = await f.api.admin('PATCH', '/v1/leaderboards/bounds', {
      minScore: 500,
      title: 'T',
    });
    expect(res.status).toBe(400);
    expect((await f.api.get('/v1/leaderboards/bounds')).body).toMatchObject({
      minScore: 0,
      title: 'bounds',
    });
    expect((await f.api.admin('PATCH', '/v1/leaderboards/nope', { title: 'x' })).status).toBe(404);
  });

  it('needs an admin key for board administration', async () => {
    const noKey = await f.api.request('POST', '/v1/leaderboards', { body: { id: 'k1' } });
    expect(noKey.status).toBe(401);
    expect(noKey.body.type).toMatch(/unauthorized/);
    const wrong = await f.api.request('POST', '/v1/leaderboards', {
      body: { id: 'k1' },
      key: 'not-a-real-key-000000',
    });
    expect(wrong.status).toBe(401);
    const submitOnly = await f.api.request('POST', '/v1/leaderboards', {
      body: { id: 'k1' },
      key: SUBMIT_KEY,
    });
    expect(submitOnly.status).toBe(403);
    const viaHeader = await f.api.request('POST', '/v1/leaderboards', {
      body: { id: 'k1' },
      headers: { 'x-api-key': ADMIN_KEY },
    });
    expect(viaHeader.status).toBe(201);
  });
});
