import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DEFAULT_IPV6_SUBNET_PREFIX, InjectThrottlerOptions, InjectThrottlerStorage, normalizeIp, ThrottlerGuard } from '@nestjs/throttler';
import type { ThrottlerLimitDetail, ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import type { Request } from 'express';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';
import { ApiKeys } from './api-keys.js';
import { isPublicRoute } from './public-route.js';

/**
 * @nestjs/throttler on every handler not marked @Public(), counted per valid API key, else per
 * client IP. It runs before the key check, so guessing keys is rate limited too (per IP).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly keys: ApiKeys,
    private readonly config: AppConfig,
  ) {
    super(options, storage, reflector);
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve(this.config.rateLimitPerMinute === 0 || isPublicRoute(this.reflector, context));
  }

  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const req = request as unknown as Request;
    const key = this.keys.enabled ? this.keys.verify(ApiKeys.offeredBy(req)) : undefined;
    // The digest, not the key: the storage never holds a secret.
    if (key) return Promise.resolve(`key:${key.toString('hex')}`);
    // An IPv6 client usually owns a whole /64: one allowance for all of it, not one per address.
    return Promise.resolve(`ip:${normalizeIp(req.ip ?? req.socket.remoteAddress ?? 'unknown', DEFAULT_IPV6_SUBNET_PREFIX)}`);
  }

  /** One allowance per client across every route, as documented; the library's default counts each handler apart. */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    return Promise.reject(ApiError.rateLimited(detail.timeToBlockExpire));
  }
}
