// Throughput/latency of Valkran's submit and top-10 read next to a bare Fastify + ioredis baseline
// doing the minimum Valkey work (bench/baseline-server.mjs), with Valkran's rate limits on and off
// (two processes on the same Valkey), so the ratio between those two is what the limit checks
// cost. Prints figures; asserts nothing.
// Run with `npm run bench` (builds first). Env: BENCH_DURATION seconds per run (default 10),
// BENCH_ROUNDS (default 1), BENCH_COMPARE: the folder of another built checkout (e.g. a
// `git worktree` of an older commit) whose dist/main.js runs beside them with limits on, so a
// change is measured before/after in one run.
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import {
  ADMIN_KEY,
  SUBMIT_KEY,
  createBenchRun,
  freePort,
  median,
  printMachineInfo,
  waitHttpOk,
} from './lib.mjs';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const CONNECTIONS = 50;
const SEED = 10_000;
// Both Valkran processes, by name. "On" has limits far above anything the bench can reach, so
// every check runs but none says no: per player and (on this standalone Valkey) per key inside
// the submit script, one extra Valkey call per read. "Off" turns all three off (0).
const VALKRANS = {
  'valkran (limits on)': {
    RATE_LIMIT_SUBMIT_PER_KEY: '1000000000',
    RATE_LIMIT_SUBMIT_PER_PLAYER: '1000000',
    RATE_LIMIT_READ_PER_IP: '1000000000',
  },
  'valkran (limits off)': {
    RATE_LIMIT_SUBMIT_PER_KEY: '0',
    RATE_LIMIT_SUBMIT_PER_PLAYER: '0',
    RATE_LIMIT_READ_PER_IP: '0',
  },
};

const MAIN = { 'valkran (limits on)': 'dist/main.js', 'valkran (limits off)': 'dist/main.js' };
if (process.env.BENCH_COMPARE) {
  const name = `compare ${process.env.BENCH_COMPARE} (limits on)`;
  VALKRANS[name] = VALKRANS['valkran (limits on)'];
  MAIN[name] = `${process.env.BENCH_COMPARE}/dist/main.js`;
}

const benchRun = createBenchRun({ tmpPrefix: 'valkran-bench-' });
let valkey;

const randInt = (n) => Math.floor(Math.random() * n);
const randomSubmit = () =>
  JSON.stringify({ playerId: `p${randInt(100_000)}`, score: randInt(1_000_001) });

function load(url, request) {
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SUBMIT_KEY}` },
    // setupRequest runs before every request, so each one carries a fresh player and score.
    requests: [request],
  });
}

async function startAll() {
  valkey = await benchRun.startValkey();
  // A small explicit environment so nothing from the caller's shell (cluster nodes, another
  // VALKEY_URL...) changes what is measured.
  const baseEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  const basePort = await freePort();
  const base = benchRun.spawnNode(
    'baseline',
    ['bench/baseline-server.mjs', String(basePort), valkey.url],
    baseEnv,
  );
  const baseUrl = `http://127.0.0.1:${basePort}`;
  const ready = [waitHttpOk(base, `${baseUrl}/top`)];
  // Both Valkrans start up front; only one of them is under load at any time.
  const apps = {};
  for (const [name, limits] of Object.entries(VALKRANS)) {
    const port = await freePort();
    const info = benchRun.spawnNode(name, [MAIN[name]], {
      ...baseEnv,
      NODE_ENV: 'production',
      VALKEY_URL: valkey.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_API_KEYS: ADMIN_KEY,
      SUBMIT_API_KEYS: SUBMIT_KEY,
      LOG_LEVEL: 'warn',
      ...limits,
    });
    apps[name] = { info, url: `http://127.0.0.1:${port}` };
    ready.push(waitHttpOk(info, `${apps[name].url}/health/ready`));
  }
  await Promise.all(ready);
  return { baseUrl, apps };
}

// Both sets get the same ~10k members so reads (and rank lookups) don't run on a tiny set. The
// Valkrans share one Valkey, so seeding the `global` board through one of them seeds both.
async function seed(appUrl) {
  const members = Array.from({ length: SEED }, (_, i) => ({
    playerId: `p${i}`,
    score: randInt(1_000_001),
  }));
  const redis = new Redis(valkey.url);
  await redis.zadd('bench:z', ...members.flatMap((m) => [m.score, m.playerId]));
  redis.disconnect();
  for (let i = 0; i < members.length; i += 1000) {
    const res = await fetch(`${appUrl}/v1/leaderboards/global/scores/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SUBMIT_KEY}` },
      body: JSON.stringify({ entries: members.slice(i, i + 1000) }),
    });
    if (res.status !== 200)
      throw new Error(`Valkran batch seed: HTTP ${res.status} ${await res.text()}`);
  }
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

function printReport(results) {
  const rows = Object.entries(results).map(([name, runs]) => {
    const codes = {};
    for (const r of runs) {
      for (const [code, { count }] of Object.entries(r.statusCodeStats ?? {})) {
        if (!code.startsWith('2')) codes[code] = (codes[code] ?? 0) + Number(count);
      }
    }
    return {
      scenario: name,
      'req/s mean': Math.round(mean(runs.map((r) => r.requests.average))),
      'req/s median': Math.round(median(runs.map((r) => r.requests.average))),
      'p50 ms': median(runs.map((r) => r.latency.p50)),
      'p99 ms': median(runs.map((r) => r.latency.p99)),
      non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
      'non-2xx codes': Object.keys(codes).length ? JSON.stringify(codes) : '-',
      errors: runs.reduce((a, r) => a + r.errors, 0),
      timeouts: runs.reduce((a, r) => a + r.timeouts, 0),
    };
  });
  console.log(
    `\n${ROUNDS} round(s) x ${DURATION}s, ${CONNECTIONS} connections; latency = median over rounds`,
  );
  console.table(rows);
  const rps = (n) => mean(results[n].map((r) => r.requests.average));
  const ratio = (a, b, kind) => (rps(`${a} ${kind}`) / rps(`${b} ${kind}`)).toFixed(2);
  const [on, off, compare] = Object.keys(VALKRANS);
  for (const kind of ['submit', 'read']) {
    console.log(
      `${kind}: valkran-on/baseline ${ratio(on, 'baseline', kind)}, ` +
        `valkran-off/baseline ${ratio(off, 'baseline', kind)}, ` +
        `valkran-on/valkran-off ${ratio(on, off, kind)} (the cost of the rate-limit checks)` +
        (compare
          ? `, compare/baseline ${ratio(compare, 'baseline', kind)}, valkran-on/compare ${ratio(on, compare, kind)}`
          : ''),
    );
  }
}

async function main() {
  let urls;
  try {
    printMachineInfo();
    urls = await startAll();
    await seed(Object.values(urls.apps)[0].url);
  } catch (err) {
    console.error(`bench failed to start: ${err.stack ?? err}`);
    await benchRun.cleanup();
    process.exit(1);
  }
  const { baseUrl, apps } = urls;
  const submit = (path) => ({
    method: 'POST',
    path,
    setupRequest: (req) => ({ ...req, body: randomSubmit() }),
  });
  const read = (path) => ({ method: 'GET', path });
  const scenarios = [
    ['baseline submit', () => load(baseUrl, submit('/submit'))],
    ...Object.entries(apps).map(([name, { url }]) => [
      `${name} submit`,
      () => load(url, submit('/v1/leaderboards/global/scores')),
    ]),
    ['baseline read', () => load(baseUrl, read('/top'))],
    ...Object.entries(apps).map(([name, { url }]) => [
      `${name} read`,
      () => load(url, read('/v1/leaderboards/global/entries?limit=10')),
    ]),
  ];
  const results = Object.fromEntries(scenarios.map(([name]) => [name, []]));
  const linesBefore = Object.fromEntries(
    Object.entries(apps).map(([name, { info }]) => [name, info.lines]),
  );
  // Interleaving the scenarios inside each round spreads machine noise (other tenants, thermal
  // throttling, GC warm-up) over all three servers instead of penalising whichever ran last.
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, run] of scenarios) {
      const r = await run();
      if (benchRun.interrupted) return; // cleanup is already under way; its half-run figures are meaningless
      results[name].push(r);
      console.log(
        `round ${round}/${ROUNDS} ${name}: ${Math.round(r.requests.average)} req/s, p99 ${r.latency.p99} ms, non2xx ${r.non2xx}, errors ${r.errors}`,
      );
    }
  }
  printReport(results);
  // Sanity check that the submits really landed: both sets should have grown well past the seed.
  const redis = new Redis(valkey.url);
  const baseCount = await redis.zcard('bench:z');
  redis.disconnect();
  const { url: anyAppUrl } = Object.values(apps)[0];
  const page = await (await fetch(`${anyAppUrl}/v1/leaderboards/global/entries?limit=1`)).json();
  console.log(`members after the runs: baseline ${baseCount}, valkran (shared) ${page.total}`);
  for (const [name, { info }] of Object.entries(apps)) {
    if (info.lines > linesBefore[name]) {
      console.log(
        `\n${name} logged ${info.lines - linesBefore[name]} line(s) during the runs; last ones:\n  ${info.tail.join('\n  ')}`,
      );
    }
  }
  await benchRun.cleanup();
}

main().catch(async (err) => {
  console.error(err);
  await benchRun.cleanup();
  process.exit(1);
});
