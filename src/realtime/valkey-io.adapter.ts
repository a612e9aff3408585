import { INestApplicationContext, Logger } from '@nestjs/common';
import { shutdownStep } from '../common/shutdown';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { IncomingMessage } from 'node:http';
import type { Server, ServerOptions } from 'socket.io';
import { AppConfig } from '../config/app-config';
import { ValkeyConnections } from '../valkey/valkey-connections';
import { LIVE_NAMESPACE, MAX_MESSAGE_BYTES } from './live';
import { clientIp } from '../common/client-ip';
import { ValkeyThrottlerStorage } from '../common/throttling';
import { problemBody } from '../common/problem';
import { ConnectionsPerIp, IpReadBudget } from './connection-limits';
import { createValkeyPubSubAdapter } from './valkey-pubsub.adapter';

/**
 * How long a connection over LIVE_MAX_CONNECTIONS_PER_IP may stay open to hear why it is
 * refused (the refusal comes at its /live join); one that never joins is closed then.
 */
const OVER_LIMIT_GRACE_MS = 2000;

/** The minimum of an engine.io connection this adapter uses. */
interface EngineConnection {
  request: IncomingMessage;
  close(): void;
  once(event: 'close', listener: () => void): void;
}

/** A namespace middleware refusal: `message` and a problem as `data` reach the client. */
function refusal(message: string, status: number, slug: string, detail: string): Error {
  return Object.assign(new Error(message), { data: problemBody(status, slug, detail) });
}

/** True when a browser page from `origin` may connect (same host, or listed in CORS_ORIGINS). */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: string[],
): boolean {
  if (!origin) return true; // not a browser (game servers, tests): nothing to protect
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * Socket.IO on the app's HTTP server with the classic Valkey pub/sub adapter, so an event
 * emitted anywhere (any api instance, any worker through the emitter) reaches every socket;
 * each instance writes its share through a LocalFanout (see ValkeyPubSubAdapter).
 */
export class ValkeyIoAdapter extends IoAdapter {
  private readonly logger = new Logger(ValkeyIoAdapter.name);
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly valkey: ValkeyConnections,
    private readonly throttle: ValkeyThrottlerStorage,
  ) {
    super(app);
  }

  /** Socket.IO's own close (adapters, engine) is bounded and timed like every shutdown step. */
  override async close(server: Server): Promise<void> {
    await shutdownStep(this.logger, 'close Socket.IO server', 2000, () => super.close(server));
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const allowed = this.config.corsOrigins;
    const budget = new IpReadBudget(this.throttle, this.config.rateLimits.readPerIp);
    const maxPerIp = this.config.liveLimits.maxConnectionsPerIp;
    const perIp = new ConnectionsPerIp(maxPerIp);
    const overLimit = new WeakSet<object>();
    const server = super.createIOServer(port, {
      ...options,
      maxHttpBufferSize: MAX_MESSAGE_BYTES,
      cors: { origin: allowed.includes('*') ? true : allowed, credentials: false },
      allowRequest: (
        req: IncomingMessage,
        callback: (err: string | null | undefined, ok: boolean) => void,
      ) => {
        if (!originAllowed(req.headers.origin, req.headers.host, allowed)) {
          return callback('origin not allowed', false);
        }
        // Connects count against the same per-IP budget as public reads.
        budget.charge(this.ip(req)).then(
          (ok) => callback(ok ? null : 'rate limited', ok),
          () => callback('service unavailable', false),
        );
      },
    }) as Server;
    // The adapter never handles a rejected publish/subscribe, so these connections must not
    // reject: they queue through an outage and retry forever (live events are best-effort).
    const retry = {
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      retryStrategy: (times: number) => Math.min(100 * times, 2000),
    };
    server.adapter(
      createValkeyPubSubAdapter(
        this.valkey.create('io-pub', retry),
        this.valkey.create('io-sub', retry),
      ) as unknown as Parameters<Server['adapter']>[0],
    );
    // Connections per client IP, counted from the handshake to the close (exact, whatever
    // races). One over the limit hears why at its /live join and is closed.
    server.engine.on('connection', (conn: EngineConnection) => {
      const ip = this.ip(conn.request);
      if (!perIp.add(ip)) {
        overLimit.add(conn);
        setTimeout(() => conn.close(), OVER_LIMIT_GRACE_MS).unref();
      }
      conn.once('close', () => perIp.remove(ip));
    });
    // The handshake above paid for a connection's first /live connect; later ones over the
    // same transport (a client re-joining the namespace) pay again.
    const paid = new WeakSet<object>();
    server.of(LIVE_NAMESPACE).use((socket, next) => {
      if (overLimit.has(socket.conn)) {
        next(
          refusal(
            'too many connections',
            429,
            'too-many-connections',
            `At most ${maxPerIp} live connections per client address; close one first.`,
          ),
        );
        // After the refusal is written (the close waits for it to be sent).
        setTimeout(() => socket.conn.close(), 0);
        return;
      }
      if (!paid.has(socket.conn)) {
        paid.add(socket.conn);
        return next();
      }
      budget.charge(this.ip(socket.request)).then(
        (ok) =>
          next(
            ok
              ? undefined
              : refusal(
                  'rate limited',
                  429,
                  'rate-limited',
                  `Rate limit exceeded: at most ${budget.limit} reads per client IP per second.`,
                ),
          ),
        () => next(new Error('service unavailable')),
      );
    });
    return server;
  }

  private ip(req: IncomingMessage): string {
    return clientIp(req, this.config.trustProxy);
  }
}
