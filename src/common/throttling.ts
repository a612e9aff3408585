import { createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerModuleOptions,
  ThrottlerLimitDetail,
  ThrottlerModule,
  ThrottlerStorage,
} from '@nestjs/throttler';
// The key @SkipThrottle() writes (not re-exported by the package index; the version is pinned).
import { THROTTLER_SKIP } from '@nestjs/throttler/dist/throttler.constants';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { ValkeyConnections } from '../valkey/valkey-connections';
import { LimitSpec, RateLimitRepository } from './rate-limit.repository';
import { RateLimiter } from './rate-limiter';

/**
 * @nestjs/throttler's storage, in Valkey so a limit holds across every api instance: fixed
 * windows of `ttl` ms (one counter key per window, see rate-limit.lib.lua), one script per
 * check. A request over the limit is refused without being counted. `blockDuration` is the
 * rest of the window (the module's default).
 */
@Injectable()
export class ValkeyThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly counters: RateLimitRepository) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const spec = this.counters.throttleCounter(throttlerName, key, limit, ttl);
    const outcome = await this.counters.check([spec]);
    const secondsLeft = Math.max(1, Math.ceil((ttl - (Date.now() % ttl)) / 1000));
    // Counted hits: the limit minus what is left (over the limit: one more than it).
    const totalHits = outcome.ok ? limit - (outcome.state?.remaining ?? limit) : limit + 1;
    return {
      totalHits,
      timeToExpire: secondsLeft,
      isBlocked: !outcome.ok,
      timeToBlockExpire: outcome.ok ? 0 : secondsLeft,
    };
  }
}

const READ_LIMIT_IN_SCRIPT = 'valkran:read-limit-in-script';

/**
 * Marks reads whose Valkey script charges the per-IP read counter itself, so the read costs one
 * round trip instead of two. The route takes the counter with {@link ReadLimit} and hands it to
 * its script; on a cluster the counter lives in another slot than the board, so the guard checks
 * it as for any other read and {@link ReadLimit} is null.
 */
export const LimitInScript = (): MethodDecorator & ClassDecorator =>
  SetMetadata(READ_LIMIT_IN_SCRIPT, true);

type LimitedRequest = FastifyRequest & { readLimit?: LimitSpec | null };

/** The per-IP read counter a {@link LimitInScript} route's script must charge, or null. */
export const ReadLimit = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): LimitSpec | null =>
    ctx.switchToHttp().getRequest<LimitedRequest>().readLimit ?? null,
);

/**
 * The throttler guard, applied to every route (ApiModule registers it globally): public reads
 * are limited per client IP (RATE_LIMIT_READ_PER_IP a second, 0 = off); writes, whose limits
 * ride inside the submit script, and operational routes opt out with `@SkipThrottle()`. The
 * counter is per IP, not per route (one budget for every read), and shared with Socket.IO
 * connects. Headers are the IETF `RateLimit-*` ones; a refusal is a 429 problem+json.
 */
@Injectable()
export class ReadThrottlerGuard extends ThrottlerGuard {
  protected override headerPrefix = 'RateLimit';

  /** Per handler: skipped, or limited in its script (metadata read once, not per request). */
  private readonly routes = new WeakMap<object, { skip: boolean; inScript: boolean }>();

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
    private readonly counters: RateLimitRepository,
    private readonly valkey: ValkeyConnections,
  ) {
    super(options, storage, reflector);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const limit = this.config.rateLimits.readPerIp;
    if (limit <= 0) return true;
    const handler = context.getHandler();
    let route = this.routes.get(handler);
    if (!route) {
      const targets = [handler, context.getClass()];
      route = {
        skip: !!this.reflector.getAllAndOverride<boolean>(`${THROTTLER_SKIP}default`, targets),
        inScript: !!this.reflector.getAllAndOverride<boolean>(READ_LIMIT_IN_SCRIPT, targets),
      };
      this.routes.set(handler, route);
    }
    if (route.skip) return true;
    if (route.inScript && !this.valkey.cluster) {
      const req = context.switchToHttp().getRequest<LimitedRequest>();
      req.readLimit = this.counters.readCounter(req.ip, limit);
      return true;
    }
    return super.canActivate(context);
  }

  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    // Fastify's request.ip, which honours TRUST_PROXY like clientIp() does for sockets.
    return Promise.resolve((req as unknown as FastifyRequest).ip);
  }

  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    _throttlerName: string,
  ): string {
    return tracker;
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw this.limiter.reject({
      name: 'reads per client IP',
      key: detail.key,
      limit: detail.limit,
      cost: 1,
    });
  }
}

/**
 * Charges one Socket.IO connect (handshake or namespace join) to the client IP's read budget,
 * the same counter the HTTP reads use; false when the budget is spent.
 */
export async function chargeConnect(
  storage: ValkeyThrottlerStorage,
  limit: number,
  ip: string,
): Promise<boolean> {
  if (limit <= 0) return true;
  return !(await storage.increment(ip, 1000, limit, 1000, 'default')).isBlocked;
}

/** The throttler's module options: one named throttler (`default`) for per-IP reads. */
export const ThrottlingModule = ThrottlerModule.forRootAsync({
  inject: [AppConfig, ValkeyThrottlerStorage],
  useFactory: (config: AppConfig, storage: ValkeyThrottlerStorage) => ({
    throttlers: [{ name: 'default', ttl: 1000, limit: config.rateLimits.readPerIp }],
    storage,
    skipIf: () => config.rateLimits.readPerIp <= 0,
  }),
});
