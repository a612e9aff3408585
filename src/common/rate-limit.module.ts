import { Global, Module } from '@nestjs/common';
import { ApiKeyAuth, AuthFailures } from './auth';
import { HotArgs } from './hot-routes';
import { RateLimitRepository } from './rate-limit.repository';
import { RateLimiter } from './rate-limiter';
import { ValkeyThrottlerStorage } from './throttling';

@Global()
@Module({
  providers: [
    RateLimitRepository,
    RateLimiter,
    ValkeyThrottlerStorage,
    AuthFailures,
    ApiKeyAuth,
    HotArgs,
  ],
  exports: [
    RateLimitRepository,
    RateLimiter,
    ValkeyThrottlerStorage,
    AuthFailures,
    ApiKeyAuth,
    HotArgs,
  ],
})
export class RateLimitModule {}
