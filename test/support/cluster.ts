import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { boardTag } from '../../src/valkey/keys';
import {
  freePort,
  ValkeyServerOptions,
  ValkeyServerProcess,
} from '../../src/valkey/valkey-server-process';
import { http, startApp, TestApp } from './app';

const run = promisify(execFile);

export interface TestCluster {
  nodes: string;
  /** Every node's process, masters first as created (a failover test kills one). */
  servers: ValkeyServerProcess[];
  /** Starts a node again (after a kill) with its port, directory and cluster config. */
  restart(port: number): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** Replicas per master (default 0: enough to prove slot safety; 1 for failover tests). */
  replicas?: number;
  /** cluster-node-timeout: how long a master may be unreachable before it is failed over. */
  nodeTimeoutMs?: number;
  /** valkey-server arguments for every node (e.g. AOF settings). */
  extraArgs?: string[];
}

/** A real Valkey Cluster of three masters on free ports, with `replicas` replicas each. */
export async function startCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  const replicas = options.replicas ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'valkran-cluster-'));
  const servers: ValkeyServerProcess[] = [];
  const started: ValkeyServerOptions[] = [];
  try {
    for (let i = 0; i < 3 * (1 + replicas); i++) {
      const port = await freePort();
      // The cluster bus gets its own free port (by default it would be port + 10000).
      const busPort = await freePort();
      started.push({
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
          String(options.nodeTimeoutMs ?? 5000),
          ...(options.extraArgs ?? []),
        ],
      });
      servers.push(await ValkeyServerProcess.start(started[i]));
    }
    const addrs = servers.map((s) => `127.0.0.1:${s.port}`);
    await run('valkey-cli', [
      '--cluster',
      'create',
      ...addrs,
      '--cluster-replicas',
      String(replicas),
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
    // Replicas must have synced with their masters before a test may kill one.
    for (const s of servers.slice(3)) {
      for (;;) {
        const { stdout } = await run('valkey-cli', ['-p', String(s.port), 'info', 'replication']);
        if (stdout.includes('master_link_status:up')) break;
        if (Date.now() > deadline) throw new Error(`replica ${s.port} never synced`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return {
      nodes: addrs.join(','),
      servers,
      async restart(port: number) {
        const i = servers.findIndex((s) => s.port === port);
        await servers[i].stop();
        servers[i] = await ValkeyServerProcess.start(started[i]);
      },
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

/**
 * The master serving each key's hash slot, as its port, asked of the cluster itself (CLUSTER
 * KEYSLOT, CLUSTER SLOTS).
 */
export async function mastersOf(cluster: TestCluster, keys: string[]): Promise<number[]> {
  const node = new Redis(cluster.servers[0].port, { lazyConnect: true });
  await node.connect();
  try {
    const ranges = (await node.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
    return await Promise.all(
      keys.map(async (key) => {
        const slot = Number(await node.call('CLUSTER', 'KEYSLOT', key));
        return ranges.find(([from, to]) => slot >= from && slot <= to)![2][1];
      }),
    );
  } finally {
    node.disconnect();
  }
}

/**
 * Board ids `<prefix>0`, `<prefix>1`, … chosen so that each master serves `perMaster` of them
 * (their `{lb:id}` slots): one group of ids per master, in the order the masters were met.
 */
export async function boardsOnEveryMaster(
  cluster: TestCluster,
  prefix: string,
  perMaster: number,
): Promise<string[][]> {
  const byMaster = new Map<number, string[]>();
  const full = () => [...byMaster.values()].filter((ids) => ids.length >= perMaster).length;
  for (let from = 0; full() < 3; from += 32) {
    const ids = Array.from({ length: 32 }, (_, i) => `${prefix}${from + i}`);
    const masters = await mastersOf(cluster, ids.map(boardTag));
    ids.forEach((id, i) => {
      const group = byMaster.get(masters[i]) ?? [];
      if (group.length < perMaster) byMaster.set(masters[i], [...group, id]);
    });
  }
  return [...byMaster.values()];
}

export interface ClusterAppFixture {
  cluster: TestCluster;
  app: TestApp;
  api: ReturnType<typeof http>;
}

/**
 * One cluster (three masters, no replicas) and one app on it in `all` mode (`env` on top) for a
 * test file: started before its tests, stopped after. Read the fields inside tests.
 */
export function useClusterApp(env: Record<string, string> = {}): ClusterAppFixture {
  const f = {} as ClusterAppFixture;
  beforeAll(async () => {
    f.cluster = await startCluster();
    f.app = await startApp('', {
      VALKEY_URL: '',
      VALKEY_CLUSTER_NODES: f.cluster.nodes,
      APP_MODE: 'all',
      ...env,
    });
    f.api = http(f.app.baseUrl);
  }, 60000);
  afterAll(async () => {
    await f.app?.close();
    await f.cluster?.stop();
  });
  return f;
}
