// A player's standings on every board (GET /v1/players/{playerId}/standings): its latency and
// Valkey cost with 1 board and with 1,000 boards, next to the single-board player read. A Valkran
// (api mode, production defaults, the per-IP read limit on far above the load) on a private
// standalone Valkey, then one on a private three-master Valkey Cluster (one script call per
// board there). Prints figures; asserts nothing.
// Run with `npm run -s build && node bench/standings.mjs [standalone,cluster]`.
// Settings: BENCH_BOARDS (1000), BENCH_BOARD_PLAYERS (100 players per board), BENCH_REQUESTS
// (300 sequential requests per latency figure), BENCH_DURATION (5 s of load per throughput
// figure), BENCH_CONNECTIONS (4).
import autocannon from 'autocannon';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { createTsRequire } from '../scripts/require-ts.mjs';
import {
  ADMIN_KEY,
  SUBMIT_KEY,
  createBenchRun,
  fmt,
  freePort,
  printMachineInfo,
  printTable,
  sleep,
  valkranEnv,
  waitHttpOk,
} from './lib.mjs';

// The tests' cluster (three masters on free ports, every slot assigned, up on every node).
const { startCluster } = createTsRequire(import.meta.url)('../test/support/cluster.ts');

const env = process.env;
const PARTS = (process.argv[2] ?? 'standalone,cluster').split(',');
const BOARDS = Number(env.BENCH_BOARDS ?? 1000);
const BOARD_PLAYERS = Number(env.BENCH_BOARD_PLAYERS ?? 100);
const REQUESTS = Number(env.BENCH_REQUESTS ?? 300);
const DURATION = Number(env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 4);
const VALKEY_WINDOW = 50; // requests per Valkey-cost window
const SEED_IN_FLIGHT = 8;

let nodes = []; // the bench's own connections to every master (INFO, CONFIG)
let cluster = null;
const benchRun = createBenchRun({
  tmpPrefix: 'valkran-standings-bench-',
  beforeStop: async () => {
    for (const n of nodes) n.disconnect();
    const started = cluster;
    cluster = null;
    await started?.stop();
  },
});

const boardId = (i) => `b${String(i).padStart(4, '0')}`;

async function call(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${method === 'POST' && path.endsWith('/batch') ? SUBMIT_KEY : ADMIN_KEY}`,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
  return text;
}

/**
 * Creates boards [from, to) with BOARD_PLAYERS players each: `hero` on every one (a different
 * rank on each), `solo` only on the first board.
 */
async function seedBoards(base, from, to) {
  let next = from;
  const worker = async () => {
    while (next < to) {
      const i = next++;
      const id = boardId(i);
      await call(base, 'POST', '/v1/leaderboards', {
        id,
        tiers: [{ name: 'gold', topPercent: 5 }],
      });
      const entries = Array.from({ length: BOARD_PLAYERS - 1 }, (_, n) => ({
        playerId: `p${n}`,
        score: (n * 7919 + i) % 100_000,
      }));
      entries.push({ playerId: 'hero', score: (i * 104_729) % 100_000 });
      if (i === 0) entries.push({ playerId: 'solo', score: 1 });
      await call(base, 'POST', `/v1/leaderboards/${id}/scores/batch`, { entries });
    }
  };
  await Promise.all(Array.from({ length: SEED_IN_FLIGHT }, worker));
}

const pct = (sorted, q) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((q / 100) * sorted.length) - 1)];

/** Sequential requests, one at a time: latency percentiles in ms and the body of the last. */
async function latency(base, path) {
  for (let i = 0; i < 20; i++) await (await fetch(`${base}${path}`)).arrayBuffer(); // warm-up
  const times = [];
  let last;
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    const res = await fetch(`${base}${path}`);
    const text = await res.text();
    times.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status} ${text}`);
    last = text;
  }
  times.sort((a, b) => a - b);
  return {
    p50: pct(times, 50),
    p95: pct(times, 95),
    p99: pct(times, 99),
    bytes: last.length,
    body: JSON.parse(last),
  };
}

/** Valkey's side of VALKEY_WINDOW sequential requests: script calls, script time, socket reads. */
async function valkeyCost(base, path) {
  const stat = async () => {
    const sum = { calls: 0, usec: 0, reads: 0 };
    for (const node of nodes) {
      const [cmd, stats] = await Promise.all([node.info('commandstats'), node.info('stats')]);
      const m = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(cmd);
      const reads = /total_reads_processed:(\d+)/.exec(stats);
      sum.calls += Number(m?.[1] ?? 0);
      sum.usec += Number(m?.[2] ?? 0);
      sum.reads += Number(reads?.[1] ?? 0);
    }
    return sum;
  };
  for (const node of nodes) await node.config('RESETSTAT');
  const before = await stat();
  for (let i = 0; i < VALKEY_WINDOW; i++) await (await fetch(`${base}${path}`)).arrayBuffer();
  const after = await stat();
  return {
    evalsha: (after.calls - before.calls) / VALKEY_WINDOW,
    scriptMs: (after.usec - before.usec) / VALKEY_WINDOW / 1000,
    // The bench's own INFO calls are a read or two of the window, not per request.
    reads: (after.reads - before.reads) / VALKEY_WINDOW,
  };
}

async function throughput(base, path) {
  const r = await autocannon({
    url: `${base}${path}`,
    connections: CONNECTIONS,
    duration: DURATION,
  });
  const bad = r.non2xx + r.errors + r.timeouts;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bad };
}

async function measure(label, base, path) {
  const lat = await latency(base, path);
  const cost = await valkeyCost(base, path);
  const load = await throughput(base, path);
  const body = lat.body;
  return {
    case: label,
    entries: Array.isArray(body.entries) ? `${body.entries.length}/${body.total}` : '1',
    'p50 ms': fmt(lat.p50, 2),
    'p95 ms': fmt(lat.p95, 2),
    'p99 ms': fmt(lat.p99, 2),
    KiB: fmt(lat.bytes / 1024, 1),
    'evalsha/req': fmt(cost.evalsha, 1),
    'Valkey script ms/req': fmt(cost.scriptMs, 2),
    'Valkey reads/req': fmt(cost.reads, 1),
    [`req/s (${CONNECTIONS} conns)`]: fmt(load.rps),
    'load p50/p99 ms': `${fmt(load.p50)}/${fmt(load.p99)}`,
    errors: load.bad,
  };
}

/** One Valkran on `target` ({VALKEY_URL} or {VALKEY_CLUSTER_NODES}): every case, as table rows. */
async function suite(name, target) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const info = benchRun.spawnNode(
    `valkran ${name}`,
    ['dist/main.js'],
    {
      ...valkranEnv(target.VALKEY_URL ?? '', port, {
        APP_MODE: 'api',
        RATE_LIMIT_SUBMIT_PER_KEY: '1000000000',
        RATE_LIMIT_SUBMIT_PER_PLAYER: '1000000',
        RATE_LIMIT_READ_PER_IP: '1000000000',
      }),
      ...target,
    },
    { stdoutFile: `${benchRun.runDir()}/valkran-${name}.log` },
  );
  await waitHttpOk(info, `${base}/health/ready`);
  const rows = [];
  const row = async (label, path) =>
    rows.push({ valkey: name, ...(await measure(label, base, path)) });
  // One board (and `global`, which every store has: the pass reads it too).
  await seedBoards(base, 0, 1);
  await sleep(1000); // the api's stats-trigger enqueues land before the windows
  await row('player read, 1 board', `/v1/leaderboards/${boardId(0)}/players/hero`);
  await row('standings, 2 boards, on 1', '/v1/players/hero/standings');
  const t0 = performance.now();
  await seedBoards(base, 1, BOARDS);
  console.log(
    `${name}: seeded ${BOARDS - 1} more boards in ${fmt((performance.now() - t0) / 1000, 1)} s`,
  );
  await sleep(1000);
  const all = BOARDS + 1;
  await row(`standings, ${all} boards, on ${BOARDS}`, '/v1/players/hero/standings');
  await row('  same, limit=200', '/v1/players/hero/standings?limit=200');
  await row('  same, offset=900', '/v1/players/hero/standings?offset=900&limit=100');
  await row(`standings, ${all} boards, on 1`, '/v1/players/solo/standings');
  await row(`standings, ${all} boards, on 0`, '/v1/players/nobody/standings');
  await row(`player read, ${all} boards`, `/v1/leaderboards/${boardId(0)}/players/hero`);
  await benchRun.stopChild(info);
  return rows;
}

async function main() {
  printMachineInfo({ loadavg: true });
  console.log(
    `${BOARDS} boards of ${BOARD_PLAYERS} players; ${REQUESTS} sequential requests per latency, ` +
      `${VALKEY_WINDOW} per Valkey window, ${DURATION} s x ${CONNECTIONS} connections of load`,
  );
  const rows = [];
  if (PARTS.includes('standalone')) {
    const valkey = await benchRun.startValkey();
    nodes = [new Redis(valkey.url, { connectionName: 'bench' })];
    rows.push(...(await suite('standalone', { VALKEY_URL: valkey.url })));
    for (const n of nodes.splice(0)) n.disconnect();
    await valkey.stop();
  }
  if (PARTS.includes('cluster')) {
    // Valkey's own node timeout (the tests shorten it for failovers): no failover here.
    cluster = await startCluster({ nodeTimeoutMs: 15_000 });
    nodes = cluster.servers.map((s) => new Redis(s.port, { connectionName: 'bench' }));
    rows.push(...(await suite('cluster', { VALKEY_URL: '', VALKEY_CLUSTER_NODES: cluster.nodes })));
  }
  console.log('');
  printTable(rows);
  console.log(
    `\nloadavg at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  await benchRun.cleanup();
}

main().catch(async (err) => {
  if (benchRun.interrupted) return;
  console.error(`bench failed: ${err?.stack ?? err}`);
  await benchRun.cleanup();
  process.exit(1);
});
