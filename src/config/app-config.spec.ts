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

  it.each([
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: 'x' }, 'PORT'],
    [{ APP_MODE: 'both' }, 'APP_MODE'],
    [{ VALKEY_URL: 'http://x' }, 'VALKEY_URL'],
    [{ VALKEY_CLUSTER_NODES: 'nope' }, 'VALKEY_CLUSTER_NODES'],
    [{ ADMIN_API_KEYS: 'short' }, 'ADMIN_API_KEYS'],
    [{ SUBMIT_API_KEYS: 'sha256:xyz' }, 'SUBMIT_API_KEYS'],
    [{ NODE_ENV: 'production', VALKEY_URL: undefined }, 'VALKEY_URL'],
    [{ NODE_ENV: 'production' }, 'ADMIN_API_KEYS'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
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
