import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { http, startApp, TestApp } from '../support/app';
import { startCluster, TestCluster } from '../support/cluster';
import { Ack, percentile, SubmitLedger } from './ledger';

const run = promisify(execFile);

/**
 * Failover on a real Valkey Cluster with replicas (issue 15, "Prove it under fire"): the master
 * holding a board is SIGKILLed under submit load; the service must recover by itself once its
 * replica is promoted (no restart), and the acknowledged writes lost are counted. With
 * VALKEY_DURABLE_WRITES=replicas (WAIT after every submit) none may be lost; its latency cost is
 * measured on the same cluster without a kill.
 */

const CLIENTS = 16;
const BOARD = 'failover';
const LOAD_BEFORE_MS = 2000;
const LOAD_AFTER_MS = 2000;
const LATENCY_WRITES = Number(process.env.FAILOVER_LATENCY_WRITES ?? 1000);

interface Figures {
  durable: string;
  acknowledged: number;
  lost: number;
  /** From the kill until the cluster reports the replica as the slot's master. */
  promotedMs: number;
  /** From the kill until a write sent after it was acknowledged. */
  recoveryMs: number;
  retries: Record<string, number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The port of the master serving a key's slot, asked of any node. */
async function masterPortOf(cluster: TestCluster, key: string): Promise<number> {
  const alive = cluster.servers.find((s) => s.child.exitCode === null && !s.child.signalCode)!;
  const port = String(alive.port);
  const slot = Number((await run('valkey-cli', ['-p', port, 'cluster', 'keyslot', key])).stdout);
  const nodes = (await run('valkey-cli', ['-p', port, 'cluster', 'nodes'])).stdout;
  for (const line of nodes.trim().split('\n')) {
    const [, addr, flags, , , , , , ...ranges] = line.split(' ');
    if (!flags.includes('master') || flags.includes('fail')) continue;
    for (const range of ranges) {
      const [from, to = from] = range.split('-').map(Number);
      if (slot >= from && slot <= to) return Number(addr.split(':')[1].split('@')[0]);
    }
  }
  throw new Error(`no master serves slot ${slot}`);
}

async function withApp<T>(
  cluster: TestCluster,
  durable: string,
  body: (t: TestApp, api: ReturnType<typeof http>) => Promise<T>,
): Promise<T> {
  const t = await startApp('', {
    VALKEY_URL: '',
    VALKEY_CLUSTER_NODES: cluster.nodes,
    VALKEY_DURABLE_WRITES: durable,
  });
  try {
    return await body(t, http(t.baseUrl));
  } finally {
    await t.close();
  }
}

/**
 * What durable writes cost, no failure: latency of `LATENCY_WRITES` submits one at a time (the
 * app is not CPU-bound, so the WAIT shows), then throughput with `CLIENTS` at once.
 */
async function cost(cluster: TestCluster, durable: string, board: string) {
  return withApp(cluster, durable, async (_t, api) => {
    expect(
      (await api.admin('POST', '/v1/leaderboards', { id: board, updateMode: 'increment' })).status,
    ).toBe(201);
    const serial = new SubmitLedger(api, board, `serial-${durable}`);
    let issued = 0;
    await serial.run(1, () => issued++ >= LATENCY_WRITES);
    const loaded = new SubmitLedger(api, board, `loaded-${durable}`);
    issued = 0;
    const started = Date.now();
    await loaded.run(CLIENTS, () => issued++ >= LATENCY_WRITES);
    const seconds = (Date.now() - started) / 1000;
    expect([...serial.unexpected, ...loaded.unexpected]).toEqual([]);
    const ms = serial.acks.map((a) => a.ms);
    return {
      p50: percentile(ms, 50).toFixed(2),
      p99: percentile(ms, 99).toFixed(2),
      perSecond: Math.round(loaded.acks.length / seconds),
    };
  });
}

/** Kills the master holding the board under load; counts what was lost. */
async function failover(cluster: TestCluster, durable: string): Promise<Figures> {
  return withApp(cluster, durable, async (_t, api) => {
    expect(
      (await api.admin('POST', '/v1/leaderboards', { id: BOARD, updateMode: 'increment' })).status,
    ).toBe(201);
    const ledger = new SubmitLedger(api, BOARD, `fo-${durable}`);
    let killedAt = 0;
    let promotedAt = 0;
    let recoveredAt = 0;
    let stopAt = Infinity;
    const killer = async (): Promise<void> => {
      await sleep(LOAD_BEFORE_MS);
      const port = await masterPortOf(cluster, `{lb:${BOARD}}`);
      const master = cluster.servers.find((s) => s.port === port)!;
      const exited = new Promise((r) => master.child.once('exit', r));
      killedAt = Date.now();
      master.child.kill('SIGKILL');
      await exited;
      // As a supervisor would: once its replica has taken over, the dead node is started again
      // and rejoins as that replica's replica (starting it earlier would bring it back, empty,
      // as the master). Durable writes need it: until a replica is back, none is acknowledged.
      while ((await masterPortOf(cluster, `{lb:${BOARD}}`).catch(() => port)) === port) {
        if (Date.now() - killedAt > 60_000) throw new Error('no replica was promoted');
        await sleep(50);
      }
      promotedAt = Date.now();
      await cluster.restart(port);
      // Recovered: a write sent after the kill was acknowledged (its slot has a new master).
      const afterKill = (a: Ack) => a.at - a.ms > killedAt;
      while (!ledger.acks.some(afterKill) && Date.now() - killedAt < 60_000) await sleep(10);
      recoveredAt = ledger.acks.find(afterKill)?.at ?? 0;
      stopAt = Date.now() + LOAD_AFTER_MS;
    };
    await Promise.all([killer(), ledger.run(CLIENTS, () => Date.now() > stopAt)]);
    expect(ledger.unexpected).toEqual([]);
    expect(recoveredAt).toBeGreaterThan(0);

    const nodes = cluster.servers.map((s) => ({ host: '127.0.0.1', port: s.port }));
    const valkey = new Cluster(nodes);
    const lost = await ledger.lost(valkey);
    await valkey.quit();
    expect(await ledger.wrongTotals(lost)).toEqual([]);
    expect(await ledger.replaySample(lost)).toEqual([]);
    return {
      durable,
      acknowledged: ledger.acks.length,
      lost: lost.length,
      promotedMs: promotedAt - killedAt,
      recoveryMs: recoveredAt - killedAt,
      retries: ledger.retries,
    };
  });
}

describe('failover on a real Valkey Cluster with replicas (chaos)', () => {
  const lines: string[] = [];
  afterAll(() => process.stdout.write(`\nFailover\n${lines.join('\n')}\n`));

  it.each(['off', 'replicas'])(
    'VALKEY_DURABLE_WRITES=%s: recovers without a restart once the replica is promoted',
    async (durable) => {
      const cluster = await startCluster({ replicas: 1, nodeTimeoutMs: 1000 });
      try {
        const c = await cost(cluster, durable, `cost-${durable}`);
        const f = await failover(cluster, durable);
        lines.push(
          `  durable writes ${durable.padEnd(8)}: one at a time p50 ${c.p50} ms, p99 ${c.p99} ms; ` +
            `${c.perSecond}/s with ${CLIENTS} clients; master killed: ` +
            `replica promoted after ${f.promotedMs} ms, writes acknowledged again after ` +
            `${f.recoveryMs} ms, ${f.acknowledged} acknowledged, ${f.lost} lost, ` +
            `retried ${JSON.stringify(f.retries)}`,
        );
        if (durable === 'replicas') expect(f.lost).toBe(0);
      } finally {
        await cluster.stop();
      }
    },
    180_000,
  );
});
