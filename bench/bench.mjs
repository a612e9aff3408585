// Issue 13's figures, from one run, each beside a bare baseline. Prints figures; asserts nothing.
//
// 1. HTTP throughput and latency (autocannon) of what users run: Valkran with the production
//    defaults (NODE_ENV=production, APP_MODE=all, LOG_LEVEL=info with its stdout, one JSON line
//    per request, written to a file, metrics on, rate limits on at values the load never
//    reaches), beside bench/baseline-server.mjs, bare Fastify + ioredis doing the minimum Valkey
//    work for the same answer, on the same Valkey (a BENCH_COMPARE build gets its own). Scenarios: single submit, top-10 page, player
//    rank, around-me, batch of 1,000 (scores/s) and the 304 path (top-10 with If-None-Match).
//    Every server runs every scenario once per round, interleaved; figures are medians over
//    rounds. A second Valkran with every rate limit off runs the submit and top-10 scenarios, so
//    the limits' own cost shows (BENCH_LIMITS_OFF=0 drops it); a third with READ_RENDER_CACHE_MB=0
//    runs the three reads, every one rendered from its rows (BENCH_NOTHING_KEPT=0 drops it).
// 2. Memory per player of a 200k-player board (default, dense, and with two tie-break columns)
//    against a bare sorted set (alone: bench/memory.mjs).
// 3. Valkey's own time per read script (INFO commandstats) on a 1k- and a 1M-player board, and
//    Valkey calls per request (see bench/valkey-costs.mjs).
// Then one summary table against the issue's targets.
//
// Run with `npm run bench` (builds first), or `node bench/bench.mjs [http|valkey]` for one part.
// Env: BENCH_DURATION seconds per load run (default 8), BENCH_ROUNDS (default 2), BENCH_WARMUP
// seconds per server and scenario before the first round (default 1), BENCH_CONNECTIONS (50),
// BENCH_BATCH_CONNECTIONS (4), BENCH_MEMORY_PLAYERS (200000), BENCH_SMALL_BOARD (1000),
// BENCH_BIG_BOARD (1000000), BENCH_VALKEY_REQUESTS requests per commandstats window (2000),
// BENCH_VALKEY_REPEATS timed windows per read kind and board (5), BENCH_SEED (the PRNG seed of
// players and scores), BENCH_LIMITS_OFF=0, BENCH_NOTHING_KEPT=0, BENCH_DUTIES=0 (drops the
// "baseline + duties" server: the bare service doing Valkran's per-request chores too), BENCH_COMPARE: the folder of another built checkout
// (e.g. a `git worktree` of an older commit) whose dist/main.js runs beside the current one with
// the same production defaults, in every part (on its own Valkey), so a change is measured
// before/after in one run. Every Valkran runs from a copy of its dist/ taken at the start.
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import os from 'node:os';
import {
  SUBMIT_KEY,
  createBenchRun,
  fmt,
  freePort,
  lastLines,
  median,
  printMachineInfo,
  printTable,
  seededRandom,
  snapshotBuild,
  tailOf,
  valkranEnv,
  waitHttpOk,
} from './lib.mjs';
import { batchBody, measureValkeyCosts, printLog } from './valkey-costs.mjs';

const env = process.env;
const DURATION = Number(env.BENCH_DURATION ?? 8);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 2);
const WARMUP = Number(env.BENCH_WARMUP ?? 1);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 50);
const BATCH_CONNECTIONS = Number(env.BENCH_BATCH_CONNECTIONS ?? 4);
const WITH_LIMITS_OFF = env.BENCH_LIMITS_OFF !== '0';
const WITH_NOTHING_KEPT = env.BENCH_NOTHING_KEPT !== '0';
const WITH_DUTIES = env.BENCH_DUTIES !== '0';
const COSTS = {
  players: Number(env.BENCH_MEMORY_PLAYERS ?? 200_000),
  small: Number(env.BENCH_SMALL_BOARD ?? 1000),
  big: Number(env.BENCH_BIG_BOARD ?? 1_000_000),
  requests: Number(env.BENCH_VALKEY_REQUESTS ?? 2000),
};
const RNG_SEED = Number(env.BENCH_SEED ?? 13);
const COMPARE = env.BENCH_COMPARE;
const PARTS = (process.argv[2] ?? 'http,valkey').split(',');
const SEED = 10_000; // players p0..p9999 on both sets before the runs; reads pick among them
const PLAYERS = 100_000; // submits and batches pick players among p0..p99999
const SCORE_MAX = 1_000_000;

// Far above anything the bench reaches: every check runs, none says no. Per player and (on this
// standalone Valkey) per key inside the submit script; per client IP for reads.
const LIMITS_ON = {
  RATE_LIMIT_SUBMIT_PER_KEY: '1000000000',
  RATE_LIMIT_SUBMIT_PER_PLAYER: '1000000',
  RATE_LIMIT_READ_PER_IP: '1000000000',
};
const LIMITS_OFF = {
  RATE_LIMIT_SUBMIT_PER_KEY: '0',
  RATE_LIMIT_SUBMIT_PER_PLAYER: '0',
  RATE_LIMIT_READ_PER_IP: '0',
};

/** The servers under load, in the order each scenario runs them. */
const SERVERS = [
  { name: 'baseline', baseline: true },
  // The bare service doing Valkran's per-request chores too (baseline-server.mjs --duties).
  WITH_DUTIES && { name: 'baseline + duties', baseline: true, duties: true },
  { name: 'valkran', limits: LIMITS_ON },
  WITH_LIMITS_OFF && {
    name: 'valkran limits off',
    limits: LIMITS_OFF,
    only: ['submit', 'top10'],
  },
  // Every read rendered from its rows, as when the board changes between any two reads of a URL.
  WITH_NOTHING_KEPT && {
    name: 'valkran nothing kept',
    limits: { ...LIMITS_ON, READ_RENDER_CACHE_MB: '0' },
    only: ['top10', 'player', 'around'],
  },
  COMPARE && { name: 'compare', limits: LIMITS_ON },
].filter(Boolean);

const rng = seededRandom(RNG_SEED);
const JSON_AUTH = { 'content-type': 'application/json', authorization: `Bearer ${SUBMIT_KEY}` };
const V1 = '/v1/leaderboards/global';

/**
 * The scenarios: `request(server, etag)` is the autocannon request for that server; `target` is
 * the issue's valkran/baseline req/s goal; `perRequest` turns req/s into scores/s.
 */
const SCENARIOS = [
  {
    key: 'submit',
    title: 'single submit',
    what: `POST ${V1}/scores vs MULTI ZADD+ZREVRANK`,
    target: 0.85,
    request: (s) => ({
      method: 'POST',
      path: s.baseline ? '/submit' : `${V1}/scores`,
      headers: JSON_AUTH,
      setupRequest: (req) => ({
        ...req,
        body: JSON.stringify({ playerId: `p${rng.int(PLAYERS)}`, score: rng.int(SCORE_MAX + 1) }),
      }),
    }),
  },
  {
    key: 'top10',
    title: 'top-10 page',
    what: `GET ${V1}/entries?limit=10 vs ZREVRANGE 0 9 WITHSCORES`,
    target: 0.9,
    request: (s) => ({ method: 'GET', path: s.baseline ? '/top' : `${V1}/entries?limit=10` }),
  },
  {
    key: 'player',
    title: 'player rank',
    what: `GET ${V1}/players/{random seeded player} vs MULTI ZREVRANK+ZSCORE+ZCARD`,
    target: 0.9,
    request: (s) => ({
      method: 'GET',
      setupRequest: (req) => ({
        ...req,
        path: `${s.baseline ? '' : V1}/players/p${rng.int(SEED)}`,
      }),
    }),
  },
  {
    key: 'around',
    title: 'around-me',
    what: `GET ${V1}/players/{random seeded player}/around?limit=11 vs one EVALSHA (ZREVRANK, ZCARD, ZREVRANGE)`,
    target: 0.9,
    request: (s) => ({
      method: 'GET',
      setupRequest: (req) => ({
        ...req,
        path: `${s.baseline ? '' : V1}/players/p${rng.int(SEED)}/around?limit=11`,
      }),
    }),
  },
  {
    key: 'batch',
    title: 'batch of 1,000',
    what: `POST ${V1}/scores/batch (1,000 entries) vs one pipeline: ZADD GT (all) + 1,000 ZREVRANK`,
    target: 0.7,
    perRequest: 1000,
    connections: BATCH_CONNECTIONS,
    request: (s) => ({
      method: 'POST',
      path: s.baseline ? '/batch' : `${V1}/scores/batch`,
      headers: JSON_AUTH,
      setupRequest: (req) => ({ ...req, body: batchBody(rng, PLAYERS) }),
    }),
  },
  {
    key: 'notModified',
    title: '304 path',
    what: `GET ${V1}/entries?limit=10 with If-None-Match: <its ETag>, beside the full read`,
    valkranOnly: true,
    expect: '304',
    request: (s, etag) => ({
      method: 'GET',
      path: `${V1}/entries?limit=10`,
      headers: { 'if-none-match': etag },
    }),
  },
];

const benchRun = createBenchRun({ tmpPrefix: 'valkran-bench-' });
// A small explicit environment so nothing from the caller's shell (cluster nodes, another
// VALKEY_URL...) changes what is measured.
const baseEnv = { PATH: env.PATH, HOME: env.HOME };
const slug = (name) => name.replace(/\W+/g, '-');

/**
 * One Valkey per build: the baseline and the current build's Valkrans share one; the compare
 * build gets its own (another storage layout on the same keys would corrupt both).
 */
async function startHttpServers() {
  const valkeys = { valkran: await benchRun.startValkey() };
  if (COMPARE) valkeys.compare = await benchRun.startValkey();
  const ready = [];
  for (const s of SERVERS) {
    s.build = s.name === 'compare' ? 'compare' : 'valkran';
    const valkey = valkeys[s.build];
    const port = await freePort();
    s.url = `http://127.0.0.1:${port}`;
    if (s.baseline) {
      if (s.duties) s.logFile = `${benchRun.runDir()}/${slug(s.name)}.log`;
      s.info = benchRun.spawnNode(
        s.name,
        ['bench/baseline-server.mjs', String(port), valkey.url, ...(s.duties ? ['--duties'] : [])],
        { ...baseEnv, BASELINE_SUBMIT_KEY: SUBMIT_KEY },
        { stdoutFile: s.logFile },
      );
      ready.push(waitHttpOk(s.info, `${s.url}/top`));
      continue;
    }
    s.logFile = `${benchRun.runDir()}/${slug(s.name)}.log`;
    s.info = benchRun.spawnNode(s.name, [s.main], valkranEnv(valkey.url, port, s.limits), {
      stdoutFile: s.logFile,
    });
    ready.push(waitHttpOk(s.info, `${s.url}/health/ready`));
  }
  await Promise.all(ready);
  return valkeys;
}

// Every set gets the same 10k members so reads (and rank lookups) don't run on a tiny set. The
// Valkrans of a build share one Valkey, so seeding `global` through one of them seeds them all.
async function seed(valkeys) {
  const members = Array.from({ length: SEED }, (_, i) => ({
    playerId: `p${i}`,
    score: rng.int(SCORE_MAX + 1),
  }));
  const redis = new Redis(valkeys.valkran.url);
  const flat = members.flatMap((m) => [m.score, m.playerId]);
  await redis.zadd('bench:z', ...flat);
  await redis.zadd('bench:zd', ...flat); // the duties baseline's own set
  redis.disconnect();
  for (const build of Object.keys(valkeys)) {
    const app = SERVERS.find((s) => !s.baseline && s.build === build);
    for (let i = 0; i < members.length; i += 1000) {
      const res = await fetch(`${app.url}${V1}/scores/batch`, {
        method: 'POST',
        headers: JSON_AUTH,
        body: JSON.stringify({ entries: members.slice(i, i + 1000) }),
      });
      if (res.status !== 200)
        throw new Error(`${app.name} batch seed: HTTP ${res.status} ${await res.text()}`);
    }
  }
}

/** The ETag the top-10 page answers with now (null: the build sends none). */
async function currentEtag(server) {
  const res = await fetch(`${server.url}${V1}/entries?limit=10`);
  await res.arrayBuffer();
  return res.headers.get('etag');
}

/** One load run of a scenario on a server; null when it does not apply (no ETag). */
async function runLoad(sc, server, duration) {
  let etag;
  if (sc.key === 'notModified') {
    etag = await currentEtag(server);
    if (!etag) return null;
  }
  const r = await autocannon({
    url: server.url,
    connections: sc.connections ?? CONNECTIONS,
    duration,
    requests: [sc.request(server, etag)],
  });
  server.requests = (server.requests ?? 0) + r.requests.total;
  return r;
}

const applies = (sc, s) => (!sc.valkranOnly || !s.baseline) && (!s.only || s.only.includes(sc.key));

/** Per scenario and server: the runs' figures. */
function summarize(runs, sc) {
  const codes = {};
  for (const r of runs) {
    for (const [code, { count }] of Object.entries(r.statusCodeStats ?? {})) {
      codes[code] = (codes[code] ?? 0) + Number(count);
    }
  }
  const expected = sc.expect ?? '2';
  const unexpected = Object.entries(codes).filter(([c]) => !c.startsWith(expected));
  const rps = runs.map((r) => r.requests.average * (sc.perRequest ?? 1));
  return {
    rps: median(rps),
    rounds: rps.map((x) => fmt(x)).join(' '),
    p50: median(runs.map((r) => r.latency.p50)),
    p99: median(runs.map((r) => r.latency.p99)),
    unexpected: unexpected.reduce((a, [, n]) => a + n, 0),
    codes: unexpected.length ? JSON.stringify(Object.fromEntries(unexpected)) : '-',
    errors: runs.reduce((a, r) => a + r.errors + r.timeouts, 0),
  };
}

const ratio = (a, b, d = 2) => (Number.isFinite(a / b) ? `${(a / b).toFixed(d)}x` : '-');

function printScenario(sc, results) {
  const unit = sc.perRequest ? 'scores/s' : 'req/s';
  const conns = sc.connections ?? CONNECTIONS;
  console.log(`\n${sc.title}: ${sc.what}; ${conns} connections`);
  const figures = {};
  const rows = [];
  for (const s of SERVERS) {
    const runs = results[sc.key][s.name];
    if (!runs) continue;
    if (runs.length === 0) {
      rows.push({ server: s.name, [unit]: 'n/a (no ETag header)' });
      console.log(`  ${s.name}: 304 path: n/a (no ETag header)`);
      continue;
    }
    const f = summarize(runs, sc);
    figures[s.name] = f;
    rows.push({
      server: s.name,
      [unit]: fmt(f.rps),
      'per round': f.rounds,
      'p50 ms': f.p50,
      'p99 ms': f.p99,
      [sc.expect ? `non-${sc.expect}` : 'non-2xx']: f.unexpected,
      codes: f.codes,
      errors: f.errors,
    });
  }
  printTable(rows);
  const base = sc.key === 'notModified' ? results.top10 : null;
  const ref = figures.baseline;
  const duties = figures['baseline + duties'];
  for (const name of Object.keys(figures)) {
    if (name.startsWith('baseline')) continue;
    const f = figures[name];
    if (sc.key === 'notModified') {
      const full = base[name]?.length ? summarize(base[name], SCENARIOS[1]) : null;
      console.log(
        `  ${name}: 304 path ${fmt(f.rps)} req/s vs full top-10 read ${fmt(full?.rps)} (${ratio(f.rps, full?.rps)}); ` +
          `vs baseline top-10 ${ratio(f.rps, summarize(base.baseline, SCENARIOS[1]).rps)}`,
      );
      continue;
    }
    if (!ref) continue;
    const r = f.rps / ref.rps;
    console.log(
      `  ${name}/baseline: ${unit} ${ratio(f.rps, ref.rps)} (target >= ${sc.target.toFixed(2)}x: ${r >= sc.target ? 'met' : 'NOT met'}), ` +
        `p50 ${ratio(f.p50, ref.p50)}, p99 ${ratio(f.p99, ref.p99)}` +
        (duties ? `; ${name}/baseline + duties: ${ratio(f.rps, duties.rps)}` : ''),
    );
  }
  if (duties && ref) {
    console.log(
      `  baseline + duties/baseline: ${ratio(duties.rps, ref.rps)} (the chores, with the Valkey work in one script instead of the bare service's MULTI, pipeline or command)`,
    );
  }
  if (figures['valkran limits off'] && figures.valkran) {
    console.log(
      `  valkran/valkran limits off: ${ratio(figures.valkran.rps, figures['valkran limits off'].rps)} (what the rate-limit checks cost)`,
    );
  }
  if (figures['valkran nothing kept'] && figures.valkran) {
    console.log(
      `  valkran/valkran nothing kept: ${ratio(figures.valkran.rps, figures['valkran nothing kept'].rps)} (what answering from kept renders saves while the board does not change)`,
    );
  }
  if (figures.compare && figures.valkran) {
    console.log(
      `  valkran/compare: ${ratio(figures.valkran.rps, figures.compare.rps)}, p99 ${ratio(figures.valkran.p99, figures.compare.p99)}`,
    );
  }
  return figures;
}

/** Total of a Prometheus counter family in a /metrics text. */
function metricTotal(text, name) {
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm')))
    sum += Number(m[1]);
  return sum;
}

/** valkran_rendered_reads_total for one outcome (0 for a build without the counter). */
const keptCount = (text, outcome) =>
  Number(
    new RegExp(`^valkran_rendered_reads_total\\{outcome="${outcome}"\\} (\\S+)$`, 'm').exec(
      text,
    )?.[1] ?? 0,
  );

async function printLogs(servers) {
  console.log(
    "\nlogs (each Valkran's and the duties baseline's stdout file: one JSON line per request at info)",
  );
  for (const s of servers) {
    await printLog(s.name, s.logFile, s.info, s.requests);
    const sample = lastLines(s.logFile, 1, 400)[0];
    if (sample) console.log(`    last line: ${sample}`);
  }
}

async function httpPart() {
  console.log(
    `\n=== HTTP: ${ROUNDS} round(s) x ${DURATION} s per server and scenario, interleaved; ` +
      `${CONNECTIONS} connections (batch ${BATCH_CONNECTIONS}); figures are medians over rounds ===`,
  );
  console.log(
    'valkran: NODE_ENV=production, APP_MODE=all (default), LOG_LEVEL=info to a file, metrics on, ' +
      'rate limits on far above the load' +
      (WITH_DUTIES
        ? '; "baseline + duties": the bare service doing the chores too (baseline-server.mjs --duties)'
        : '') +
      (WITH_LIMITS_OFF ? '; "valkran limits off": the same with every rate limit 0' : '') +
      (WITH_NOTHING_KEPT
        ? '; "valkran nothing kept": the same with READ_RENDER_CACHE_MB=0 (every read renders its rows)'
        : '') +
      (COMPARE ? `; compare: ${COMPARE}/dist/main.js, same settings as valkran` : ''),
  );
  const valkeys = await startHttpServers();
  await seed(valkeys);
  const results = Object.fromEntries(SCENARIOS.map((sc) => [sc.key, {}]));
  for (const sc of SCENARIOS)
    for (const s of SERVERS) if (applies(sc, s)) results[sc.key][s.name] = [];
  if (WARMUP > 0) {
    for (const sc of SCENARIOS) {
      for (const s of SERVERS) if (applies(sc, s)) await runLoad(sc, s, WARMUP);
    }
    console.log(`warm-up done (${WARMUP} s per server and scenario, not counted)`);
  }
  // Interleaving the servers inside each round spreads machine noise (other tenants, thermal
  // throttling, GC warm-up) over all of them instead of penalising whichever ran last.
  for (let round = 1; round <= ROUNDS; round++) {
    for (const sc of SCENARIOS) {
      for (const s of SERVERS) {
        if (!applies(sc, s)) continue;
        const r = await runLoad(sc, s, DURATION);
        if (benchRun.interrupted) return null; // cleanup is under way; half-run figures mean nothing
        if (!r) {
          console.log(`round ${round}/${ROUNDS} ${s.name} ${sc.title}: n/a (no ETag header)`);
          continue;
        }
        results[sc.key][s.name].push(r);
        const per = sc.perRequest ? ` = ${fmt(r.requests.average * sc.perRequest)} scores/s` : '';
        const codes = sc.expect
          ? `${sc.expect}s ${r.statusCodeStats?.[sc.expect]?.count ?? 0} of ${r.requests.total}`
          : `non2xx ${r.non2xx}`;
        console.log(
          `round ${round}/${ROUNDS} ${s.name} ${sc.title}: ${fmt(r.requests.average)} req/s${per}, ` +
            `p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${codes}, errors ${r.errors}`,
        );
      }
    }
  }
  const figures = {};
  for (const sc of SCENARIOS) figures[sc.key] = printScenario(sc, results);

  // Sanity checks: the writes really landed, logging and metrics really ran.
  const redis = new Redis(valkeys.valkran.url);
  const baseCount = await redis.zcard('bench:z');
  const dutiesCount = await redis.zcard('bench:zd');
  redis.disconnect();
  const apps = SERVERS.filter((s) => !s.baseline);
  const totals = [];
  for (const build of Object.keys(valkeys)) {
    const app = apps.find((s) => s.build === build);
    const page = await (await fetch(`${app.url}${V1}/entries?limit=1`)).json();
    totals.push(`${build} global board ${fmt(page.total)}`);
  }
  console.log(
    `\nmembers after the runs (p0..p${PLAYERS - 1} submitted at random): baseline ${fmt(baseCount)}, ` +
      (WITH_DUTIES ? `baseline + duties ${fmt(dutiesCount)}, ` : '') +
      totals.join(', '),
  );
  for (const s of apps) {
    const text = await (await fetch(`${s.url}/metrics`)).text();
    console.log(
      `${s.name} /metrics: ${fmt(metricTotal(text, 'valkran_http_request_duration_seconds_count'))} requests in its latency histograms, ` +
        `${fmt(metricTotal(text, 'valkran_submissions_total'))} submissions counted, ` +
        `reads answered from a kept render ${fmt(keptCount(text, 'kept'))}, rendered ${fmt(keptCount(text, 'rendered'))}`,
    );
  }
  await printLogs(SERVERS.filter((s) => s.logFile));
  for (const s of SERVERS.filter((x) => x.baseline)) {
    if (s.info.lines > 0) {
      console.log(
        `\n${s.name} wrote ${s.info.lines} line(s) to stderr; last ones:\n  ${tailOf(s.info).join('\n  ')}`,
      );
    }
  }
  // The Valkey part runs on a quiet machine: these servers and their Valkey stop here.
  for (const s of SERVERS) await benchRun.stopChild(s.info);
  for (const v of Object.values(valkeys)) await v.stop();
  return figures;
}

/** Whether a Valkey-costs window saw a status other than 2xx/304, or a socket error. */
const failed = (w) =>
  w.errors > 0 || Object.keys({ ...w.codes, ...w.countCodes }).some((c) => !/^2|^304$/.test(c));

/** The final table: each figure the issue asks for, beside its reference and target. */
function printSummary(http, costs) {
  const rows = [];
  const cmp = costs.compare || (http && COMPARE);
  const row = (scenario, v, b, r, target, met, c) => {
    const out = { scenario, valkran: v, baseline: b, ratio: r, target, 'met?': met };
    if (cmp) out.compare = c ?? '-';
    rows.push(out);
  };
  if (http) {
    for (const sc of SCENARIOS) {
      const f = http[sc.key];
      const unit = sc.perRequest ? 'scores/s' : 'req/s';
      if (sc.key === 'notModified') {
        const full = http.top10.valkran;
        row(
          `304 path ${unit} (baseline column: valkran full top-10 read)`,
          f.valkran ? fmt(f.valkran.rps) : 'n/a (no ETag)',
          fmt(full?.rps),
          f.valkran ? ratio(f.valkran.rps, full?.rps) : '-',
          '-',
          '-',
          f.compare ? fmt(f.compare.rps) : cmp ? 'n/a' : undefined,
        );
        continue;
      }
      const r = f.valkran.rps / f.baseline.rps;
      row(
        `${sc.title} ${unit}`,
        fmt(f.valkran.rps),
        fmt(f.baseline.rps),
        ratio(f.valkran.rps, f.baseline.rps),
        `>= ${sc.target.toFixed(2)}x`,
        r >= sc.target ? 'yes' : 'NO',
        f.compare && fmt(f.compare.rps),
      );
      const duties = f['baseline + duties'];
      if (duties) {
        row(
          `${sc.title} ${unit} vs baseline + duties (bare doing the chores too)`,
          fmt(f.valkran.rps),
          fmt(duties.rps),
          ratio(f.valkran.rps, duties.rps),
          '-',
          '-',
          f.compare && fmt(f.compare.rps),
        );
      }
      row(
        `${sc.title} p99 ms`,
        String(f.valkran.p99),
        String(f.baseline.p99),
        ratio(f.valkran.p99, f.baseline.p99),
        '-',
        '-',
        f.compare && String(f.compare.p99),
      );
    }
  }
  const v = costs.valkran;
  if (v) {
    const c = costs.compare;
    const m = v.memory;
    for (const kind of ['default', 'dense', 'two-columns']) {
      if (!m[kind]) continue;
      const r = m[kind].perPlayer / m.bare.perPlayer;
      row(
        `memory B/player, ${kind} board, ${fmt(COSTS.players)} players`,
        fmt(m[kind].perPlayer, 1),
        fmt(m.bare.perPlayer, 1),
        ratio(m[kind].perPlayer, m.bare.perPlayer),
        kind === 'default' ? '<= 1.50x' : '-',
        kind === 'default' ? (r <= 1.5 ? 'yes' : 'NO') : '-',
        c?.memory[kind] && fmt(c.memory[kind].perPlayer, 1),
      );
    }
    const small = fmt(COSTS.small);
    const big = fmt(COSTS.big);
    for (const [kind, w] of Object.entries(v.reads)) {
      const s = w['small:free'];
      const b = w['big:free'];
      const r = b.usecPerScriptCall / s.usecPerScriptCall;
      const cw = c?.reads[kind];
      const bare = v.bare?.[kind];
      row(
        `Valkey µs/script call, ${kind}: valkran ${big}-player board, baseline ${small}` +
          (bare ? ` (bare commands: ${bare.ratio.toFixed(2)}x)` : ''),
        fmt(b.usecPerScriptCall, 2),
        fmt(s.usecPerScriptCall, 2),
        ratio(b.usecPerScriptCall, s.usecPerScriptCall),
        '<= 1.50x',
        r <= 1.5 ? 'yes' : 'NO',
        cw &&
          `${fmt(cw['big:free'].usecPerScriptCall, 2)} (${ratio(cw['big:free'].usecPerScriptCall, cw['small:free'].usecPerScriptCall)})`,
      );
    }
    const calls = {
      ...Object.fromEntries(Object.entries(v.reads).map(([k, w]) => [k, w['big:prod']])),
      ...v.calls,
    };
    for (const [kind, w] of Object.entries(calls)) {
      const cw = c ? (c.calls[kind] ?? c.reads[kind]?.['big:prod']) : null;
      const other = w.callsPerRequest - w.ownCallsPerRequest;
      row(
        `Valkey calls/request, ${kind}${kind in v.calls ? '' : ` (${big}-player board)`}` +
          (other > 0.005 ? ` (+${other.toFixed(2)} background: ${w.background.join(', ')})` : ''),
        w.ownCallsPerRequest.toFixed(2),
        '-',
        '-',
        '1',
        failed(w) ? 'failures' : w.ownCallsPerRequest < 1.005 ? 'yes' : 'NO',
        cw && cw.ownCallsPerRequest.toFixed(2),
      );
    }
  }
  console.log(`\n=== summary${cmp ? ` (compare: ${COMPARE})` : ''} ===`);
  printTable(rows);
  console.log(
    'ratio = valkran/baseline; req/s and scores/s are medians over rounds; Valkey µs/script call from INFO ' +
      'commandstats (read scripts alone, every read rendered: the limits-off, nothing-kept process); calls/request = commands Valkran sends per HTTP ' +
      'request (MONITOR; not the calls inside a script); the stats-queue enqueues of the write timer and commands ' +
      'seen less than once per two requests (periodic tasks) are background, shown apart and not in the figure.',
  );
}

async function main() {
  printMachineInfo({ loadavg: true });
  console.log(`seed ${RNG_SEED}; parts: ${PARTS.join(', ')}`);
  // Every Valkran runs from a copy of its dist/ taken now: a rebuild meanwhile changes nothing.
  const builds = { valkran: snapshotBuild(`${benchRun.runDir()}/build-valkran`, '.') };
  if (COMPARE) builds.compare = snapshotBuild(`${benchRun.runDir()}/build-compare`, COMPARE);
  for (const s of SERVERS)
    if (!s.baseline) s.main = builds[s.name === 'compare' ? 'compare' : 'valkran'];
  let http = null;
  if (PARTS.includes('http')) {
    http = await httpPart();
    if (benchRun.interrupted) return;
  }
  const costs = {};
  if (PARTS.includes('valkey')) {
    for (const [label, main] of Object.entries(builds)) {
      costs[label] = await measureValkeyCosts({
        benchRun,
        label,
        main,
        shownAs: label === 'compare' ? `${COMPARE}/dist/main.js` : 'dist/main.js',
        logDir: benchRun.runDir(),
        opts: COSTS,
        rng: seededRandom(RNG_SEED + 1), // the same boards for every build
      });
      if (benchRun.interrupted) return;
    }
  }
  printSummary(http, costs);
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
