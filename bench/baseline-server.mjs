// The "how fast could it be" reference for bench.mjs: bare Fastify 5 + ioredis doing the minimum
// Valkey work for a submit and a top-10 read. Run as its own process so it has its own event loop,
// like Valkran does. Usage: node bench/baseline-server.mjs [port] [valkeyUrl]
// (or PORT / VALKEY_URL in the environment).
import Fastify from 'fastify';
import { Redis } from 'ioredis';

const port = Number(process.argv[2] ?? process.env.PORT ?? 3100);
const valkeyUrl = process.argv[3] ?? process.env.VALKEY_URL ?? 'redis://127.0.0.1:6379';
const KEY = 'bench:z';

const redis = new Redis(valkeyUrl, { lazyConnect: true });
await redis.connect();

const app = Fastify({ logger: false });

// A JSON schema is the idiomatic Fastify way to validate; it keeps the baseline honest against
// Valkran, which validates every body too.
const submitSchema = {
  body: {
    type: 'object',
    required: ['playerId', 'score'],
    properties: {
      playerId: { type: 'string', minLength: 1, maxLength: 128 },
      score: { type: 'integer' },
    },
  },
};

app.post('/submit', { schema: submitSchema }, async (req) => {
  const { playerId, score } = req.body;
  // MULTI keeps it to one round trip, like Valkran's single Lua call.
  const res = await redis.multi().zadd(KEY, score, playerId).zrevrank(KEY, playerId).exec();
  const failed = res.find(([err]) => err);
  if (failed) throw failed[0];
  const rank = res[1][1];
  return { rank };
});

app.get('/top', async () => {
  const flat = await redis.zrevrange(KEY, 0, 9, 'WITHSCORES');
  const entries = [];
  for (let i = 0; i < flat.length; i += 2) {
    entries.push({ rank: i / 2, playerId: flat[i], score: Number(flat[i + 1]) });
  }
  return { entries };
});

const shutdown = async () => {
  await app.close();
  redis.disconnect();
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

await app.listen({ port, host: '127.0.0.1' });
