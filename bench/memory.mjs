// Part 2 of bench.mjs alone: memory per player of a 200k-player board (default, dense, and with
// two tie-break columns) against a bare sorted set of the same ids and scores, on a fresh Valkey
// and one Valkran (APP_MODE=api, rate limits off) from the current build. Prints figures;
// asserts nothing. Run with `npm run -s build && node bench/memory.mjs`.
// Env: BENCH_MEMORY_PLAYERS (200000), BENCH_SEED (13).
import { Redis } from 'ioredis';
import {
  createBenchRun,
  freePort,
  printMachineInfo,
  seededRandom,
  snapshotBuild,
  valkranEnv,
  waitHttpOk,
} from './lib.mjs';
import { measureMemory } from './valkey-costs.mjs';

const players = Number(process.env.BENCH_MEMORY_PLAYERS ?? 200_000);
const rng = seededRandom(Number(process.env.BENCH_SEED ?? 13));
let redis;
const run = createBenchRun({ tmpPrefix: 'valkran-memory-', beforeStop: () => redis?.quit() });

try {
  printMachineInfo();
  const main = snapshotBuild(run.runDir(), '.');
  const valkey = await run.startValkey();
  redis = new Redis(valkey.url, { connectionName: 'bench' });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const info = run.spawnNode(
    'valkran api',
    [main],
    valkranEnv(valkey.url, port, {
      APP_MODE: 'api',
      RATE_LIMIT_SUBMIT_PER_KEY: '0',
      RATE_LIMIT_SUBMIT_PER_PLAYER: '0',
      RATE_LIMIT_READ_PER_IP: '0',
    }),
  );
  await waitHttpOk(info, `${url}/health/ready`);
  const out = {};
  await measureMemory(redis, url, 'valkran', players, rng, out);
  console.log('\nB/player (MEMORY USAGE):');
  for (const [kind, m] of Object.entries(out)) {
    console.log(`  ${kind.padEnd(12)} ${m.perPlayer.toFixed(1)}`);
  }
} finally {
  await run.cleanup();
}
