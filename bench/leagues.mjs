// League figures (issue 11): the period close of a board with leagues, N players in cohorts of
// C (default 1,000,000 in cohorts of 50: 20,000 cohorts), run as the reset job runs it: the
// reset script, then the league settlement in bounded steps. Prints the close's wall time, the
// settle steps' round trips, the longest single Valkey call (SLOWLOG, every call over 1 ms is
// logged, scripts and the commands they run) and the memory the cohorts and leagues cost per
// player. Two closes: the first of an all-bronze board (promotions only), then the same players
// play a second period in their new leagues (promotions and demotions). Last, the board is
// deleted: its two periods' cohort keys and the leagues are dropped in bounded steps.
// Asserts nothing. Run: `npm run -s build && node bench/leagues.mjs [players] [cohortSize]`;
// BENCH_DEMOTE_INACTIVE=1 makes the board `demoteInactive`, so each close also scans every
// player's league (HSCAN, in the same bounded steps) for those who did not play.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { createBenchRun, fmt, median, printMachineInfo } from './lib.mjs';

const require = createRequire(import.meta.url);
const { Logger } = require('@nestjs/common');
const { ModulesContainer } = require('@nestjs/core');
const { createApp } = require('../dist/app.js');
const { loadConfig } = require('../dist/config/app-config.js');
const { BoardsService } = require('../dist/leaderboard/boards.service.js');
const { ScoresRepository } = require('../dist/scores/scores.repository.js');
const { ResetsRepository } = require('../dist/ranking-jobs/resets/resets.repository.js');
const { LeaguesRepository } = require('../dist/ranking-jobs/resets/leagues.repository.js');
const {
  DROP_COHORTS_PER_STEP,
  SETTLE_COHORTS_PER_STEP,
} = require('../dist/ranking-jobs/resets/league-settlement.js');
const { SETTLE_STEP_BUDGET } = require('../dist/ranking-jobs/resets/leagues.repository.js');

const PLAYERS = Number(process.argv[2] ?? 1_000_000);
const COHORT = Number(process.argv[3] ?? 50);
const DEMOTE_INACTIVE = process.env.BENCH_DEMOTE_INACTIVE === '1';
const BATCH = 1000;
const SEED_CONCURRENCY = 4;
const SLOWLOG_MAX = 100_000;
const LEAGUES = [
  { name: 'bronze', promote: 5, demote: 0 },
  { name: 'silver', promote: 5, demote: 5 },
  { name: 'gold', promote: 5, demote: 5 },
  { name: 'diamond', promote: 0, demote: 5 },
];
const NO_KEY = { keyDigest: '', bodyDigest: '' };

let valkey;
let redis;
let app;
const scripts = new Map();
const benchRun = createBenchRun({
  tmpPrefix: 'valkran-leagues-bench-',
  beforeStop: async () => {
    await app?.close().catch((e) => console.error(e.message));
    redis?.disconnect();
  },
});

async function seed(repo, boardId) {
  let next = 0;
  const t0 = performance.now();
  const loop = async () => {
    while (next < PLAYERS) {
      const from = next;
      next = Math.min(PLAYERS, next + BATCH);
      const entries = [];
      for (let i = from; i < next; i++) {
        entries.push({ playerId: `p${i}`, score: Math.floor(Math.random() * 1e9) });
      }
      const r = await repo.submitBatch(boardId, entries, NO_KEY);
      if (r.status !== 'ok') throw new Error(`seeding ${boardId}: ${r.status}`);
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, loop));
  return (performance.now() - t0) / 1000;
}

/** The longest call SLOWLOG kept (calls over 1 ms), named when it is one of our scripts. */
async function longestCall() {
  const all = await redis.call('SLOWLOG', 'GET', String(SLOWLOG_MAX));
  const entries = all.filter((e) => e[5] !== 'bench');
  if (entries.length === 0) return 'none over 1 ms';
  const top = entries.reduce((a, b) => (b[2] > a[2] ? b : a));
  const args = top[3].map((a) => String(a));
  if (/^evalsha$/i.test(args[0])) args[1] = scripts.get(args[1])?.name ?? args[1].slice(0, 8);
  const scriptCalls = entries.filter((e) => /^evalsha$/i.test(String(e[3][0])));
  const over10 = scriptCalls.filter((e) => e[2] > 10_000).length;
  const slowest = [...entries]
    .sort((a, b) => b[2] - a[2])
    .slice(0, 4)
    .map((e) => `${fmt(e[2] / 1000, 1)} ms ${String(e[3][0])}`)
    .join(', ');
  return (
    `${fmt(top[2] / 1000, 2)} ms (${args.slice(0, 2).join(' ')}); script calls over 1 ms: ` +
    `${scriptCalls.length}, over 10 ms: ${over10}; slowest entries: ${slowest}`
  );
}

/** Valkey's own latency percentiles of EVALSHA since the last CONFIG RESETSTAT. */
async function scriptPercentiles() {
  const info = await redis.info('latencystats');
  const m = info.match(/latency_percentiles_usec_evalsha:(\S+)/);
  if (!m) return 'n/a';
  return m[1]
    .split(',')
    .map((kv) => kv.split('='))
    .map(([k, v]) => `${k} ${fmt(Number(v) / 1000, 2)} ms`)
    .join(', ');
}

async function scriptUsec() {
  const info = await redis.info('commandstats');
  const m = info.match(/cmdstat_evalsha:calls=(\d+),usec=(\d+)/);
  return m ? { calls: Number(m[1]), usec: Number(m[2]) } : { calls: 0, usec: 0 };
}

async function close(boardId, periodId, label) {
  const resets = app.get(ResetsRepository);
  const leagues = app.get(LeaguesRepository);
  await redis.call('SLOWLOG', 'RESET');
  await redis.call('CONFIG', 'RESETSTAT');
  const t0 = performance.now();
  const reset = await resets.reset(boardId, periodId, null);
  if (reset.status !== 'reset') throw new Error(`reset: ${reset.status}`);
  const steps = [];
  let moved = 0;
  for (;;) {
    const s0 = performance.now();
    const step = await leagues.settleStep(boardId, SETTLE_COHORTS_PER_STEP);
    if (step.status === 'none') break;
    steps.push(performance.now() - s0);
    if (step.status === 'done') moved = step.movedInPeriod;
  }
  const secs = (performance.now() - t0) / 1000;
  const stats = await scriptUsec();
  console.log(`\n${label}: closed in ${fmt(secs, 2)} s, ${fmt(moved)} players moved`);
  console.log(
    `  ${steps.length} settle steps (up to ${SETTLE_COHORTS_PER_STEP} cohorts or ` +
      `${SETTLE_STEP_BUDGET} work units each): round trip median ` +
      `${fmt(median(steps), 2)} ms, max ${fmt(Math.max(...steps), 2)} ms; Valkey time ` +
      `${fmt(stats.usec / 1000, 0)} ms over ${fmt(stats.calls)} script calls`,
  );
  console.log(`  script call percentiles (Valkey's latencystats): ${await scriptPercentiles()}`);
  const longest = await longestCall();
  console.log(`  longest Valkey call: ${longest}`);
  return { secs, moved, steps: steps.length, longest };
}

/** Deletes the board: the board.deleted listener drops every cohort key in bounded steps. */
async function drop(boardId) {
  await redis.call('SLOWLOG', 'RESET');
  await redis.call('CONFIG', 'RESETSTAT');
  const t0 = performance.now();
  await app.get(BoardsService).delete(boardId);
  const secs = (performance.now() - t0) / 1000;
  const left = await redis.call('SCAN', '0', 'MATCH', `{lb:${boardId}}:co:*`, 'COUNT', '100000');
  const stats = await scriptUsec();
  console.log(
    `\ndelete and drop of the cohort keys: ${fmt(secs, 2)} s, ${fmt(stats.calls)} script calls ` +
      `(up to ${DROP_COHORTS_PER_STEP} cohorts each), Valkey time ${fmt(stats.usec / 1000, 0)} ms; ` +
      `cohort keys left in the first scan batch: ${left[1].length}`,
  );
  console.log(`  script call percentiles (Valkey's latencystats): ${await scriptPercentiles()}`);
  const longest = await longestCall();
  console.log(`  longest Valkey call: ${longest}`);
  return { secs, moved: 0, steps: stats.calls, longest };
}

async function memoryOf(boardId, generation, periodId) {
  const root = `{lb:${boardId}}:co:${generation}:`;
  const usage = async (key) =>
    Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
  const per = `${root}${periodId}:`;
  const n = Number(await redis.hget(`${per}h`, 'n'));
  let cohortBytes = 0;
  const sample = Math.min(n, 500);
  for (let i = 1; i <= sample; i++)
    cohortBytes += await usage(`${per}c${Math.ceil((i * n) / sample)}`);
  cohortBytes = (cohortBytes / sample) * n;
  const membership = await usage(`${per}m`);
  const meta = await usage(`${per}h`);
  const leagues = (await usage(`${root}lg`)) + (await usage(`${root}lgc`));
  const board = (await usage(`{lb:${boardId}}:cur:z`)) + (await usage(`{lb:${boardId}}:cur:r`));
  const b = (x) => fmt(x / PLAYERS, 1);
  console.log(
    `\nmemory per player (MEMORY USAGE, ${fmt(PLAYERS)} players, ${fmt(n)} cohorts): board ` +
      `${b(board)} B; cohorts: sorted sets ${b(cohortBytes)} B (sampled), membership ${b(membership)} B, ` +
      `cohort hash ${b(meta)} B, leagues ${b(leagues)} B; cohorts and leagues in all ` +
      `${b(cohortBytes + membership + meta + leagues)} B`,
  );
}

/**
 * The machine's own worst stall, with no Valkey work at all: `valkey-cli --intrinsic-latency`
 * spins for BENCH_STALL_SECONDS (default 5) and reports the longest time it was not scheduled.
 * A Valkey call can never be faster than that, so a "longest call" near it is the machine's.
 */
function machineStall() {
  const seconds = process.env.BENCH_STALL_SECONDS ?? '5';
  try {
    const out = execFileSync('valkey-cli', ['--intrinsic-latency', seconds], { encoding: 'utf8' });
    const max = [...out.matchAll(/Max latency so far: (\d+) microseconds/g)].pop();
    console.log(
      `\nthe machine's own worst stall (valkey-cli --intrinsic-latency ${seconds}, no Valkey work): ` +
        `${max ? fmt(Number(max[1]) / 1000, 2) : '?'} ms`,
    );
  } catch (err) {
    console.log(`\nvalkey-cli --intrinsic-latency failed: ${err.message}`);
  }
}

async function main() {
  printMachineInfo();
  Logger.overrideLogger(['error', 'warn', 'fatal']);
  valkey = await benchRun.startValkey();
  redis = new Redis(valkey.url, { connectionName: 'bench' });
  const env = {
    NODE_ENV: 'test',
    VALKEY_URL: valkey.url,
    LOG_LEVEL: 'warn',
    APP_MODE: 'api',
    ADMIN_API_KEYS: 'bench-admin-key-0123456789',
    SUBMIT_API_KEYS: 'bench-submit-key-0123456789',
    VALKEY_COMMAND_TIMEOUT_MS: '10000',
  };
  app = await createApp(loadConfig(env, []));
  for (const mod of app.get(ModulesContainer).values()) {
    for (const { instance } of mod.providers.values()) {
      for (const v of Object.values(instance ?? {})) if (v?.sha && v?.source) scripts.set(v.sha, v);
    }
  }
  await redis.call('CONFIG', 'SET', 'slowlog-log-slower-than', '1000');
  await redis.call('CONFIG', 'SET', 'slowlog-max-len', String(SLOWLOG_MAX));
  const id = 'bench-leagues';
  const view = await app.get(BoardsService).create(id, {
    cohortSize: COHORT,
    leagues: LEAGUES,
    ...(DEMOTE_INACTIVE ? { demoteInactive: true } : {}),
  });
  const repo = app.get(ScoresRepository);
  console.log(
    `board ${id}: ${fmt(PLAYERS)} players, cohorts of ${COHORT}, leagues ${LEAGUES.map((l) => l.name).join(' < ')}${DEMOTE_INACTIVE ? ', demoteInactive' : ''}`,
  );
  let secs = await seed(repo, id);
  console.log(`seeded period 1 in ${fmt(secs, 1)} s (${fmt(PLAYERS / secs)}/s)`);
  await memoryOf(id, view.board.createdAt, '0000000001');
  const first = await close(id, '0000000001', 'close of period 1 (all bronze)');
  secs = await seed(repo, id);
  console.log(`\nseeded period 2 in ${fmt(secs, 1)} s (${fmt(PLAYERS / secs)}/s)`);
  const second = await close(id, '0000000002', 'close of period 2 (bronze and silver)');
  const dropped = await drop(id);
  machineStall();
  console.log('\nsummary');
  console.table([
    { close: 'period 1', ...first },
    { close: 'period 2', ...second },
    { close: 'delete (drop)', ...dropped },
  ]);
  await benchRun.cleanup();
}

main().catch(async (err) => {
  if (benchRun.interrupted) return;
  console.error(`bench failed: ${err?.stack ?? err}`);
  await benchRun.cleanup();
  process.exit(1);
});
