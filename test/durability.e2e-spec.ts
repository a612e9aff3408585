import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ValkeyServerProcess } from '../src/valkey/valkey-server-process';
import { http, startApp, TestApp } from './support/app';
import { waitFor } from './support/wait';

const PROBLEMS = 'https://valkran.dev/problems/';

/**
 * Issue 15 item 13: a 503 either means "nothing was applied" (`unavailable`) or says the outcome
 * is unknown (`outcome-unknown`: the command was sent, Valkey did not answer within the command
 * timeout and may still run it). Valkey is slowed on purpose with CLIENT PAUSE.
 */
describe('a write Valkey is too slow to answer (e2e, issue 15 item 13)', () => {
  let dir: string;
  let server: ValkeyServerProcess;
  let control: Redis;
  let t: TestApp;
  let api: ReturnType<typeof http>;
  const player = async (id: string) =>
    (await api.get(`/v1/leaderboards/slow/players/${id}`)).body as { score?: number };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'valkran-durability-'));
    server = await ValkeyServerProcess.start({ binary: 'valkey-server', dir, appendOnly: true });
    control = new Redis(server.url, { maxRetriesPerRequest: 1 });
    t = await startApp(server.url, { VALKEY_COMMAND_TIMEOUT_MS: '300' });
    api = http(t.baseUrl);
    expect(
      (await api.admin('POST', '/v1/leaderboards', { id: 'slow', updateMode: 'increment' })).status,
    ).toBe(201);
  });
  afterAll(async () => {
    control?.disconnect();
    await t?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says "outcome unknown" when a submit times out, applies it once, and replays the retry', async () => {
    // Valkey knows both scripts already (as it does in service), so what it held can run.
    expect((await api.submit('slow', { playerId: 'warm', score: 1 })).status).toBe(200);
    expect((await api.batch('slow', [{ playerId: 'warm', score: 1 }])).status).toBe(200);
    // Every script waits 1.5 s: longer than the 300 ms command timeout, then Valkey runs it.
    await control.call('CLIENT', 'PAUSE', '1500', 'WRITE');
    const started = Date.now();
    const key = { 'idempotency-key': 'slow-1' };
    const single = await api.submit('slow', { playerId: 'p', score: 10 }, key);
    const batchKey = { 'idempotency-key': 'slow-batch-1' };
    const entries = [
      { playerId: 'p', score: 5 },
      { playerId: 'q', score: 1 },
    ];
    const batch = await api.batch('slow', entries, batchKey);
    expect(Date.now() - started).toBeLessThan(1400); // both answered while Valkey was paused
    for (const res of [single, batch]) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ type: `${PROBLEMS}outcome-unknown`, status: 503 });
      expect(res.body.detail).toMatch(/may or may not have been applied/);
      expect(res.body.detail).toMatch(/same Idempotency-Key/);
    }

    // Once the pause ends, Valkey runs what it held: both writes WERE applied.
    await waitFor(async () => (await player('p')).score === 15, 5000, 'the held writes');
    expect((await player('q')).score).toBe(1);

    // The client retries as told, with the same key: replays, nothing is added again.
    const retry = await api.submit('slow', { playerId: 'p', score: 10 }, key);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toMatchObject({ score: 10, previousScore: null });
    const retryBatch = await api.batch('slow', entries, batchKey);
    expect(retryBatch.status).toBe(200);
    expect(retryBatch.headers.get('idempotent-replayed')).toBe('true');
    expect(retryBatch.body.results.map((r: { score: number }) => r.score)).toEqual([15, 1]);
    expect((await player('p')).score).toBe(15);
    expect((await player('q')).score).toBe(1);
  });

  it('says "unavailable" for reads that time out: nothing was applied', async () => {
    await control.call('CLIENT', 'PAUSE', '1000', 'ALL');
    const page = await api.get('/v1/leaderboards/slow/entries');
    const lookup = await api.request('POST', '/v1/leaderboards/slow/players/lookup', {
      body: { playerIds: ['p'] },
    });
    for (const res of [page, lookup]) {
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ type: `${PROBLEMS}unavailable` });
      expect(res.body.detail).toMatch(/nothing was applied/);
    }
    await waitFor(async () => (await api.get('/v1/leaderboards/slow/entries')).status === 200);
  });

  it('says "unavailable" when the write could not be sent at all, and indeed applied nothing', async () => {
    const { port } = server;
    await server.stop(); // AOF on: what was applied survives the restart
    await waitFor(async () => (await api.get('/health/ready')).status === 503, 5000, 'not ready');
    const res = await api.submit(
      'slow',
      { playerId: 'never', score: 1 },
      { 'idempotency-key': 'n' },
    );
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.body).toMatchObject({ type: `${PROBLEMS}unavailable` });
    expect(res.body.detail).toMatch(/nothing was applied/);

    server = await ValkeyServerProcess.start({
      binary: 'valkey-server',
      dir,
      port,
      appendOnly: true,
    });
    await waitFor(async () => (await api.get('/health/ready')).status === 200, 10000, 'ready');
    expect((await api.get('/v1/leaderboards/slow/players/never')).status).toBe(404);
    expect((await player('p')).score).toBe(15);
  });
});

describe('durable writes: acknowledged only once a replica has them (e2e)', () => {
  let dir: string;
  let primary: ValkeyServerProcess;
  let replica: ValkeyServerProcess;
  let t: TestApp;
  let api: ReturnType<typeof http>;
  const startReplica = (port?: number) =>
    ValkeyServerProcess.start({
      binary: 'valkey-server',
      dir: join(dir, 'replica'),
      port,
      appendOnly: false,
      extraArgs: ['--replicaof', '127.0.0.1', String(primary.port)],
    });
  const synced = async () => {
    const client = new Redis(replica.url, { maxRetriesPerRequest: 0, lazyConnect: true });
    try {
      await client.connect();
      return (await client.info('replication')).includes('master_link_status:up');
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'valkran-durable-'));
    primary = await ValkeyServerProcess.start({
      binary: 'valkey-server',
      dir: join(dir, 'primary'),
      appendOnly: false,
    });
    replica = await startReplica();
    await waitFor(synced, 10000, 'the replica to sync');
    t = await startApp(primary.url, { VALKEY_DURABLE_WRITES: 'replicas' });
    api = http(t.baseUrl);
    expect(
      (await api.admin('POST', '/v1/leaderboards', { id: 'durable', updateMode: 'increment' }))
        .status,
    ).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    await replica?.stop();
    await primary?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 200 when the replica has the write, outcome-unknown when no replica confirms', async () => {
    const ok = await api.submit(
      'durable',
      { playerId: 'p', score: 5 },
      { 'idempotency-key': 'd1' },
    );
    expect(ok.status).toBe(200);
    const onReplica = new Redis(replica.url);
    try {
      expect(await onReplica.keys('{lb:durable}:idem:*')).toHaveLength(1);
    } finally {
      onReplica.disconnect();
    }

    const { port } = replica;
    await replica.stop();
    const key = { 'idempotency-key': 'd2' };
    const res = await api.submit('durable', { playerId: 'p', score: 7 }, key);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ type: `${PROBLEMS}outcome-unknown` });
    // Applied on the primary, but not acknowledged: a retry once a replica is back replays it.
    expect((await api.get('/v1/leaderboards/durable/players/p')).body.score).toBe(12);
    replica = await startReplica(port);
    await waitFor(synced, 10000, 'the replica to sync again');
    const retry = await api.submit('durable', { playerId: 'p', score: 7 }, key);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toMatchObject({ score: 12, previousScore: 5 });
  });
});
