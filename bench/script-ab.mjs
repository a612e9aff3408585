// Valkey's own time per call (INFO commandstats) of the hot Lua scripts of two builds, side by
// side on ONE Valkey and the same seeded board: each build's assembled script is run directly by
// EVALSHA (no HTTP, no Node in between), in windows that alternate A, B, A, B… so that noise from
// the machine (other tenants, CPU frequency) falls on both builds alike. Prints the median µs per
// call of each build and their ratio, and the fastest window's. Asserts nothing.
//
// Usage: node bench/script-ab.mjs <other checkout> (both built: `npm run build`). The board is
// created and seeded through this checkout's api; both builds must use the same storage layout.
// Env: AB_WINDOWS windows per build and script (default 9), AB_CALLS calls per window (3000),
// AB_PLAYERS players on the board (10000), BENCH_SEED, AB_VERBOSE=1 (every window's figure).
import { Redis } from 'ioredis';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { createBenchRun, fmt, freePort, median, printMachineInfo, printTable } from './lib.mjs';
import { valkranEnv, waitHttpOk, seededRandom } from './lib.mjs';
import { commandStats, createBoard, seedBoard } from './valkey-costs.mjs';

const env = process.env;
const WINDOWS = Number(env.AB_WINDOWS ?? 9);
const CALLS = Number(env.AB_CALLS ?? 3000);
const PLAYERS = Number(env.AB_PLAYERS ?? 10_000);
const other = process.argv[2];
if (!other) throw new Error('usage: node bench/script-ab.mjs <other built checkout>');
const require = createRequire(import.meta.url);
const rng = seededRandom(Number(env.BENCH_SEED ?? 13));

/** A build's scripts (its dist/ folder), by name, as its own LuaScript assembles them. */
function scriptsOf(checkout) {
  const dist = resolve(checkout, 'dist');
  const { LuaScript } = require(resolve(dist, 'valkey/lua-script.js'));
  const { STORAGE_LAYOUT } = require(resolve(dist, 'leaderboard/board.keys.js'));
  const load = (dir, name) => new LuaScript(name, resolve(dist, dir));
  return {
    layout: STORAGE_LAYOUT,
    submit: load('scores', 'submit.lua'),
    player: load('leaderboard', 'player.lua'),
    page: load('leaderboard', 'page.lua'),
    around: load('leaderboard', 'around.lua'),
  };
}

const BOARD = 'ab';
const tag = `{lb:${BOARD}}`;
const cur = { z: `${tag}:cur:z`, r: `${tag}:cur:r`, dz: `${tag}:cur:dz` };
const readKeys = [`${tag}:cfg`, cur.z, cur.r, cur.dz, `${tag}:ver`, `${tag}:entrants`];
const player = () => `p${rng.int(PLAYERS)}`;

/** The calls of each measured kind: [script name, keys, args] per call (no rate limits). */
const KINDS = {
  'single submit': () => [
    'submit',
    [
      `${tag}:cfg`,
      `${tag}:seq`,
      cur.z,
      cur.r,
      cur.dz,
      `${tag}:ver`,
      'ab:idem',
      'ab:idem',
      `${tag}:entrants`,
    ],
    [0, '', player(), rng.int(1_000_001), '', '', '', ''],
  ],
  'player read': () => ['player', readKeys, [0, '', player()]],
  'top-10 page': () => ['page', readKeys, [0, 0, 10, '']],
  'around-me': () => ['around', readKeys, [0, player(), 11, '']],
  'top-10 304': (version) => ['page', readKeys, [0, 0, 10, version]],
};

async function window(redis, scripts, kind, version) {
  await redis.call('CONFIG', 'RESETSTAT');
  for (let done = 0; done < CALLS; done += 200) {
    const p = redis.pipeline();
    for (let i = 0; i < 200; i++) {
      const [name, keys, args] = KINDS[kind](version);
      p.evalsha(scripts[name].sha, keys.length, ...keys, ...args);
    }
    const results = await p.exec();
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0];
  }
  const s = (await commandStats(redis)).evalsha;
  return s.usec / s.calls;
}

async function main() {
  printMachineInfo({ loadavg: true });
  const builds = { this: scriptsOf('.'), other: scriptsOf(other) };
  if (builds.this.layout !== builds.other.layout) {
    throw new Error(`storage layouts differ (${builds.this.layout} vs ${builds.other.layout})`);
  }
  const run = createBenchRun({ tmpPrefix: 'valkran-ab-' });
  const valkey = await run.startValkey();
  const port = await freePort();
  const api = run.spawnNode(
    'api',
    ['dist/main.js'],
    valkranEnv(valkey.url, port, { APP_MODE: 'api' }),
  );
  const url = `http://127.0.0.1:${port}`;
  const redis = new Redis(valkey.url);
  try {
    await waitHttpOk(api, `${url}/health/ready`);
    await createBoard(url, BOARD);
    await seedBoard(url, BOARD, PLAYERS, () => rng.int(1_000_001));
    await run.stopChild(api); // nothing else runs scripts from here on
    for (const b of Object.values(builds)) {
      for (const name of ['submit', 'player', 'page', 'around']) {
        await redis.call('SCRIPT', 'LOAD', b[name].source);
      }
    }
    console.log(
      `board "${BOARD}": ${fmt(PLAYERS)} players; ${WINDOWS} windows of ${fmt(CALLS)} calls per build and ` +
        `script, builds alternating; this = ${resolve('.')}, other = ${resolve(other)}`,
    );
    const rows = [];
    for (const kind of Object.keys(KINDS)) {
      const per = { this: [], other: [] };
      for (let w = 0; w < WINDOWS; w++) {
        const order = w % 2 ? ['other', 'this'] : ['this', 'other'];
        for (const b of order) {
          const created = await redis.hget(`${tag}:cfg`, 'createdAt');
          const version = `${created}.${(await redis.get(`${tag}:ver`)) ?? '0'}`;
          per[b].push(await window(redis, builds[b], kind, version));
        }
      }
      const a = median(per.this);
      const o = median(per.other);
      // The fastest window too: on a shared machine, the one least slowed by other work.
      const aMin = Math.min(...per.this);
      const oMin = Math.min(...per.other);
      rows.push({
        script: kind,
        'this µs/call': a.toFixed(1),
        'other µs/call': o.toFixed(1),
        'this/other': `${(a / o).toFixed(2)}x`,
        'fastest this': aMin.toFixed(1),
        'fastest other': oMin.toFixed(1),
        'fastest this/other': `${(aMin / oMin).toFixed(2)}x`,
      });
      if (env.AB_VERBOSE) {
        console.log(`${kind}: this ${per.this.map((x) => x.toFixed(1)).join(' ')}`);
        console.log(`${kind}: other ${per.other.map((x) => x.toFixed(1)).join(' ')}`);
      }
    }
    printTable(rows);
  } finally {
    redis.disconnect();
    await run.stopChild(api);
    await valkey.stop();
  }
}

await main();
