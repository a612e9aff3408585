import { Global, Module } from '@nestjs/common';
import { RateLimitRepository } from './rate-limit.repository';
import { RateLimiter } from './rate-limiter';
import { ValkeyThrottlerStorage } from './throttling';

@Global()
@Module({
  providers: [RateLimitRepository, RateLimiter, ValkeyThrottlerStorage],
  exports: [RateLimiter, ValkeyThrottlerStorage],
})
export class RateLimitModule {}
