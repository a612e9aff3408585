import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, ValkeyServerProcess } from '../../src/valkey/valkey-server-process';

const run = promisify(execFile);

export interface TestCluster {
  nodes: string;
  stop(): Promise<void>;
}

/** A real three-master Valkey Cluster on free ports (no replicas: enough to prove slot safety). */
export async function startCluster(): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'valkran-cluster-'));
  const servers: ValkeyServerProcess[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      // The cluster bus gets its own free port (by default it would be port + 10000).
      const busPort = await freePort();
      servers.push(
        await ValkeyServerProcess.start({
          binary: process.env.VALKEY_SERVER_BIN ?? 'valkey-server',
          dir: join(dir, String(i)),
          port,
          appendOnly: false,
          extraArgs: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-port',
            String(busPort),
            '--cluster-node-timeout',
            '5000',
          ],
        }),
      );
    }
    const addrs = servers.map((s) => `127.0.0.1:${s.port}`);
    await run('valkey-cli', [
      '--cluster',
      'create',
      ...addrs,
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    // Every node must agree the cluster is up before the tests start.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const infos = await Promise.all(
        servers.map((s) => run('valkey-cli', ['-p', String(s.port), 'cluster', 'info'])),
      );
      if (infos.every(({ stdout }) => stdout.includes('cluster_state:ok'))) break;
      if (Date.now() > deadline) throw new Error('the test cluster did not reach cluster_state:ok');
      await new Promise((r) => setTimeout(r, 100));
    }
    return {
      nodes: addrs.join(','),
      async stop() {
        await Promise.all(servers.map((s) => s.stop()));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
