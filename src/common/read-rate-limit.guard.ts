import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from './problem';
import { RateLimiter } from './rate-limiter';

const READ_LIMITED = 'valkran:read-limited';

/** Public reads: limited per client IP (RATE_LIMIT_READ_PER_IP), with RateLimit-* headers. */
export const RateLimitedRead = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(READ_LIMITED, true),
    ApiTooManyRequestsResponse({
      type: Problem,
      description: 'Too many reads from this IP; see Retry-After',
    }),
    ApiHeader({ name: 'RateLimit-Remaining', required: false, description: 'set on responses' }),
  );

@Injectable()
export class ReadRateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const limited = this.reflector.getAllAndOverride<boolean | undefined>(READ_LIMITED, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!limited) return true;
    const http = context.switchToHttp();
    const outcome = await this.limiter.check([
      this.limiter.readSpec(http.getRequest<FastifyRequest>().ip),
    ]);
    if (!outcome.ok) throw this.limiter.reject(outcome.spec);
    void http.getResponse<FastifyReply>().headers(RateLimiter.headers(outcome.state));
    return true;
  }
}
