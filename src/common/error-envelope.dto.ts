import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptions, ApiPropertyOptional, ApiResponse, ApiSchema } from '@nestjs/swagger';
import { ApiError, ErrorCode } from './api-error.js';

/** `requestId` of every JSON body: the same value as the x-request-id header. */
export const REQUEST_ID_PROPERTY: ApiPropertyOptions = {
  description: 'Same value as the `x-request-id` response header',
  example: '2b1c9c1e-4a0e-4a47-9d61-0f5d3c1f3b9e',
};

@ApiSchema({ name: 'ErrorDetail' })
export class ErrorDetailDto {
  @ApiProperty({ example: 'birthdate' })
  field: string;

  @ApiProperty({ example: 'birthdate must be a real date in YYYY-MM-DD form' })
  message: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'error_code 471 only: the user this face is already enrolled as' })
  user_id?: string;

  @ApiPropertyOptional({ description: "error_code 471 only: cosine similarity with that user's nearest face", example: 0.83 })
  similarity?: number;
}

/** The body of every 4xx/5xx response. */
@ApiSchema({ name: 'ErrorEnvelope' })
export class ErrorEnvelopeDto {
  @ApiProperty({ enum: ['error'] })
  status: 'error';

  @ApiProperty({
    type: 'integer',
    description: 'Stable code per error kind; see the table in the README',
    enum: Object.values(ErrorCode),
    example: 601,
  })
  error_code: number;

  @ApiProperty({ example: 'Face not detected in the image' })
  message: string;

  @ApiPropertyOptional({ type: [ErrorDetailDto], description: 'One entry per refused field (400), or what a 409 conflicts with' })
  details?: ErrorDetailDto[];

  @ApiProperty(REQUEST_ID_PROPERTY)
  requestId: string;
}

const EXAMPLE_USER_ID = '8d0f4a52-3b1e-4a57-9a43-0c9f3c1d2e11';

/** What each status means and looks like, built from the errors the services really throw. */
const ERRORS: Record<number, { title: string; note?: string; examples: Record<string, ApiError> }> = {
  400: {
    title: 'Invalid input',
    note: 'Validation errors (400) name each refused field in `details`; 401 is a request that cannot be parsed.',
    examples: {
      invalidField: ApiError.badRequest('Invalid request', [
        { field: 'birthdate', message: 'birthdate must be a real date in YYYY-MM-DD form, from 1900-01-01 up to today' },
      ]),
      neitherKeyNorImage: ApiError.badRequest('Exactly one of req_id and image is required', [
        { field: 'req_id', message: 'give exactly one of req_id and image' },
        { field: 'image', message: 'give exactly one of req_id and image' },
      ]),
      invalidUserId: ApiError.badRequest('Invalid request', [{ field: 'user_id', message: 'user_id must be a UUID' }]),
      invalidId: ApiError.badRequest('id must be a UUID', [{ field: 'id', message: 'id must be a UUID' }]),
      invalidMaxFaces: ApiError.badRequest('Invalid request', [{ field: 'max_faces', message: 'max_faces must be a whole number from 1 to 50' }]),
      invalidCandidates: ApiError.badRequest('Invalid request', [{ field: 'candidates', message: 'candidates must be a whole number from 1 to 10' }]),
      invalidLimit: ApiError.badRequest('Invalid request', [{ field: 'limit', message: 'limit must not be greater than 200' }]),
      invalidCursor: ApiError.badRequest('Invalid cursor', [{ field: 'cursor', message: 'cursor is not a value returned by this API' }]),
      missingImage: ApiError.badRequest('An image file is required', [
        { field: 'image', message: 'send a JPEG, PNG or WebP file in the `image` field' },
      ]),
      unexpectedField: new ApiError(400, ErrorCode.MALFORMED_REQUEST, 'Unexpected field'),
      malformedJson: new ApiError(400, ErrorCode.MALFORMED_REQUEST, 'Malformed JSON body'),
    },
  },
  401: { title: 'Missing or invalid `x-api-key`', examples: { missingKey: ApiError.unauthorized() } },
  404: { title: 'Not found', examples: { userNotFound: ApiError.userNotFound(), enrollmentKeyNotFound: ApiError.enrollmentKeyNotFound() } },
  409: {
    title: 'Conflict',
    note: 'For 471, `details[0].user_id` is the user this face is enrolled as and `details[0].similarity` how close it is.',
    examples: { faceAlreadyEnrolled: ApiError.faceAlreadyEnrolled(EXAMPLE_USER_ID, 0.83), emailTaken: ApiError.emailTaken() },
  },
  413: {
    title: 'Upload larger than MAX_UPLOAD_BYTES',
    examples: { uploadTooLarge: new ApiError(413, ErrorCode.UPLOAD_TOO_LARGE, 'Upload too large') },
  },
  415: {
    title: 'Not a JPEG, PNG or WebP image, or a body encoding the route does not take',
    examples: { notAnImage: ApiError.unsupportedImage(), unsupportedBody: ApiError.unsupportedBodyType(['application/json', 'multipart/form-data']) },
  },
  422: {
    title: 'The image decodes but cannot be used',
    examples: {
      faceNotDetected: ApiError.faceNotDetected(),
      facesTooSmall: ApiError.facesTooSmall(32),
      tooManyPixels: ApiError.tooManyPixels(50_000_000),
      imageUnusable: ApiError.imageUnusable('Unexpected 2-channel image'),
    },
  },
  429: {
    title: 'Rate limited',
    note: 'More than RATE_LIMIT_PER_MINUTE requests in a minute per key (per IP without keys); wait Retry-After seconds.',
    examples: { rateLimited: ApiError.rateLimited(42) },
  },
  500: {
    title: 'Unexpected failure; the message never carries internals',
    examples: { internal: new ApiError(500, ErrorCode.INTERNAL, 'Internal server error') },
  },
  503: {
    title: 'Temporarily unavailable',
    note: 'Retry after Retry-After seconds.',
    examples: {
      databaseUnavailable: ApiError.databaseUnavailable(),
      inferenceUnavailable: ApiError.inferenceUnavailable(),
      overloaded: ApiError.overloaded(),
      pipelineTimeout: ApiError.pipelineTimeout(30_000),
    },
  },
};

/** Documents the envelope, with one example per error kind, for each listed status. */
export function ApiErrorResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...statuses.map((status) => ApiErrorResponse(status)));
}

/**
 * Documents one status; naming examples narrows it to the kinds this route can produce
 * (a user lookup never answers 442).
 */
export function ApiErrorResponse(status: number, ...exampleNames: string[]): MethodDecorator & ClassDecorator {
  const known = ERRORS[status];
  if (!known) throw new Error(`No documented error for HTTP ${status}`);
  const names = exampleNames.length > 0 ? exampleNames : Object.keys(known.examples);
  const errors = names.map((name) => {
    const error = known.examples[name];
    if (!error) throw new Error(`No example "${name}" for HTTP ${status}`);
    return [name, error] as const;
  });
  const messagesByCode = new Map<number, string[]>();
  for (const [, error] of errors) messagesByCode.set(error.errorCode, [...(messagesByCode.get(error.errorCode) ?? []), error.message]);
  // A code with one kind of message names it; one with several (400's fields) is explained by the note.
  const codes = [...messagesByCode].map(([code, messages]) => (messages.length === 1 ? `${code} (${messages[0]})` : String(code)));
  const description = `${known.title}: error_code ${codes.join(', ')}.${known.note ? ` ${known.note}` : ''}`;
  const examples = Object.fromEntries(
    errors.map(([name, error]) => [name, { summary: `${error.errorCode}: ${error.message}`, value: envelopeOf(error) }]),
  );
  return ApiResponse({ status, description, type: ErrorEnvelopeDto, examples });
}

/** The body a client receives for an ApiError. */
function envelopeOf(error: ApiError): ErrorEnvelopeDto {
  return {
    status: 'error',
    error_code: error.errorCode,
    message: error.message,
    ...(error.details ? { details: error.details } : {}),
    requestId: String(REQUEST_ID_PROPERTY.example),
  };
}
