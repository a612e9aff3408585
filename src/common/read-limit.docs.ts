import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { Problem } from './problem';

/**
 * Documents a public read's per-IP limit in OpenAPI. The limit itself is the global
 * ReadThrottlerGuard (@nestjs/throttler), which applies to every route that does not say
 * `@SkipThrottle()`.
 */
export const RateLimitedRead = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ApiTooManyRequestsResponse({
      type: Problem,
      description: 'Too many reads from this IP; see Retry-After',
    }),
    ApiHeader({ name: 'RateLimit-Remaining', required: false, description: 'set on responses' }),
  );
