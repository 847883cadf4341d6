import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { map, Observable } from 'rxjs';

/** Every JSON object body carries the request's id as `requestId` (API.md), errors included (see the filter). */
@Injectable()
export class RequestIdBodyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const requestId = context.switchToHttp().getRequest<Request>().requestId;
    return next
      .handle()
      .pipe(map((body: unknown) => (body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...body, requestId } : body)));
  }
}
