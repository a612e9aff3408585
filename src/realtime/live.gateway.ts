import { Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Namespace, Socket } from 'socket.io';
import { Problem, ProblemException } from '../common/problem';
import { toProblem } from '../common/problem.filter';
import { validationProblem } from '../common/validation';
import { PageDto, PlayerDto } from '../leaderboard/dto/standings.dto';
import { StandingsService } from '../leaderboard/standings.service';
import { SubscribeDto, UnsubscribeDto } from './dto';
import {
  LIVE_NAMESPACE,
  MAX_SUBSCRIPTIONS_PER_SOCKET,
  MAX_TOP,
  PlayerState,
  rooms,
  toTopRow,
} from './live';
import { LiveRepository, WATCH_LEASE_MS } from './live.repository';
import { Metrics } from '../common/metrics';

type Ack = { ok: true; top?: PageDto; players?: PlayerDto[] } | { ok: false; error: Problem };

interface Subscription {
  top: number;
  playerIds: string[];
}

interface SocketState {
  subscriptions: Map<string, Subscription>;
  /** This socket's subscribe/unsubscribe/disconnect handling, one at a time, in order. */
  chain: Promise<unknown>;
}

/** Token bucket for the flood limit. */
interface Bucket {
  tokens: number;
  refilledAt: number;
}

/**
 * Events (and namespace connects) a client connection may send per second on average, and in
 * one burst. Counted per underlying connection, not per namespace socket, so disconnecting and
 * reconnecting /live over the same transport does not start a fresh budget.
 */
export const FLOOD_RATE_PER_S = 20;
export const FLOOD_BURST = 40;

/**
 * The `/live` namespace. Subscriptions are Socket.IO rooms; the events themselves come from
 * the live publisher (through the Valkey adapter), so this gateway only keeps membership and
 * the watch counts the publisher reads.
 */
@WebSocketGateway({ namespace: LIVE_NAMESPACE })
export class LiveGateway
  implements OnGatewayConnection, OnGatewayDisconnect, OnModuleInit, OnModuleDestroy
{
  private readonly logger = new Logger(LiveGateway.name);
  private readonly states = new WeakMap<Socket, SocketState>();
  private readonly buckets = new WeakMap<object, Bucket>();
  private renewTimer: NodeJS.Timeout | null = null;
  @WebSocketServer() private readonly server?: Namespace;

  constructor(
    private readonly standings: StandingsService,
    private readonly live: LiveRepository,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.logger.log(`Live gateway on namespace ${LIVE_NAMESPACE}`);
    this.renewTimer = setInterval(() => void this.renewLeases(), WATCH_LEASE_MS / 3);
    this.renewTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.renewTimer) clearInterval(this.renewTimer);
  }

  /** Renews the watch leases of every subscription held by this process, board by board. */
  async renewLeases(): Promise<void> {
    const byBoard = new Map<string, { tops: Set<number>; players: Set<string> }>();
    for (const socket of this.server?.sockets.values() ?? []) {
      for (const [boardId, sub] of this.states.get(socket)?.subscriptions ?? []) {
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

  handleConnection(socket: Socket): void {
    this.metrics.liveSockets.inc();
    this.states.set(socket, { subscriptions: new Map(), chain: Promise.resolve() });
    // A namespace connect counts as an event too.
    if (!this.allow(socket)) {
      this.logger.warn(`Closing connection of socket ${socket.id}: event flood`);
      socket.conn.close();
      return;
    }
    // Any event, known or not, counts against the flood limit.
    socket.use((_packet, next) => {
      if (this.allow(socket)) return next();
      this.logger.warn(`Disconnecting socket ${socket.id}: event flood`);
      socket.disconnect(true);
    });
  }

  handleDisconnect(socket: Socket): Promise<void> {
    this.metrics.liveSockets.dec();
    // Queued behind any subscribe still in flight, so that one is counted off too. Nothing
    // to undo in Valkey: this socket's watch leases simply stop being renewed.
    return this.serial(socket, () => {
      const state = this.states.get(socket)!;
      this.metrics.liveSubscriptions.dec(state.subscriptions.size);
      state.subscriptions.clear();
      return Promise.resolve();
    });
  }

  /**
   * Runs one socket's handlers one after another: watch counts and the subscription limit
   * stay exact however fast a client sends, and a disconnect undoes everything before it.
   */
  private serial<T>(socket: Socket, fn: () => Promise<T>): Promise<T> {
    const state = this.states.get(socket);
    if (!state) return fn();
    const run = state.chain.then(fn, fn);
    state.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Closes this process's live connections (graceful shutdown: before the HTTP server closes).
   * Only local ones — `disconnectSockets` would go through the Valkey adapter and drop every
   * instance's clients — and at the transport, so clients see "transport close" and reconnect
   * (to another instance behind the proxy) instead of treating it as a server kick.
   */
  disconnectAll(): void {
    for (const socket of this.server?.sockets.values() ?? []) socket.conn.close();
  }

  private allow(socket: Socket): boolean {
    const now = Date.now();
    let bucket = this.buckets.get(socket.conn);
    if (!bucket) {
      bucket = { tokens: FLOOD_BURST, refilledAt: now };
      this.buckets.set(socket.conn, bucket);
    }
    bucket.tokens = Math.min(
      FLOOD_BURST,
      bucket.tokens + ((now - bucket.refilledAt) / 1000) * FLOOD_RATE_PER_S,
    );
    bucket.refilledAt = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private fail(err: unknown): Ack {
    return { ok: false, error: toProblem(err, this.logger).problem };
  }

  private async parse<T extends object>(cls: new () => T, body: unknown): Promise<T> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ProblemException(400, 'validation', 'The message must be a JSON object.');
    }
    const dto = plainToInstance(cls, body);
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) throw validationProblem(errors);
    return dto;
  }

  @SubscribeMessage('subscribe')
  subscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack> {
    return this.serial(socket, () => this.doSubscribe(socket, body));
  }

  private async doSubscribe(socket: Socket, body: unknown): Promise<Ack> {
    try {
      const dto = await this.parse(SubscribeDto, body);
      const state = this.states.get(socket)!;
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
      return {
        ok: true,
        top: { ...top, limit: dto.top, entries: top.entries.slice(0, dto.top) },
        players,
      };
    } catch (err) {
      return this.fail(err);
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

  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack> {
    return this.serial(socket, () => this.doUnsubscribe(socket, body));
  }

  private async doUnsubscribe(socket: Socket, body: unknown): Promise<Ack> {
    try {
      const dto = await this.parse(UnsubscribeDto, body);
      const state = this.states.get(socket)!;
      const sub = state.subscriptions.get(dto.leaderboardId);
      if (sub) {
        state.subscriptions.delete(dto.leaderboardId);
        this.metrics.liveSubscriptions.dec();
        await this.leaveAll(socket, this.roomsOf(dto.leaderboardId, sub));
      }
      return { ok: true };
    } catch (err) {
      return this.fail(err);
    }
  }
}
