import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { clientIp } from '../common/client-ip';
import { Metrics } from '../common/metrics';
import { Problem, ProblemException } from '../common/problem';
import { LimitSpec, RateLimiter } from '../common/rate-limiter';
import { ValkeyThrottlerStorage } from '../common/throttling';
import { AppConfig } from '../config/app-config';
import { PageDto, PlayerDto } from '../leaderboard/dto/standings.dto';
import { StandingsService } from '../leaderboard/standings.service';
import { CohortsRepository } from '../leaderboard/cohorts.repository';
import { readCohortList } from './cohort-list';
import { IpReadBudget } from './connection-limits';
import { SubscribeDto, UnsubscribeDto } from './dto/live.dto';
import {
  CohortList,
  MAX_SUBSCRIPTIONS_PER_SOCKET,
  MAX_TOP,
  PlayerState,
  playerStateOf,
  rooms,
  toTopRow,
} from './live';
import { LiveRepository, WATCH_LEASE_MS } from './live.repository';

/** Players renewed per command, so a renewal never holds Valkey for long. */
const RENEW_BATCH = 500;

interface Subscription {
  top: number;
  playerIds: string[];
  /** the player whose cohort the subscriber watches (`cohort.top`) */
  cohortOf?: string;
}

/** A subscribe's ack: the top page and players, and the watched cohort when one was asked. */
export interface Subscribed {
  top: PageDto;
  players: PlayerDto[];
  cohort?: CohortList | null;
}

interface SocketState {
  /** The client address, for the per-IP read budget. */
  ip: string;
  subscriptions: Map<string, Subscription>;
  /** This socket's subscribe/unsubscribe/disconnect handling, one at a time, in order. */
  chain: Promise<unknown>;
}

/**
 * The subscription transaction of `/live` sockets: rooms joined, watch leases taken, renewed
 * and released, the first page read and its baseline recorded. Each socket's requests run one
 * after another, so the subscription limit stays exact however fast a client sends, and a
 * disconnect undoes everything before it. A subscribe replaces the socket's subscription to
 * the board; the players it no longer needs are released at once unless another socket of this
 * process still watches them (counted in `holds`), and the release itself keeps other
 * instances' leases (see LiveRepository). Every subscribe is charged to the client IP's read
 * budget, and a board's watched players are capped (LIVE_MAX_WATCHED_PER_BOARD): a subscribe
 * over either limit is refused before anything is applied.
 */
@Injectable()
export class LiveSubscriptions implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LiveSubscriptions.name);
  private readonly states = new Map<Socket, SocketState>();
  /** Sockets of this process watching each player, by board. */
  private readonly holds = new Map<string, Map<string, number>>();
  private readonly budget: IpReadBudget;
  private readonly maxWatched: number;
  private renewTimer: NodeJS.Timeout | null = null;
  /** The 429 answered to a subscribe over the read budget (the same for every address). */
  private spentProblem: Problem | null = null;

  constructor(
    private readonly standings: StandingsService,
    private readonly live: LiveRepository,
    private readonly metrics: Metrics,
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
    throttle: ValkeyThrottlerStorage,
    private readonly cohorts: CohortsRepository,
  ) {
    this.budget = new IpReadBudget(throttle, config.rateLimits.readPerIp);
    this.maxWatched = config.liveLimits.maxWatchedPerBoard;
  }

  onModuleInit(): void {
    this.renewTimer = setInterval(() => void this.renewLeases(), WATCH_LEASE_MS / 3);
    this.renewTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.renewTimer) clearInterval(this.renewTimer);
  }

  attach(socket: Socket): void {
    this.states.set(socket, {
      ip: clientIp(socket.request, this.config.trustProxy),
      subscriptions: new Map(),
      chain: Promise.resolve(),
    });
  }

  /** Forgets the socket's subscriptions and releases its watches, after any request in flight. */
  detach(socket: Socket): Promise<void> {
    return this.serial(socket, async () => {
      const state = this.states.get(socket);
      this.states.delete(socket);
      if (!state) return;
      this.metrics.liveSubscriptions.dec(state.subscriptions.size);
      for (const [boardId, sub] of state.subscriptions) {
        await this.release(boardId, this.unhold(boardId, sub.playerIds));
      }
      state.subscriptions.clear();
    });
  }

  /**
   * Renews the watch leases this process holds, board by board, in batches. Each batch is read
   * from `holds` in the tick it is sent, so a release sent before it is never undone by it.
   */
  async renewLeases(): Promise<void> {
    const boards = new Set<string>(this.holds.keys());
    for (const state of this.states.values()) {
      for (const boardId of state.subscriptions.keys()) boards.add(boardId);
    }
    for (const boardId of boards) {
      for (let i = 0; ; i += RENEW_BATCH) {
        const players = [...(this.holds.get(boardId)?.keys() ?? [])].slice(i, i + RENEW_BATCH);
        if (i > 0 && players.length === 0) break;
        const tops = i === 0 ? this.topsOf(boardId) : [];
        const outcome = await this.live
          .watch(boardId, tops, players, { maxPlayers: this.maxWatched, renew: true })
          .catch((err: Error) => {
            this.logger.warn(`Could not renew live watches for ${boardId}: ${err.message}`);
            return null;
          });
        if (!outcome) break;
        if (outcome.status === 'ok' && outcome.skipped > 0) {
          this.logger.warn(
            `${outcome.skipped} watched players of ${boardId} lost their lease and no longer fit`,
          );
        }
        if (players.length < RENEW_BATCH) break;
      }
      const cohortOfs = this.cohortOfsOf(boardId);
      if (cohortOfs.length > 0) {
        await this.live.watchCohorts(boardId, cohortOfs, 0).catch((err: Error) => {
          this.logger.warn(`Could not renew cohort watches for ${boardId}: ${err.message}`);
        });
      }
    }
  }

  /** The players whose cohort this process's sockets watch on the board. */
  private cohortOfsOf(boardId: string): string[] {
    const players = new Set<string>();
    for (const state of this.states.values()) {
      const cohortOf = state.subscriptions.get(boardId)?.cohortOf;
      if (cohortOf) players.add(cohortOf);
    }
    return [...players];
  }

  /**
   * Charges a subscribe to the client IP's read budget (RATE_LIMIT_READ_PER_IP, the counter
   * HTTP reads use), before anything else is done with it, like the read guard for HTTP.
   */
  async chargeSubscribe(socket: Socket): Promise<void> {
    if (await this.budget.charge(this.ipOf(socket))) return;
    throw this.limiter.reject(this.readLimit(socket));
  }

  /**
   * The refusal of a subscribe whose address has already spent this second's read budget, or
   * null: known without a Valkey call, so a flood of them costs little more than the ack.
   */
  refusalIfSpent(socket: Socket): Problem | null {
    const ip = this.ipOf(socket);
    if (!this.budget.spentNow(ip)) return null;
    this.metrics.rateLimited.inc({ limit: 'reads per client IP' });
    this.spentProblem ??= RateLimiter.tooMany(this.readLimit(socket)).getResponse() as Problem;
    return this.spentProblem;
  }

  private readLimit(socket: Socket): LimitSpec {
    return {
      name: 'reads per client IP',
      key: this.ipOf(socket),
      limit: this.budget.limit,
      cost: 1,
    };
  }

  private ipOf(socket: Socket): string {
    return this.states.get(socket)?.ip ?? clientIp(socket.request, this.config.trustProxy);
  }

  subscribe(socket: Socket, dto: SubscribeDto): Promise<Subscribed> {
    return this.serial(socket, () => this.doSubscribe(socket, dto));
  }

  unsubscribe(socket: Socket, dto: UnsubscribeDto): Promise<void> {
    return this.serial(socket, () => this.doUnsubscribe(socket, dto));
  }

  private serial<T>(socket: Socket, fn: () => Promise<T>): Promise<T> {
    const state = this.states.get(socket);
    if (!state) return fn();
    const run = state.chain.then(fn, fn);
    state.chain = run.catch(() => undefined);
    return run;
  }

  private async doSubscribe(socket: Socket, dto: SubscribeDto): Promise<Subscribed> {
    const state = this.states.get(socket);
    if (!state) throw new ProblemException(409, 'conflict', 'The connection is closing.');
    const boardId = dto.leaderboardId;
    const existing = state.subscriptions.get(boardId);
    if (!existing && state.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
      throw new ProblemException(
        429,
        'too-many-subscriptions',
        `A socket may hold at most ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions.`,
      );
    }
    const playerIds = [...new Set(dto.playerIds)];
    const before = new Set(existing?.playerIds ?? []);
    const added = playerIds.filter((p) => !before.has(p));
    const dropped = [...before].filter((p) => !playerIds.includes(p));
    const wanted = this.roomsOf(boardId, { top: dto.top, playerIds, cohortOf: dto.cohortOf });
    // Counted before the lease is taken: a release by another socket of this process, from now
    // on, sees this one watching and keeps the lease.
    this.hold(boardId, added);
    let top: PageDto;
    let players: PlayerDto[];
    let cohort: CohortList | null = null;
    try {
      // Watch and join before reading: a publish after the read reaches this socket, and one
      // before it is in what the ack shows — nothing falls between. A watch over the board's
      // cap writes nothing (a missing board is answered by the read below).
      const watch = await this.live.watch(boardId, [dto.top], playerIds, {
        maxPlayers: this.maxWatched,
      });
      if (watch.status === 'full') {
        throw new ProblemException(
          429,
          'too-many-watched-players',
          `Board ${boardId} already has ${watch.watched} watched players, the most it may ` +
            `have (${this.maxWatched}); players someone already watches can still be subscribed to.`,
        );
      }
      if (dto.cohortOf) {
        const cohortWatch = await this.live.watchCohorts(boardId, [dto.cohortOf], this.maxWatched);
        if (cohortWatch.status === 'full') {
          throw new ProblemException(
            429,
            'too-many-watched-players',
            `Board ${boardId} already has ${cohortWatch.watched} watched cohorts, the most it may have (${this.maxWatched}).`,
          );
        }
      }
      await socket.join(wanted);
      try {
        // Two reads, whatever the number of players: the top 100 and one lookup of the players.
        const [page, lookup] = await Promise.all([
          this.standings.page(boardId, 0, MAX_TOP),
          playerIds.length ? this.standings.lookup(boardId, playerIds) : null,
        ]);
        top = page;
        players = lookup?.entries ?? [];
        await this.seedBaseline(top, players);
        if (dto.cohortOf) {
          cohort = await readCohortList(this.cohorts, boardId, dto.cohortOf);
          if (cohort) {
            await this.live.saveCohorts(
              boardId,
              new Map([[dto.cohortOf, JSON.stringify(cohort)]]),
              {
                onlyIfAbsent: true,
              },
            );
          }
        }
      } catch (err) {
        // Nothing half-done stays behind: rooms the previous subscription still needs are kept.
        const keep = existing ? this.roomsOf(boardId, existing) : [];
        await this.leaveAll(
          socket,
          wanted.filter((r) => !keep.includes(r)),
        );
        throw err;
      }
    } catch (err) {
      await this.release(boardId, this.unhold(boardId, added));
      throw err;
    }
    if (existing) {
      const old = this.roomsOf(boardId, existing);
      await this.leaveAll(
        socket,
        old.filter((r) => !wanted.includes(r)),
      );
    } else {
      this.metrics.liveSubscriptions.inc();
    }
    state.subscriptions.set(boardId, { top: dto.top, playerIds, cohortOf: dto.cohortOf });
    // The replaced subscription's players stop being watched now, not when their lease ends.
    await this.release(boardId, this.unhold(boardId, dropped));
    const page = { ...top, limit: dto.top, entries: top.entries.slice(0, dto.top) };
    return { top: page, players, ...(dto.cohortOf ? { cohort } : {}) };
  }

  private async doUnsubscribe(socket: Socket, dto: UnsubscribeDto): Promise<void> {
    const state = this.states.get(socket);
    const sub = state?.subscriptions.get(dto.leaderboardId);
    if (state && sub) {
      state.subscriptions.delete(dto.leaderboardId);
      this.metrics.liveSubscriptions.dec();
      await this.leaveAll(socket, this.roomsOf(dto.leaderboardId, sub));
      await this.release(dto.leaderboardId, this.unhold(dto.leaderboardId, sub.playerIds));
    }
  }

  /** Counts one more socket of this process watching each of `players`. */
  private hold(boardId: string, players: string[]): void {
    if (players.length === 0) return;
    const held = this.holds.get(boardId) ?? new Map<string, number>();
    for (const p of players) held.set(p, (held.get(p) ?? 0) + 1);
    this.holds.set(boardId, held);
  }

  /** Counts one socket fewer watching each of `players`; returns those nobody here watches now. */
  private unhold(boardId: string, players: string[]): string[] {
    const held = this.holds.get(boardId);
    if (!held) return [];
    const free: string[] = [];
    for (const p of players) {
      const n = (held.get(p) ?? 0) - 1;
      if (n > 0) {
        held.set(p, n);
      } else if (held.delete(p)) {
        free.push(p);
      }
    }
    if (held.size === 0) this.holds.delete(boardId);
    return free;
  }

  /** Releases this process's leases on players (if that fails, they expire with the lease). */
  private async release(boardId: string, players: string[]): Promise<void> {
    if (players.length === 0) return;
    await this.live.release(boardId, players).catch((err: Error) => {
      this.logger.warn(`Could not release live watches for ${boardId}: ${err.message}`);
    });
  }

  /** The top-N sizes this process's sockets watch on the board. */
  private topsOf(boardId: string): number[] {
    const tops = new Set<number>();
    for (const state of this.states.values()) {
      const sub = state.subscriptions.get(boardId);
      if (sub) tops.add(sub.top);
    }
    return [...tops];
  }

  /**
   * Records what this subscriber saw, so the next publish only sends real changes. Only
   * players on the board get a state: an absent one needs none (the publisher treats "never
   * recorded" and "not on the board" alike), so unknown ids leave nothing behind.
   */
  private async seedBaseline(top: PageDto, players: PlayerDto[]): Promise<void> {
    const states = new Map<string, PlayerState>();
    for (const p of players) states.set(p.playerId, playerStateOf(p));
    const snapshot = { periodId: top.periodId, total: top.total, top: top.entries.map(toTopRow) };
    await this.live.save(top.leaderboardId, { snapshot, players: states }, { onlyIfAbsent: true });
  }

  private async leaveAll(socket: Socket, names: string[]): Promise<void> {
    for (const name of names) await socket.leave(name);
  }

  private roomsOf(boardId: string, sub: Subscription): string[] {
    return [
      rooms.board(boardId),
      rooms.top(boardId, sub.top),
      ...sub.playerIds.map((p) => rooms.player(boardId, p)),
      ...(sub.cohortOf ? [rooms.cohort(boardId, sub.cohortOf)] : []),
    ];
  }
}
