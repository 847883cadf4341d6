import { CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { ApiError } from '../common/api-error.js';
import { MULTIPART_BODY } from '../common/request-body-type.js';
import { PipelineAdmission } from './pipeline-admission.js';

/**
 * With the pipeline and its queue full, an upload is refused (503, error_code 505) before a byte
 * of it is read: a busy server answers at once instead of buffering megabytes it will throw away.
 */
@Injectable()
export class UploadAdmissionInterceptor implements NestInterceptor {
  constructor(private readonly admission: PipelineAdmission) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    if (this.admission.isFull && request.is(MULTIPART_BODY)) throw ApiError.overloaded();
    return next.handle();
  }
}

/** The `image` upload of a pipeline route: admission is checked first, then multer reads the file. */
export const ImageUpload = (): MethodDecorator & ClassDecorator => UseInterceptors(UploadAdmissionInterceptor, FileInterceptor('image'));
