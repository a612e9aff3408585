// Live fan-out figures: N Socket.IO subscribers on one board's top 10 while scores arrive over
// REST at a steady rate, with an api process and a worker process (the worker computes and
// publishes the live events, the api delivers them). Prints submit→event latency, events per
// socket per second, dropped events, and CPU/RSS of each process; asserts nothing.
// Run with `npm run -s build && node bench/live.mjs`. Env: LIVE_SUBSCRIBERS (comma list,
// default 1000,5000), LIVE_DURATION seconds of submits per round (default 10), LIVE_RATE
// submits per second (default 500).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import {
  ADMIN_KEY,
  SUBMIT_KEY,
  createBenchRun,
  fmt,
  freePort,
  printMachineInfo,
  sleep,
  waitHttpOk,
} from './lib.mjs';

const SUBSCRIBERS = (process.env.LIVE_SUBSCRIBERS ?? '1000,5000')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);
const DURATION = Number(process.env.LIVE_DURATION ?? 10);
const RATE = Number(process.env.LIVE_RATE ?? 500);
const TICK_MS = 10;
const BATCH = 200; // sockets opened (and subscribed) at a time
const CONNECT_TIMEOUT_MS = 20_000;
const ACK_TIMEOUT_MS = 20_000;
const DRAIN_MS = 2_000; // after the last submit, for the events carrying the last writes
const SAMPLE_MS = 500;
const BOARD = 'fanout';
const TOP = 10;
const READ_LIMIT = process.env.RATE_LIMIT_READ_PER_IP ?? '0';
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

let valkey;
let sockets = [];
let closing = false; // sockets being closed on purpose: their disconnects are not counted
// Sockets close first, so the api's shutdown doesn't count as a round's disconnects.
const benchRun = createBenchRun({
  tmpPrefix: 'valkran-live-',
  beforeStop: closeSockets,
  verbose: true,
});

function closeSockets() {
  for (const s of sockets) {
    s.removeAllListeners();
    s.disconnect();
  }
  sockets = [];
}

/** Nearest-rank percentile of a sorted array. */
const pct = (sorted, p) =>
  sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
    : NaN;

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: fields 3.. start after the last ')'.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[14 - 3]) + Number(f[15 - 3])) / CLK_TCK;
}

function rssMb(pid) {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)\s+kB/m);
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU % of one core and RSS (end and peak) of some processes over a phase. */
function measure(pids) {
  const t0 = performance.now();
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
  const peak = Object.fromEntries(Object.keys(pids).map((k) => [k, 0]));
  const sample = () => {
    for (const [k, pid] of Object.entries(pids)) {
      try {
        peak[k] = Math.max(peak[k], rssMb(pid));
      } catch {
        // process gone; reported as such at the end
      }
    }
  };
  sample();
  const timer = setInterval(sample, SAMPLE_MS);
  return () => {
    clearInterval(timer);
    sample();
    const secs = (performance.now() - t0) / 1000;
    const out = {};
    for (const [k, pid] of Object.entries(pids)) {
      try {
        out[k] = {
          cpu: ((cpuSeconds(pid) - cpu0[k]) / secs) * 100,
          rss: rssMb(pid),
          peak: peak[k],
        };
      } catch {
        out[k] = { cpu: NaN, rss: NaN, peak: peak[k] };
      }
    }
    return out;
  };
}

async function startAll() {
  valkey = await benchRun.startValkey();
  const [apiPort, workerPort] = [await freePort(), await freePort()];
  // A small explicit environment so nothing from the caller's shell changes what is measured.
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    VALKEY_URL: valkey.url,
    HOST: '127.0.0.1',
    ADMIN_API_KEYS: ADMIN_KEY,
    SUBMIT_API_KEYS: SUBMIT_KEY,
    LOG_LEVEL: 'warn',
    // Every client here shares 127.0.0.1, and Socket.IO connects count against the per-IP read
    // budget (200/s), which would cap a round at ~400 sockets: off (0) unless set by the caller.
    RATE_LIMIT_READ_PER_IP: READ_LIMIT,
  };
  const api = benchRun.spawnNode('api', ['dist/main.js'], {
    ...env,
    APP_MODE: 'api',
    PORT: String(apiPort),
  });
  const worker = benchRun.spawnNode('worker', ['dist/main.js'], {
    ...env,
    APP_MODE: 'worker',
    PORT: String(workerPort),
  });
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await Promise.all([
    waitHttpOk(api, `${apiUrl}/health/ready`),
    waitHttpOk(worker, `http://127.0.0.1:${workerPort}/health/ready`),
  ]);
  const res = await fetch(`${apiUrl}/v1/leaderboards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({ id: BOARD }),
  });
  if (!res.ok) throw new Error(`creating board ${BOARD}: HTTP ${res.status} ${await res.text()}`);
  return { apiUrl, api, worker };
}

/** Opens n sockets in batches; each settles as connected or failed (with its reason). */
async function connectAll(apiUrl, n, round) {
  const failures = {};
  const fail = (why) => (failures[why] = (failures[why] ?? 0) + 1);
  for (let i = 0; i < n && !benchRun.interrupted; i += BATCH) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + BATCH); j++) {
      const socket = io(`${apiUrl}/live`, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        timeout: CONNECT_TIMEOUT_MS,
      });
      socket.bench = { id: j, events: 0, perSecond: [], seen: new Set(), disconnect: null };
      round.all.push(socket);
      batch.push(
        new Promise((resolve) => {
          socket.once('connect', () => {
            sockets.push(socket);
            resolve();
          });
          socket.once('connect_error', (err) => {
            fail(err.message);
            socket.disconnect();
            resolve();
          });
        }),
      );
    }
    await Promise.all(batch);
  }
  return failures;
}

/** Subscribes every connected socket to the board's top 10, BATCH acks in flight at a time. */
async function subscribeAll(round) {
  const failures = {};
  const fail = (why) => (failures[why] = (failures[why] ?? 0) + 1);
  let ok = 0;
  for (let i = 0; i < sockets.length && !benchRun.interrupted; i += BATCH) {
    await Promise.all(
      sockets.slice(i, i + BATCH).map(
        (socket) =>
          new Promise((resolve) => {
            socket
              .timeout(ACK_TIMEOUT_MS)
              .emit('subscribe', { leaderboardId: BOARD, top: TOP }, (err, ack) => {
                if (err) fail(`ack: ${err.message}`);
                else if (!ack?.ok) fail(`ack: ${ack?.error?.type ?? JSON.stringify(ack)}`);
                else ok++;
                resolve();
              });
          }),
      ),
    );
  }
  // Listeners go on only after every subscription is in, so all sockets see the same phase.
  for (const socket of sockets) {
    socket.on('leaderboard.top', (e) => onTop(round, socket, e));
    socket.on('disconnect', (reason) => {
      socket.bench.disconnect = reason;
      if (!closing) round.disconnects[reason] = (round.disconnects[reason] ?? 0) + 1;
    });
  }
  return { ok, failures };
}

function onTop(round, socket, e) {
  const now = performance.now();
  const b = socket.bench;
  b.events++;
  round.events++;
  const sec = Math.floor((now - round.t0) / 1000);
  b.perSecond[sec] = (b.perSecond[sec] ?? 0) + 1;
  const head = e?.entries?.[0]?.playerId;
  const key = `${e?.at}|${head}`;
  b.seen.add(key);
  round.distinct.add(key);
  if (e?.leaderboardId !== BOARD || !Array.isArray(e.entries)) round.malformed++;
  const sent = round.sent.get(head);
  if (sent === undefined) round.unmatched++;
  else round.latencies.push(now - sent);
}

let seq = 0; // strictly increasing across the whole run, so each submit becomes rank 1

/** Submits at a steady RATE for DURATION s: a 10 ms timer sends whatever the schedule is owed. */
function submitPhase(apiUrl, round) {
  return new Promise((resolve) => {
    const total = Math.round(RATE * DURATION);
    const start = performance.now();
    let sent = 0;
    let pending = 0;
    let stopped = false;
    let maxBehind = 0;
    const send = () => {
      const i = ++seq;
      const playerId = `p${i}`;
      round.sent.set(playerId, performance.now());
      const t = performance.now();
      pending++;
      fetch(`${apiUrl}/v1/leaderboards/${BOARD}/scores`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SUBMIT_KEY}` },
        body: JSON.stringify({ playerId, score: 1_000_000 + i }),
        signal: AbortSignal.timeout(15_000),
      })
        .then(async (res) => {
          await res.arrayBuffer();
          round.httpMs.push(performance.now() - t);
          if (res.status >= 200 && res.status < 300) round.acked++;
          else round.non2xx[res.status] = (round.non2xx[res.status] ?? 0) + 1;
        })
        .catch((err) => {
          const why = err?.cause?.code ?? err?.name ?? String(err);
          round.httpErrors[why] = (round.httpErrors[why] ?? 0) + 1;
        })
        .finally(() => {
          pending--;
          if (stopped && pending === 0) resolve();
        });
    };
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * RATE));
      maxBehind = Math.max(maxBehind, due - sent);
      while (sent < due) {
        send();
        sent++;
      }
      if (sent >= total || benchRun.interrupted) {
        clearInterval(timer);
        round.submitted = sent;
        round.submitSecs = (performance.now() - start) / 1000;
        round.maxBehind = maxBehind;
        stopped = true;
        if (pending === 0) resolve();
      }
    }, TICK_MS);
  });
}

async function runRound(apiUrl, n, pids, logsBefore) {
  const round = {
    all: [],
    events: 0,
    distinct: new Set(),
    unmatched: 0,
    malformed: 0,
    latencies: [],
    sent: new Map(),
    acked: 0,
    non2xx: {},
    httpErrors: {},
    httpMs: [],
    disconnects: {},
    t0: 0,
  };
  closing = false;
  const c0 = performance.now();
  const connectFailures = await connectAll(apiUrl, n, round);
  const connectSecs = (performance.now() - c0) / 1000;
  const s0 = performance.now();
  const sub = await subscribeAll(round);
  const subscribeSecs = (performance.now() - s0) / 1000;
  console.log(
    `  ${fmt(sockets.length)}/${fmt(n)} connected in ${fmt(connectSecs, 1)} s, ` +
      `${fmt(sub.ok)} subscribed in ${fmt(subscribeSecs, 1)} s`,
  );
  if (benchRun.interrupted) return null;
  await sleep(1000); // let the subscribe burst settle before measuring
  const wanted = sockets.filter((s) => s.connected);
  const bench0 = process.cpuUsage();
  const stop = measure(pids);
  round.t0 = performance.now();
  await submitPhase(apiUrl, round);
  const usage = stop(); // CPU over the submit phase only
  const benchCpu = process.cpuUsage(bench0);
  const phaseSecs = (performance.now() - round.t0) / 1000;
  await sleep(DRAIN_MS); // events for the last writes are still on their way
  const lastId = `p${seq}`;
  const sawLast = wanted.filter((s) => [...s.bench.seen].some((k) => k.endsWith(`|${lastId}`)));
  const stillConnected = wanted.filter((s) => s.connected).length;
  closing = true;
  closeSockets();
  for (const s of round.all) s.disconnect();
  return {
    n,
    round,
    connected: round.all.length - Object.values(connectFailures).reduce((a, b) => a + b, 0),
    connectFailures,
    subscribed: sub.ok,
    subscribeFailures: sub.failures,
    wanted,
    stillConnected,
    sawLast: sawLast.length,
    lastId,
    usage,
    benchCpu: ((benchCpu.user + benchCpu.system) / 1e6 / phaseSecs) * 100,
    phaseSecs,
    logsBefore,
  };
}

function report(r, children) {
  const { round } = r;
  const lat = Float64Array.from(round.latencies).sort();
  const http = Float64Array.from(round.httpMs).sort();
  // Events per socket per second over the submit phase plus the drain.
  const windowSecs = r.phaseSecs + DRAIN_MS / 1000;
  const perSocket = r.wanted.map((s) => s.bench.events);
  const mean = perSocket.reduce((a, b) => a + b, 0) / Math.max(1, perSocket.length);
  const maxInASecond = Math.max(
    0,
    ...r.wanted.flatMap((s) => s.bench.perSecond.map((c) => c ?? 0)),
  );
  const missing = r.wanted.reduce((a, s) => a + (round.distinct.size - s.bench.seen.size), 0);
  const short = r.wanted.filter((s) => s.bench.seen.size < round.distinct.size).length;
  const json = (o) => (Object.keys(o).length ? JSON.stringify(o) : 'none');
  const mb = (u) => `${fmt(u.rss)} MB end, ${fmt(u.peak)} MB peak`;
  const lines = [
    `subscribers       ${fmt(r.connected)}/${fmt(r.n)} connected (failures: ${json(r.connectFailures)}), ` +
      `${fmt(r.subscribed)} subscribed (ack failures: ${json(r.subscribeFailures)})`,
    `submits           ${fmt(round.submitted)} sent in ${fmt(round.submitSecs, 1)} s ` +
      `(${fmt(round.submitted / round.submitSecs)}/s, scheduler at most ${round.maxBehind} behind), ` +
      `${fmt(round.acked)} 2xx, non-2xx ${json(round.non2xx)}, errors ${json(round.httpErrors)}`,
    `submit HTTP ms    median ${fmt(pct(http, 50), 1)} / p99 ${fmt(pct(http, 99), 1)} / max ${fmt(http.at(-1), 1)}`,
    `events            ${fmt(round.events)} received, ${fmt(round.distinct.size)} distinct published, ` +
      `${fmt(missing)} missed (${fmt(short)} socket(s) missed one or more), ` +
      `${fmt(round.unmatched)} not matching a submit of this round, ${round.malformed} malformed`,
    `events/socket/s   mean ${fmt(mean / windowSecs, 2)} over ${fmt(windowSecs, 1)} s ` +
      `(${fmt(mean, 1)} per socket; most any socket got in one second: ${maxInASecond})`,
    `latency ms        median ${fmt(pct(lat, 50), 1)} / p95 ${fmt(pct(lat, 95), 1)} / ` +
      `p99 ${fmt(pct(lat, 99), 1)} / max ${fmt(lat.at(-1), 1)} (${fmt(lat.length)} samples, ` +
      `submit sent → leaderboard.top whose rank 1 is that submit)`,
    `last submit       ${r.lastId} reached ${fmt(r.sawLast)}/${fmt(r.wanted.length)} sockets within ${DRAIN_MS} ms of the end`,
    `disconnects       ${json(round.disconnects)} during the round; ${fmt(r.stillConnected)}/${fmt(r.wanted.length)} still connected at the end`,
    `api               CPU ${fmt(r.usage.api.cpu)}% of one core, RSS ${mb(r.usage.api)}`,
    `worker            CPU ${fmt(r.usage.worker.cpu)}% of one core, RSS ${mb(r.usage.worker)}`,
    `valkey-server     CPU ${fmt(r.usage.valkey.cpu)}% of one core, RSS ${mb(r.usage.valkey)}`,
    `bench (clients)   CPU ${fmt(r.benchCpu)}% of one core, RSS ${mb(r.usage.bench)} — it hosts all ` +
      `${fmt(r.n)} clients and the submitter, competing with the above for the ${os.cpus().length} cores`,
  ];
  console.log(`\n== ${fmt(r.n)} subscribers, ${DURATION} s at ${RATE} submits/s`);
  for (const l of lines) console.log(`  ${l}`);
  for (const c of children) {
    const fresh = c.lines - r.logsBefore[c.name];
    if (fresh > 0) {
      console.log(`  ${c.name} logged ${fresh} line(s) this round; last ones:`);
      for (const l of c.tail.slice(-Math.min(fresh, 10))) console.log(`    ${l}`);
    }
  }
}

async function main() {
  const started = performance.now();
  let ctx;
  try {
    printMachineInfo({ loadavg: true });
    let nofile = '?';
    try {
      nofile = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    } catch {
      // informative only
    }
    const most = Math.max(...SUBSCRIBERS);
    console.log(
      `open-files limit ${nofile} (each process needs about one per socket: ${most} at most)`,
    );
    if (Number(nofile) < most + 500) {
      console.log(
        `  !! ${nofile} open files is too few for ${most} sockets; raise it before running ` +
          `(e.g. \`ulimit -n ${most + 1024}\` in this shell, within the hard limit \`ulimit -Hn\`)`,
      );
    }
    ctx = await startAll();
  } catch (err) {
    console.error(`bench failed to start: ${err.stack ?? err}`);
    await benchRun.cleanup();
    process.exit(1);
  }
  const { apiUrl, api, worker } = ctx;
  const pids = {
    api: api.child.pid,
    worker: worker.child.pid,
    valkey: valkey.pid,
    bench: process.pid,
  };
  console.log(
    `board ${BOARD}: subscribers ${SUBSCRIBERS.join(', ')}; ${DURATION} s at ${RATE} submits/s per round; ` +
      `CPU over the submit phase; CLK_TCK ${CLK_TCK}; RATE_LIMIT_READ_PER_IP=${READ_LIMIT} (0 = off; all clients share one IP)`,
  );
  for (const n of SUBSCRIBERS) {
    console.log(`\n-- round: ${fmt(n)} subscribers`);
    const logsBefore = Object.fromEntries(benchRun.children.map((c) => [c.name, c.lines]));
    const r = await runRound(apiUrl, n, pids, logsBefore);
    if (benchRun.interrupted || !r) return;
    report(r, benchRun.children);
    await sleep(2000); // the api drops the watch counts of the closed sockets
  }
  console.log(`\ntotal ${fmt((performance.now() - started) / 1000, 1)} s`);
  await benchRun.cleanup();
}

main().catch(async (err) => {
  console.error(err);
  await benchRun.cleanup();
  process.exit(1);
});
