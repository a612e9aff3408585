// Ranking-jobs figures: how long a stats recompute takes at 100k and 1M members (and the longest
// single Valkey call during it, from SLOWLOG), how many ranking jobs a burst of 10,000 single
// submits creates, and how many boards one worker keeps live when many boards change at once.
// Prints figures; asserts nothing. Run with `npm run bench` (builds first) or
// `npm run -s build && node bench/jobs.mjs [recompute|burst|many]`.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import {
  ADMIN_KEY,
  SUBMIT_KEY,
  createBenchRun,
  fmt,
  median,
  printMachineInfo,
  sleep,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const { Logger } = require('@nestjs/common');
const { ModulesContainer } = require('@nestjs/core');
const { createApp } = require('../dist/app.js');
const { loadConfig } = require('../dist/config/app-config.js');
const { BoardsService } = require('../dist/leaderboard/boards.service.js');
const { ScoresRepository } = require('../dist/scores/scores.repository.js');
const { StatsService } = require('../dist/ranking-jobs/stats/stats.service.js');
const { JobQueues } = require('../dist/ranking-jobs/queue/job-queues.js');
const { EventBus } = require('../dist/events/event-bus.js');
const { LiveRepository } = require('../dist/realtime/live.repository.js');

const SIZES = [100_000, 1_000_000];
const RUNS = 7;
const BATCH = 1000; // the most submitBatch takes in one call
const SEED_CONCURRENCY = 4; // keeps Valkey busy while Node builds the next batch
const SUBMITS = 10_000;
const IN_FLIGHT = 50;
const SLOWLOG_MAX = 100_000;
const MANY_BOARDS = 500;
const MANY_SECONDS = 10;
const LIVE_MAX_HZ = 4; // the default
const TIERS = [
  { name: 'gold', topPercent: 1 },
  { name: 'silver', topPercent: 10 },
];

let valkey;
let redis; // the bench's own connection, named 'bench' so its CONFIG/SLOWLOG calls are left out
const apps = [];
const scripts = new Map(); // sha -> { name, source }, so SLOWLOG's EVAL/EVALSHA lines are readable
// No child processes here: the apps run in-process, and are closed before Valkey is stopped.
const benchRun = createBenchRun({
  tmpPrefix: 'valkran-jobs-bench-',
  beforeStop: async () => {
    for (const app of apps.splice(0)) await app.close().catch((e) => console.error(e.message));
    redis?.disconnect();
  },
});

async function bootApp(mode) {
  const env = { NODE_ENV: 'test', VALKEY_URL: valkey.url, LOG_LEVEL: 'warn', APP_MODE: mode };
  env.ADMIN_API_KEYS = ADMIN_KEY;
  env.SUBMIT_API_KEYS = SUBMIT_KEY;
  const app = await createApp(loadConfig(env, []));
  apps.push(app);
  // Every provider's LuaScript fields (they carry sha and source), to name SLOWLOG's scripts.
  for (const mod of app.get(ModulesContainer).values()) {
    for (const { instance } of mod.providers.values()) {
      for (const v of Object.values(instance ?? {})) if (v?.sha && v?.source) scripts.set(v.sha, v);
    }
  }
  return app;
}

// Entries are [id, unix time, micros, args, client addr, client name]. Valkey 8 logs the
// commands a script runs too, but the script's own entry always lasts at least as long, so the
// longest entry is the longest time Valkey was blocked by one call.
async function longestCall() {
  const all = await redis.call('SLOWLOG', 'GET', String(SLOWLOG_MAX));
  const entries = all.filter((e) => e[5] !== 'bench');
  if (entries.length === 0) return { text: '-', logged: 'none logged' };
  const top = entries.reduce((a, b) => (b[2] > a[2] ? b : a));
  const args = top[3].map((a) => String(a).replace(/\s+/g, ' '));
  if (/^evalsha$/i.test(args[0])) args[1] = scripts.get(args[1])?.name ?? args[1].slice(0, 8);
  if (/^eval$/i.test(args[0])) {
    // SLOWLOG cuts long args, so match the script by the start of its source. A first call
    // after a fresh start is an EVAL (EVALSHA said NOSCRIPT), which also compiles the script.
    const head = String(top[3][1]).replace(/\.\.\. \(\d+ more bytes\)$/, '');
    const known = [...scripts.values()].find((s) => s.source.startsWith(head));
    args[1] = `${known?.name ?? args[1].slice(0, 24)} (first call, compiles)`;
  }
  const over1ms = entries.filter((e) => e[2] > 1000).length;
  const shown = args.slice(0, 4).map((a) => a.slice(0, 48));
  const text = `${fmt(top[2])} µs ${shown.join(' ')}`;
  // A full log has dropped its oldest entries, so the longest call may be missing.
  const logged = `${entries.length} logged${all.length >= SLOWLOG_MAX ? ', SLOWLOG full' : ''}`;
  return { text, logged, over1ms };
}

async function seed(repo, boardId, n) {
  let next = 0;
  const loop = async () => {
    while (next < n) {
      const from = next;
      next = Math.min(n, next + BATCH);
      const entries = [];
      for (let i = from; i < next; i++) {
        entries.push({ playerId: `p${i}`, score: Math.floor(Math.random() * (1e9 + 1)) });
      }
      // No Idempotency-Key, no rate limits: the repository's defaults.
      const r = await repo.submitBatch(boardId, entries, { keyDigest: '', bodyDigest: '' });
      if (r.status !== 'ok') throw new Error(`seeding ${boardId}: ${r.status}`);
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, loop));
}

/** Part 1: StatsService.compute() on big boards, in api mode so no BullMQ worker competes. */
async function recomputePhase(summary) {
  const app = await bootApp('api');
  const [boards, repo, ranking] = [BoardsService, ScoresRepository, StatsService].map((c) =>
    app.get(c),
  );
  for (const size of SIZES) {
    const id = `bench-${size}`;
    await boards.create(id, { tiers: TIERS });
    const t0 = performance.now();
    await seed(repo, id, size);
    const secs = (performance.now() - t0) / 1000;
    console.log(
      `\nseeded ${id}: ${fmt(size)} members in ${fmt(secs, 1)} s (${fmt(size / secs)}/s)`,
    );
    if (size === 1_000_000) {
      const mem = (await redis.info('memory')).match(/used_memory_human:(\S+)/)?.[1];
      console.log(`used_memory_human after seeding 1M: ${mem}`);
    }
    await redis.call('SLOWLOG', 'RESET'); // per board, so the longest call belongs to this size
    const times = [];
    let stats;
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      stats = await ranking.compute(id);
      times.push(performance.now() - start);
    }
    const longest = await longestCall();
    const [min, med, max] = [Math.min(...times), median(times), Math.max(...times)];
    console.log(
      `compute() x${RUNS}: min ${fmt(min, 2)}, median ${fmt(med, 2)}, max ${fmt(max, 2)} ms`,
    );
    console.log(`  runs in order: ${times.map((t) => fmt(t, 2)).join(', ')} ms`);
    const { total, percentiles: p, tiers, histogram } = stats;
    console.log(
      `  stats: total ${fmt(total)}, p50 ${p.p50}, p99 ${p.p99}, gold from ${tiers[0].score}, ${histogram.length} buckets`,
    );
    console.log(`  longest Valkey call (${longest.logged}): ${longest.text}`);
    summary.push({
      measure: `stats recompute, ${fmt(size)} members`,
      result: `median ${fmt(med, 2)} ms (min ${fmt(min, 2)}, max ${fmt(max, 2)})`,
      'longest Valkey call': longest.text,
    });
  }
  apps.splice(apps.indexOf(app), 1);
  await app.close();
}

/** Part 2: single submits over HTTP to an app that has workers; count the ranking jobs. */
async function burstPhase(summary) {
  const app = await bootApp('all');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  const id = 'bench-burst';
  await app.get(BoardsService).create(id, { tiers: TIERS });
  await redis.call('SLOWLOG', 'RESET');
  const codes = {};
  let next = 0;
  const t0 = performance.now();
  const loop = async () => {
    while (next < SUBMITS) {
      const i = next++;
      const res = await fetch(`${url}/v1/leaderboards/${id}/scores`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SUBMIT_KEY}` },
        body: JSON.stringify({ playerId: `p${i}`, score: i }),
      });
      await res.arrayBuffer(); // drain, so the connection goes back to the pool
      codes[res.status] = (codes[res.status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, loop));
  const secs = (performance.now() - t0) / 1000;
  await sleep(2000); // the trigger flushes every 250 ms; let the last job finish
  // The worker's first sweep also recomputes part 1's boards (their stats were never saved),
  // so only this board's jobs are counted; their calls still show in SLOWLOG.
  const queue = app.get(JobQueues).queues.ranking;
  const byState = {};
  let ran = [];
  for (const state of ['completed', 'active', 'waiting', 'delayed', 'failed']) {
    const jobs = (await queue.getJobs([state])).filter((j) => j?.data?.boardId === id);
    byState[state] = jobs.length;
    if (state === 'completed') ran = jobs.map((j) => j.finishedOn - j.processedOn);
  }
  const jobs = Object.values(byState).reduce((a, b) => a + b, 0);
  const perTenK = (jobs / SUBMITS) * 10_000;
  const longest = await longestCall();
  console.log(`\n${fmt(SUBMITS)} single submits, ${IN_FLIGHT} in flight, to ${id}:`);
  console.log(
    `  ${fmt(secs, 2)} s, ${fmt(SUBMITS / secs)} submits/s, HTTP ${JSON.stringify(codes)}`,
  );
  console.log(`  ranking jobs: ${jobs} ${JSON.stringify(byState)} = ${fmt(perTenK, 1)} per 10k`);
  if (ran.length) {
    console.log(`  job run time: median ${median(ran)} ms, max ${Math.max(...ran)} ms`);
  }
  if (byState.completed >= 200) console.log('  (only the last 200 completed jobs are kept)');
  console.log(`  longest Valkey call (${longest.logged}): ${longest.text}`);
  console.log(`  calls over 1 ms: ${longest.over1ms}`);
  summary.push({
    measure: `${fmt(SUBMITS)} single submits over HTTP`,
    result: `${fmt(SUBMITS / secs)} submits/s, ${jobs} ranking jobs (${fmt(perTenK, 1)} per 10k)`,
    'longest Valkey call': longest.text,
  });
}

/**
 * Part 3: single submits spread over many boards, each changing faster than LIVE_MAX_HZ, to an
 * app with one worker. The ideal is every board published LIVE_MAX_HZ times a second; counts
 * ranking jobs finished and live publishes (gates taken) per second.
 */
async function manyBoardsPhase(summary) {
  const app = await bootApp('all');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  const ids = Array.from({ length: MANY_BOARDS }, (_, i) => `many-${i}`);
  for (const id of ids) await app.get(BoardsService).create(id, {});
  let jobs = 0;
  let publishes = 0;
  app.get(EventBus).on('stats.computed', () => void jobs++);
  const live = app.get(LiveRepository);
  const takeGate = live.takeGate.bind(live);
  live.takeGate = async (...args) => {
    const r = await takeGate(...args);
    if (r?.taken) publishes++;
    return r;
  };
  let next = 0;
  let stop = false;
  let codes = {};
  const loop = async () => {
    while (!stop) {
      const i = next++;
      const res = await fetch(`${url}/v1/leaderboards/${ids[i % ids.length]}/scores`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SUBMIT_KEY}` },
        body: JSON.stringify({ playerId: `p${i % 5000}`, score: i }),
      });
      await res.arrayBuffer();
      codes[res.status] = (codes[res.status] ?? 0) + 1;
    }
  };
  const warm = Promise.all(Array.from({ length: IN_FLIGHT }, loop));
  await sleep(2000); // let the queue reach a steady state
  [jobs, publishes, codes, next] = [0, 0, {}, 0];
  const t0 = performance.now();
  await sleep(MANY_SECONDS * 1000);
  const secs = (performance.now() - t0) / 1000;
  const [j, p, n] = [jobs / secs, publishes / secs, next / secs];
  stop = true;
  await warm;
  const ideal = MANY_BOARDS * LIVE_MAX_HZ;
  console.log(`
${MANY_BOARDS} boards, ${fmt(n)} submits/s for ${fmt(secs, 1)} s, one worker:`);
  console.log(`  HTTP ${JSON.stringify(codes)}`);
  console.log(`  ranking jobs finished: ${fmt(j)}/s; live publishes: ${fmt(p)}/s`);
  console.log(
    `  = ${fmt(p / MANY_BOARDS, 2)} publishes per board per second (LIVE_MAX_HZ ${LIVE_MAX_HZ}; ideal ${fmt(ideal)}/s, ${fmt((100 * p) / ideal)}%)`,
  );
  summary.push({
    measure: `${MANY_BOARDS} busy boards, one worker`,
    result: `${fmt(j)} ranking jobs/s, ${fmt(p)} live publishes/s (${fmt((100 * p) / ideal)}% of ${LIVE_MAX_HZ}/s per board)`,
    'longest Valkey call': '-',
  });
  apps.splice(apps.indexOf(app), 1);
  await app.close();
}

async function main() {
  try {
    printMachineInfo();
    // createApp only honours LOG_LEVEL=silent; keep Nest to warnings and errors so they stand out.
    Logger.overrideLogger(['error', 'warn', 'fatal']);
    valkey = await benchRun.startValkey();
    redis = new Redis(valkey.url, { connectionName: 'bench' });
    // Log every command (threshold 0), with room for a whole phase, so "longest" is exact.
    await redis.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    await redis.call('SLOWLOG', 'RESET');
    await redis.call('CONFIG', 'SET', 'slowlog-max-len', String(SLOWLOG_MAX));
    await redis.call('LATENCY', 'RESET');
  } catch (err) {
    console.error(`bench failed to start: ${err.stack ?? err}`);
    await benchRun.cleanup();
    process.exit(1);
  }
  const summary = [];
  // `node bench/jobs.mjs many` (say) runs one part only.
  const parts = { recompute: recomputePhase, burst: burstPhase, many: manyBoardsPhase };
  const only = process.argv[2];
  if (only && !parts[only]) throw new Error(`unknown part ${only}; one of ${Object.keys(parts)}`);
  for (const [name, run] of Object.entries(parts)) if (!only || only === name) await run(summary);
  console.log('\nsummary');
  console.table(summary);
  await benchRun.cleanup();
}

main().catch(async (err) => {
  if (benchRun.interrupted) return; // cleanup closed what this was using; the SIGINT handler exits
  console.error(`bench failed: ${err?.stack ?? err}`); // the stack, not ioredis' whole command
  await benchRun.cleanup();
  process.exit(1);
});
