import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ValkeyServerProcess } from '../../src/valkey/valkey-server-process';

/** A real valkey-server on a free port in a temporary directory, for one test file. */
export interface TestValkey {
  server: ValkeyServerProcess;
  url: string;
  client: Redis;
  stop(): Promise<void>;
}

export async function startValkey(): Promise<TestValkey> {
  const dir = mkdtempSync(join(tmpdir(), 'valkran-test-'));
  const server = await ValkeyServerProcess.start({
    binary: process.env.VALKEY_SERVER_BIN ?? 'valkey-server',
    dir,
    appendOnly: false,
  });
  const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
  return {
    server,
    url: server.url,
    client,
    async stop() {
      client.disconnect();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
