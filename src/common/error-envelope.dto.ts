import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { ErrorCode } from './api-error.js';

export class ErrorDetailDto {
  @ApiProperty({ example: 'birthdate' })
  field: string;

  @ApiProperty({ example: 'birthdate must be a real date in YYYY-MM-DD form' })
  message: string;
}

/** The body of every 4xx/5xx response. */
export class ErrorEnvelopeDto {
  @ApiProperty({ enum: ['error'] })
  status: 'error';

  @ApiProperty({ description: 'Stable code per error kind; see the table in the README', enum: Object.values(ErrorCode), example: 601 })
  error_code: number;

  @ApiProperty({ example: 'Face not detected in the image' })
  message: string;

  @ApiPropertyOptional({ type: [ErrorDetailDto] })
  details?: ErrorDetailDto[];

  @ApiProperty({ example: '2b1c9c1e-4a0e-4a47-9d61-0f5d3c1f3b9e' })
  requestId: string;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (error_code 400, 401), with `details` per field',
  401: 'Missing or invalid `x-api-key` (error_code 410)',
  404: 'Not found (error_code 441 user, 442 enrollment key)',
  409: 'Conflict (error_code 470 email taken, 471 face already enrolled)',
  413: 'Upload larger than MAX_UPLOAD_BYTES (error_code 413)',
  415: 'Not a JPEG, PNG or WebP image (error_code 415); a request body that is neither JSON (where the route takes it) nor multipart (417)',
  422: 'Image cannot be used: no face (601), too many pixels (416), unusable (602)',
  429: 'Rate limited (error_code 429): more than RATE_LIMIT_PER_MINUTE requests per key (per IP without keys); see Retry-After',
  503:
    'Unavailable, see Retry-After: database down (503), inference backend down (504), pipeline queue full (505), ' +
    'image processing over PIPELINE_TIMEOUT_MS (507)',
};

/** Documents the envelope for each listed status in Swagger. */
export function ApiErrorResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: DESCRIPTIONS[status] ?? 'Error', type: ErrorEnvelopeDto })),
  );
}
