import { INestApplicationContext, Logger } from '@nestjs/common';
import { shutdownStep } from '../common/shutdown';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { IncomingMessage } from 'node:http';
import type { Server, ServerOptions } from 'socket.io';
import { AppConfig } from '../config/app-config';
import { ValkeyConnections } from '../valkey/valkey-connections';
import { LIVE_NAMESPACE, MAX_MESSAGE_BYTES } from './live';
import { clientIp } from '../common/client-ip';
import { chargeConnect, ValkeyThrottlerStorage } from '../common/throttling';

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
 * emitted anywhere (any api instance, any worker through the emitter) reaches every socket.
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

  private get readLimit(): number {
    return this.config.rateLimits.readPerIp;
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const allowed = this.config.corsOrigins;
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
        chargeConnect(this.throttle, this.readLimit, clientIp(req, this.config.trustProxy)).then(
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
      createAdapter(this.valkey.create('io-pub', retry), this.valkey.create('io-sub', retry)),
    );
    // The handshake above paid for a connection's first /live connect; later ones over the
    // same transport (a client re-joining the namespace) pay again.
    const paid = new WeakSet<object>();
    server.of(LIVE_NAMESPACE).use((socket, next) => {
      if (!paid.has(socket.conn)) {
        paid.add(socket.conn);
        return next();
      }
      const ip = clientIp(socket.request, this.config.trustProxy);
      chargeConnect(this.throttle, this.readLimit, ip).then(
        (ok) => next(ok ? undefined : new Error('rate limited')),
        () => next(new Error('service unavailable')),
      );
    });
    return server;
  }
}
