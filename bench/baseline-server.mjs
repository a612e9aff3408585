// The "how fast could it be" reference for bench.mjs: bare Fastify 5 + ioredis doing the minimum
// Valkey work for each answer Valkran gives, one Valkey round trip per request (a MULTI, a
// pipeline or one EVALSHA where a single command does not do), on one sorted set. Run as its own
// process so it has its own event loop, like Valkran does.
// Usage: node bench/baseline-server.mjs [port] [valkeyUrl] (or PORT / VALKEY_URL in the environment).
//
//   POST /submit                     {playerId, score}   MULTI ZADD + ZREVRANK
//   GET  /top                        top 10              ZREVRANGE 0 9 WITHSCORES
//   GET  /players/:playerId          rank, score, total  MULTI ZREVRANK + ZSCORE + ZCARD
//   GET  /players/:playerId/around   ?limit=11           one EVALSHA: ZREVRANK, ZCARD, ZREVRANGE
//   POST /batch                      {entries: [...]}    one pipeline: ZADD GT (all) + ZREVRANK each
//
// With --duties (bench.mjs's "baseline + duties") it also does, per request, the chores Valkran's
// production defaults do besides the ranking, in the same round trip: one JSON request line at
// info (pino, to stdout), a request id (echoed in X-Request-Id), a latency histogram
// (prom-client, by method, route and status), the submit key checked by its sha256, fixed-window
// rate counters (per submit key or client IP; per player for writes, every batch entry's too,
// as fields of one hash per window like Valkran's) with their RateLimit-* headers, and a board
// version, moved by every write and sent as the reads' ETag with Cache-Control: no-cache. Its
// Valkey work is one script per request (counters, the same ranking commands, version), as
// Valkran's is; that also changes how the ranking work travels (a script instead of a MULTI, a
// pipeline or a single command), which has a cost of its own either way. It runs on its own
// sorted set (bench:zd). It does none of Valkran's rules (modes, bounds, exact ties, records,
// idempotency, hidden players, tournaments, cohorts), nor its checks of an incoming X-Request-Id,
// the JSON depth or the body deadline.
import Fastify, { LogController } from 'fastify';
import { Redis } from 'ioredis';
import { createHash, timingSafeEqual } from 'node:crypto';
import pino from 'pino';
import client from 'prom-client';

const duties = process.argv.includes('--duties');
const [portArg, urlArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const port = Number(portArg ?? process.env.PORT ?? 3100);
const valkeyUrl = urlArg ?? process.env.VALKEY_URL ?? 'redis://127.0.0.1:6379';
// The duties server has a sorted set of its own: the two never rank on a board the other grew.
const KEY = duties ? 'bench:zd' : 'bench:z';

const redis = new Redis(valkeyUrl, { lazyConnect: true });
await redis.connect();

// Around-me in one round trip: the player's rank, then the window of `limit` entries centred on
// it and shifted to stay full at either end (what Valkran's route answers), plus the total.
redis.defineCommand('around', {
  numberOfKeys: 1,
  lua: `
local rank = redis.call('ZREVRANK', KEYS[1], ARGV[1])
if not rank then return false end
local total = redis.call('ZCARD', KEYS[1])
local limit = tonumber(ARGV[2])
local start = rank - math.floor(limit / 2)
if start + limit > total then start = total - limit end
if start < 0 then start = 0 end
return {start, total, redis.call('ZREVRANGE', KEYS[1], start, start + limit - 1, 'WITHSCORES')}
`,
});

const app = Fastify(
  duties
    ? {
        loggerInstance: pino({ level: 'info', base: { service: 'baseline' } }),
        logController: new LogController({ disableRequestLogging: true }),
        genReqId: () => `b${(++requestCount).toString(36)}`,
      }
    : { logger: false },
);
let requestCount = 0;

// JSON schemas are the idiomatic Fastify way to validate; they keep the baseline honest against
// Valkran, which validates every body, query and path parameter too.
const playerId = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:@-]+$' };
const entry = {
  type: 'object',
  required: ['playerId', 'score'],
  additionalProperties: false,
  properties: { playerId, score: { type: 'integer' } },
};
const submitSchema = { body: entry };
const batchSchema = {
  body: {
    type: 'object',
    required: ['entries'],
    additionalProperties: false,
    properties: { entries: { type: 'array', minItems: 1, maxItems: 1000, items: entry } },
  },
};
const playerSchema = {
  params: { type: 'object', required: ['playerId'], properties: { playerId } },
};
const aroundSchema = {
  ...playerSchema,
  querystring: {
    type: 'object',
    properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 11 } },
  },
};

const entries = (flat, firstRank) => {
  const out = [];
  for (let i = 0; i < flat.length; i += 2) {
    out.push({ rank: firstRank + i / 2, playerId: flat[i], score: Number(flat[i + 1]) });
  }
  return out;
};

/** A MULTI/pipeline's replies, or its first error thrown. */
const replies = (res) => {
  const failed = res.find(([err]) => err);
  if (failed) throw failed[0];
  return res.map(([, reply]) => reply);
};

// --- the duties (--duties only) ---
const LIMIT = 1_000_000_000; // far above the load, like bench.mjs's Valkran limits
const WINDOW_MS = 1000;
const VERSION_KEY = 'bench:ver';
const submitKeyDigest = createHash('sha256')
  .update(process.env.BASELINE_SUBMIT_KEY ?? 'bench-submit-key-0123456789')
  .digest();
const histogram = new client.Histogram({
  name: 'baseline_http_request_duration_seconds',
  help: 'request latency',
  labelNames: ['method', 'route', 'status'],
});
if (duties) {
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    histogram.observe(
      { method: req.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    req.log.info(
      {
        method: req.method,
        route,
        url: req.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
    done();
  });
  app.get('/metrics', async (req, reply) =>
    reply.type(client.register.contentType).send(await client.register.metrics()),
  );
}

/** Whether the request carries the submit key (compared by digest, in constant time). */
const authorized = (req) => {
  const header = req.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
  return timingSafeEqual(createHash('sha256').update(header.slice(7)).digest(), submitKeyDigest);
};

// The duties' Valkey side, the efficient way (as Valkran does it): one script per request that
// charges the rate counters (fixed windows; a counter's first charge sets its expiry), does the
// ranking work of the route (what the plain baseline sends) and moves or reads the version.
// KEYS: 1 sorted set, 2 version, 3.. counters; ARGV: 1 op, 2 counter expiry ms, 3.. one charge
// per counter, then the op's arguments. Returns { most used counter, … the op's replies }.
redis.defineCommand('duty', {
  lua: `
local expiry = ARGV[2]
local function charge(key, by)
  local n = redis.call('INCRBY', key, by)
  if n == by then redis.call('PEXPIRE', key, expiry) end
  return n
end
local used = charge(KEYS[3], tonumber(ARGV[3]))
-- Per-player counters (writes): fields of one hash per window, as Valkran keeps them.
local function chargePlayer(player)
  local n = redis.call('HINCRBY', KEYS[4], player, 1)
  if n > used then used = n end
end
local op, a, z = ARGV[1], 4, KEYS[1]
if op == 'submit' then
  chargePlayer(ARGV[a + 1])
  redis.call('PEXPIRE', KEYS[4], expiry, 'NX')
  redis.call('ZADD', z, ARGV[a], ARGV[a + 1])
  local rank = redis.call('ZREVRANK', z, ARGV[a + 1])
  redis.call('INCR', KEYS[2])
  return { used, rank }
end
if op == 'batch' then
  for i = a + 1, #ARGV, 2 do chargePlayer(ARGV[i]) end
  redis.call('PEXPIRE', KEYS[4], expiry, 'NX')
  local args = { 'GT' }
  for i = a, #ARGV do args[#args + 1] = ARGV[i] end
  redis.call('ZADD', z, unpack(args))
  local ranks = {}
  for i = a + 1, #ARGV, 2 do ranks[#ranks + 1] = redis.call('ZREVRANK', z, ARGV[i]) end
  redis.call('INCR', KEYS[2])
  return { used, ranks }
end
local version = redis.call('GET', KEYS[2]) or '0'
if op == 'top' then return { used, version, redis.call('ZREVRANGE', z, 0, 9, 'WITHSCORES') } end
local rank = redis.call('ZREVRANK', z, ARGV[a])
if not rank then return { used, false } end
local total = redis.call('ZCARD', z)
if op == 'player' then return { used, version, rank, redis.call('ZSCORE', z, ARGV[a]), total } end
local limit = tonumber(ARGV[a + 1])
local start = rank - math.floor(limit / 2)
if start + limit > total then start = total - limit end
if start < 0 then start = 0 end
return { used, version, start, total, redis.call('ZREVRANGE', z, start, start + limit - 1, 'WITHSCORES') }
`,
});

/**
 * Runs `op` through the duty script, charging `counter` by `by` (the submit key's or the client
 * IP's) and, for writes, each player's counter; sets the RateLimit headers from the fullest
 * counter (Reset: 1, the window's length, as Valkran sends) and returns the op's replies.
 */
async function duty(reply, op, counter, by, args) {
  const windowNo = Math.floor(Date.now() / WINDOW_MS);
  const keys = [
    KEY,
    VERSION_KEY,
    `bench:rl:${counter}:${windowNo}`,
    `bench:rl:players:${windowNo}`,
  ];
  const [used, ...rest] = await redis.duty(keys.length, ...keys, op, 2 * WINDOW_MS, by, ...args);
  reply.header('ratelimit-limit', LIMIT);
  reply.header('ratelimit-remaining', Math.max(0, LIMIT - used));
  reply.header('ratelimit-reset', 1);
  return rest;
}

/** Reads: the board version as the ETag, and revalidation asked of caches. */
const readHeaders = (reply, version) => {
  reply.header('etag', `"${version}"`);
  reply.header('cache-control', 'no-cache');
};

const unauthorized = (reply) =>
  reply.code(401).send({ status: 401, detail: 'missing or unknown submit key' });
const noSuchPlayer = (reply) => reply.code(404).send({ status: 404, detail: 'no such player' });

app.post('/submit', { schema: submitSchema }, async (req, reply) => {
  const { playerId, score } = req.body;
  if (duties) {
    if (!authorized(req)) return unauthorized(reply);
    const [rank] = await duty(reply, 'submit', 'key', 1, [score, playerId]);
    return { playerId, score, rank: rank + 1 };
  }
  // MULTI keeps it to one round trip, like Valkran's single Lua call.
  const [, rank] = replies(
    await redis.multi().zadd(KEY, score, playerId).zrevrank(KEY, playerId).exec(),
  );
  return { playerId, score, rank: rank + 1 };
});

app.get('/top', async (req, reply) => {
  if (duties) {
    const [version, flat] = await duty(reply, 'top', `ip:${req.ip}`, 1, []);
    readHeaders(reply, version);
    return { entries: entries(flat, 1) };
  }
  const flat = await redis.zrevrange(KEY, 0, 9, 'WITHSCORES');
  return { entries: entries(flat, 1) };
});

app.get('/players/:playerId', { schema: playerSchema }, async (req, reply) => {
  const id = req.params.playerId;
  let rank, score, total;
  if (duties) {
    const res = await duty(reply, 'player', `ip:${req.ip}`, 1, [id]);
    if (!res[0]) return noSuchPlayer(reply);
    readHeaders(reply, res[0]);
    [, rank, score, total] = res;
  } else {
    [rank, score, total] = replies(
      await redis.multi().zrevrank(KEY, id).zscore(KEY, id).zcard(KEY).exec(),
    );
    if (rank === null) return noSuchPlayer(reply);
  }
  return {
    playerId: id,
    rank: rank + 1,
    score: Number(score),
    total,
    topPercent: ((rank + 1) / total) * 100,
  };
});

app.get('/players/:playerId/around', { schema: aroundSchema }, async (req, reply) => {
  const { playerId } = req.params;
  let start, total, flat;
  if (duties) {
    const res = await duty(reply, 'around', `ip:${req.ip}`, 1, [playerId, req.query.limit]);
    if (!res[0]) return noSuchPlayer(reply);
    readHeaders(reply, res[0]);
    [, start, total, flat] = res;
  } else {
    const res = await redis.around(KEY, playerId, req.query.limit);
    if (!res) return noSuchPlayer(reply);
    [start, total, flat] = res;
  }
  return { total, entries: entries(flat, start + 1) };
});

app.post('/batch', { schema: batchSchema }, async (req, reply) => {
  const batch = req.body.entries;
  const args = [];
  for (const e of batch) args.push(e.score, e.playerId);
  let ranks;
  if (duties) {
    if (!authorized(req)) return unauthorized(reply);
    [ranks] = await duty(reply, 'batch', 'key', batch.length, args);
  } else {
    // One round trip: the whole batch in one ZADD GT ("best" mode), then each entry's rank.
    const pipeline = redis.pipeline().zadd(KEY, 'GT', ...args);
    for (const e of batch) pipeline.zrevrank(KEY, e.playerId);
    [, ...ranks] = replies(await pipeline.exec());
  }
  return { results: batch.map((e, i) => ({ playerId: e.playerId, rank: ranks[i] + 1 })) };
});

const shutdown = async () => {
  await app.close();
  redis.disconnect();
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

await app.listen({ port, host: '127.0.0.1' });
