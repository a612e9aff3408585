import { http, startApp, TestApp } from './app';
import { startValkey, TestValkey } from './valkey';

export interface AppFixture {
  valkey: TestValkey;
  app: TestApp;
  api: ReturnType<typeof http>;
  /** Creates a board with a fresh id (`<prefix><n>`) and the given settings. */
  board(config?: Record<string, unknown>): Promise<string>;
}

/**
 * One real valkey-server and one app for a test file: started before its tests, stopped after.
 * Fields are filled in by `beforeAll`, so read them inside tests, not at describe time.
 */
export function useApp(env: Record<string, string> = {}, boardPrefix = 'b'): AppFixture {
  let n = 0;
  const f = {} as AppFixture;
  f.board = async (config = {}) => {
    const id = `${boardPrefix}${++n}`;
    const res = await f.api.admin('POST', '/v1/leaderboards', { id, ...config });
    if (res.status !== 201)
      throw new Error(`creating board ${id} gave ${res.status}: ${JSON.stringify(res.body)}`);
    return id;
  };
  beforeAll(async () => {
    f.valkey = await startValkey();
    f.app = await startApp(f.valkey.url, env);
    f.api = http(f.app.baseUrl);
  }, 30000);
  afterAll(async () => {
    await f.app?.close();
    await f.valkey?.stop();
  });
  return f;
}
