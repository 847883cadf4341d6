import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '../security/public-route.js';
import { ApiErrorResponse } from '../common/error-envelope.dto.js';
import { Metrics } from './metrics.js';

@ApiTags('operations')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOperation({
    operationId: 'metrics',
    summary: 'Prometheus metrics (text format); open like /health, never rate limited',
    description:
      'face_matrix_http_requests_total and face_matrix_http_request_duration_seconds by method, route template and status; ' +
      'face_matrix_inference_duration_seconds by model; face_matrix_gallery_faces; face_matrix_enrollment_cache_entries; ' +
      'face_matrix_pipeline_inflight/queued; face_matrix_dependency_up{dependency} (database, inference; checked on scrape); ' +
      'face_matrix_draining; process metrics with the face_matrix_ prefix.',
  })
  @ApiOkResponse({ description: 'Prometheus text exposition format', schema: { type: 'string' } })
  @ApiErrorResponse(500)
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
