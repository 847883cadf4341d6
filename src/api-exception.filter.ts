import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDatabaseUnavailable } from './database/database-errors.js';
import { InferenceUnavailableError } from './inference/inference-backend.js';
import { ApiError, ErrorCode, ErrorCodeValue } from './common/api-error.js';
import { sendApiError } from './common/api-error-response.js';
import { redactBiometrics } from './common/log-redaction.js';

/** Codes for Nest's and Express's own errors, which do not carry one of ours. */
const CODE_BY_STATUS: Partial<Record<number, ErrorCodeValue>> = {
  400: ErrorCode.MALFORMED_REQUEST,
  401: ErrorCode.UNAUTHORIZED,
  404: ErrorCode.ROUTE_NOT_FOUND,
  413: ErrorCode.UPLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_IMAGE,
  429: ErrorCode.RATE_LIMITED,
  503: ErrorCode.NOT_READY,
};

/**
 * The one place that maps errors to HTTP statuses and the envelope of API.md. It sits beside
 * app.setup.ts rather than in common/ because it knows every layer's failures (database down,
 * inference down), while common/ stays below the layers that use it.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const error = this.toApiError(exception, request);
    if (response.headersSent) return;
    sendApiError(response, error, request.requestId, terminusReport(exception));
  }

  private toApiError(exception: unknown, request: Request): ApiError {
    if (exception instanceof ApiError) return exception;
    if (exception instanceof InferenceUnavailableError) return ApiError.inferenceUnavailable();
    if (exception instanceof HttpException) return fromHttpException(exception);
    const bodyParserError = fromBodyParserError(exception);
    if (bodyParserError) return bodyParserError;
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn({ requestId: request.requestId, message: 'Database unavailable' });
      return ApiError.databaseUnavailable();
    }
    // Unexpected: log the stack for operators, tell the client nothing internal.
    this.logger.error({ requestId: request.requestId, message: 'Unhandled error', error: describe(exception) });
    return new ApiError(HttpStatus.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL, 'Internal server error');
  }
}

function fromHttpException(exception: HttpException): ApiError {
  const status = exception.getStatus();
  const code = CODE_BY_STATUS[status] ?? (status >= 500 ? ErrorCode.INTERNAL : ErrorCode.MALFORMED_REQUEST);
  const response = exception.getResponse();
  let message = exception.message;
  if (status === 404) message = 'Route not found';
  else if (status === 413) message = 'Upload too large';
  else if (status === 503) message = 'Service not ready';
  else if (typeof response === 'object' && response !== null && typeof (response as { message?: unknown }).message === 'string') {
    message = (response as { message: string }).message;
  }
  const headers = status === 503 ? { 'Retry-After': '5' } : undefined;
  return new ApiError(status, code, message, undefined, headers);
}

/** Express's JSON parser fails before Nest sees the request; its errors carry `type`. */
function fromBodyParserError(exception: unknown): ApiError | undefined {
  const type = (exception as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') return new ApiError(400, ErrorCode.MALFORMED_REQUEST, 'Malformed JSON body');
  if (type === 'entity.too.large') return new ApiError(413, ErrorCode.UPLOAD_TOO_LARGE, 'Request body too large');
  if (typeof type === 'string' && (exception as { status?: number }).status === 415) {
    return new ApiError(415, ErrorCode.UNSUPPORTED_BODY_TYPE, 'Unsupported request encoding');
  }
  if (typeof type === 'string') return new ApiError(400, ErrorCode.MALFORMED_REQUEST, 'Malformed request body');
  return undefined;
}

/** Readiness failures keep Terminus's per-dependency report next to the envelope's fields. */
function terminusReport(exception: unknown): Record<string, unknown> {
  if (!(exception instanceof HttpException) || exception.getStatus() !== 503) return {};
  const response = exception.getResponse() as Record<string, unknown>;
  return typeof response === 'object' && response !== null && 'details' in response
    ? { info: response.info, error: response.error, details: response.details }
    : {};
}

function describe(exception: unknown): string {
  const text = exception instanceof Error ? `${exception.name}: ${exception.message}\n${exception.stack ?? ''}` : String(exception);
  return redactBiometrics(text);
}
