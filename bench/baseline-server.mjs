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
import Fastify from 'fastify';
import { Redis } from 'ioredis';

const port = Number(process.argv[2] ?? process.env.PORT ?? 3100);
const valkeyUrl = process.argv[3] ?? process.env.VALKEY_URL ?? 'redis://127.0.0.1:6379';
const KEY = 'bench:z';

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

const app = Fastify({ logger: false });

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

app.post('/submit', { schema: submitSchema }, async (req) => {
  const { playerId, score } = req.body;
  // MULTI keeps it to one round trip, like Valkran's single Lua call.
  const [, rank] = replies(
    await redis.multi().zadd(KEY, score, playerId).zrevrank(KEY, playerId).exec(),
  );
  return { playerId, score, rank: rank + 1 };
});

app.get('/top', async () => {
  const flat = await redis.zrevrange(KEY, 0, 9, 'WITHSCORES');
  return { entries: entries(flat, 1) };
});

app.get('/players/:playerId', { schema: playerSchema }, async (req, reply) => {
  const id = req.params.playerId;
  const [rank, score, total] = replies(
    await redis.multi().zrevrank(KEY, id).zscore(KEY, id).zcard(KEY).exec(),
  );
  if (rank === null) return reply.code(404).send({ status: 404, detail: 'no such player' });
  return {
    playerId: id,
    rank: rank + 1,
    score: Number(score),
    total,
    topPercent: ((rank + 1) / total) * 100,
  };
});

app.get('/players/:playerId/around', { schema: aroundSchema }, async (req, reply) => {
  const res = await redis.around(KEY, req.params.playerId, req.query.limit);
  if (!res) return reply.code(404).send({ status: 404, detail: 'no such player' });
  const [start, total, flat] = res;
  return { total, entries: entries(flat, start + 1) };
});

app.post('/batch', { schema: batchSchema }, async (req) => {
  const batch = req.body.entries;
  const args = [];
  for (const e of batch) args.push(e.score, e.playerId);
  // One round trip: the whole batch in one ZADD GT ("best" mode), then each entry's rank.
  const pipeline = redis.pipeline().zadd(KEY, 'GT', ...args);
  for (const e of batch) pipeline.zrevrank(KEY, e.playerId);
  const [, ...ranks] = replies(await pipeline.exec());
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
