import { ConfigError, loadConfig, sha256 } from './app-config';

const base = { NODE_ENV: 'test', VALKEY_URL: 'redis://127.0.0.1:6379' };

describe('loadConfig', () => {
  it('applies defaults', () => {
    const c = loadConfig({ ...base, ADMIN_API_KEYS: 'a'.repeat(16) }, []);
    expect(c).toMatchObject({
      mode: 'all',
      port: 3000,
      host: '0.0.0.0',
      valkeyCommandTimeoutMs: 500,
    });
    expect(c.valkey).toEqual({ kind: 'standalone', url: base.VALKEY_URL });
  });

  it('uses the embedded Valkey outside production when none is configured', () => {
    const c = loadConfig({ NODE_ENV: 'development' }, []);
    expect(c.valkey).toMatchObject({
      kind: 'embedded',
      dataDir: '.valkran',
      binary: 'valkey-server',
    });
    expect(c.generatedKeys?.admin).toMatch(/^adm_/);
    expect(c.apiKeys.admin[0]).toEqual(sha256(c.generatedKeys!.admin));
  });

  it('takes the mode from --mode over APP_MODE', () => {
    expect(loadConfig({ ...base, APP_MODE: 'api' }, ['--mode', 'worker']).mode).toBe('worker');
    expect(loadConfig({ ...base, APP_MODE: 'api' }, ['--mode=all']).mode).toBe('all');
    expect(loadConfig({ ...base, APP_MODE: 'api' }, []).mode).toBe('api');
  });

  it('refuses --mode without a value instead of running everything', () => {
    expect(() => loadConfig(base, ['--mode'])).toThrow(/--mode/);
    expect(() => loadConfig(base, ['--mode='])).toThrow(/--mode/);
  });

  it('applies VALKEY_PASSWORD to VALKEY_URL, unless the URL has a different one', () => {
    const pw = 'p@ss word';
    const c = loadConfig({ ...base, VALKEY_PASSWORD: pw, ADMIN_API_KEYS: 'a'.repeat(16) }, []);
    expect(c.valkey).toEqual({
      kind: 'standalone',
      url: `redis://:${encodeURIComponent(pw)}@127.0.0.1:6379`,
    });
    const same = { VALKEY_URL: 'redis://:secret@h:6379', VALKEY_PASSWORD: 'secret' };
    expect(loadConfig({ ...base, ...same }, []).valkey).toMatchObject({
      url: 'redis://:secret@h:6379',
    });
    expect(() =>
      loadConfig({ ...base, VALKEY_URL: 'redis://:one@h:6379', VALKEY_PASSWORD: 'two' }, []),
    ).toThrow(/VALKEY_PASSWORD/);
  });

  it('passes valkey:// and valkeys:// URLs on as the redis:// and rediss:// ioredis reads', () => {
    const url = (VALKEY_URL: string, extra = {}) =>
      (loadConfig({ ...base, VALKEY_URL, ...extra }, []).valkey as { url: string }).url;
    expect(url('valkey://h:6380/2')).toBe('redis://h:6380/2');
    expect(url('valkeys://u:pw@h:6380')).toBe('rediss://u:pw@h:6380');
    expect(url('valkey://h:6380', { VALKEY_PASSWORD: 'pw' })).toBe('redis://:pw@h:6380');
    expect(url('rediss://h:6380')).toBe('rediss://h:6380');
  });

  it('takes the ACL user from VALKEY_USERNAME, for the cluster nodes and VALKEY_URL alike', () => {
    const cluster = loadConfig(
      {
        NODE_ENV: 'test',
        VALKEY_CLUSTER_NODES: 'a:7000,b:7001',
        VALKEY_USERNAME: 'valkran',
        VALKEY_PASSWORD: 'pw',
      },
      [],
    ).valkey;
    expect(cluster).toMatchObject({ kind: 'cluster', username: 'valkran', password: 'pw' });
    const url = (extra: Record<string, string>) =>
      (loadConfig({ ...base, ...extra }, []).valkey as { url: string }).url;
    expect(url({ VALKEY_USERNAME: 'valkran', VALKEY_PASSWORD: 'pw' })).toBe(
      'redis://valkran:pw@127.0.0.1:6379',
    );
    expect(url({ VALKEY_URL: 'redis://valkran@h:1', VALKEY_USERNAME: 'valkran' })).toBe(
      'redis://valkran@h:1',
    );
    expect(() =>
      loadConfig({ ...base, VALKEY_URL: 'redis://other@h:1', VALKEY_USERNAME: 'valkran' }, []),
    ).toThrow(/VALKEY_USERNAME/);
    expect(() => loadConfig({ ...base, VALKEY_USERNAME: 'a b' }, [])).toThrow(/VALKEY_USERNAME/);
  });

  it('normalizes CORS_ORIGINS to origins and rejects what is not one', () => {
    const c = loadConfig({ ...base, CORS_ORIGINS: ' https://a.example/ ,http://b.example:8080,*' });
    expect(c.corsOrigins).toEqual(['https://a.example', 'http://b.example:8080', '*']);
    expect(() => loadConfig({ ...base, CORS_ORIGINS: 'https://a.example/game' }, [])).toThrow(
      /CORS_ORIGINS/,
    );
    expect(() => loadConfig({ ...base, CORS_ORIGINS: 'a.example' }, [])).toThrow(/CORS_ORIGINS/);
  });

  it('accepts sha256: key hashes', () => {
    const hex = sha256('my-secret-key-123456').toString('hex');
    const c = loadConfig({ ...base, SUBMIT_API_KEYS: `sha256:${hex}` }, []);
    expect(c.apiKeys.submit[0]).toEqual(sha256('my-secret-key-123456'));
    expect(c.generatedKeys).toBeNull();
  });

  it('parses cluster nodes', () => {
    const c = loadConfig(
      { NODE_ENV: 'test', VALKEY_CLUSTER_NODES: 'a:7000,b:7001', ADMIN_API_KEYS: 'k'.repeat(16) },
      [],
    );
    expect(c.valkey).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
      password: undefined,
    });
  });

  it('never echoes a password from a malformed VALKEY_URL', () => {
    for (const url of [
      'redis//:hunter2-secret@valkey:6379',
      'redis://:hunter2-secret@[valkey:6379',
    ]) {
      let message = '';
      try {
        loadConfig({ ...base, VALKEY_URL: url, ADMIN_API_KEYS: 'a'.repeat(16) }, []);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toContain('VALKEY_URL');
      expect(message).not.toContain('hunter2');
    }
  });

  it('reads the ops limits with their defaults', () => {
    const c = loadConfig({ ...base, ADMIN_API_KEYS: 'a'.repeat(16) }, []);
    expect(c.maxBoards).toBe(10_000);
    expect(c.rateLimits.authFailuresPerIp).toBe(10);
    const set = loadConfig(
      {
        ...base,
        MAX_BOARDS: '5',
        RATE_LIMIT_AUTH_FAILURES_PER_IP: '0',
        ADMIN_API_KEYS: 'a'.repeat(16),
      },
      [],
    );
    expect(set.maxBoards).toBe(5);
    expect(set.rateLimits.authFailuresPerIp).toBe(0);
    const dev = loadConfig({ NODE_ENV: 'development' }, []).valkey;
    expect(dev.kind === 'embedded' && dev.maxmemory).toMatch(/^\d+mb$/);
    expect(
      loadConfig({ NODE_ENV: 'development', VALKEY_MAXMEMORY: '2gb' }, []).valkey,
    ).toMatchObject({ maxmemory: '2gb' });
  });

  it('reads the webhook settings: private targets off, retries over about a day by default', () => {
    const c = loadConfig({ ...base, ADMIN_API_KEYS: 'a'.repeat(16) }, []);
    expect(c.webhooks.allowPrivate).toBe(false);
    const delays = c.webhooks.retryDelaysMs;
    expect(delays).toHaveLength(9);
    delays.slice(1).forEach((d, i) => expect(d).toBe(delays[i] * 3));
    const total = delays.reduce((a, b) => a + b, 0) / 3_600_000;
    expect(total).toBeGreaterThan(20);
    expect(total).toBeLessThan(30);
    const custom = loadConfig(
      {
        ...base,
        ADMIN_API_KEYS: 'a'.repeat(16),
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_RETRY_DELAYS_MS: '100,200,400',
      },
      [],
    );
    expect(custom.webhooks).toEqual({ allowPrivate: true, retryDelaysMs: [100, 200, 400] });
  });

  it.each([
    [{ PORT: '70000' }, 'PORT'],
    [{ MAX_BOARDS: '0' }, 'MAX_BOARDS'],
    [{ VALKEY_MAXMEMORY: 'lots' }, 'VALKEY_MAXMEMORY'],
    [{ PORT: 'x' }, 'PORT'],
    [{ APP_MODE: 'both' }, 'APP_MODE'],
    [{ VALKEY_URL: 'http://x' }, 'VALKEY_URL'],
    [{ VALKEY_CLUSTER_NODES: 'nope' }, 'VALKEY_CLUSTER_NODES'],
    [{ ADMIN_API_KEYS: 'short' }, 'ADMIN_API_KEYS'],
    [{ SUBMIT_API_KEYS: 'sha256:xyz' }, 'SUBMIT_API_KEYS'],
    [{ NODE_ENV: 'production', VALKEY_URL: undefined }, 'VALKEY_URL'],
    [{ NODE_ENV: 'production' }, 'ADMIN_API_KEYS'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ WEBHOOK_ALLOW_PRIVATE: 'yes' }, 'WEBHOOK_ALLOW_PRIVATE'],
    [{ WEBHOOK_RETRY_DELAYS_MS: '10,,20' }, 'WEBHOOK_RETRY_DELAYS_MS'],
    [{ WEBHOOK_RETRY_DELAYS_MS: '1s' }, 'WEBHOOK_RETRY_DELAYS_MS'],
  ])('rejects %j naming %s', (env, name) => {
    let error: unknown;
    try {
      loadConfig({ ...base, ...env }, []);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(name);
  });
});
