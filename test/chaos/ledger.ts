import type { Cluster, Redis } from 'ioredis';
import { sha256 } from '../../src/config/app-config';
import { fingerprint } from '../../src/scores/fingerprint';
import { idempotencyKey } from '../../src/scores/scores.keys';
import { http, SUBMIT_KEY } from '../support/app';

/** One acknowledged submit, as the client recorded it. */
export interface Ack {
  key: string;
  playerId: string;
  value: number;
  /** When the 200 arrived (ms since epoch). */
  at: number;
  /** How long the acknowledged attempt took (ms). */
  ms: number;
}

/** A write still refused after this long fails the run instead of retrying forever. */
const GIVE_UP_MS = 30_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A client-side ledger of increments on one `increment` board: every submit carries its own
 * Idempotency-Key and is retried with that key on every 503 until acknowledged; what was
 * acknowledged is recorded. {@link lost} and {@link wrongTotals} then compare it with Valkey.
 */
export class SubmitLedger {
  readonly acks: Ack[] = [];
  /** Failed attempts by kind (problem type slug of a 503, or the status). */
  readonly retries: Record<string, number> = {};
  /** Anything but 200 or 503: the run stops at the first. */
  readonly unexpected: string[] = [];
  private issued = 0;

  constructor(
    private readonly api: ReturnType<typeof http>,
    private readonly board: string,
    private readonly prefix: string,
    private readonly players = 100,
  ) {}

  /** Runs `clients` concurrent submit loops until `stop()` is true (checked between submits). */
  async run(clients: number, stop: () => boolean): Promise<void> {
    const loop = async (): Promise<void> => {
      while (!stop() && this.unexpected.length === 0) {
        const n = this.issued++;
        const body = {
          playerId: `p${n % this.players}`,
          score: 1 + Math.floor(Math.random() * 1000),
        };
        const key = `${this.prefix}-${n}`;
        const giveUpAt = Date.now() + GIVE_UP_MS;
        for (;;) {
          const sent = performance.now();
          let status = 0;
          let kind: string;
          try {
            const res = await this.api.submit(this.board, body, { 'idempotency-key': key });
            status = res.status;
            kind = status === 503 ? String(res.body?.type).split('/').pop()! : String(status);
          } catch (err) {
            kind = `fetch: ${(err as Error).message}`;
          }
          if (status === 200) {
            const ms = performance.now() - sent;
            this.acks.push({ key, playerId: body.playerId, value: body.score, at: Date.now(), ms });
            break;
          }
          this.retries[kind] = (this.retries[kind] ?? 0) + 1;
          if (status !== 503 || Date.now() > giveUpAt) {
            this.unexpected.push(`${key}: ${kind}${status === 503 ? ' for 30 s' : ''}`);
            return;
          }
          await sleep(20);
        }
      }
    };
    await Promise.all(Array.from({ length: clients }, loop));
  }

  /**
   * The acknowledged writes Valkey no longer has. Each one's idempotency record was written by
   * the same script, so the record is gone exactly when the write is.
   */
  async lost(valkey: Redis | Cluster): Promise<Ack[]> {
    const apiKeyDigest = sha256(SUBMIT_KEY).toString('hex');
    const pipeline = valkey.pipeline();
    for (const a of this.acks) {
      const body = { playerId: a.playerId, score: a.value };
      const fp = fingerprint('single', body, a.key, apiKeyDigest);
      pipeline.exists(idempotencyKey(this.board, fp.keyDigest));
    }
    const exists = (await pipeline.exec())!.map(([err, n]) => (err ? -1 : Number(n)));
    if (exists.includes(-1)) throw new Error('could not read the idempotency records');
    return this.acks.filter((_, i) => exists[i] !== 1);
  }

  /**
   * Players whose total is not the sum of their acknowledged increments minus the lost ones
   * (a write applied twice, or one applied without an acknowledgement): [id, actual, expected].
   */
  async wrongTotals(lost: Ack[]): Promise<[string, number, number][]> {
    const expected = new Map<string, number>();
    for (const a of this.acks) expected.set(a.playerId, (expected.get(a.playerId) ?? 0) + a.value);
    for (const a of lost) expected.set(a.playerId, expected.get(a.playerId)! - a.value);
    const ids = [...expected.keys()];
    const totals = new Map<string, number>();
    for (let i = 0; i < ids.length; i += 100) {
      const res = await this.api.request('POST', `/v1/leaderboards/${this.board}/players/lookup`, {
        body: { playerIds: ids.slice(i, i + 100) },
      });
      if (res.status !== 200) throw new Error(`lookup answered ${res.status}`);
      for (const e of res.body.entries as { playerId: string; score: number }[]) {
        totals.set(e.playerId, e.score);
      }
    }
    return ids
      .filter((id) => (totals.get(id) ?? 0) !== expected.get(id))
      .map((id) => [id, totals.get(id) ?? 0, expected.get(id)!]);
  }

  /** Resends every `step`-th acknowledged write that survived: each must replay, not apply. */
  async replaySample(lost: Ack[], step = 50): Promise<string[]> {
    const gone = new Set(lost.map((a) => a.key));
    const wrong: string[] = [];
    for (const a of this.acks.filter((x, i) => i % step === 0 && !gone.has(x.key))) {
      const res = await this.api.submit(
        this.board,
        { playerId: a.playerId, score: a.value },
        { 'idempotency-key': a.key },
      );
      if (res.status !== 200 || res.headers.get('idempotent-replayed') !== 'true') {
        wrong.push(`${a.key}: ${res.status}`);
      }
    }
    return wrong;
  }
}

/** The p-th percentile (0–100) of some numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
