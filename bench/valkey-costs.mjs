// What Valkran costs Valkey, for bench.mjs (parts 3 and 4 of its output):
// - memory per player of a 200k-player board against a bare sorted set of the same ids and scores
//   (MEMORY USAGE of every key under the board's hash tag, and the INFO used_memory delta);
// - Valkey's own time per read script (INFO commandstats) on a small and a big board, and how many
//   Valkey commands each request makes.
// Each run gets a fresh Valkey and two Valkran processes in APP_MODE=api (no BullMQ workers,
// stats jobs or live publisher, so nothing but the measured requests runs scripts; an idle
// window checks that): one with the production defaults bench.mjs uses (rate limits on, far
// above the load), one with every rate limit off and READ_RENDER_CACHE_MB=0. The second seeds
// the boards (no per-player rate counters to wait out) and times the read scripts: with the
// per-IP read limit off, a read's script does no limit work, and with nothing kept every read
// renders its rows, so the small and the big board run the same reads (kept renders would send
// the small board's repeated URLs down the cheaper not-modified path).
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ADMIN_KEY,
  SUBMIT_KEY,
  fileStats,
  fmt,
  freePort,
  median,
  sleep,
  valkranEnv,
  waitHttpOk,
} from './lib.mjs';

const BATCH = 1000; // the most one batch request takes
const SEED_CONCURRENCY = 4;
const SCORE_MAX = 1_000_000;
const SCRIPT_COMMANDS = ['evalsha', 'eval', 'evalsha_ro', 'eval_ro', 'fcall', 'fcall_ro'];
const QUEUE_PREFIX = '{valkran}'; // BullMQ's keys (src/ranking-jobs/queue/queue-names.ts)
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/**
 * sha1 -> script name for every Lua script of a build (its dist/ folder), computed the way the
 * build's own LuaScript does, so MONITOR's EVALSHA lines can be named. Empty if the build has no
 * such loader (names then fall back to the script's first key).
 */
function scriptNames(distDir) {
  const names = new Map();
  try {
    const { LuaScript } = require(resolve(root, distDir, 'valkey/lua-script.js'));
    for (const file of readdirSync(resolve(root, distDir), { recursive: true })) {
      if (!file.endsWith('.lua') || file.endsWith('.lib.lua')) continue;
      try {
        const script = new LuaScript(basename(file), resolve(root, distDir, dirname(file)));
        names.set(script.sha, basename(file));
      } catch {
        // not a standalone script
      }
    }
  } catch {
    // another layout: unnamed
  }
  return names;
}

/** A command as MONITOR shows it, named: scripts by file (or first key), and whether it is BullMQ's. */
function commandLabel(args, names) {
  const cmd = String(args[0]).toLowerCase();
  if (!SCRIPT_COMMANDS.includes(cmd)) {
    return { label: cmd, queue: String(args[1] ?? '').startsWith(QUEUE_PREFIX) };
  }
  const firstKey = Number(args[2]) > 0 ? String(args[3]) : '';
  const queue = firstKey.startsWith(QUEUE_PREFIX);
  const shape = firstKey
    .replace(/^\{lb:[^}]*\}/, '{lb:*}')
    .replace(/^\{rl:[^}]*\}/, '{rl:*}')
    .replace(/\d+/g, '#');
  // A function is named after its script and code hash (valkran_submit_<12 hex>).
  const name = cmd.startsWith('evalsha')
    ? names.get(String(args[1]))
    : cmd.startsWith('fcall')
      ? String(args[1]).replace(/_[0-9a-f]{12}$/, '')
      : undefined;
  return { label: `${cmd} ${name ?? (queue ? 'BullMQ' : `on ${shape}`)}`, queue };
}

/** Valkey's `INFO commandstats` as { command: { calls, usec } } (subcommands as `config|set`). */
export async function commandStats(redis) {
  const text = await redis.info('commandstats');
  const out = {};
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    out[m[1]] = { calls: Number(m[2]), usec: Number(m[3]) };
  }
  return out;
}

async function infoField(redis, section, field) {
  const m = new RegExp(`^${field}:(\\S+)`, 'm').exec(await redis.info(section));
  return m ? m[1] : null;
}

/**
 * INFO used_memory once Valkey has nothing left to free: Valkey 8 frees a DEL'd key in a
 * background thread (lazyfree-lazy-user-del yes), and a reading taken meanwhile counts memory
 * that is on its way out.
 */
async function usedMemory(redis) {
  const deadline = Date.now() + 10_000;
  while (Number(await infoField(redis, 'memory', 'lazyfree_pending_objects')) > 0) {
    if (Date.now() > deadline) break;
    await sleep(50);
  }
  return Number(await infoField(redis, 'memory', 'used_memory'));
}

/** Keys with a TTL in db0 (rate-limit counters and the like). */
async function expiringKeys(redis) {
  const m = /expires=(\d+)/.exec((await infoField(redis, 'keyspace', 'db0')) ?? '');
  return m ? Number(m[1]) : 0;
}

/**
 * Every key whose name starts with `prefix` (SCAN MATCH, so whatever the layout), with its
 * `MEMORY USAGE ... SAMPLES 0` (every element counted), grouped by shape: the prefix dropped and
 * digit runs as `#`, so 5,000 bucket hashes show as one line.
 */
export async function keysMemory(redis, prefix) {
  const keys = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const groups = new Map();
  let bytes = 0;
  for (let i = 0; i < keys.length; i += 1000) {
    const pipeline = redis.pipeline();
    for (const k of keys.slice(i, i + 1000)) pipeline.call('MEMORY', 'USAGE', k, 'SAMPLES', '0');
    const res = await pipeline.exec();
    res.forEach(([err, usage], j) => {
      if (err) throw err;
      const shape = keys[i + j].slice(prefix.length).replace(/\d+/g, '#');
      const g = groups.get(shape) ?? { shape, keys: 0, bytes: 0 };
      g.keys++;
      g.bytes += Number(usage ?? 0);
      groups.set(shape, g);
      bytes += Number(usage ?? 0);
    });
  }
  return {
    keys: keys.length,
    bytes,
    groups: [...groups.values()].sort((a, b) => b.bytes - a.bytes),
  };
}

async function http(method, url, body, key) {
  const res = await fetch(url, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300)
    throw new Error(`${method} ${url}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return { res, json: text ? JSON.parse(text) : null };
}

export const createBoard = (url, id, config = {}) =>
  http('POST', `${url}/v1/leaderboards`, { id, ...config }, ADMIN_KEY);

/**
 * Seeds `board` through Valkran's batch endpoint: players p0..p(n-1), score of player i from
 * `scoreOf(i)` (and subscores from `subscoresOf(i)` when given), batches of 1,000 with a few
 * requests in flight. Returns seconds taken.
 */
export async function seedBoard(url, board, n, scoreOf, subscoresOf = null) {
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const from = next;
      next = Math.min(n, next + BATCH);
      const entries = [];
      for (let i = from; i < next; i++) {
        const entry = { playerId: `p${i}`, score: scoreOf(i) };
        if (subscoresOf) entry.subscores = subscoresOf(i);
        entries.push(entry);
      }
      await http('POST', `${url}/v1/leaderboards/${board}/scores/batch`, { entries }, SUBMIT_KEY);
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
  return (performance.now() - t0) / 1000;
}

/** Waits (up to 15 s) until no more keys carry a TTL than before: rate counters expired. */
async function waitExpired(redis, before) {
  const deadline = Date.now() + 15_000;
  while ((await expiringKeys(redis)) > before && Date.now() < deadline) await sleep(200);
}

/** The tie-break columns of the memory part's `two-columns` board (issue 9). */
const TWO_COLUMNS = [
  { name: 'kills', order: 'desc' },
  { name: 'timeMs', order: 'asc' },
];

/**
 * Memory per player: a bare ZADD of the ids and scores, then the same through Valkran, on a
 * default board, a dense one and one with two tie-break columns (random kills 0..49 and times
 * 0..599,999 ms; skipped on a build without columns, e.g. an older BENCH_COMPARE).
 */
export async function measureMemory(redis, url, label, players, rng, out) {
  const scores = Array.from({ length: players }, () => rng.int(SCORE_MAX + 1));
  const subscores = Array.from({ length: players }, () => [rng.int(50), rng.int(600_000)]);
  const distinct = new Set(scores).size;
  console.log(
    `\nmemory: ${fmt(players)} players p0..p${players - 1}, random scores 0..${fmt(SCORE_MAX)} (${fmt(distinct)} distinct)`,
  );
  const bareKey = 'bare:mem';
  const u0 = await usedMemory(redis);
  for (let i = 0; i < players; i += 10_000) {
    const args = [];
    for (let j = i; j < Math.min(players, i + 10_000); j++) args.push(scores[j], `p${j}`);
    await redis.zadd(bareKey, ...args);
  }
  const bare = {
    bytes: Number(await redis.call('MEMORY', 'USAGE', bareKey, 'SAMPLES', '0')),
    used: (await usedMemory(redis)) - u0,
  };
  console.log(
    `  bare ZADD into one key: MEMORY USAGE ${fmt(bare.bytes)} B = ${fmt(bare.bytes / players, 1)} B/player; ` +
      `used_memory +${fmt(bare.used)} B = ${fmt(bare.used / players, 1)} B/player`,
  );
  await redis.del(bareKey);
  out.bare = { perPlayer: bare.bytes / players, usedPerPlayer: bare.used / players };
  for (const [kind, config] of [
    ['default', {}],
    ['dense', { rankMode: 'dense' }],
    ['two-columns', { tiebreakers: TWO_COLUMNS }],
  ]) {
    const id = `mem-${kind}`;
    const columns = config.tiebreakers ? (i) => subscores[i] : null;
    try {
      await createBoard(url, id, config);
    } catch (err) {
      if (!columns) throw err;
      console.log(`  ${label} ${kind} board: not measured (${err.message.slice(0, 120)})`);
      continue;
    }
    const expiresBefore = await expiringKeys(redis);
    const before = await usedMemory(redis);
    const secs = await seedBoard(url, id, players, (i) => scores[i], columns);
    await waitExpired(redis, expiresBefore);
    const used = (await usedMemory(redis)) - before;
    const mem = await keysMemory(redis, `{lb:${id}}`);
    const total = (await http('GET', `${url}/v1/leaderboards/${id}/entries?limit=1`)).json.total;
    console.log(
      `  ${label} ${kind} board (${JSON.stringify(config)}), seeded through HTTP in ${secs.toFixed(1)} s, total ${fmt(total)}: ` +
        `MEMORY USAGE of ${fmt(mem.keys)} keys {lb:${id}}* ${fmt(mem.bytes)} B = ${fmt(mem.bytes / players, 1)} B/player ` +
        `(${(mem.bytes / bare.bytes).toFixed(2)}x bare); used_memory +${fmt(used)} B = ${fmt(used / players, 1)} B/player ` +
        `(${(used / bare.used).toFixed(2)}x bare)`,
    );
    for (const g of mem.groups.slice(0, 8)) {
      console.log(
        `    ${g.shape.padEnd(16)} ${fmt(g.keys).padStart(7)} key(s) ${fmt(g.bytes).padStart(12)} B  ${fmt(g.bytes / players, 1).padStart(6)} B/player`,
      );
    }
    if (mem.groups.length > 8) console.log(`    ... ${mem.groups.length - 8} more key shapes`);
    out[kind] = {
      perPlayer: mem.bytes / players,
      usedPerPlayer: used / players,
      total,
      keys: mem.keys,
    };
  }
}

/**
 * Top-level commands (what clients send, not what scripts call) while `fn` runs, by name: from
 * MONITOR, which tags a command a script ran with the source `lua`. (INFO commandstats counts a
 * script's own calls too, so it cannot tell round trips apart from work inside a script.)
 */
async function clientCommands(url, names, fn) {
  const client = new Redis(url);
  const monitor = await client.monitor(); // a second connection, in monitor mode
  const counts = {};
  const queue = new Set(); // the labels of BullMQ's commands
  monitor.on('monitor', (_time, args, source) => {
    if (source === 'lua') return;
    const c = commandLabel(args, names);
    counts[c.label] = (counts[c.label] ?? 0) + 1;
    if (c.queue) queue.add(c.label);
  });
  try {
    await fn();
    await sleep(300); // a submit's stats mark is flushed to the queue within 250 ms
  } finally {
    monitor.disconnect();
    client.disconnect();
  }
  return { counts, queue };
}

const callsLine = (counts, per) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c} ${(n / per).toFixed(2)}`)
    .join(', ');

const TIMED_CONNECTIONS = 8; // as many in flight as the MONITOR windows
const REPEATS = Number(process.env.BENCH_VALKEY_REPEATS ?? 5); // timed windows per read kind and board, interleaved; the median counts

const load = (url, request, amount, connections = TIMED_CONNECTIONS) =>
  autocannon({ url, connections, amount, requests: [request] });

const statusCodes = (r) =>
  Object.fromEntries(
    Object.entries(r.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]),
  );

/**
 * Valkey's own time in scripts for `amount` requests (after 50 warm-up ones: the script is
 * loaded, the route warm): CONFIG RESETSTAT, the requests, INFO commandstats. A script's time
 * includes the commands it calls.
 */
async function timed(redis, url, request, amount, connections = TIMED_CONNECTIONS) {
  await load(url, request(), Math.min(50, amount), connections);
  await redis.call('CONFIG', 'RESETSTAT');
  const r = await load(url, request(), amount, connections);
  await sleep(300); // a submit's stats mark is flushed to the queue within 250 ms
  const stats = await commandStats(redis);
  const done = r.requests.total;
  const scripts = SCRIPT_COMMANDS.map((c) => stats[c] ?? { calls: 0, usec: 0 }).reduce(
    (a, s) => ({ calls: a.calls + s.calls, usec: a.usec + s.usec }),
    { calls: 0, usec: 0 },
  );
  return {
    codes: statusCodes(r),
    errors: r.errors + r.timeouts,
    scriptCallsPerRequest: scripts.calls / done,
    scriptUsecPerRequest: scripts.usec / done,
    usecPerScriptCall: scripts.calls ? scripts.usec / scripts.calls : NaN,
  };
}

/**
 * The commands each request sends, from `amount` requests under MONITOR (which slows Valkey
 * down, so it stays out of the timed windows).
 */
async function counted(valkeyUrl, names, url, request, amount, connections = TIMED_CONNECTIONS) {
  let r;
  const { counts, queue } = await clientCommands(valkeyUrl, names, async () => {
    r = await load(url, request(), amount, connections);
  });
  const done = r.requests.total;
  const calls = Object.values(counts).reduce((a, n) => a + n, 0);
  // Background work that fell into the window is listed apart rather than charged to every
  // request: the stats-queue enqueues (BullMQ's, sent by the write timer every 250 ms) and any
  // command seen less than once per two requests, since a call every request makes would show
  // at 1.00 or more. Periodic tasks land here, such as the api's board re-check every minute,
  // which in a window of 40 batches can reach 0.25 per request.
  const background = Object.entries(counts).filter(([c, n]) => queue.has(c) || n / done < 0.5);
  const backgroundCalls = background.reduce((a, [, n]) => a + n, 0);
  return {
    callsPerRequest: calls / done,
    /** Without the background commands (see above). */
    ownCallsPerRequest: (calls - backgroundCalls) / done,
    background: background.map(([c]) => c),
    breakdown: callsLine(counts, done),
    countCodes: statusCodes(r),
  };
}

/** The median of timed windows, with every window's figure kept for the printout. */
function medianTimed(windows) {
  const codes = {};
  for (const w of windows) {
    for (const [c, n] of Object.entries(w.codes)) codes[c] = (codes[c] ?? 0) + n;
  }
  return {
    codes,
    errors: windows.reduce((a, w) => a + w.errors, 0),
    scriptCallsPerRequest: median(windows.map((w) => w.scriptCallsPerRequest)),
    scriptUsecPerRequest: median(windows.map((w) => w.scriptUsecPerRequest)),
    usecPerScriptCall: median(windows.map((w) => w.usecPerScriptCall)),
    perWindow: windows.map((w) => w.usecPerScriptCall.toFixed(1)).join(' '),
  };
}

/** A log file's size and lines, its 5xx lines and warnings or errors, and the child's stderr. */
export async function printLog(name, file, info, requests) {
  // A request logged with a 5xx status, or a line at warn (40) and above.
  const odd = /"status":5\d\d|"level":[4-6]\d/;
  const { bytes, lines, matches, kept } = await fileStats(file, odd);
  const perRequest = requests ? ` = ${(lines / requests).toFixed(2)} per request sent` : '';
  console.log(
    `  ${name}: ${basename(file)} ${fmt(bytes / 2 ** 20, 1)} MiB, ${fmt(lines)} lines${perRequest}`,
  );
  if (matches)
    console.log(
      `    !! ${matches} line(s) with a 5xx status or at warn and above; first:\n      ${kept.join('\n      ')}`,
    );
  if (info.lines)
    console.log(`    stderr (${info.lines} lines) ends:\n      ${info.tail.join('\n      ')}`);
}

const oddStatuses = (codes, errors) => {
  const bad = Object.keys(codes).filter((c) => !/^2|^304$/.test(c));
  return bad.length || errors ? `  !! statuses ${JSON.stringify(codes)}, errors ${errors}` : '';
};

/**
 * For reference: Valkey's own commands for the same reads on bare sorted sets of the same sizes
 * (what the bare baseline service would cost Valkey), so a big/small ratio of Valkran's scripts
 * can be read against what Valkey's data structures do by themselves (a rank lookup walks a
 * skiplist and a hash that no longer fit in the CPU caches at 1M). Sent pipelined from here;
 * µs per request from INFO commandstats (the median of REPEATS windows of 20,000 requests).
 */
async function bareReference(redis, sizes, rng) {
  const N = 20_000;
  for (const [which, size] of Object.entries(sizes)) {
    for (let i = 0; i < size; i += 10_000) {
      const args = [];
      for (let j = i; j < Math.min(size, i + 10_000); j++)
        args.push(rng.int(SCORE_MAX + 1), `p${j}`);
      await redis.zadd(`bare:${which}`, ...args);
    }
  }
  // Each kind: the commands of one request, given a random player (and their rank, if needed).
  const kinds = {
    'top-10 page': { cmds: (k) => [['zrevrange', k, 0, 9, 'WITHSCORES']] },
    'deep page': {
      cmds: (k, size) => [['zrevrange', k, size >> 1, (size >> 1) + 9, 'WITHSCORES']],
    },
    'player rank': {
      cmds: (k, _s, p) => [
        ['zrevrank', k, p],
        ['zscore', k, p],
        ['zcard', k],
      ],
    },
    'around-me': {
      cmds: (k, _s, p) => [
        ['zrevrank', k, p],
        ['zcard', k],
      ],
      // then the window around the rank, as a second step (the baseline does it in one script)
      then: (k, rank) => [
        ['zrevrange', k, Math.max(0, rank - 5), Math.max(0, rank - 5) + 10, 'WITHSCORES'],
      ],
    },
  };
  const out = {};
  console.log(
    `  for reference, bare sorted sets of the same sizes, the same reads as plain commands (${fmt(N)} pipelined, median of ${REPEATS}):`,
  );
  for (const [kind, { cmds, then }] of Object.entries(kinds)) {
    const per = { small: [], big: [] };
    for (let rep = 0; rep < REPEATS; rep++) {
      for (const [which, size] of Object.entries(sizes)) {
        const key = `bare:${which}`;
        await redis.call('CONFIG', 'RESETSTAT');
        for (let i = 0; i < N; i += 1000) {
          const p = redis.pipeline();
          const players = [];
          for (let j = 0; j < 1000; j++) {
            const player = `p${rng.int(size)}`;
            players.push(player);
            for (const c of cmds(key, size, player)) p.call(...c);
          }
          const res = await p.exec();
          if (then) {
            const p2 = redis.pipeline();
            const step = res.length / 1000;
            for (let j = 0; j < 1000; j++)
              for (const c of then(key, res[j * step][1])) p2.call(...c);
            await p2.exec();
          }
        }
        const stats = await commandStats(redis);
        const usec = ['zrevrange', 'zrevrank', 'zscore', 'zcard']
          .map((c) => stats[c]?.usec ?? 0)
          .reduce((a, b) => a + b, 0);
        per[which].push(usec / N);
      }
    }
    const small = median(per.small);
    const big = median(per.big);
    out[kind] = { small, big, ratio: big / small };
    console.log(
      `  ${kind.padEnd(12)} bare: ${small.toFixed(2)} µs/request on ${fmt(sizes.small)}, ${big.toFixed(2)} on ${fmt(sizes.big)}: ${(big / small).toFixed(2)}x`,
    );
  }
  for (const which of Object.keys(sizes)) await redis.unlink(`bare:${which}`);
  return out;
}

/** The read kinds measured on a board of `size` players p0..p(size-1). */
function readKinds(board, size, rng, etag) {
  const base = `/v1/leaderboards/${board}`;
  const kinds = {
    'top-10 page': { method: 'GET', path: `${base}/entries?offset=0&limit=10` },
    'deep page': {
      method: 'GET',
      path: `${base}/entries?offset=${Math.floor(size / 2)}&limit=10`,
    },
    'player rank': {
      method: 'GET',
      setupRequest: (req) => ({ ...req, path: `${base}/players/p${rng.int(size)}` }),
    },
    'around-me': {
      method: 'GET',
      setupRequest: (req) => ({
        ...req,
        path: `${base}/players/p${rng.int(size)}/around?limit=11`,
      }),
    },
  };
  if (etag) {
    kinds['top-10 304'] = {
      method: 'GET',
      path: `${base}/entries?offset=0&limit=10`,
      headers: { 'if-none-match': etag },
    };
  }
  return kinds;
}

/**
 * Parts 3 and 4 for one build (`main`: its dist/main.js). Starts and stops its own Valkey and
 * Valkran processes; prints as it goes and returns the figures for the summary.
 */
export async function measureValkeyCosts({ benchRun, label, main, shownAs, logDir, opts, rng }) {
  const { players, small, big, requests } = opts;
  const countN = Math.max(100, Math.round(requests / 4));
  console.log(`\n=== Valkey costs: ${label} (${shownAs}, APP_MODE=api, fresh Valkey) ===`);
  const valkey = await benchRun.startValkey();
  const redis = new Redis(valkey.url, { connectionName: 'bench' });
  const procs = {};
  const names = scriptNames(dirname(main));
  const limits = {
    prod: {
      RATE_LIMIT_SUBMIT_PER_KEY: '1000000000',
      RATE_LIMIT_SUBMIT_PER_PLAYER: '1000000',
      RATE_LIMIT_READ_PER_IP: '1000000000',
    },
    // Every read renders its rows here: with kept renders, the small board's few URLs would
    // come back as the cheaper not-modified path while the big board's never repeat, and the
    // two boards would not run the same reads.
    free: {
      RATE_LIMIT_SUBMIT_PER_KEY: '0',
      RATE_LIMIT_SUBMIT_PER_PLAYER: '0',
      RATE_LIMIT_READ_PER_IP: '0',
      READ_RENDER_CACHE_MB: '0',
    },
  };
  try {
    for (const [name, lim] of Object.entries(limits)) {
      const port = await freePort();
      const info = benchRun.spawnNode(
        `${label} api (${name === 'prod' ? 'limits on' : 'limits off, nothing kept'})`,
        [main],
        valkranEnv(valkey.url, port, { APP_MODE: 'api', ...lim }),
        { stdoutFile: `${logDir}/${label.replace(/\W+/g, '-')}-api-${name}.log` },
      );
      procs[name] = { info, url: `http://127.0.0.1:${port}` };
    }
    await Promise.all(
      Object.values(procs).map(({ info, url }) => waitHttpOk(info, `${url}/health/ready`)),
    );
    const out = { memory: {}, reads: {}, calls: {} };

    // Part 3: memory per player.
    await measureMemory(redis, procs.free.url, label, players, rng, out.memory);

    // Part 4: Valkey time per read script on a small and a big board.
    const sizes = { small, big };
    console.log(
      `\nValkey time per read: boards of ${fmt(small)} and ${fmt(big)} players seeded through HTTP batches (${SEED_CONCURRENCY} in flight)`,
    );
    for (const [which, size] of Object.entries(sizes)) {
      const board = `bench-${which}`;
      await createBoard(procs.free.url, board);
      const secs = await seedBoard(procs.free.url, board, size, () => rng.int(SCORE_MAX + 1));
      console.log(
        `  ${board}: ${fmt(size)} players in ${secs.toFixed(1)} s (${fmt(size / secs)} scores/s)`,
      );
    }
    // Anything running on its own (queues, adapters, timers) shows up in an idle window.
    await sleep(500); // the seeding's last stats mark
    const idle = await clientCommands(valkey.url, names, () => sleep(2000));
    console.log(
      `  idle 2 s with no requests, commands sent to Valkey: ${callsLine(idle.counts, 1) || 'none'}`,
    );
    const etag = {};
    for (const which of Object.keys(sizes)) {
      const { res } = await http(
        'GET',
        `${procs.prod.url}/v1/leaderboards/bench-${which}/entries?offset=0&limit=10`,
      );
      etag[which] = res.headers.get('etag');
    }
    console.log(
      `  read scripts timed on the limits-off process with READ_RENDER_CACHE_MB=0 (the read script alone, every read rendered): ${REPEATS} windows of ${fmt(requests)} requests per kind and board, ` +
        `small and big interleaved, ${TIMED_CONNECTIONS} connections, CONFIG RESETSTAT before and INFO commandstats after each; median. ` +
        `Calls per request from ${fmt(countN)} more requests under MONITOR.`,
    );
    const kindNames = Object.keys(readKinds('x', 1, rng, etag.small));
    for (const kind of kindNames) {
      const requestFor = (which) => () =>
        readKinds(`bench-${which}`, sizes[which], rng, etag[which])[kind];
      const reps = { small: [], big: [] };
      for (let rep = 0; rep < REPEATS; rep++) {
        for (const which of Object.keys(sizes)) {
          reps[which].push(await timed(redis, procs.free.url, requestFor(which), requests));
        }
      }
      out.reads[kind] = {};
      for (const which of Object.keys(sizes)) {
        const free = {
          ...medianTimed(reps[which]),
          ...(await counted(valkey.url, names, procs.free.url, requestFor(which), countN)),
        };
        const prod = {
          ...medianTimed([await timed(redis, procs.prod.url, requestFor(which), requests)]),
          ...(await counted(valkey.url, names, procs.prod.url, requestFor(which), countN)),
        };
        out.reads[kind][`${which}:free`] = free;
        out.reads[kind][`${which}:prod`] = prod;
        console.log(
          `  ${kind.padEnd(12)} ${fmt(sizes[which]).padStart(9)} players: ` +
            `limits off, nothing kept: ${free.usecPerScriptCall.toFixed(1)} µs/script call (${free.perWindow}), ` +
            `${free.ownCallsPerRequest.toFixed(2)} calls/request (${free.breakdown}) | ` +
            `limits on: ${prod.callsPerRequest.toFixed(2)} calls/request (${prod.breakdown}), ` +
            `${prod.scriptUsecPerRequest.toFixed(1)} µs in scripts/request` +
            oddStatuses({ ...free.codes, ...prod.codes }, free.errors + prod.errors),
        );
      }
      const s = out.reads[kind]['small:free'].usecPerScriptCall;
      const b = out.reads[kind]['big:free'].usecPerScriptCall;
      console.log(
        `  ${''.padEnd(12)} big/small script time ${(b / s).toFixed(2)}x (target <= 1.50x)`,
      );
    }
    // Submits (and batches) for their calls per request, with the production limits.
    const write = (path, body) => () => ({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SUBMIT_KEY}` },
      setupRequest: (req) => ({ ...req, body: body() }),
    });
    // Batches as in the HTTP part: 4 in flight (8 batches of 1,000 queued on the API's one
    // Valkey connection can wait past its 500 ms command timeout on a busy machine: 503s).
    const writes = {
      submit: [
        write('/v1/leaderboards/global/scores', () =>
          JSON.stringify({ playerId: `s${rng.int(100_000)}`, score: rng.int(SCORE_MAX + 1) }),
        ),
        requests,
        TIMED_CONNECTIONS,
      ],
      batch: [
        write('/v1/leaderboards/global/scores/batch', () => batchBody(rng, 100_000)),
        Math.max(20, Math.round(requests / 50)),
        4,
      ],
    };
    for (const [kind, [request, amount, conns]] of Object.entries(writes)) {
      const w = {
        ...medianTimed([await timed(redis, procs.prod.url, request, amount, conns)]),
        ...(await counted(valkey.url, names, procs.prod.url, request, amount, conns)),
      };
      out.calls[kind] = w;
      console.log(
        `  ${kind.padEnd(12)} limits on: ${w.callsPerRequest.toFixed(2)} calls/request (${w.breakdown}), ` +
          `${w.usecPerScriptCall.toFixed(1)} µs/script call` +
          oddStatuses({ ...w.codes, ...w.countCodes }, w.errors),
      );
    }
    out.bare = await bareReference(redis, sizes, rng);
    out.etag = etag.small ?? null;
    for (const { info } of Object.values(procs)) await printLog(info.name, info.logFile, info);
    return out;
  } finally {
    redis.disconnect();
    for (const { info } of Object.values(procs)) await benchRun.stopChild(info);
    await valkey.stop();
  }
}

/** A batch body of 1,000 random players (p0..p(players-1), repeats possible) and scores. */
export function batchBody(rng, players) {
  const entries = [];
  for (let i = 0; i < BATCH; i++) {
    entries.push({ playerId: `p${rng.int(players)}`, score: rng.int(SCORE_MAX + 1) });
  }
  return JSON.stringify({ entries });
}
