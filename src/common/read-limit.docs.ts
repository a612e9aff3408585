import { applyDecorators } from '@nestjs/common';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
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
      description:
        'Too many reads from this IP; see Retry-After. Answers of limited routes carry RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset.',
      headers: {
        'Retry-After': {
          description: 'seconds until the window ends',
          schema: { type: 'integer' },
        },
      },
    }),
  );
