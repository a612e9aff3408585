import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp, CreateAppOptions } from '../../src/app';
import { loadConfig } from '../../src/config/app-config';

export const ADMIN_KEY = 'test-admin-key-0123456789';
export const SUBMIT_KEY = 'test-submit-key-0123456789';

export interface TestApp {
  app: NestFastifyApplication;
  baseUrl: string;
  close(): Promise<void>;
}

/** Boots the real application (api mode unless `env` says otherwise) on a free port. */
export async function startApp(
  valkeyUrl: string,
  env: Record<string, string> = {},
  options: CreateAppOptions = {},
): Promise<TestApp> {
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      VALKEY_URL: valkeyUrl,
      ADMIN_API_KEYS: ADMIN_KEY,
      SUBMIT_API_KEYS: SUBMIT_KEY,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      APP_MODE: 'api',
      // Limits are off unless a test turns them on (rate-limit tests do).
      RATE_LIMIT_SUBMIT_PER_KEY: '0',
      RATE_LIMIT_SUBMIT_PER_PLAYER: '0',
      RATE_LIMIT_READ_PER_IP: '0',
      ...env,
    },
    [],
  );
  const app = await createApp(config, options);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}

export interface Res<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A tiny HTTP client for the tests: JSON in, parsed JSON (or text) out. */
export function http(baseUrl: string) {
  async function request<T = any>(
    method: string,
    path: string,
    opts: {
      body?: unknown;
      raw?: string;
      key?: string | null;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Res<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.key) headers.authorization = `Bearer ${opts.key}`;
    let payload: string | undefined;
    if (opts.raw !== undefined) {
      payload = opts.raw;
      headers['content-type'] ??= 'application/json';
    } else if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
    const text = await res.text();
    let body: unknown = text;
    if (text && /json/.test(res.headers.get('content-type') ?? '')) body = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: body as T };
  }
  return {
    request,
    get: <T = any>(path: string) => request<T>('GET', path),
    admin: <T = any>(method: string, path: string, body?: unknown) =>
      request<T>(method, path, { body, key: ADMIN_KEY }),
    submit: <T = any>(boardId: string, body: unknown, headers?: Record<string, string>) =>
      request<T>('POST', `/v1/leaderboards/${boardId}/scores`, { body, key: SUBMIT_KEY, headers }),
    batch: <T = any>(boardId: string, entries: unknown[], headers?: Record<string, string>) =>
      request<T>('POST', `/v1/leaderboards/${boardId}/scores/batch`, {
        body: { entries },
        key: SUBMIT_KEY,
        headers,
      }),
  };
}
