// Live fan-out figures: N Socket.IO subscribers on one board's top 10 while scores arrive over
// REST at a steady rate, with an api process and a worker process (the worker computes and
// publishes the live events, the api delivers them). Prints submit→event latency (split at the
// event's `at`), the api's CPU per delivered event and its event-loop delay, events per socket
// per second, dropped events, CPU/RSS of each process and how busy the machine was; asserts
// nothing.
//
// The subscribers run in LIVE_CLIENT_THREADS worker threads, apart from the thread that sends
// the submits and times them: a client thread busy with 5,000 copies of an event would
// otherwise hold up the submit timer and the HTTP responses, and the bench would measure its
// own queue. By default they speak the Socket.IO wire protocol themselves and decode each
// distinct event once per thread (WireSocket); LIVE_CLIENT=socket.io uses socket.io-client,
// about twice the CPU per delivery (~19 µs against ~9 µs here), on the cores the server also
// runs on. Either way a delivery's latency includes the time its client thread takes to get to
// it (the client threads' event-loop delay is printed too).
//
// Run with `npm run -s build && node bench/live.mjs`. Env: LIVE_SUBSCRIBERS (comma list,
// default 1000,5000), LIVE_REPEAT rounds of each (interleaved; medians printed, default 1),
// LIVE_DURATION seconds of submits per round (default 10), LIVE_RATE submits per second
// (default 500), LIVE_WARMUP seconds of submits with a few subscribers before the first round,
// not reported (default 3), LIVE_CLIENT_THREADS (default 2), LIVE_CLIENT (`wire` or
// `socket.io`), LIVE_NODE_ARGS extra node flags for the api and worker processes (e.g.
// `--cpu-prof --cpu-prof-dir=/tmp/prof`: the bench then prints when each round's submit phase
// ran, in seconds since they started).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { io } from 'socket.io-client';
import {
  ADMIN_KEY,
  SUBMIT_KEY,
  createBenchRun,
  fmt,
  freePort,
  median,
  printMachineInfo,
  sleep,
  waitHttpOk,
} from './lib.mjs';

// The `ws` package socket.io-client itself runs on (a dependency of engine.io-client).
const require = createRequire(import.meta.url);
const WebSocket = createRequire(require.resolve('engine.io-client'))('ws');

const SUBSCRIBERS = (process.env.LIVE_SUBSCRIBERS ?? '1000,5000')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);
const DURATION = Number(process.env.LIVE_DURATION ?? 10);
const RATE = Number(process.env.LIVE_RATE ?? 500);
const REPEAT = Math.max(1, Number(process.env.LIVE_REPEAT ?? 1));
const WARMUP = Number(process.env.LIVE_WARMUP ?? 3);
const WARMUP_SUBSCRIBERS = 100;
const THREADS = Math.max(1, Number(process.env.LIVE_CLIENT_THREADS ?? 2));
const TICK_MS = 10;
const BATCH = 200; // sockets opened (and subscribed) at a time, per client thread
const CONNECT_TIMEOUT_MS = 20_000;
const ACK_TIMEOUT_MS = 20_000;
const DRAIN_MS = 2_000; // after the last submit, for the events carrying the last writes
const SAMPLE_MS = 500;
const BOARD = 'fanout';
const TOP = 10;
const READ_LIMIT = process.env.RATE_LIMIT_READ_PER_IP ?? '0';
const CONN_LIMIT = process.env.LIVE_MAX_CONNECTIONS_PER_IP ?? '0';
const NSP = '/live';
const CLIENT = process.env.LIVE_CLIENT === 'socket.io' ? 'socket.io' : 'wire';
const NODE_ARGS = (process.env.LIVE_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** Wall-clock ms with sub-ms precision, comparable across threads and with the worker's `at`. */
const epochNow = () => performance.timeOrigin + performance.now();

/** Nearest-rank percentile of a sorted array. */
const pct = (sorted, p) =>
  sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
    : NaN;

const tally = (o, why) => (o[why] = (o[why] ?? 0) + 1);

/** What a subscriber records of a `leaderboard.top` event. */
function topInfo(e) {
  const head = e?.entries?.[0]?.playerId;
  const m = typeof head === 'string' ? /^p(\d+)$/.exec(head) : null;
  return {
    key: `${e?.at}|${head}`,
    head: m ? Number(m[1]) : -1,
    at: Date.parse(e?.at),
    malformed: e?.leaderboardId !== BOARD || !Array.isArray(e.entries),
  };
}

/**
 * A subscriber speaking the Socket.IO wire protocol (Engine.IO 4 over a WebSocket, Socket.IO 5
 * packets) with the few calls this bench makes of socket.io-client's Socket. Every socket gets
 * the same bytes for an event, so a thread decodes each distinct frame once and compares the
 * others byte for byte: a delivery costs a WebSocket frame and a memcmp, and what is measured is
 * the server, not thousands of JSON.parse calls in the process next to it.
 */
class WireSocket extends EventEmitter {
  static lastFrame = null;
  static lastInfo = null;

  constructor(apiUrl) {
    super();
    this.connected = false;
    this.acks = new Map();
    this.nextAck = 0;
    this.failed = false;
    this.ws = new WebSocket(
      `${apiUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`,
      {
        perMessageDeflate: false,
      },
    );
    this.connectTimer = setTimeout(() => this.fail('timeout'), CONNECT_TIMEOUT_MS);
    this.ws.on('message', (data) => this.onFrame(data));
    this.ws.on('error', (err) => this.fail(err.message));
    this.ws.on('close', () => {
      if (this.connected) {
        this.connected = false;
        this.emit('disconnect', 'transport close');
      } else this.fail('transport close');
    });
  }

  fail(why) {
    clearTimeout(this.connectTimer);
    if (this.connected || this.failed) return;
    this.failed = true;
    this.emit('connect_error', new Error(why));
  }

  onFrame(data) {
    // Engine.IO packet type, then (for a message, '4') the Socket.IO packet type.
    const type = data[0];
    if (type === 0x34 && data[1] === 0x32) {
      let info;
      if (WireSocket.lastFrame?.equals(data)) info = WireSocket.lastInfo;
      else {
        const [name, payload] = JSON.parse(data.toString('utf8', data.indexOf(0x2c) + 1));
        if (name !== 'leaderboard.top') return this.emit(name, payload);
        info = topInfo(payload);
        WireSocket.lastFrame = data;
        WireSocket.lastInfo = info;
      }
      this.emit('leaderboard.top', info);
    } else if (type === 0x34) {
      const text = data.toString();
      const body = text.slice(text.indexOf(',') + 1);
      switch (text[1]) {
        case '0': // namespace joined
          clearTimeout(this.connectTimer);
          this.connected = true;
          this.emit('connect');
          break;
        case '3': {
          const open = body.indexOf('[');
          const ack = this.acks.get(Number(body.slice(0, open)));
          ack?.(null, JSON.parse(body.slice(open))[0]);
          break;
        }
        case '4': // namespace join refused
          this.fail(JSON.parse(body).message);
          break;
        case '1':
          this.connected = false;
          this.emit('disconnect', 'io server disconnect');
          break;
      }
    } else if (type === 0x30)
      this.ws.send(`40${NSP},`); // handshake: join the namespace
    else if (type === 0x32) this.ws.send('3'); // ping
  }

  timeout(ms) {
    return {
      emit: (name, payload, cb) => {
        const id = this.nextAck++;
        const timer = setTimeout(() => {
          this.acks.delete(id);
          cb(new Error('operation has timed out'));
        }, ms);
        this.acks.set(id, (err, value) => {
          clearTimeout(timer);
          this.acks.delete(id);
          cb(err, value);
        });
        this.ws.send(`42${NSP},${id}${JSON.stringify([name, payload])}`);
      },
    };
  }

  disconnect() {
    clearTimeout(this.connectTimer);
    if (this.connected && this.ws.readyState === WebSocket.OPEN) this.ws.send(`41${NSP},`);
    this.connected = false;
    this.ws.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Client threads: each holds its share of the subscribers and answers the main thread's commands.

function clientThread() {
  const { apiUrl } = workerData;
  let all = []; // every socket opened this round
  let sockets = []; // the connected ones
  let closing = false;
  let r = null; // this round's records
  const delay = monitorEventLoopDelay({ resolution: 5 });

  const onTop = (socket, info) => {
    const received = epochNow();
    const b = socket.bench;
    b.events++;
    r.events++;
    const sec = Math.floor((received - r.t0) / 1000);
    if (sec >= 0) b.perSecond[sec] = (b.perSecond[sec] ?? 0) + 1;
    b.seen.add(info.key);
    r.distinct.add(info.key);
    if (info.malformed) r.malformed++;
    r.heads.push(info.head);
    r.ats.push(info.at);
    r.received.push(received);
  };

  const commands = {
    async connect({ n }) {
      r = {
        t0: Infinity,
        wanted: [],
        events: 0,
        distinct: new Set(),
        malformed: 0,
        heads: [],
        ats: [],
        received: [],
        disconnects: {},
      };
      closing = false;
      const failures = {};
      for (let i = 0; i < n; i += BATCH) {
        const batch = [];
        for (let j = i; j < Math.min(n, i + BATCH); j++) {
          const socket =
            CLIENT === 'socket.io'
              ? io(`${apiUrl}/live`, {
                  transports: ['websocket'],
                  forceNew: true,
                  reconnection: false,
                  timeout: CONNECT_TIMEOUT_MS,
                })
              : new WireSocket(apiUrl);
          socket.bench = { events: 0, perSecond: [], seen: new Set(), subscribed: false };
          all.push(socket);
          batch.push(
            new Promise((resolve) => {
              socket.once('connect', () => {
                sockets.push(socket);
                resolve();
              });
              socket.once('connect_error', (err) => {
                tally(failures, err.message);
                socket.disconnect();
                resolve();
              });
            }),
          );
        }
        await Promise.all(batch);
      }
      return { connected: sockets.length, failures };
    },

    async subscribe() {
      const failures = {};
      let ok = 0;
      for (let i = 0; i < sockets.length; i += BATCH) {
        await Promise.all(
          sockets.slice(i, i + BATCH).map(
            (socket) =>
              new Promise((resolve) => {
                socket
                  .timeout(ACK_TIMEOUT_MS)
                  .emit('subscribe', { leaderboardId: BOARD, top: TOP }, (err, ack) => {
                    if (err) tally(failures, `ack: ${err.message}`);
                    else if (!ack?.ok)
                      tally(failures, `ack: ${ack?.error?.type ?? JSON.stringify(ack)}`);
                    else {
                      ok++;
                      socket.bench.subscribed = true;
                    }
                    resolve();
                  });
              }),
          ),
        );
      }
      // Listeners go on only after every subscription is in, so all sockets see the same phase.
      for (const socket of sockets) {
        if (CLIENT === 'socket.io') socket.on('leaderboard.top', (e) => onTop(socket, topInfo(e)));
        else socket.on('leaderboard.top', (info) => onTop(socket, info));
        socket.on('disconnect', (reason) => {
          if (!closing) tally(r.disconnects, reason);
        });
      }
      return { ok, failures };
    },

    start({ t0 }) {
      r.t0 = t0;
      // Only the subscribed sockets are owed the round's events.
      r.wanted = sockets.filter((s) => s.connected && s.bench.subscribed);
      delay.reset();
      delay.enable();
      return {};
    },

    /** What this thread's sockets saw; `lastId` is the player of the round's last submit. */
    collect({ lastId }) {
      delay.disable();
      const wanted = r.wanted;
      const seenCounts = Int32Array.from(wanted, (s) => s.bench.seen.size);
      const eventsPerSocket = Int32Array.from(wanted, (s) => s.bench.events);
      let maxInASecond = 0;
      for (const s of wanted)
        for (const c of s.bench.perSecond) maxInASecond = Math.max(maxInASecond, c ?? 0);
      const sawLast = wanted.filter((s) => [...s.bench.seen].some((k) => k.endsWith(`|${lastId}`)));
      const out = {
        events: r.events,
        distinct: [...r.distinct],
        malformed: r.malformed,
        disconnects: r.disconnects,
        seenCounts,
        eventsPerSocket,
        maxInASecond,
        sawLast: sawLast.length,
        stillConnected: wanted.filter((s) => s.connected).length,
        heads: Float64Array.from(r.heads),
        ats: Float64Array.from(r.ats),
        received: Float64Array.from(r.received),
        delayP99: delay.percentile(99) / 1e6,
        delayMax: delay.max / 1e6,
      };
      return {
        value: out,
        transfer: [
          out.seenCounts.buffer,
          out.eventsPerSocket.buffer,
          out.heads.buffer,
          out.ats.buffer,
          out.received.buffer,
        ],
      };
    },

    close() {
      closing = true;
      for (const s of all) {
        s.removeAllListeners();
        s.disconnect();
      }
      all = [];
      sockets = [];
      return {};
    },
  };

  parentPort.on('message', ({ id, cmd, args }) => {
    Promise.resolve(commands[cmd](args)).then(
      (res) => {
        if (res && 'transfer' in res)
          parentPort.postMessage({ id, value: res.value }, res.transfer);
        else parentPort.postMessage({ id, value: res });
      },
      (err) => parentPort.postMessage({ id, error: String(err?.stack ?? err) }),
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Main thread: processes, client threads, submits, figures.

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

let valkey;
let spawnedAt = 0; // when the api and worker were started (profile offsets)
let clients = [];
// Sockets close first, so the api's shutdown doesn't count as a round's disconnects.
const benchRun = isMainThread
  ? createBenchRun({ tmpPrefix: 'valkran-live-', beforeStop: stopClients, verbose: true })
  : null;

/** A client thread as an object whose methods send it a command and resolve with its answer. */
function startClient(apiUrl) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { apiUrl } });
  const pending = new Map();
  let next = 0;
  worker.on('message', ({ id, value, error }) => {
    const p = pending.get(id);
    pending.delete(id);
    if (error) p?.reject(new Error(error));
    else p?.resolve(value);
  });
  worker.on('error', (err) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  });
  const call = (cmd, args = {}) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, cmd, args });
    });
  return { worker, call };
}

async function stopClients() {
  await Promise.allSettled(clients.map((c) => c.call('close')));
  await Promise.allSettled(clients.map((c) => c.worker.terminate()));
  clients = [];
}

/** Calls every client thread; `argsOf(i)` gives each its arguments. */
const allClients = (cmd, argsOf = () => ({})) =>
  Promise.all(clients.map((c, i) => c.call(cmd, argsOf(i))));

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: fields 3.. start after the last ')'.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[14 - 3]) + Number(f[15 - 3])) / CLK_TCK;
}

/** Busy and total CPU seconds of the whole machine (every process, every core). */
function machineSeconds() {
  const f = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = f[3] + f[4]; // idle + iowait
  return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK };
}

function rssMb(pid) {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)\s+kB/m);
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU % of one core and RSS (end and peak) of some processes over a phase. */
function measure(pids) {
  const t0 = performance.now();
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
  const machine0 = machineSeconds();
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
        const used = cpuSeconds(pid) - cpu0[k];
        out[k] = { cpu: (used / secs) * 100, cpuSecs: used, rss: rssMb(pid), peak: peak[k] };
      } catch {
        out[k] = { cpu: NaN, cpuSecs: NaN, rss: NaN, peak: peak[k] };
      }
    }
    const machine1 = machineSeconds();
    const mine = Object.values(out).reduce((a, u) => a + (u.cpuSecs || 0), 0);
    const busy = machine1.busy - machine0.busy;
    out.machine = {
      busy: (busy / (machine1.total - machine0.total)) * 100,
      others: ((busy - mine) / secs) * 100,
    };
    return out;
  };
}

/** The api's event-loop delay since the previous scrape (prom-client resets it on each one). */
async function apiLoopDelay(apiUrl) {
  try {
    const text = await (await fetch(`${apiUrl}/metrics`)).text();
    const get = (name) => {
      const m = new RegExp(`^valkran_nodejs_eventloop_lag_${name}_seconds\\s+(\\S+)`, 'm').exec(
        text,
      );
      return m ? Number(m[1]) * 1000 : NaN;
    };
    return { p99: get('p99'), max: get('max') };
  } catch {
    return { p99: NaN, max: NaN };
  }
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
    // Likewise the live connections one address may hold (default 100).
    LIVE_MAX_CONNECTIONS_PER_IP: CONN_LIMIT,
  };
  spawnedAt = performance.now();
  const api = benchRun.spawnNode('api', [...NODE_ARGS, 'dist/main.js'], {
    ...env,
    APP_MODE: 'api',
    PORT: String(apiPort),
  });
  const worker = benchRun.spawnNode('worker', [...NODE_ARGS, 'dist/main.js'], {
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

let seq = 0; // strictly increasing across the whole run, so each submit becomes rank 1

/**
 * Submits at a steady RATE for `secs` s: a 10 ms timer sends whatever the schedule is owed.
 * Each submit's send time is kept by sequence number (`round.sent`, epoch ms).
 */
function submitPhase(apiUrl, round, secs) {
  return new Promise((resolve) => {
    const total = Math.round(RATE * secs);
    const start = performance.now();
    let sent = 0;
    let pending = 0;
    let stopped = false;
    let maxBehind = 0;
    const send = () => {
      const i = ++seq;
      const t = performance.now();
      round.sent.set(i, performance.timeOrigin + t);
      pending++;
      fetch(`${apiUrl}/v1/leaderboards/${BOARD}/scores`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SUBMIT_KEY}` },
        body: JSON.stringify({ playerId: `p${i}`, score: 1_000_000 + i }),
        signal: AbortSignal.timeout(15_000),
      })
        .then(async (res) => {
          await res.arrayBuffer();
          round.httpMs.push(performance.now() - t);
          if (res.status >= 200 && res.status < 300) round.acked++;
          else tally(round.non2xx, res.status);
        })
        .catch((err) => tally(round.httpErrors, err?.cause?.code ?? err?.name ?? String(err)))
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

const newRound = () => ({
  sent: new Map(),
  acked: 0,
  non2xx: {},
  httpErrors: {},
  httpMs: [],
});

/** Sums what the client threads report, matching deliveries with the submits' send times. */
function merge(parts, round) {
  const distinct = new Set(parts.flatMap((p) => p.distinct));
  const latencies = [];
  const fanout = [];
  const upstream = new Map(); // per distinct event
  let unmatched = 0;
  for (const p of parts) {
    for (let i = 0; i < p.received.length; i++) {
      const sent = round.sent.get(p.heads[i]);
      const at = p.ats[i];
      if (sent === undefined) unmatched++;
      else latencies.push(p.received[i] - sent);
      if (Number.isFinite(at)) {
        fanout.push(p.received[i] - at);
        if (sent !== undefined && !upstream.has(p.heads[i])) upstream.set(p.heads[i], at - sent);
      }
    }
  }
  const seen = parts.flatMap((p) => [...p.seenCounts]);
  const disconnects = {};
  for (const p of parts)
    for (const [k, v] of Object.entries(p.disconnects)) disconnects[k] = (disconnects[k] ?? 0) + v;
  return {
    events: parts.reduce((a, p) => a + p.events, 0),
    distinct: distinct.size,
    malformed: parts.reduce((a, p) => a + p.malformed, 0),
    unmatched,
    latencies,
    fanout,
    upstream: [...upstream.values()],
    missing: seen.reduce((a, s) => a + (distinct.size - s), 0),
    short: seen.filter((s) => s < distinct.size).length,
    eventsPerSocket: parts.flatMap((p) => [...p.eventsPerSocket]),
    maxInASecond: Math.max(0, ...parts.map((p) => p.maxInASecond)),
    sawLast: parts.reduce((a, p) => a + p.sawLast, 0),
    stillConnected: parts.reduce((a, p) => a + p.stillConnected, 0),
    wanted: seen.length,
    disconnects,
    clientDelayP99: Math.max(...parts.map((p) => p.delayP99)),
    clientDelayMax: Math.max(...parts.map((p) => p.delayMax)),
  };
}

/** Splits n sockets over the client threads. */
const shareOf = (n, i) => Math.floor(n / clients.length) + (i < n % clients.length ? 1 : 0);

async function connectAndSubscribe(n) {
  const c0 = performance.now();
  const connects = await allClients('connect', (i) => ({ n: shareOf(n, i) }));
  const connectSecs = (performance.now() - c0) / 1000;
  const s0 = performance.now();
  const subs = await allClients('subscribe');
  const subscribeSecs = (performance.now() - s0) / 1000;
  const connectFailures = {};
  const subscribeFailures = {};
  for (const c of connects)
    for (const [k, v] of Object.entries(c.failures))
      connectFailures[k] = (connectFailures[k] ?? 0) + v;
  for (const s of subs)
    for (const [k, v] of Object.entries(s.failures))
      subscribeFailures[k] = (subscribeFailures[k] ?? 0) + v;
  return {
    connected: connects.reduce((a, c) => a + c.connected, 0),
    connectFailures,
    connectSecs,
    subscribed: subs.reduce((a, s) => a + s.ok, 0),
    subscribeFailures,
    subscribeSecs,
  };
}

/** Submits with a few subscribers, unreported: the first round starts with a warm JIT. */
async function warmUp(apiUrl) {
  if (WARMUP <= 0) return;
  await connectAndSubscribe(WARMUP_SUBSCRIBERS);
  await allClients('start', () => ({ t0: epochNow() }));
  await submitPhase(apiUrl, newRound(), WARMUP);
  await sleep(500);
  await allClients('close');
  console.log(
    `warm-up: ${WARMUP} s of submits with ${WARMUP_SUBSCRIBERS} subscribers (not reported)`,
  );
  await sleep(2000);
}

async function runRound(apiUrl, n, pids, logsBefore) {
  const setup = await connectAndSubscribe(n);
  console.log(
    `  ${fmt(setup.connected)}/${fmt(n)} connected in ${fmt(setup.connectSecs, 1)} s, ` +
      `${fmt(setup.subscribed)} subscribed in ${fmt(setup.subscribeSecs, 1)} s`,
  );
  if (benchRun.interrupted) return null;
  await sleep(1000); // let the subscribe burst settle before measuring
  const round = newRound();
  await apiLoopDelay(apiUrl); // starts the api's event-loop delay figures afresh
  const bench0 = process.cpuUsage();
  const apiCpu0 = cpuSeconds(pids.api);
  const stop = measure(pids);
  const t0 = performance.now();
  await allClients('start', () => ({ t0: performance.timeOrigin + t0 }));
  await submitPhase(apiUrl, round, DURATION);
  const usage = stop(); // CPU over the submit phase only
  const benchCpu = process.cpuUsage(bench0);
  const phaseSecs = (performance.now() - t0) / 1000;
  await sleep(DRAIN_MS); // events for the last writes are still on their way
  // The api's CPU over the window its events were counted in (submit phase and drain).
  const apiCpuSecs = cpuSeconds(pids.api) - apiCpu0;
  const apiDelay = await apiLoopDelay(apiUrl);
  const since = (t) => (t - spawnedAt) / 1000;
  const window = [since(t0), since(performance.now())];
  const parts = await allClients('collect', () => ({ lastId: `p${seq}` }));
  await allClients('close');
  return {
    n,
    setup,
    round,
    seen: merge(parts, round),
    lastId: `p${seq}`,
    usage,
    apiCpuSecs,
    apiDelay,
    window,
    benchCpu: ((benchCpu.user + benchCpu.system) / 1e6 / phaseSecs) * 100,
    phaseSecs,
    logsBefore,
  };
}

function report(r, children) {
  const { round, seen: s, setup } = r;
  const lat = Float64Array.from(s.latencies).sort();
  const http = Float64Array.from(round.httpMs).sort();
  const up = Float64Array.from(s.upstream).sort();
  const fan = Float64Array.from(s.fanout).sort();
  // Events per socket per second over the submit phase plus the drain.
  const windowSecs = r.phaseSecs + DRAIN_MS / 1000;
  const mean = s.eventsPerSocket.reduce((a, b) => a + b, 0) / Math.max(1, s.eventsPerSocket.length);
  const json = (o) => (Object.keys(o).length ? JSON.stringify(o) : 'none');
  const mb = (u) => `${fmt(u.rss)} MB end, ${fmt(u.peak)} MB peak`;
  const usPerEvent = (r.apiCpuSecs * 1e6) / s.events;
  const lines = [
    `subscribers       ${fmt(setup.connected)}/${fmt(r.n)} connected (failures: ${json(setup.connectFailures)}), ` +
      `${fmt(setup.subscribed)} subscribed (ack failures: ${json(setup.subscribeFailures)}), ` +
      `${clients.length} client thread(s) of ${CLIENT === 'wire' ? 'wire-protocol clients' : 'socket.io-client'}`,
    `submits           ${fmt(round.submitted)} sent in ${fmt(round.submitSecs, 1)} s ` +
      `(${fmt(round.submitted / round.submitSecs)}/s, scheduler at most ${round.maxBehind} behind), ` +
      `${fmt(round.acked)} 2xx, non-2xx ${json(round.non2xx)}, errors ${json(round.httpErrors)}`,
    `submit HTTP ms    median ${fmt(pct(http, 50), 1)} / p99 ${fmt(pct(http, 99), 1)} / max ${fmt(http.at(-1), 1)}`,
    `events            ${fmt(s.events)} received, ${fmt(s.distinct)} distinct published, ` +
      `${fmt(s.missing)} missed (${fmt(s.short)} socket(s) missed one or more), ` +
      `${fmt(s.unmatched)} not matching a submit of this round, ${s.malformed} malformed`,
    `events/socket/s   mean ${fmt(mean / windowSecs, 2)} over ${fmt(windowSecs, 1)} s ` +
      `(${fmt(mean, 1)} per socket; most any socket got in one second: ${s.maxInASecond})`,
    `latency ms        median ${fmt(pct(lat, 50), 1)} / p95 ${fmt(pct(lat, 95), 1)} / ` +
      `p99 ${fmt(pct(lat, 99), 1)} / max ${fmt(lat.at(-1), 1)} (${fmt(lat.length)} samples, ` +
      `submit sent → leaderboard.top whose rank 1 is that submit)`,
    `  split at \`at\`   submit sent → publish slot taken (per event): median ${fmt(pct(up, 50), 1)} / ` +
      `p95 ${fmt(pct(up, 95), 1)}; slot taken → received (per delivery): median ` +
      `${fmt(pct(fan, 50), 1)} / p95 ${fmt(pct(fan, 95), 1)} / p99 ${fmt(pct(fan, 99), 1)}`,
    `last submit       ${r.lastId} reached ${fmt(s.sawLast)}/${fmt(s.wanted)} sockets within ${DRAIN_MS} ms of the end`,
    `disconnects       ${json(s.disconnects)} during the round; ${fmt(s.stillConnected)}/${fmt(s.wanted)} still connected at the end`,
    `api               CPU ${fmt(r.usage.api.cpu)}% of one core, RSS ${mb(r.usage.api)}; ` +
      `event-loop delay p99 ${fmt(r.apiDelay.p99, 1)} ms / max ${fmt(r.apiDelay.max, 1)} ms`,
    `api CPU/event     ${fmt(usPerEvent, 1)} µs (${fmt(r.apiCpuSecs, 2)} CPU s over the submit phase and ` +
      `drain / ${fmt(s.events)} events delivered; the ${fmt(round.submitted)} submits' own cost included)`,
    `worker            CPU ${fmt(r.usage.worker.cpu)}% of one core, RSS ${mb(r.usage.worker)}`,
    `valkey-server     CPU ${fmt(r.usage.valkey.cpu)}% of one core, RSS ${mb(r.usage.valkey)}`,
    `bench (clients)   CPU ${fmt(r.benchCpu)}% of one core, RSS ${mb(r.usage.bench)}; client threads' ` +
      `event-loop delay p99 ${fmt(s.clientDelayP99, 1)} ms / max ${fmt(s.clientDelayMax, 1)} ms`,
    `machine           ${fmt(r.usage.machine.busy)}% of ${os.cpus().length} cores busy; processes ` +
      `outside this bench used ${fmt(r.usage.machine.others)}% of one core`,
  ];
  console.log(`\n== ${fmt(r.n)} subscribers, ${DURATION} s at ${RATE} submits/s`);
  for (const l of lines) console.log(`  ${l}`);
  if (NODE_ARGS.length) {
    console.log(
      `  profile window    ${fmt(r.window[0], 1)}–${fmt(r.window[1], 1)} s after the api and worker started`,
    );
  }
  for (const c of children) {
    const fresh = c.lines - r.logsBefore[c.name];
    if (fresh > 0) {
      console.log(`  ${c.name} logged ${fresh} line(s) this round; last ones:`);
      for (const l of c.tail.slice(-Math.min(fresh, 10))) console.log(`    ${l}`);
    }
  }
  return {
    n: r.n,
    p50: pct(lat, 50),
    p95: pct(lat, 95),
    p99: pct(lat, 99),
    fanP95: pct(fan, 95),
    httpMedian: pct(http, 50),
    events: s.events,
    missing: s.missing,
    apiCpuSecs: r.apiCpuSecs,
    usPerEvent,
  };
}

/**
 * One line per round; with several rounds per size (LIVE_REPEAT), the median of each figure per
 * size; then how the largest size compares with the smallest.
 */
function summarize(rows) {
  if (rows.length === 0) return;
  const line = (label, x) =>
    console.log(
      `  ${label.padStart(11)} ${fmt(x.p50, 0).padStart(6)} ${fmt(x.p95, 0).padStart(7)} ` +
        `${fmt(x.p99, 0).padStart(7)} ${fmt(x.fanP95, 0).padStart(19)} ${fmt(x.httpMedian, 1).padStart(17)} ` +
        `${fmt(x.missing).padStart(8)} ${fmt(x.usPerEvent, 1).padStart(14)}`,
    );
  console.log('\n== summary (submit→event ms; api CPU per delivered event)');
  console.log(
    '  subscribers    p50     p95     p99   slot→received p95   submit HTTP p50   missed   api µs/event',
  );
  for (const x of rows) line(fmt(x.n), x);
  const sizes = [...new Set(rows.map((x) => x.n))].sort((a, b) => a - b);
  const bySize = new Map(
    sizes.map((n) => {
      const of = rows.filter((x) => x.n === n);
      const m = (k) => median(of.map((x) => x[k]));
      const keys = ['p50', 'p95', 'p99', 'fanP95', 'httpMedian', 'missing', 'usPerEvent'];
      const apiCpuSecs = of.reduce((a, x) => a + x.apiCpuSecs, 0);
      const events = of.reduce((a, x) => a + x.events, 0);
      return [n, { ...Object.fromEntries(keys.map((k) => [k, m(k)])), apiCpuSecs, events }];
    }),
  );
  if (rows.length > sizes.length) {
    console.log(`  medians of ${REPEAT} rounds per size:`);
    for (const [n, x] of bySize) line(fmt(n), x);
  }
  if (sizes.length < 2) return;
  const [small, large] = [bySize.get(sizes[0]), bySize.get(sizes.at(-1))];
  // What one more delivered event costs the api, with the submits' share (the same load in every
  // round) taken out.
  const marginal = ((large.apiCpuSecs - small.apiCpuSecs) * 1e6) / (large.events - small.events);
  console.log(
    `  p95(${fmt(sizes.at(-1))}) / p95(${fmt(sizes[0])}) = ${fmt(large.p95 / small.p95, 2)}` +
      `${rows.length > sizes.length ? ' (medians)' : ''}; marginal api CPU per delivered event ` +
      `between them ${fmt(marginal, 1)} µs`,
  );
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
      `CPU over the submit phase; CLK_TCK ${CLK_TCK}; RATE_LIMIT_READ_PER_IP=${READ_LIMIT}, ` +
      `LIVE_MAX_CONNECTIONS_PER_IP=${CONN_LIMIT} (0 = off; all clients share one IP)`,
  );
  clients = Array.from({ length: THREADS }, () => startClient(apiUrl));
  await warmUp(apiUrl);
  const rows = [];
  for (const n of Array.from({ length: REPEAT }, () => SUBSCRIBERS).flat()) {
    console.log(`\n-- round: ${fmt(n)} subscribers`);
    const logsBefore = Object.fromEntries(benchRun.children.map((c) => [c.name, c.lines]));
    const r = await runRound(apiUrl, n, pids, logsBefore);
    if (benchRun.interrupted || !r) return;
    rows.push(report(r, benchRun.children));
    await sleep(2000); // the api drops the watch counts of the closed sockets
  }
  summarize(rows);
  console.log(`\ntotal ${fmt((performance.now() - started) / 1000, 1)} s`);
  await benchRun.cleanup();
}

if (isMainThread) {
  main().catch(async (err) => {
    console.error(err);
    await benchRun.cleanup();
    process.exit(1);
  });
} else {
  clientThread();
}
