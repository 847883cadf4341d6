import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { ApiError } from './api-error.js';

export const JSON_BODY = 'application/json';
export const MULTIPART_BODY = 'multipart/form-data';
type BodyType = typeof JSON_BODY | typeof MULTIPART_BODY;

const ACCEPTED_BODIES = 'face-matrix:accepted-bodies';
/** API.md: bodies are JSON or multipart, nothing else; a handler may narrow that. */
const DEFAULT_BODIES: readonly BodyType[] = [JSON_BODY, MULTIPART_BODY];

/** The body types a controller or handler takes, e.g. `@AcceptsBody(MULTIPART_BODY)` for image-only routes. */
export const AcceptsBody = (...types: BodyType[]): ClassDecorator & MethodDecorator => SetMetadata(ACCEPTED_BODIES, types);

/**
 * A POST body of any other type is a 415 (error_code 417), before an upload is read or a
 * form-encoded body reaches validation. A POST without a body is left to the field checks.
 */
@Injectable()
export class RequestBodyTypeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    if (request.method === 'POST' && carriesBody(request)) {
      const accepted =
        this.reflector.getAllAndOverride<BodyType[] | undefined>(ACCEPTED_BODIES, [context.getHandler(), context.getClass()]) ?? DEFAULT_BODIES;
      if (!request.is([...accepted])) throw ApiError.unsupportedBodyType(accepted);
    }
    return next.handle();
  }
}

function carriesBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
