import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import { AppConfig } from '../config/app-config';
import { EventBus } from '../events/event-bus';
import { StandingsRepository } from '../leaderboard/standings.repository';
import { CohortsRepository } from '../leaderboard/cohorts.repository';
import { topPercent } from '../leaderboard/rank-maths';
import { ValkeyConnections } from '../valkey/valkey-connections';
import {
  CohortList,
  LIVE_NAMESPACE,
  LiveSnapshot,
  MAX_TOP,
  PlayerState,
  playerStateOf,
  rooms,
  sameSubscores,
  TopRow,
  toTopRow,
} from './live';
import { LiveRepository } from './live.repository';
import { readCohortList } from './cohort-list';

/** At most this many boards publish at once in one process; the rest wait their turn. */
const MAX_CONCURRENT_PUBLISHES = 32;
/**
 * Watched players read per command while publishing: about 3 ms of Valkey time for 500 players
 * on a 100k-player board (measured), so other clients' commands interleave.
 */
const PLAYERS_PER_READ = 500;

const sameRow = (a: TopRow | undefined, b: TopRow | undefined): boolean =>
  !!a &&
  !!b &&
  a.playerId === b.playerId &&
  a.score === b.score &&
  a.rank === b.rank &&
  sameSubscores(a.subscores, b.subscores) &&
  a.displayName === b.displayName;

/** Index of the first top row that differs between two snapshots (= the length if none). */
export function firstDifference(before: TopRow[], after: TopRow[]): number {
  const n = Math.max(before.length, after.length);
  for (let i = 0; i < n; i++) if (!sameRow(before[i], after[i])) return i;
  return n;
}

/**
 * Turns computed stats and resets into live events (runs where the jobs run: worker and all
 * modes). It is its own unit of work, not a step of the stats job: `stats.computed` only marks
 * the board, and a per-board loop publishes it when the board's rate gate (shared by every
 * worker, LIVE_MAX_HZ) allows — a board waiting for its gate holds a timer, not a job slot.
 * Per board and run it reads one snapshot — the top 100 and the watched players — whatever
 * the number of sockets or submissions, diffs it against the last one, and emits only what
 * changed, to rooms, through the Valkey adapter so every api instance delivers it.
 */
@Injectable()
export class LivePublisher implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(LivePublisher.name);
  private readonly emitter: Emitter;
  private readonly intervalMs: number;
  /** Boards waiting for their gate, by timer. */
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Boards publishing now. */
  private readonly running = new Set<string>();
  /** Boards marked again while waiting or publishing: run once more afterwards. */
  private readonly again = new Set<string>();
  /** Boards due now but over the concurrency cap, first come first served. */
  private readonly queued = new Set<string>();
  private stopped = false;

  constructor(
    private readonly live: LiveRepository,
    private readonly standings: StandingsRepository,
    private readonly events: EventBus,
    config: AppConfig,
    valkey: ValkeyConnections,
    private readonly cohorts: CohortsRepository,
  ) {
    this.intervalMs = Math.ceil(1000 / config.liveMaxHz);
    // The emitter does not handle rejected publishes either: same never-reject connection.
    this.emitter = new Emitter(
      valkey.create('live-emitter', {
        maxRetriesPerRequest: null,
        enableOfflineQueue: true,
        retryStrategy: (times: number) => Math.min(100 * times, 2000),
      }),
    );
  }

  onModuleInit(): void {
    this.events.on('stats.computed', (e) => this.request(e.boardId));
    this.events.on('period.reset', (e) => {
      this.emitter.of(LIVE_NAMESPACE).to(rooms.board(e.boardId)).emit('leaderboard.reset', {
        leaderboardId: e.boardId,
        archivedPeriodId: e.archivedPeriodId,
        periodId: e.periodId,
      });
    });
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.queued.clear();
  }

  /**
   * Asks for a publish of the board. Coalesced: a board that is already waiting or
   * publishing runs once more afterwards, however many times it was asked meanwhile.
   */
  request(boardId: string): void {
    if (this.stopped) return;
    if (this.timers.has(boardId) || this.running.has(boardId) || this.queued.has(boardId)) {
      this.again.add(boardId);
      return;
    }
    this.start(boardId);
  }

  private start(boardId: string): void {
    if (this.running.size >= MAX_CONCURRENT_PUBLISHES) {
      this.queued.add(boardId);
      return;
    }
    this.running.add(boardId);
    this.again.delete(boardId);
    void this.publish(boardId)
      .catch((err: Error) => {
        // Valkey unreachable or the like: the next stats job for the board asks again.
        this.logger.warn(`Live publish for ${boardId} failed: ${err.message}`);
        return null;
      })
      .then((waitMs) => {
        this.running.delete(boardId);
        if (this.stopped) return;
        if (typeof waitMs === 'number') this.later(boardId, waitMs);
        else if (this.again.has(boardId)) this.later(boardId, 0);
        const next = this.queued.values().next();
        if (!next.done) {
          this.queued.delete(next.value);
          this.start(next.value);
        }
      });
  }

  private later(boardId: string, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(boardId);
      if (!this.stopped) this.start(boardId);
    }, ms);
    timer.unref();
    this.timers.set(boardId, timer);
  }

  /** The board's current top list; null when the board is gone. */
  private async readTop(boardId: string): Promise<LiveSnapshot | null> {
    const page = await this.standings.page(boardId, 'current', 0, MAX_TOP);
    if (page.status !== 'ok') return null;
    return {
      periodId: page.header.periodId,
      total: page.header.total,
      top: page.rows.map(toTopRow),
    };
  }

  /** The current standing of each player (null: not on the board). */
  private async readPlayers(boardId: string, players: string[]): Promise<Map<string, PlayerState>> {
    const found = await this.standings.players(boardId, 'current', players);
    const states = new Map<string, PlayerState>();
    if (found.status === 'ok') {
      for (const row of found.rows) {
        states.set(row.playerId, row.entry ? playerStateOf(row.entry) : null);
      }
    }
    return states;
  }

  /**
   * Publishes what changed on the board since the last publish, if the board's gate is free;
   * otherwise returns how many ms until it is (nothing published). At most LIVE_MAX_HZ
   * publishes a second per board, across every worker.
   */
  async publish(boardId: string): Promise<number | null> {
    const gate = await this.live.takeGate(boardId, this.intervalMs);
    if (!gate) return null; // board deleted
    if (!gate.taken) return gate.waitMs;
    const generation = gate.generation;
    // Stamped when the slot is taken, so `at` values are LIVE_MAX_HZ apart however long the
    // reads below take.
    const at = new Date().toISOString();
    const watched = await this.live.watched(boardId);
    const [before, after] = await Promise.all([
      this.live.lastSnapshot(boardId),
      this.readTop(boardId),
    ]);
    if (!after) return null;
    const newPeriod = !before || before.periodId !== after.periodId;
    const d = newPeriod ? 0 : firstDifference(before.top, after.top);
    // The top n changed iff a row before index n changed.
    const tops = watched.tops.filter(
      (n) => newPeriod || d < Math.min(n, Math.max(before.top.length, after.top.length)),
    );
    // Watched players in slices, so no single command holds Valkey for long however many
    // there are (at most LIVE_MAX_WATCHED_PER_BOARD).
    const changed = new Map<string, PlayerState>();
    for (let i = 0; i < watched.players.length; i += PLAYERS_PER_READ) {
      const slice = watched.players.slice(i, i + PLAYERS_PER_READ);
      const [current, wasStates] = await Promise.all([
        this.readPlayers(boardId, slice),
        this.live.playerStates(boardId, slice),
      ]);
      slice.forEach((playerId, j) => {
        const was = newPeriod ? undefined : wasStates[j];
        const now = current.get(playerId) ?? null;
        const same =
          was !== undefined &&
          was?.rank === now?.rank &&
          was?.score === now?.score &&
          sameSubscores(was?.subscores, now?.subscores);
        if (same || (was === undefined && now === null && !newPeriod)) return;
        changed.set(playerId, now);
      });
    }
    // Recorded before anything is sent: a publish that starts while this one is still
    // emitting (a slow tick outliving the gate) diffs against what this one sends, and does
    // not send it again.
    const saved = await this.live.save(
      boardId,
      { snapshot: after, players: changed, clearPlayers: newPeriod },
      { generation },
    );
    if (!saved) return null; // board deleted (or re-created) meanwhile
    const ns = this.emitter.of(LIVE_NAMESPACE);
    for (const n of tops) {
      ns.to(rooms.top(boardId, n)).emit('leaderboard.top', {
        leaderboardId: boardId,
        periodId: after.periodId,
        entries: after.top.slice(0, n),
        at,
      });
    }
    for (const [playerId, now] of changed) {
      ns.to(rooms.player(boardId, playerId)).emit('player.rank', {
        leaderboardId: boardId,
        periodId: after.periodId,
        playerId,
        rank: now?.rank ?? null,
        score: now?.score ?? null,
        ...(now?.subscores ? { subscores: now.subscores } : {}),
        topPercent: now ? topPercent(now.rank, after.total) : null,
      });
    }
    await this.publishCohorts(boardId, generation, at);
    return null;
  }

  /**
   * `cohort.top` to the watchers of each watched player's cohort whose list changed since the
   * last publish: coalesced and rate-bound with the board's other events (same gate and tick).
   */
  private async publishCohorts(boardId: string, generation: string, at: string): Promise<void> {
    const players = await this.live.watchedCohorts(boardId);
    if (players.length === 0) return;
    const lists = new Map<string, CohortList>();
    for (const playerId of players) {
      const list = await readCohortList(this.cohorts, boardId, playerId).catch(() => null);
      if (list) lists.set(playerId, list);
    }
    const encoded = new Map([...lists].map(([p, l]) => [p, JSON.stringify(l)]));
    const changed = await this.live.saveCohorts(boardId, encoded, { generation });
    const ns = this.emitter.of(LIVE_NAMESPACE);
    for (const playerId of changed ?? []) {
      const list = lists.get(playerId)!;
      ns.to(rooms.cohort(boardId, playerId)).emit('cohort.top', {
        leaderboardId: boardId,
        playerId,
        ...list,
        at,
      });
    }
  }
}
