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

/**
 * One command's line of `INFO commandstats`: calls run (failed ones included, such as an FCALL of
 * a missing function) and calls refused before running (the ACL, say); 0 when it never ran.
 */
export async function commandStats(
  client: Redis,
  command: string,
): Promise<{ calls: number; rejected: number }> {
  const info = await client.info('commandstats');
  const line = new RegExp(`^cmdstat_${command}:(.*)$`, 'm').exec(info)?.[1] ?? '';
  const field = (name: string) => Number(new RegExp(`(?:^|,)${name}=(\\d+)`).exec(line)?.[1] ?? 0);
  return { calls: field('calls'), rejected: field('rejected_calls') };
}
