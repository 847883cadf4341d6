import { Injectable, NestMiddleware, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../common/api-error.js';
import { sendApiError } from '../common/api-error-response.js';
import { MULTIPART_BODY } from '../common/request-body-type.js';
import { PipelineAdmission } from './pipeline-admission.js';

/**
 * With the pipeline and its queue full, an upload to a pipeline route is refused (503, error_code
 * 505) before a byte of it is read, and before the key check, rate limit and the rest of the
 * request pipeline: under a flood of uploads each refusal must cost the event loop next to nothing,
 * or health probes wait behind them (bench:liveness). It only ever refuses, so answering 503 where
 * the key check would have answered 401 reveals nothing but load. Applied per controller, so the
 * router's own matching decides which requests it sees (FacesModule, UsersModule).
 */
@Injectable()
export class ShedUploadsWhenFull implements NestMiddleware {
  constructor(private readonly admission: PipelineAdmission) {}

  use(request: Request, response: Response, next: NextFunction): void {
    if (this.admission.isFull && request.is(MULTIPART_BODY)) sendApiError(response, ApiError.overloaded(), request.requestId);
    else next();
  }
}

/** The `image` upload of a pipeline route (ShedUploadsWhenFull refuses it first when the pipeline is full). */
export const ImageUpload = (): MethodDecorator & ClassDecorator => UseInterceptors(FileInterceptor('image'));
