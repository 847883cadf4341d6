import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiError } from '../common/api-error.js';
import { ApiKeys } from './api-keys.js';
import { isPublicRoute } from './public-route.js';

/** With API_KEYS set, every handler not marked @Public() needs a valid `x-api-key`; otherwise a 401 envelope. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeys,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.keys.enabled || isPublicRoute(this.reflector, context)) return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (this.keys.verify(ApiKeys.offeredBy(request)) === undefined) throw ApiError.unauthorized();
    return true;
  }
}
