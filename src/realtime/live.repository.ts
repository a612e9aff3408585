import { Injectable } from '@nestjs/common';
import { BoardKeys } from '../valkey/keys';
import { ValkeyConnections } from '../valkey/valkey-connections';
import { decodePlayerState, encodePlayerState, LiveSnapshot, PlayerState } from './live';

/** How long a watch lasts unless the api instance holding it renews it. */
export const WATCH_LEASE_MS = 90_000;

/**
 * What the live publisher needs to know across processes: which top-N sizes and players
 * someone watches, the last published snapshot, and the per-board rate gate. Watches are
 * leases (sorted sets scored by expiry) that api instances renew while their sockets stay
 * subscribed: nothing to undo on unsubscribe, and a crashed instance's watches just expire.
 */
@Injectable()
export class LiveRepository {
  constructor(private readonly valkey: ValkeyConnections) {}

  private key(boardId: string, what: 'snap' | 'tops' | 'players' | 'pstate' | 'gate'): string {
    return new BoardKeys(boardId).live(what);
  }

  /** Takes or extends watch leases on top-N sizes and players (never shortens one). */
  async watch(boardId: string, tops: number[], playerIds: string[]): Promise<void> {
    const until = Date.now() + WATCH_LEASE_MS;
    const pipe = this.valkey.api.pipeline();
    const topsKey = this.key(boardId, 'tops');
    const playersKey = this.key(boardId, 'players');
    for (const n of tops) pipe.zadd(topsKey, 'GT', until, String(n));
    for (const p of playerIds) pipe.zadd(playersKey, 'GT', until, p);
    pipe.pexpire(topsKey, WATCH_LEASE_MS * 2);
    if (playerIds.length) pipe.pexpire(playersKey, WATCH_LEASE_MS * 2);
    await pipe.exec();
  }

  /** Top-N sizes and players with an unexpired lease; expired ones are dropped. */
  async watched(boardId: string): Promise<{ tops: number[]; players: string[] }> {
    const now = Date.now();
    const topsKey = this.key(boardId, 'tops');
    const playersKey = this.key(boardId, 'players');
    const [tops, players] = await Promise.all([
      this.valkey.api.zrangebyscore(topsKey, now, '+inf'),
      this.valkey.api.zrangebyscore(playersKey, now, '+inf'),
      this.valkey.api.zremrangebyscore(topsKey, '-inf', `(${now}`),
      this.valkey.api.zremrangebyscore(playersKey, '-inf', `(${now}`),
    ]);
    return { tops: tops.map(Number), players };
  }

  async lastSnapshot(boardId: string): Promise<LiveSnapshot | null> {
    const raw = await this.valkey.api.get(this.key(boardId, 'snap'));
    return raw ? (JSON.parse(raw) as LiveSnapshot) : null;
  }

  /** `onlyIfAbsent`: a subscriber seeds the baseline so the first publish diffs against it. */
  async saveSnapshot(boardId: string, snap: LiveSnapshot, onlyIfAbsent = false): Promise<void> {
    const key = this.key(boardId, 'snap');
    if (onlyIfAbsent) await this.valkey.api.set(key, JSON.stringify(snap), 'EX', 86400, 'NX');
    else await this.valkey.api.set(key, JSON.stringify(snap), 'EX', 86400);
  }

  /** Last published standing of each player (undefined: never recorded). */
  async playerStates(boardId: string, playerIds: string[]): Promise<(PlayerState | undefined)[]> {
    if (playerIds.length === 0) return [];
    const raw = await this.valkey.api.hmget(this.key(boardId, 'pstate'), ...playerIds);
    return raw.map((v) => (v === null ? undefined : decodePlayerState(v)));
  }

  async savePlayerStates(
    boardId: string,
    states: Map<string, PlayerState>,
    onlyIfAbsent = false,
  ): Promise<void> {
    if (states.size === 0) return;
    const key = this.key(boardId, 'pstate');
    const pipe = this.valkey.api.pipeline();
    for (const [playerId, state] of states) {
      if (onlyIfAbsent) pipe.hsetnx(key, playerId, encodePlayerState(state));
      else pipe.hset(key, playerId, encodePlayerState(state));
    }
    pipe.expire(key, 86400);
    await pipe.exec();
  }

  /** Forgets published player states (a new period starts from scratch). */
  async clearPlayerStates(boardId: string): Promise<void> {
    await this.valkey.api.del(this.key(boardId, 'pstate'));
  }

  /**
   * Takes the board's publish slot for `intervalMs` if free; otherwise returns how many ms
   * remain. Shared by every worker, so the rate bound holds however many there are.
   */
  async takeGate(boardId: string, intervalMs: number): Promise<number> {
    const key = this.key(boardId, 'gate');
    if ((await this.valkey.api.set(key, '1', 'PX', intervalMs, 'NX')) === 'OK') return 0;
    return Math.max(1, await this.valkey.api.pttl(key));
  }
}
