import { Global, Module } from '@nestjs/common';
import { ApiKeyAuth, AuthFailures } from './auth';
import { HotArgs } from './hot-routes';
import { RateLimitRepository } from './rate-limit.repository';
import { RateLimiter } from './rate-limiter';
import { ValkeyThrottlerStorage } from './throttling';

const SHARED = [
  RateLimitRepository,
  RateLimiter,
  ValkeyThrottlerStorage,
  AuthFailures,
  ApiKeyAuth,
  HotArgs,
];

@Global()
@Module({ providers: SHARED, exports: SHARED })
export class RateLimitModule {}
