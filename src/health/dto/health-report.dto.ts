import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { REQUEST_ID_PROPERTY } from '../../common/error-envelope.dto.js';

@ApiSchema({ name: 'DependencyStatus' })
export class DependencyStatusDto {
  @ApiProperty({ enum: ['up', 'down'] }) status: 'up' | 'down';
  @ApiPropertyOptional({ description: 'Why the dependency is down', example: 'database did not answer' }) message?: string;
  @ApiPropertyOptional({ enum: ['onnx', 'triton'], description: 'inference only: the configured backend' }) backend?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'inference only: each model and "ready" or why it is not',
    example: { face_detector: 'ready', face_landmarks: 'ready', face_embedder: 'ready', face_landmarks5: 'ready' },
  })
  models?: Record<string, string>;
}

@ApiSchema({ name: 'HealthChecks', description: 'Terminus indicators by name; /health/live checks none' })
export class HealthChecksDto {
  @ApiPropertyOptional({
    type: DependencyStatusDto,
    description: 'This replica can take requests (not draining, in-process models and embedded database up)',
  })
  serving?: DependencyStatusDto;
  @ApiPropertyOptional({ type: DependencyStatusDto }) database?: DependencyStatusDto;
  @ApiPropertyOptional({ type: DependencyStatusDto }) inference?: DependencyStatusDto;
}

/** Terminus's report, as /health/live, /health/serving and /health/ready send it when up. */
@ApiSchema({ name: 'HealthReport' })
export class HealthReportDto {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
  @ApiProperty({ type: HealthChecksDto, description: 'Indicators that are up' }) info: HealthChecksDto;
  @ApiProperty({ type: HealthChecksDto, description: 'Indicators that are down (empty here)' }) error: HealthChecksDto;
  @ApiProperty({ type: HealthChecksDto, description: 'Every indicator' }) details: HealthChecksDto;
  @ApiProperty(REQUEST_ID_PROPERTY) requestId: string;
}

/** A not-ready /health/serving or /health/ready: the error envelope (error_code 506) with Terminus's report beside it. */
@ApiSchema({ name: 'ReadinessFailure' })
export class ReadinessFailureDto {
  @ApiProperty({ enum: ['error'] }) status: 'error';
  @ApiProperty({ type: 'integer', enum: [506] }) error_code: number;
  @ApiProperty({ example: 'Service not ready' }) message: string;
  @ApiProperty({ type: HealthChecksDto, description: 'Indicators that are up' }) info: HealthChecksDto;
  @ApiProperty({ type: HealthChecksDto, description: 'Indicators that are down' }) error: HealthChecksDto;
  @ApiProperty({ type: HealthChecksDto, description: 'Every indicator' }) details: HealthChecksDto;
  @ApiProperty(REQUEST_ID_PROPERTY) requestId: string;
}
