import { Global, Module } from '@nestjs/common';
import { AuthFailures } from './auth';
import { RateLimitRepository } from './rate-limit.repository';
import { RateLimiter } from './rate-limiter';
import { ValkeyThrottlerStorage } from './throttling';

@Global()
@Module({
  providers: [RateLimitRepository, RateLimiter, ValkeyThrottlerStorage, AuthFailures],
  exports: [RateLimitRepository, RateLimiter, ValkeyThrottlerStorage, AuthFailures],
})
export class RateLimitModule {}
