import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../src/valkey/valkey-server-process';
import { ADMIN_KEY, http, startApp, SUBMIT_KEY, TestApp } from './support/app';
import { connectLive, LiveClient } from './support/live-client';
import { startValkey, TestValkey } from './support/valkey';
import { waitFor } from './support/wait';

/**
 * The deployment files docker-compose.yml uses, run here without Docker: Valkey started by
 * deploy/valkey/valkey-start.sh with its ACL user, and nginx with deploy/nginx.conf in front of
 * two api replicas.
 */

const ROOT = resolve(__dirname, '..');
const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';

/** One inline command over a fresh TCP connection; the first reply line. */
function rawCommand(port: number, command: string): Promise<string> {
  return new Promise((done, fail) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let reply = '';
    socket.on('error', fail);
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) {
        socket.destroy();
        done(reply.split('\r\n')[0]);
      }
    });
  });
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  return exited;
}

describe('Valkey as compose runs it (deploy/valkey): config rendered at start, ACL user', () => {
  const PASSWORD = 'p@ss:w/rd #1 of-the-app';
  const ADMIN_PASSWORD = 'admin-secret-0123456789';
  let dir: string;
  let port: number;
  let server: ChildProcess;
  let admin: Redis;
  let api: TestApp | undefined;
  let worker: TestApp | undefined;
  let live: LiveClient | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'valkran-deploy-valkey-'));
    port = await freePort();
    server = spawn(
      'sh',
      [
        join(ROOT, 'deploy/valkey/valkey-start.sh'),
        process.env.VALKEY_SERVER_BIN ?? 'valkey-server',
      ],
      {
        env: {
          PATH: process.env.PATH,
          VALKEY_PASSWORD: PASSWORD,
          VALKEY_ADMIN_PASSWORD: ADMIN_PASSWORD,
          VALKEY_MAXMEMORY: '256mb',
          VALKEY_PORT: String(port),
          VALKEY_DATA_DIR: dir,
          VALKEY_CONF_DIR: join(dir, 'conf'),
        },
        stdio: 'ignore',
      },
    );
    admin = new Redis({ port, host: '127.0.0.1', username: 'admin', password: ADMIN_PASSWORD });
    await waitFor(async () => (await admin.ping().catch(() => null)) === 'PONG', 10_000, 'Valkey');
  }, 30000);
  afterAll(async () => {
    live?.close();
    await worker?.close();
    await api?.close();
    admin?.disconnect();
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps passwords off the command line and out of the file, with the memory ceiling', async () => {
    const cmdline = readFileSync(`/proc/${server.pid}/cmdline`, 'utf8');
    expect(cmdline).not.toContain(PASSWORD);
    const conf = readFileSync(join(dir, 'conf/valkey.conf'), 'utf8');
    expect(conf).not.toContain(PASSWORD);
    expect(conf).not.toContain(ADMIN_PASSWORD);
    expect(await admin.config('GET', 'maxmemory')).toEqual(['maxmemory', String(256 * 2 ** 20)]);
    expect(await admin.config('GET', 'maxmemory-policy')).toEqual([
      'maxmemory-policy',
      'noeviction',
    ]);
    expect(await admin.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
  });

  it('refuses the default user and gives the app user no admin or dangerous command', async () => {
    // Without credentials: nothing (raw RESP, as ioredis would authenticate first).
    expect(await rawCommand(port, 'PING')).toMatch(/^-NOAUTH/);
    expect(await rawCommand(port, 'AUTH default anything')).toMatch(/^-WRONGPASS/);
    const app = new Redis({ port, host: '127.0.0.1', username: 'valkran', password: PASSWORD });
    try {
      expect(await app.ping()).toBe('PONG');
      for (const command of [
        ['config', 'get', 'maxmemory'],
        ['flushall'],
        ['keys', '*'],
        ['shutdown', 'nosave'],
        ['acl', 'list'],
        ['save'],
        ['client', 'list'],
        ['script', 'flush'],
        ['function', 'flush'],
        ['replicaof', 'no', 'one'],
      ]) {
        await expect(app.call(command[0], ...command.slice(1))).rejects.toThrow(/NOPERM/);
      }
    } finally {
      app.disconnect();
    }
  });

  it('runs the app (api + worker) as that user with no command denied', async () => {
    await admin.acl('LOG', 'RESET');
    // As in docker-compose.yml: the user in the URL, the password beside it.
    const env = {
      VALKEY_URL: `redis://valkran@127.0.0.1:${port}`,
      VALKEY_PASSWORD: PASSWORD,
      RATE_LIMIT_READ_PER_IP: '1000',
      RATE_LIMIT_SUBMIT_PER_KEY: '1000',
      RATE_LIMIT_SUBMIT_PER_PLAYER: '100',
    };
    api = await startApp('', { ...env, APP_MODE: 'api' });
    // The worker names the user with VALKEY_USERNAME instead (as a cluster deployment must).
    worker = await startApp('', {
      ...env,
      VALKEY_URL: `redis://127.0.0.1:${port}`,
      VALKEY_USERNAME: 'valkran',
      APP_MODE: 'worker',
    });
    const c = http(api.baseUrl);
    expect(
      (await c.admin('POST', '/v1/leaderboards', { id: 'acl', rankMode: 'dense' })).status,
    ).toBe(201);
    live = await connectLive(api.baseUrl);
    expect(
      (await live.request('subscribe', { leaderboardId: 'acl', top: 3, playerIds: ['a'] })).ok,
    ).toBe(true);
    expect(
      (await c.submit('acl', { playerId: 'a', score: 10 }, { 'idempotency-key': 'k1' })).status,
    ).toBe(200);
    expect(
      (await c.submit('acl', { playerId: 'a', score: 10 }, { 'idempotency-key': 'k1' })).status,
    ).toBe(200);
    expect(
      (
        await c.batch('acl', [
          { playerId: 'b', score: 20 },
          { playerId: 'c', score: 5 },
        ])
      ).status,
    ).toBe(200);
    await waitFor(
      async () => live!.events.some((e) => e.name === 'leaderboard.top'),
      10_000,
      'a live event',
    );
    for (const path of [
      '/v1/leaderboards',
      '/v1/leaderboards/acl',
      '/v1/leaderboards/acl/entries',
      '/v1/leaderboards/acl/players/a',
      '/v1/leaderboards/acl/players/a/around?limit=3',
      '/leaderboard',
    ]) {
      expect({ path, status: (await c.get(path)).status }).toEqual({ path, status: 200 });
    }
    await waitFor(async () => (await c.get('/v1/leaderboards/acl/stats')).body.status === 'ready');
    expect((await c.admin('POST', '/v1/leaderboards/acl/reset')).status).toBe(202);
    await waitFor(
      async () => (await c.get('/v1/leaderboards/acl')).body.period.id === '0000000002',
      10_000,
      'the reset',
    );
    expect((await c.get('/v1/leaderboards/acl/periods/0000000001/entries')).status).toBe(200);
    expect(
      (await c.admin('PATCH', '/v1/leaderboards/acl', { resetSchedule: '0 0 * * 1' })).status,
    ).toBe(200);
    expect(
      (await c.admin('DELETE', '/v1/leaderboards/acl/entries?minScore=0&maxScore=1')).status,
    ).toBe(200);
    expect((await c.admin('DELETE', '/v1/players/a')).status).toBe(200);
    const dashboard = await c.request('GET', '/admin/queues/api/queues', {
      headers: { authorization: `Basic ${Buffer.from(`x:${ADMIN_KEY}`).toString('base64')}` },
    });
    expect(dashboard.status).toBe(200);
    for (const base of [api.baseUrl, worker.baseUrl]) {
      expect((await http(base).get('/health/ready')).status).toBe(200);
      expect((await http(base).get('/metrics')).status).toBe(200);
    }
    expect((await c.admin('DELETE', '/v1/leaderboards/acl')).status).toBe(204);
    expect(SUBMIT_KEY).toBeTruthy();

    // Nothing the app or BullMQ or the Socket.IO adapter sent was refused.
    // Nothing the app, BullMQ or the Socket.IO adapter sent was refused, except bull-board's
    // CLIENT LIST (its worker list; it copes without one): CLIENT LIST shows every connection.
    const log = (await admin.acl('LOG')) as (string | number)[][];
    const denied = log.map((entry) => {
      const fields = new Map<unknown, unknown>();
      for (let i = 0; i < entry.length; i += 2) fields.set(entry[i], entry[i + 1]);
      return String(fields.get('object'));
    });
    expect(denied.filter((command) => command !== 'client|list')).toEqual([]);
  });
});

describe('nginx as compose runs it (deploy/nginx.conf) in front of two api replicas', () => {
  let valkey: TestValkey;
  let apis: TestApp[] = [];
  let worker: TestApp;
  let nginx: ChildProcess;
  let dir: string;
  let base: string;
  let live: LiveClient | undefined;

  beforeAll(async () => {
    if (!existsSync(NGINX)) {
      throw new Error(
        `${NGINX} is missing: "bash scripts/install-deps.sh --proxy" installs it (npm test does)`,
      );
    }
    valkey = await startValkey();
    apis = [
      await startApp(valkey.url, { TRUST_PROXY: '1' }),
      await startApp(valkey.url, { TRUST_PROXY: '1' }),
    ];
    worker = await startApp(valkey.url, { APP_MODE: 'worker' });
    dir = mkdtempSync(join(tmpdir(), 'valkran-nginx-'));
    const port = await freePort();
    const upstream = (t: TestApp) => new URL(t.baseUrl).host;
    const site = readFileSync(join(ROOT, 'deploy/nginx.conf'), 'utf8')
      .replace('server api-1:3000;', `server ${upstream(apis[0])};`)
      .replace('server api-2:3000;', `server ${upstream(apis[1])};`)
      .replace(/listen 80;/, `listen 127.0.0.1:${port};`);
    expect(site).toContain(upstream(apis[1]));
    writeFileSync(join(dir, 'site.conf'), site);
    writeFileSync(
      join(dir, 'nginx.conf'),
      [
        'daemon off;',
        'worker_processes 1;',
        `pid ${dir}/nginx.pid;`,
        `error_log ${dir}/error.log warn;`,
        'events { worker_connections 256; }',
        'http {',
        '  access_log off;',
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
          (t) => `  ${t}_temp_path ${dir}/${t};`,
        ),
        `  include ${dir}/site.conf;`,
        '}',
      ].join('\n'),
    );
    nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
      stdio: 'ignore',
    });
    base = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => (await fetch(`${base}/health/live`).catch(() => null))?.ok,
      10_000,
      'nginx',
    );
  }, 30000);
  afterAll(async () => {
    live?.close();
    await stop(nginx);
    await worker?.close();
    for (const a of apis) await a.close();
    await valkey?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lets the page connect to /live from its own origin, port included, over polling and WebSocket', async () => {
    const origin = base; // the page at http://127.0.0.1:<port>/ connects back to its origin
    const handshake = (o: string) =>
      fetch(`${base}/socket.io/?EIO=4&transport=polling`, { headers: { origin: o } });
    const ok = await handshake(origin);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/"sid"/);
    // A page elsewhere is still refused (CORS_ORIGINS is empty).
    expect((await handshake('http://evil.example')).status).toBe(403);

    const c = http(base);
    expect((await c.admin('POST', '/v1/leaderboards', { id: 'proxied' })).status).toBe(201);
    live = await connectLive(base, { origin });
    expect((await live.request('subscribe', { leaderboardId: 'proxied', top: 3 })).ok).toBe(true);
    expect((await c.submit('proxied', { playerId: 'a', score: 1 })).status).toBe(200);
    const top = await waitFor(
      async () => live!.events.find((e) => e.name === 'leaderboard.top'),
      10_000,
      'a live event through the proxy',
    );
    expect(top.payload.entries[0]).toMatchObject({ playerId: 'a', score: 1 });
  });
});
