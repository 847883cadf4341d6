import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '../common/api-error.js';
import { ApiKeys, isProtectedPath } from './api-keys.js';

/** With API_KEYS set, every /api/v1 route needs a valid `x-api-key`; otherwise a 401 envelope. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly keys: ApiKeys) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.keys.enabled) return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (!isProtectedPath(request)) return true;
    if (this.keys.verify(ApiKeys.offeredBy(request)) === undefined) throw ApiError.unauthorized();
    return true;
  }
}
