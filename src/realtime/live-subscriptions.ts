import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { Metrics } from '../common/metrics';
import { ProblemException } from '../common/problem';
import { PageDto, PlayerDto } from '../leaderboard/dto/standings.dto';
import { StandingsService } from '../leaderboard/standings.service';
import { SubscribeDto, UnsubscribeDto } from './dto/live.dto';
import { MAX_SUBSCRIPTIONS_PER_SOCKET, MAX_TOP, PlayerState, rooms, toTopRow } from './live';
import { LiveRepository, WATCH_LEASE_MS } from './live.repository';

interface Subscription {
  top: number;
  playerIds: string[];
}

interface SocketState {
  subscriptions: Map<string, Subscription>;
  /** This socket's subscribe/unsubscribe/disconnect handling, one at a time, in order. */
  chain: Promise<unknown>;
}

/**
 * The subscription transaction of `/live` sockets: rooms joined, watch leases taken and
 * renewed, the first page read and its baseline recorded. Each socket's requests run one after
 * another, so watch counts and the subscription limit stay exact however fast a client sends,
 * and a disconnect undoes everything before it.
 */
@Injectable()
export class LiveSubscriptions implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LiveSubscriptions.name);
  private readonly states = new Map<Socket, SocketState>();
  private renewTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly standings: StandingsService,
    private readonly live: LiveRepository,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.renewTimer = setInterval(() => void this.renewLeases(), WATCH_LEASE_MS / 3);
    this.renewTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.renewTimer) clearInterval(this.renewTimer);
  }

  attach(socket: Socket): void {
    this.states.set(socket, { subscriptions: new Map(), chain: Promise.resolve() });
  }

  /** Forgets the socket's subscriptions, after any request of it still in flight. */
  detach(socket: Socket): Promise<void> {
    // Nothing to undo in Valkey: this socket's watch leases simply stop being renewed.
    return this.serial(socket, () => {
      const state = this.states.get(socket);
      this.states.delete(socket);
      if (state) {
        this.metrics.liveSubscriptions.dec(state.subscriptions.size);
        state.subscriptions.clear();
      }
      return Promise.resolve();
    });
  }

  /** Renews the watch leases of every subscription held by this process, board by board. */
  async renewLeases(): Promise<void> {
    const byBoard = new Map<string, { tops: Set<number>; players: Set<string> }>();
    for (const state of this.states.values()) {
      for (const [boardId, sub] of state.subscriptions) {
        const w = byBoard.get(boardId) ?? { tops: new Set(), players: new Set() };
        w.tops.add(sub.top);
        sub.playerIds.forEach((p) => w.players.add(p));
        byBoard.set(boardId, w);
      }
    }
    for (const [boardId, w] of byBoard) {
      await this.live.watch(boardId, [...w.tops], [...w.players]).catch((err: Error) => {
        this.logger.warn(`Could not renew live watches for ${boardId}: ${err.message}`);
      });
    }
  }

  subscribe(socket: Socket, dto: SubscribeDto): Promise<{ top: PageDto; players: PlayerDto[] }> {
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

  private async doSubscribe(
    socket: Socket,
    dto: SubscribeDto,
  ): Promise<{ top: PageDto; players: PlayerDto[] }> {
    const state = this.states.get(socket);
    if (!state) throw new ProblemException(409, 'conflict', 'The connection is closing.');
    const existing = state.subscriptions.get(dto.leaderboardId);
    if (!existing && state.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
      throw new ProblemException(
        429,
        'too-many-subscriptions',
        `A socket may hold at most ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions.`,
      );
    }
    const playerIds = [...new Set(dto.playerIds)];
    const wanted = this.roomsOf(dto.leaderboardId, { top: dto.top, playerIds });
    // Watch and join before reading: a publish after the read reaches this socket, and one
    // before it is in what the ack shows — nothing falls between.
    await this.live.watch(dto.leaderboardId, [dto.top], playerIds);
    await socket.join(wanted);
    let top: PageDto;
    let players: PlayerDto[];
    try {
      // Two reads, whatever the number of players: the top 100 and one lookup of the players.
      const [page, lookup] = await Promise.all([
        this.standings.page(dto.leaderboardId, 0, MAX_TOP),
        playerIds.length ? this.standings.lookup(dto.leaderboardId, playerIds) : null,
      ]);
      top = page;
      players = lookup?.entries ?? [];
      await this.seedBaseline(top, players);
    } catch (err) {
      // Nothing half-done stays behind: rooms the previous subscription still needs are kept.
      const keep = existing ? this.roomsOf(dto.leaderboardId, existing) : [];
      await this.leaveAll(
        socket,
        wanted.filter((r) => !keep.includes(r)),
      );
      throw err;
    }
    if (existing) {
      const old = this.roomsOf(dto.leaderboardId, existing);
      await this.leaveAll(
        socket,
        old.filter((r) => !wanted.includes(r)),
      );
    } else {
      this.metrics.liveSubscriptions.inc();
    }
    state.subscriptions.set(dto.leaderboardId, { top: dto.top, playerIds });
    return { top: { ...top, limit: dto.top, entries: top.entries.slice(0, dto.top) }, players };
  }

  private async doUnsubscribe(socket: Socket, dto: UnsubscribeDto): Promise<void> {
    const state = this.states.get(socket);
    const sub = state?.subscriptions.get(dto.leaderboardId);
    if (state && sub) {
      state.subscriptions.delete(dto.leaderboardId);
      this.metrics.liveSubscriptions.dec();
      await this.leaveAll(socket, this.roomsOf(dto.leaderboardId, sub));
    }
  }

  /**
   * Records what this subscriber saw, so the next publish only sends real changes. Only
   * players on the board get a state: an absent one needs none (the publisher treats "never
   * recorded" and "not on the board" alike), so unknown ids leave nothing behind.
   */
  private async seedBaseline(top: PageDto, players: PlayerDto[]): Promise<void> {
    const states = new Map<string, PlayerState>();
    for (const p of players) states.set(p.playerId, { rank: p.rank, score: p.score });
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
    ];
  }
}
