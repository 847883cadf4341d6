import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { ApiKeys } from './api-keys.js';
import { RateLimitGuard } from './rate-limit.guard.js';

const MINUTE_MS = 60_000;

/**
 * Global guards on every Nest handler not marked @Public(), in this order: rate limit (per key or
 * IP), then API key. Swagger and the console are plain Express routes, outside Nest's guards.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      // limit 0 would refuse everything: the guard skips instead when RATE_LIMIT_PER_MINUTE=0.
      useFactory: (config: AppConfig) => [{ ttl: MINUTE_MS, limit: Math.max(1, config.rateLimitPerMinute) }],
    }),
  ],
  providers: [
    { provide: ApiKeys, inject: [AppConfig], useFactory: (config: AppConfig) => new ApiKeys(config.apiKeys) },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
})
export class SecurityModule {}
