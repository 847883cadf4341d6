// The enum alone: pixel worker threads load ApiError, and all of @nestjs/common would add 0.3 s to their start.
import { HttpStatus } from '@nestjs/common/enums/http-status.enum.js';

/**
 * Stable error codes, one per error kind (API.md). Clients switch on these, so a number
 * never changes meaning; new kinds get new numbers. 601 is kept from the original design.
 *
 * How the numbers are chosen: the hundreds digit says whose fault it is (4xx the request, 5xx
 * the server or a dependency, 6xx what the photo shows), and related kinds share a tens digit
 * (44x not found, 47x conflict). A code equals an HTTP status only where that status was the
 * natural first number (400, 413, 415, 429, 500, 503); elsewhere it does NOT mean the status of
 * that number: 401 is a malformed request (HTTP 400), 410 a missing or wrong API key (HTTP 401),
 * 416 too many pixels (HTTP 422), 504-507 are further kinds of HTTP 503. The status sent is
 * `httpStatus`; `error_code` only names the kind.
 */
export const ErrorCode = {
  VALIDATION_FAILED: 400,
  MALFORMED_REQUEST: 401,
  UNAUTHORIZED: 410,
  USER_NOT_FOUND: 441,
  ENROLLMENT_KEY_NOT_FOUND: 442,
  ROUTE_NOT_FOUND: 443,
  EMAIL_TAKEN: 470,
  FACE_ALREADY_ENROLLED: 471,
  UPLOAD_TOO_LARGE: 413,
  UNSUPPORTED_IMAGE: 415,
  UNSUPPORTED_BODY_TYPE: 417,
  IMAGE_TOO_MANY_PIXELS: 416,
  RATE_LIMITED: 429,
  FACE_NOT_DETECTED: 601,
  IMAGE_UNUSABLE: 602,
  FACES_TOO_SMALL: 603,
  INTERNAL: 500,
  DATABASE_UNAVAILABLE: 503,
  INFERENCE_UNAVAILABLE: 504,
  OVERLOADED: 505,
  NOT_READY: 506,
  PIPELINE_TIMEOUT: 507,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorDetail {
  field: string;
  message: string;
  [extra: string]: unknown;
}

/**
 * The one error type that services throw for an expected failure. The global filter turns it
 * into the envelope; anything else becomes a 500 without its message.
 */
export class ApiError extends Error {
  constructor(
    readonly httpStatus: HttpStatus,
    readonly errorCode: ErrorCodeValue,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static badRequest(message: string, details?: ErrorDetail[]): ApiError {
    return new ApiError(HttpStatus.BAD_REQUEST, ErrorCode.VALIDATION_FAILED, message, details);
  }

  static malformedRequest(message: string): ApiError {
    return new ApiError(HttpStatus.BAD_REQUEST, ErrorCode.MALFORMED_REQUEST, message);
  }

  /** The body's Content-Type (or its charset) is not one the route takes. */
  static unsupportedBodyType(accepted: readonly string[]): ApiError {
    return new ApiError(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      ErrorCode.UNSUPPORTED_BODY_TYPE,
      `Unsupported request body: send ${accepted.join(' or ')}`,
    );
  }

  static userNotFound(): ApiError {
    return new ApiError(HttpStatus.NOT_FOUND, ErrorCode.USER_NOT_FOUND, 'User not found');
  }

  static enrollmentKeyNotFound(): ApiError {
    return new ApiError(HttpStatus.NOT_FOUND, ErrorCode.ENROLLMENT_KEY_NOT_FOUND, 'Enrollment key not found, expired or already used');
  }

  static unsupportedImage(message = 'Not a supported image: send JPEG, PNG or WebP'): ApiError {
    return new ApiError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, ErrorCode.UNSUPPORTED_IMAGE, message);
  }

  static tooManyPixels(maxPixels: number): ApiError {
    return new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, ErrorCode.IMAGE_TOO_MANY_PIXELS, `Image has more than ${maxPixels} pixels`);
  }

  static imageUnusable(message: string): ApiError {
    return new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, ErrorCode.IMAGE_UNUSABLE, message);
  }

  static emailTaken(): ApiError {
    return new ApiError(HttpStatus.CONFLICT, ErrorCode.EMAIL_TAKEN, 'Email already used by another user', [
      { field: 'email', message: 'email already used' },
    ]);
  }

  static faceAlreadyEnrolled(userId: string, similarity: number): ApiError {
    return new ApiError(HttpStatus.CONFLICT, ErrorCode.FACE_ALREADY_ENROLLED, 'This face is already enrolled as another user', [
      { field: 'face', message: 'matches an enrolled user', user_id: userId, similarity },
    ]);
  }

  static faceNotDetected(): ApiError {
    return new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, ErrorCode.FACE_NOT_DETECTED, 'Face not detected in the image');
  }

  /** Faces were found, but none is large enough to recognise (face-selection.ts). */
  static facesTooSmall(minFaceSizePx: number): ApiError {
    return new ApiError(
      HttpStatus.UNPROCESSABLE_ENTITY,
      ErrorCode.FACES_TOO_SMALL,
      `Every face found is smaller than ${minFaceSizePx} px, too small to recognise: send a closer or larger photo`,
    );
  }

  static databaseUnavailable(): ApiError {
    return new ApiError(HttpStatus.SERVICE_UNAVAILABLE, ErrorCode.DATABASE_UNAVAILABLE, 'Database unavailable, retry later', undefined, {
      'Retry-After': '5',
    });
  }

  static inferenceUnavailable(): ApiError {
    return new ApiError(HttpStatus.SERVICE_UNAVAILABLE, ErrorCode.INFERENCE_UNAVAILABLE, 'Inference backend unavailable, retry later', undefined, {
      'Retry-After': '5',
    });
  }

  static unauthorized(): ApiError {
    return new ApiError(HttpStatus.UNAUTHORIZED, ErrorCode.UNAUTHORIZED, 'Missing or invalid API key (header x-api-key)');
  }

  static rateLimited(retryAfterSeconds: number): ApiError {
    return new ApiError(HttpStatus.TOO_MANY_REQUESTS, ErrorCode.RATE_LIMITED, 'Too many requests, slow down', undefined, {
      'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    });
  }

  /** The pipeline queue is full: refused at once, so clients back off instead of piling up. */
  static overloaded(): ApiError {
    return new ApiError(HttpStatus.SERVICE_UNAVAILABLE, ErrorCode.OVERLOADED, 'Server busy, retry later', undefined, { 'Retry-After': '1' });
  }

  static pipelineTimeout(timeoutMs: number): ApiError {
    return new ApiError(
      HttpStatus.SERVICE_UNAVAILABLE,
      ErrorCode.PIPELINE_TIMEOUT,
      `Image processing took longer than ${timeoutMs} ms, retry later`,
      undefined,
      {
        'Retry-After': '2',
      },
    );
  }
}
