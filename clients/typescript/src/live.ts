import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { toProblem, ValkranError, type Problem } from './errors';
import type { components } from './schema';

type Page = components['schemas']['PageDto'];
type Player = components['schemas']['PlayerDto'];

/** An entry as live top lists carry it. */
export interface TopRow {
  rank: number;
  playerId: string;
  score: number;
  displayName?: string;
}

/** `leaderboard.top`: the subscriber's top N changed (at most LIVE_MAX_HZ times a second). */
export interface TopEvent {
  leaderboardId: string;
  periodId: string;
  entries: TopRow[];
  /** ISO time the change was published. */
  at: string;
}

/** `player.rank`: a watched player's rank or score changed; nulls when no longer on the board. */
export interface PlayerRankEvent {
  leaderboardId: string;
  periodId: string;
  playerId: string;
  rank: number | null;
  score: number | null;
  topPercent: number | null;
}

/** `leaderboard.reset`: the board's period was archived and a new one opened. */
export interface ResetEvent {
  leaderboardId: string;
  archivedPeriodId: string;
  periodId: string;
}

/** A player's cohort as live messages carry it (cohort boards): the whole cohort, best first. */
export interface LiveCohort {
  periodId: string;
  cohortId: number;
  /** Boards with leagues. */
  league?: string;
  entries: TopRow[];
}

/**
 * `cohort.top`: the cohort of the player watched with `cohortOf` changed (coalesced with the
 * board's other live events).
 */
export interface CohortTopEvent extends LiveCohort {
  leaderboardId: string;
  /** The watched player (`cohortOf`). */
  playerId: string;
  /** ISO time the change was published. */
  at: string;
}

export interface SubscribeOptions {
  /** Top entries to receive, 1-100 (default 10). */
  top?: number;
  /** Players to watch, up to 10. */
  playerIds?: string[];
  /** A player whose cohort to watch (`cohort.top`); the board must have cohorts (else 404). */
  cohortOf?: string;
}

/** A subscription's initial state: the top page and the watched players on the board. */
export interface Subscription {
  leaderboardId: string;
  top: Page;
  players: Player[];
  /**
   * With `cohortOf`: that player's cohort now, or null while they have none yet (not placed in
   * this period). Absent without `cohortOf`.
   */
  cohort?: LiveCohort | null;
}

/** Every event a {@link LiveClient} emits, with its payload. */
export interface LiveEvents {
  'leaderboard.top': TopEvent;
  'player.rank': PlayerRankEvent;
  'leaderboard.reset': ResetEvent;
  'cohort.top': CohortTopEvent;
  /**
   * A subscription renewed after a reconnect, with the fresh initial state: events sent while
   * the client was away are lost, so redraw from this.
   */
  resubscribed: Subscription;
  /** A renewal after a reconnect was refused (e.g. the board was deleted); it is dropped. */
  'subscription.error': { leaderboardId: string; error: ValkranError };
  connect: { reconnect: boolean };
  disconnect: { reason: string };
}

type SubscribeAck =
  | { ok: true; top: Page; players: Player[]; cohort?: LiveCohort | null }
  | { ok: false; error: Problem };
type UnsubscribeAck = { ok: true } | { ok: false; error: Problem };

/** The `/live` namespace's messages, for socket.io-client's typings. */
export interface ServerToClientEvents {
  'leaderboard.top': (e: TopEvent) => void;
  'player.rank': (e: PlayerRankEvent) => void;
  'leaderboard.reset': (e: ResetEvent) => void;
  'cohort.top': (e: CohortTopEvent) => void;
}
export interface ClientToServerEvents {
  subscribe: (
    m: { leaderboardId: string; top: number; playerIds: string[]; cohortOf?: string },
    ack: (a: SubscribeAck) => void,
  ) => void;
  unsubscribe: (m: { leaderboardId: string }, ack: (a: UnsubscribeAck) => void) => void;
}

export interface LiveClientOptions {
  /** Where Valkran answers, e.g. `https://valkran.example.com`. Default: the page's origin. */
  baseUrl?: string;
  /** How long a subscribe or unsubscribe waits for its answer, in ms (default 10 000). */
  ackTimeoutMs?: number;
  /** Passed to socket.io-client (transports, reconnection delays, extraHeaders, ...). */
  socket?: Partial<ManagerOptions & SocketOptions>;
}

interface Wanted {
  top: number;
  playerIds: string[];
  cohortOf?: string;
  /** acknowledged once: renewed after every reconnect */
  active: boolean;
}

type Listener<K extends keyof LiveEvents> = (payload: LiveEvents[K]) => void;

/**
 * The live client: subscriptions to boards over Socket.IO (`/live`), typed events, and
 * automatic renewal of every subscription after a reconnect (also after the server closed the
 * connection: it reconnects with socket.io-client's backoff).
 */
export class LiveClient {
  /** The underlying socket (typed): for connection state and anything not covered here. */
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  private readonly wanted = new Map<string, Wanted>();
  private readonly listeners = new Map<keyof LiveEvents, Set<Listener<never>>>();
  private readonly ackTimeoutMs: number;
  private hasConnected = false;
  private closed = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly waiters = new Set<(err?: Error) => void>();

  constructor(options: LiveClientOptions = {}) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    const hasPage = (globalThis as { location?: unknown }).location !== undefined;
    if (options.baseUrl === undefined && !hasPage) {
      throw new TypeError('LiveClient: baseUrl is required outside a browser');
    }
    const url = `${(options.baseUrl ?? '').replace(/\/+$/, '')}/live`;
    this.socket = io(url, {
      transports: ['websocket', 'polling'],
      forceNew: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5_000,
      ...options.socket,
    });
    this.socket.on('connect', () => this.onConnect());
    this.socket.on('disconnect', (reason) => {
      this.emit('disconnect', { reason });
      // socket.io-client reconnects by itself except after a server-side disconnect; the
      // server does that to a flooding client, so come back only after a pause.
      if (reason === 'io server disconnect' && !this.closed) {
        this.reconnectTimer = setTimeout(() => this.socket.connect(), 2_000);
      }
    });
    // Only boards still subscribed here: an event already on the wire when `unsubscribe` was
    // called is dropped.
    this.socket.on('leaderboard.top', (e) => this.forward('leaderboard.top', e));
    this.socket.on('player.rank', (e) => this.forward('player.rank', e));
    this.socket.on('leaderboard.reset', (e) => this.forward('leaderboard.reset', e));
    this.socket.on('cohort.top', (e) => this.forward('cohort.top', e));
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** The boards subscribed to (acknowledged or on their way). */
  get subscriptions(): string[] {
    return [...this.wanted.keys()];
  }

  /**
   * Subscribes to a board's top N and watched players (replacing an earlier subscription to
   * the same board) and resolves with the initial state. Waits for the connection if needed.
   * Rejects with a {@link ValkranError} when the server refuses (404 unknown board, 400, 429).
   */
  async subscribe(leaderboardId: string, options: SubscribeOptions = {}): Promise<Subscription> {
    this.assertOpen();
    const wanted: Wanted = {
      top: options.top ?? 10,
      playerIds: options.playerIds ?? [],
      ...(options.cohortOf === undefined ? {} : { cohortOf: options.cohortOf }),
      active: false,
    };
    this.wanted.set(leaderboardId, wanted);
    try {
      for (;;) {
        await this.connection();
        try {
          const subscription = await this.request(leaderboardId, wanted);
          wanted.active = true;
          return subscription;
        } catch (err) {
          // Lost with the connection: send it again once reconnected.
          if (err instanceof ValkranError || this.socket.connected || this.closed) throw err;
        }
      }
    } catch (err) {
      if (this.wanted.get(leaderboardId) === wanted) this.wanted.delete(leaderboardId);
      throw err;
    }
  }

  /** Stops a subscription: no event of that board is emitted from now on. */
  async unsubscribe(leaderboardId: string): Promise<void> {
    if (!this.wanted.delete(leaderboardId) || !this.socket.connected) return;
    // socket.io-client types a timed ack's value as any; the server's ack is UnsubscribeAck.
    const ack = (await this.socket
      .timeout(this.ackTimeoutMs)
      .emitWithAck('unsubscribe', { leaderboardId })) as UnsubscribeAck;
    if (!ack.ok) throw new ValkranError(ack.error.status, ack.error);
  }

  /** Listens to an event; returns the function that stops listening. */
  on<K extends keyof LiveEvents>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => this.off(event, listener);
  }

  off<K extends keyof LiveEvents>(event: K, listener: Listener<K>): void {
    this.listeners.get(event)?.delete(listener);
  }

  /** Closes the connection for good; subscriptions end with it. */
  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.wanted.clear();
    this.socket.disconnect();
    for (const settle of [...this.waiters]) settle(new Error('LiveClient closed'));
  }

  private onConnect(): void {
    const reconnect = this.hasConnected;
    this.hasConnected = true;
    this.emit('connect', { reconnect });
    // The server forgets a connection's subscriptions with it: renew the acknowledged ones
    // (a pending subscribe() sends its own).
    for (const [leaderboardId, wanted] of this.wanted) {
      if (wanted.active) void this.renew(leaderboardId, wanted);
    }
  }

  private async renew(leaderboardId: string, wanted: Wanted): Promise<void> {
    try {
      const subscription = await this.request(leaderboardId, wanted);
      if (this.wanted.get(leaderboardId) === wanted) this.emit('resubscribed', subscription);
    } catch (err) {
      if (!(err instanceof ValkranError)) return; // connection lost again: the next connect renews
      if (this.wanted.get(leaderboardId) === wanted) this.wanted.delete(leaderboardId);
      this.emit('subscription.error', { leaderboardId, error: err });
    }
  }

  private async request(leaderboardId: string, wanted: Wanted): Promise<Subscription> {
    const ack = (await this.socket.timeout(this.ackTimeoutMs).emitWithAck('subscribe', {
      leaderboardId,
      top: wanted.top,
      playerIds: wanted.playerIds,
      ...(wanted.cohortOf === undefined ? {} : { cohortOf: wanted.cohortOf }),
    })) as SubscribeAck;
    if (!ack.ok) {
      const problem = toProblem(ack.error?.status ?? 500, ack.error, 'subscribe refused');
      throw new ValkranError(problem.status, problem);
    }
    return {
      leaderboardId,
      top: ack.top,
      players: ack.players ?? [],
      ...(wanted.cohortOf === undefined ? {} : { cohort: ack.cohort ?? null }),
    };
  }

  /** Resolves once connected; rejects if the client is closed first. */
  private connection(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const settle = (err?: Error): void => {
        stop();
        this.waiters.delete(settle);
        if (err) reject(err);
        else resolve();
      };
      const stop = this.on('connect', () => settle());
      this.waiters.add(settle);
      if (!this.socket.active) this.socket.connect();
    });
  }

  private forward<K extends 'leaderboard.top' | 'player.rank' | 'leaderboard.reset' | 'cohort.top'>(
    event: K,
    payload: LiveEvents[K],
  ): void {
    if (this.wanted.has(payload.leaderboardId)) this.emit(event, payload);
  }

  private emit<K extends keyof LiveEvents>(event: K, payload: LiveEvents[K]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as Listener<K>)(payload);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('LiveClient closed');
  }
}
