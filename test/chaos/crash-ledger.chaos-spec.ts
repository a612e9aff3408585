import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, ValkeyServerProcess } from '../../src/valkey/valkey-server-process';
import { http, startApp } from '../support/app';
import { SubmitLedger } from './ledger';

/**
 * Crash durability ledger (issue 15, "Prove it under fire"): ≥ 10,000 acknowledged increments,
 * each with its own Idempotency-Key recorded client-side with what was acknowledged, while the
 * valkey-server (AOF on, fixed port and data directory) is killed with SIGKILL and restarted
 * several times. Clients retry every 503 with the same key until acknowledged. Then every
 * player's total must equal the sum of their acknowledged increments minus the ones Valkey
 * lost, nothing applied twice; with `appendfsync always` none may be lost, with `everysec` the
 * loss must fit in the second of writes before each kill.
 */

const TARGET = Number(process.env.LEDGER_WRITES ?? 10_000);
const KILLS = Number(process.env.LEDGER_KILLS ?? 5);
const CLIENTS = 24;
const BOARD = 'ledger';

interface Figures {
  mode: string;
  acknowledged: number;
  kills: number;
  lost: number;
  bound: number;
  retries: Record<string, number>;
  seconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runLedger(mode: 'always' | 'everysec'): Promise<Figures> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), `valkran-ledger-${mode}-`));
  const port = await freePort();
  const startServer = () =>
    ValkeyServerProcess.start({
      binary: process.env.VALKEY_SERVER_BIN ?? 'valkey-server',
      dir,
      port,
      appendOnly: true,
      extraArgs: ['--appendfsync', mode],
    });
  let server = await startServer();
  const app = await startApp(server.url);
  const api = http(app.baseUrl);
  const ledger = new SubmitLedger(api, BOARD, mode);
  const killedAt: number[] = [];
  try {
    expect(
      (await api.admin('POST', '/v1/leaderboards', { id: BOARD, updateMode: 'increment' })).status,
    ).toBe(201);

    const killer = async (): Promise<void> => {
      for (let k = 1; k <= KILLS; k++) {
        // Spread the kills over the load: the k-th when k/(KILLS+1) of it is acknowledged.
        while (ledger.acks.length < (TARGET * k) / (KILLS + 1) && ledger.unexpected.length === 0) {
          await sleep(5);
        }
        if (ledger.unexpected.length > 0) return;
        const exited = new Promise((r) => server.child.once('exit', r));
        killedAt.push(Date.now());
        server.child.kill('SIGKILL');
        await exited;
        await sleep(Math.floor(Math.random() * 200)); // down for a moment, as after a crash
        server = await startServer();
      }
    };
    let issued = 0;
    await Promise.all([killer(), ledger.run(CLIENTS, () => issued++ >= TARGET)]);
    expect(ledger.unexpected).toEqual([]);
    expect(ledger.acks.length).toBe(TARGET);
    expect(killedAt.length).toBe(KILLS);

    const valkey = new Redis(server.url);
    const lost = await ledger.lost(valkey);
    valkey.disconnect();
    // Every total equals what was acknowledged minus what was lost: nothing applied twice.
    expect(await ledger.wrongTotals(lost)).toEqual([]);
    // A retry of acknowledged writes replays: nothing applied again.
    expect(await ledger.replaySample(lost)).toEqual([]);

    // The second of writes acknowledged before each kill: what everysec may lose.
    const bound = killedAt
      .map((k) => ledger.acks.filter((a) => a.at <= k && a.at > k - 1000).length)
      .reduce((x, y) => x + y, 0);
    return {
      mode,
      acknowledged: ledger.acks.length,
      kills: killedAt.length,
      lost: lost.length,
      bound,
      retries: ledger.retries,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await app.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('crash durability ledger: valkey-server SIGKILLed under submit load (chaos)', () => {
  const figures: Figures[] = [];
  afterAll(() => {
    const lines = figures.map(
      (f) =>
        `  appendfsync ${f.mode.padEnd(8)}: ${f.acknowledged} acknowledged, ${f.kills} kills survived, ` +
        `${f.lost} lost (bound: ${f.bound} acknowledged in the second before a kill), ` +
        `retried ${JSON.stringify(f.retries)}, ${f.seconds.toFixed(1)} s`,
    );
    process.stdout.write(`\nCrash durability ledger\n${lines.join('\n')}\n`);
  });

  it('appendfsync always: no acknowledged write lost, none applied twice', async () => {
    const f = await runLedger('always');
    figures.push(f);
    expect(f.lost).toBe(0);
  }, 180_000);

  it('appendfsync everysec: the loss fits in the second before each kill, none applied twice', async () => {
    const f = await runLedger('everysec');
    figures.push(f);
    expect(f.lost).toBeLessThanOrEqual(f.bound);
  }, 180_000);
});
