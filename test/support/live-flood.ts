import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { transformFileSync } from '@swc/core';
import { io, Socket } from 'socket.io-client';

/**
 * The live flood of issue 15 (finding 1), run in a process of its own so the attack's
 * client-side work does not share the event loop of the app under test: one client address
 * (sent as X-Forwarded-For), as many /live connections as it can get, each sending a subscribe
 * with ten fresh 128-character player ids every 50 ms (20/s, the most a connection may send).
 */
export interface FloodArgs {
  url: string;
  ip: string;
  sockets: number;
  boardId: string;
  ms: number;
}

export interface FloodReady {
  admitted: number;
  /** connect_error messages of the connections refused, and how many */
  refusals: Record<string, number>;
}

export interface FloodDone {
  /** subscribe acks: `ok`, a problem type's last segment, or `no ack` */
  acks: Record<string, number>;
  stillConnected: number;
}

/** Starts the flood in a child process; `ready` once it is connected, `done` at the end. */
export function flood(args: FloodArgs): { ready: Promise<FloodReady>; done: Promise<FloodDone> } {
  const { code } = transformFileSync(__filename, {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  const child = spawn(
    process.execPath,
    [
      '-e',
      `${code}\nvoid module.exports.attack(JSON.parse(process.argv[1]));`,
      JSON.stringify(args),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  const line = <T>(prefix: string) =>
    new Promise<T>((resolve, reject) => {
      lines.on('line', (l: string) => {
        if (l.startsWith(`${prefix} `)) resolve(JSON.parse(l.slice(prefix.length + 1)) as T);
      });
      child.once('exit', (code) =>
        reject(new Error(`the flood exited (${code}) before ${prefix}`)),
      );
    });
  return { ready: line<FloodReady>('ready'), done: line<FloodDone>('done') };
}

/** The child's side: connects, reports `ready`, floods for `ms`, reports `done`, exits. */
export async function attack({ url, ip, sockets, boardId, ms }: FloodArgs): Promise<void> {
  const admitted: Socket[] = [];
  const refusals: Record<string, number> = {};
  let idNo = 0;
  const freshIds = () =>
    Array.from({ length: 10 }, () => `evil${process.pid}-${++idNo}-`.padEnd(128, 'z'));
  for (let i = 0; i < sockets; i++) {
    const socket = io(`${url}/live`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { 'x-forwarded-for': ip },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      admitted.push(socket);
    } catch (err) {
      const message = (err as Error).message;
      refusals[message] = (refusals[message] ?? 0) + 1;
    }
  }
  const ready: FloodReady = { admitted: admitted.length, refusals };
  console.log(`ready ${JSON.stringify(ready)}`);

  const acks: Record<string, number> = {};
  let stop = false;
  const count = (kind: string) => (acks[kind] = (acks[kind] ?? 0) + 1);
  const timers = admitted.map((socket) =>
    setInterval(() => {
      if (stop || !socket.connected) return;
      socket
        .timeout(5000)
        .emitWithAck('subscribe', { leaderboardId: boardId, playerIds: freshIds() })
        .then(
          (ack: { ok: boolean; error?: { type: string } }) =>
            count(ack.ok ? 'ok' : (ack.error?.type.split('/').pop() ?? 'error')),
          () => stop || count('no ack'),
        );
    }, 50),
  );
  await new Promise((r) => setTimeout(r, ms));
  stop = true;
  timers.forEach(clearInterval);
  const done: FloodDone = { acks, stillConnected: admitted.filter((s) => s.connected).length };
  admitted.forEach((s) => s.disconnect());
  console.log(`done ${JSON.stringify(done)}`);
  process.exit(0);
}
