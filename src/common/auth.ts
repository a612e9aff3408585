import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  Logger,
  SetMetadata,
  applyDecorators,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppConfig, sha256 } from '../config/app-config';
import { Problem, ProblemException } from './problem';
import { RateLimiter } from './rate-limiter';
import { ValkeyThrottlerStorage } from './throttling';

export type Scope = 'admin' | 'submit';
const SCOPE_KEY = 'valkran:scope';

/** Marks a route as needing an API key with the given scope (admin keys may do everything). */
export const RequireScope = (scope: Scope): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(SCOPE_KEY, scope),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing or unknown API key', type: Problem }),
    ApiForbiddenResponse({ description: 'The key lacks the needed scope', type: Problem }),
  );

/** The throttler name of the failed-authentication counters (`{rl:t:auth:<ip>}:<window>`). */
const AUTH_THROTTLER = 'auth';
const WINDOW_MS = 1000;

/**
 * Failed authentication per client IP (a wrong API key, a wrong dashboard password): at most
 * RATE_LIMIT_AUTH_FAILURES_PER_IP a second (0 = off), counted in Valkey (the throttler storage,
 * its own counter), so the budget holds across every api instance. Once an IP is over it, its
 * authenticated requests get a 429 for the rest of the second without their key being checked,
 * so guessing learns nothing from a hit. Successful requests are never counted and cost no
 * Valkey call: this process remembers a refusal it saw until the window ends (every instance
 * learns from the next failure it sees, since the counter is shared).
 */
@Injectable()
export class AuthFailures {
  private readonly logger = new Logger(AuthFailures.name);
  /** Client IP → end of the window (ms) in which it is refused. */
  private readonly refused = new Map<string, number>();

  constructor(
    private readonly config: AppConfig,
    private readonly storage: ValkeyThrottlerStorage,
    private readonly limiter: RateLimiter,
  ) {}

  private get limit(): number {
    return this.config.rateLimits.authFailuresPerIp;
  }

  private tooMany(ip: string): ProblemException {
    return this.limiter.reject({
      name: 'failed authentications per client IP',
      key: ip,
      limit: this.limit,
      cost: 1,
    });
  }

  /** The 429 to answer if `ip` is refused right now (no I/O), else null. */
  refusal(ip: string): ProblemException | null {
    const until = this.refused.get(ip);
    if (until === undefined) return null;
    if (Date.now() < until) return this.tooMany(ip);
    this.refused.delete(ip);
    return null;
  }

  /**
   * Counts a failed authentication from `ip`: the 429 to answer when it is over the budget, else
   * null (answer the 401). A counter Valkey cannot charge is forgiven: the answer stays a 401.
   */
  async failed(ip: string): Promise<ProblemException | null> {
    if (this.limit <= 0) return null;
    try {
      const record = await this.storage.increment(
        ip,
        WINDOW_MS,
        this.limit,
        WINDOW_MS,
        AUTH_THROTTLER,
      );
      if (!record.isBlocked) return null;
    } catch (err) {
      this.logger.debug(`Failed authentication from ${ip} not counted: ${(err as Error).message}`);
      return null;
    }
    if (this.refused.size > 10_000) {
      const now = Date.now();
      for (const [k, until] of this.refused) if (until <= now) this.refused.delete(k);
    }
    this.refused.set(ip, (Math.floor(Date.now() / WINDOW_MS) + 1) * WINDOW_MS);
    return this.tooMany(ip);
  }
}

/** Compares a digest against every configured digest without an early exit. */
function matchesAny(digest: Buffer, candidates: Buffer[]): boolean {
  let found = false;
  for (const c of candidates) found = timingSafeEqual(digest, c) || found;
  return found;
}

type AuthedRequest = FastifyRequest & { apiKeyDigest?: string };

/** The sha256 (hex) of the API key that authenticated this request ('' on public routes). */
export const ApiKeyDigest = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): string =>
    ctx.switchToHttp().getRequest<AuthedRequest>().apiKeyDigest ?? '',
);

export function presentedKey(req: FastifyRequest): string | null {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '');
  const header = req.headers['x-api-key'];
  return typeof header === 'string' && header.length > 0 ? header : null;
}

/**
 * Checks a request's API key for a scope: 401 without a key or with an unknown one (throttled
 * per IP, see {@link AuthFailures}), 403 when the key lacks the scope. Records the key's digest
 * on the request ({@link ApiKeyDigest}). Used by {@link ApiKeyGuard} and by hot routes.
 */
@Injectable()
export class ApiKeyAuth {
  constructor(
    private readonly config: AppConfig,
    private readonly failures: AuthFailures,
  ) {}

  async authenticate(request: FastifyRequest, scope: Scope): Promise<string> {
    const key = presentedKey(request);
    if (!key) {
      throw new ProblemException(
        401,
        'unauthorized',
        'An API key is required: Authorization: Bearer <key>.',
        undefined,
        {
          'www-authenticate': 'Bearer',
        },
      );
    }
    const refusal = this.failures.refusal(request.ip);
    if (refusal) throw refusal;
    const digest = sha256(key);
    const hex = digest.toString('hex');
    (request as AuthedRequest).apiKeyDigest = hex;
    const isAdmin = matchesAny(digest, this.config.apiKeys.admin);
    const isSubmit = matchesAny(digest, this.config.apiKeys.submit);
    if (!isAdmin && !isSubmit) {
      const tooMany = await this.failures.failed(request.ip);
      if (tooMany) throw tooMany;
      throw new ProblemException(401, 'unauthorized', 'The API key is not valid.', undefined, {
        'www-authenticate': 'Bearer',
      });
    }
    if (scope === 'admin' && !isAdmin) {
      throw new ProblemException(403, 'forbidden', 'This operation needs an admin API key.');
    }
    return hex;
  }
}

/** Applies {@link RequireScope}: routes without a scope are public. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: ApiKeyAuth,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(SCOPE_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!scope) return true;
    await this.auth.authenticate(context.switchToHttp().getRequest<FastifyRequest>(), scope);
    return true;
  }
}
