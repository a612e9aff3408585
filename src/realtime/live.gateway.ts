import { Logger, OnModuleInit } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { Metrics } from '../common/metrics';
import { Problem, ProblemException } from '../common/problem';
import { toProblem } from '../common/problem.filter';
import { createValidationPipe } from '../common/validation';
import { PageDto, PlayerDto } from '../leaderboard/dto/standings.dto';
import { ConnectionBudget } from './connection-budget';
import { SubscribeDto, UnsubscribeDto } from './dto/live.dto';
import { CohortList, LIVE_NAMESPACE } from './live';
import { LiveSubscriptions } from './live-subscriptions';

type Ack =
  | { ok: true; top?: PageDto; players?: PlayerDto[]; cohort?: CohortList | null }
  | { ok: false; error: Problem };

/**
 * Events (and namespace connects) a client connection may send per second on average, and in
 * one burst (see ConnectionBudget).
 */
export const FLOOD_RATE_PER_S = 20;
export const FLOOD_BURST = 40;

/**
 * The `/live` namespace: messages in, acks out. Subscriptions are Socket.IO rooms kept by
 * LiveSubscriptions; the events themselves come from the live publisher (through the Valkey
 * adapter). Messages are validated by the same pipe as HTTP bodies.
 */
@WebSocketGateway({ namespace: LIVE_NAMESPACE })
export class LiveGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleInit {
  private readonly logger = new Logger(LiveGateway.name);
  private readonly budget = new ConnectionBudget(FLOOD_RATE_PER_S, FLOOD_BURST);
  private readonly pipe = createValidationPipe();
  @WebSocketServer() private readonly server?: Namespace;

  constructor(
    private readonly subscriptions: LiveSubscriptions,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.logger.log(`Live gateway on namespace ${LIVE_NAMESPACE}`);
  }

  /** Renews this process's watch leases now (they are renewed on a timer anyway). */
  renewLeases(): Promise<void> {
    return this.subscriptions.renewLeases();
  }

  handleConnection(socket: Socket): void {
    this.metrics.liveSockets.inc();
    this.subscriptions.attach(socket);
    // A namespace connect counts as an event too.
    if (!this.budget.allow(socket.conn)) {
      this.logger.warn(`Closing connection of socket ${socket.id}: event flood`);
      socket.conn.close();
      return;
    }
    // Any event, known or not, counts against the flood limit.
    socket.use((packet, next) => {
      if (!this.budget.allow(socket.conn)) {
        this.logger.warn(`Disconnecting socket ${socket.id}: event flood`);
        socket.disconnect(true);
        return;
      }
      // A subscribe from an address known to be over its read budget is answered right here.
      const refusal = packet[0] === 'subscribe' && this.subscriptions.refusalIfSpent(socket);
      if (!refusal) return next();
      const ack: unknown = packet[packet.length - 1];
      if (typeof ack === 'function') (ack as (a: Ack) => void)({ ok: false, error: refusal });
    });
  }

  handleDisconnect(socket: Socket): Promise<void> {
    this.metrics.liveSockets.dec();
    return this.subscriptions.detach(socket);
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

  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack> {
    try {
      // Charged first, like the read guard on HTTP routes: a refused message costs nothing more.
      await this.subscriptions.chargeSubscribe(socket);
      const dto = await this.parse(SubscribeDto, body);
      return { ok: true, ...(await this.subscriptions.subscribe(socket, dto)) };
    } catch (err) {
      return this.fail(err);
    }
  }

  @SubscribeMessage('unsubscribe')
  async unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack> {
    try {
      await this.subscriptions.unsubscribe(socket, await this.parse(UnsubscribeDto, body));
      return { ok: true };
    } catch (err) {
      return this.fail(err);
    }
  }

  private async parse<T extends object>(cls: new () => T, body: unknown): Promise<T> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ProblemException(400, 'validation', 'The message must be a JSON object.');
    }
    return (await this.pipe.transform(body, { type: 'body', metatype: cls })) as T;
  }

  private fail(err: unknown): Ack {
    return { ok: false, error: toProblem(err, this.logger).problem };
  }
}
