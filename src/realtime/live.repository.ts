import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { BoardKeys } from '../leaderboard/board.keys';
import { LIVE_KEYS, LiveKey, liveKey } from './live.keys';
import { LuaScript } from '../valkey/lua-script';
import { ValkeyConnections } from '../valkey/valkey-connections';
import { decodePlayerState, encodePlayerState, LiveSnapshot, PlayerState } from './live';

/** How long a watch lasts unless the api instance holding it renews it. */
export const WATCH_LEASE_MS = 90_000;
/** Snapshots and player states outlive a quiet day, then go. */
const STATE_TTL_S = 86_400;

/** What the publisher last saw, to write back in one step (see save-live.lua). */
export interface LiveState {
  snapshot?: LiveSnapshot;
  players: Map<string, PlayerState>;
  /** forget every recorded player state first (a new period) */
  clearPlayers?: boolean;
}

export interface WatchOptions {
  /** Most players the board may have watched (0 or absent: no cap). */
  maxPlayers?: number;
  /**
   * Renewing what this holder's sockets already hold: players that no longer fit are skipped
   * instead of the whole request being refused.
   */
  renew?: boolean;
}

export type WatchOutcome =
  | { status: 'ok'; skipped: number }
  /** Over the cap: nothing was written. */
  | { status: 'full'; watched: number }
  /** The board does not exist: nothing was written. */
  | { status: 'gone' };

/**
 * What the live publisher needs to know across processes: which top-N sizes and players
 * someone watches, the last published snapshot, and the per-board rate gate. Watches are
 * leases (sorted sets scored by expiry) that api instances renew while their sockets stay
 * subscribed, so a crashed instance's watches just expire. Each instance (each repository
 * object: its `holder` id) also keeps its own lease per player, so it can release a player its
 * sockets no longer watch at once without cutting another instance's watch of it (see
 * live.lib.lua). Every write checks, in the same script, that the board still exists, so a
 * publish or a lease renewal that races a board's deletion never leaves keys behind.
 */
@Injectable()
export class LiveRepository {
  /** This process's id as a lease holder. */
  readonly holder = randomBytes(6).toString('hex');
  private readonly watchScript = new LuaScript('watch.lua', __dirname);
  private readonly releaseScript = new LuaScript('release.lua', __dirname);
  private readonly gateScript = new LuaScript('take-gate.lua', __dirname);
  private readonly saveScript = new LuaScript('save-live.lua', __dirname);
  private readonly watchedScript = new LuaScript('watched.lua', __dirname);
  private readonly watchCohortsScript = new LuaScript('watch-cohorts.lua', __dirname);
  private readonly cohortSnapScript = new LuaScript('cohort-snap.lua', __dirname);

  constructor(private readonly valkey: ValkeyConnections) {}

  private key(boardId: string, what: LiveKey): string {
    return liveKey(boardId, what);
  }

  /** Drops the board's live state (its `board.deleted` share). */
  async drop(boardId: string): Promise<void> {
    await this.valkey.api.del(...LIVE_KEYS.map((what) => liveKey(boardId, what)));
  }

  /**
   * Takes or extends this holder's watch leases on top-N sizes and players (never shortens
   * one). With `maxPlayers`, a request whose new players do not all fit writes nothing
   * (`full`), unless it is a renewal (`renew`), which keeps what fits.
   */
  async watch(
    boardId: string,
    tops: number[],
    playerIds: string[],
    opts: WatchOptions = {},
  ): Promise<WatchOutcome> {
    const now = Date.now();
    const reply = (await this.watchScript.run(
      this.valkey.api,
      [
        new BoardKeys(boardId).cfg,
        this.key(boardId, 'tops'),
        this.key(boardId, 'players'),
        this.key(boardId, 'snap'),
        this.key(boardId, 'pstate'),
        this.key(boardId, 'holders'),
      ],
      [
        this.holder,
        now,
        now + WATCH_LEASE_MS,
        WATCH_LEASE_MS * 2,
        opts.maxPlayers ?? 0,
        opts.renew ? 'renew' : 'strict',
        STATE_TTL_S,
        tops.length,
        ...tops,
        ...new Set(playerIds),
      ],
    )) as [string, number?];
    if (reply[0] === 'GONE') return { status: 'gone' };
    if (reply[0] === 'FULL') return { status: 'full', watched: Number(reply[1]) };
    return { status: 'ok', skipped: Number(reply[1]) };
  }

  /**
   * Releases this holder's leases on players: one that no other holder watches stops being
   * watched at once (and its recorded standing goes). Answers how many stopped.
   */
  async release(boardId: string, playerIds: string[]): Promise<number> {
    if (playerIds.length === 0) return 0;
    return (await this.releaseScript.run(
      this.valkey.api,
      [this.key(boardId, 'players'), this.key(boardId, 'holders'), this.key(boardId, 'pstate')],
      [this.holder, Date.now(), ...playerIds],
    )) as number;
  }

  /**
   * Top-N sizes and players with an unexpired lease (at most the cap a watch was given);
   * expired ones are dropped, with the recorded standings of players nobody watches any more.
   */
  async watched(boardId: string): Promise<{ tops: number[]; players: string[] }> {
    const [tops, players] = (await this.watchedScript.run(
      this.valkey.api,
      [
        this.key(boardId, 'tops'),
        this.key(boardId, 'players'),
        this.key(boardId, 'pstate'),
        this.key(boardId, 'holders'),
      ],
      [Date.now()],
    )) as [string[], string[]];
    return { tops: tops.map(Number), players };
  }

  async lastSnapshot(boardId: string): Promise<LiveSnapshot | null> {
    const raw = await this.valkey.api.get(this.key(boardId, 'snap'));
    return raw ? (JSON.parse(raw) as LiveSnapshot) : null;
  }

  /** Last published standing of each player (undefined: never recorded). */
  async playerStates(boardId: string, playerIds: string[]): Promise<(PlayerState | undefined)[]> {
    if (playerIds.length === 0) return [];
    const raw = await this.valkey.api.hmget(this.key(boardId, 'pstate'), ...playerIds);
    return raw.map((v) => (v === null ? undefined : decodePlayerState(v)));
  }

  /**
   * Records a snapshot and player states in one step, only while the board exists and, when
   * `generation` is given, is still the board they were read from. `onlyIfAbsent`: a
   * subscriber seeds the baseline so the first publish diffs against it, never overwriting.
   */
  async save(
    boardId: string,
    state: LiveState,
    opts: { generation?: string; onlyIfAbsent?: boolean } = {},
  ): Promise<boolean> {
    const pairs: string[] = [];
    for (const [playerId, s] of state.players) pairs.push(playerId, encodePlayerState(s));
    const reply = await this.saveScript.run(
      this.valkey.api,
      [new BoardKeys(boardId).cfg, this.key(boardId, 'snap'), this.key(boardId, 'pstate')],
      [
        opts.generation ?? '',
        opts.onlyIfAbsent ? '1' : '0',
        state.clearPlayers ? '1' : '0',
        STATE_TTL_S,
        state.snapshot ? JSON.stringify(state.snapshot) : '',
        ...pairs,
      ],
    );
    return reply === 1;
  }

  /**
   * Takes the board's publish slot for `intervalMs` if free (with the board's generation);
   * otherwise says how many ms remain; null if the board is gone. Shared by every worker,
   * so the rate bound holds however many there are.
   */
  async takeGate(
    boardId: string,
    intervalMs: number,
  ): Promise<{ taken: true; generation: string } | { taken: false; waitMs: number } | null> {
    const [wait, generation] = (await this.gateScript.run(
      this.valkey.api,
      [new BoardKeys(boardId).cfg, this.key(boardId, 'gate')],
      [intervalMs],
    )) as [number, string];
    if (wait < 0) return null;
    return wait === 0 ? { taken: true, generation } : { taken: false, waitMs: wait };
  }

  /**
   * Takes or extends watch leases on players' cohorts (`subscribe {cohortOf}`); `full` when new
   * ones would pass `maxPlayers` (nothing written), `gone` when the board does not exist.
   */
  async watchCohorts(
    boardId: string,
    playerIds: string[],
    maxPlayers: number,
  ): Promise<WatchOutcome> {
    if (playerIds.length === 0) return { status: 'ok', skipped: 0 };
    const now = Date.now();
    const reply = (await this.watchCohortsScript.run(
      this.valkey.api,
      [new BoardKeys(boardId).cfg, this.key(boardId, 'cohorts')],
      [now, now + WATCH_LEASE_MS, maxPlayers, WATCH_LEASE_MS * 2, ...new Set(playerIds)],
    )) as [string, number?];
    if (reply[0] === 'GONE') return { status: 'gone' };
    if (reply[0] === 'FULL') return { status: 'full', watched: Number(reply[1]) };
    return { status: 'ok', skipped: 0 };
  }

  /** Players whose cohort someone watches (unexpired leases). */
  async watchedCohorts(boardId: string): Promise<string[]> {
    return this.valkey.api.zrangebyscore(this.key(boardId, 'cohorts'), Date.now(), '+inf');
  }

  /**
   * Records the cohort lists published (or, `onlyIfAbsent`, a subscriber's baseline) per
   * watched player; answers the players whose list changed, or null when the board is gone.
   */
  async saveCohorts(
    boardId: string,
    lists: Map<string, string>,
    opts: { generation?: string; onlyIfAbsent?: boolean } = {},
  ): Promise<string[] | null> {
    const reply = await this.cohortSnapScript.run(
      this.valkey.api,
      [new BoardKeys(boardId).cfg, this.key(boardId, 'csnap')],
      [
        opts.generation ?? '',
        opts.onlyIfAbsent ? '1' : '0',
        STATE_TTL_S,
        ...[...lists].flatMap(([playerId, list]) => [playerId, list]),
      ],
    );
    return Array.isArray(reply) ? reply.map(String) : null;
  }
}
