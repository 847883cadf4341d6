import type { Response } from 'express';
import { ApiError, ErrorDetail } from './api-error.js';

/** The error envelope of API.md. */
export interface ErrorEnvelope {
  status: 'error';
  error_code: number;
  message: string;
  details?: ErrorDetail[];
  requestId?: string;
  [extra: string]: unknown;
}

/** Writes `error` as the envelope with its status and headers: the exception filter's answer, and the load shedder's. */
export function sendApiError(response: Response, error: ApiError, requestId: string | undefined, extra: Record<string, unknown> = {}): void {
  const body: ErrorEnvelope = { status: 'error', error_code: error.errorCode, message: error.message };
  if (error.details) body.details = error.details;
  Object.assign(body, extra);
  body.requestId = requestId;
  for (const [name, value] of Object.entries(error.headers ?? {})) response.setHeader(name, value);
  response.status(error.httpStatus).json(body);
}
