import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { ApiErrorResponse } from '../common/error-envelope.dto.js';
import { DatabaseHealthIndicator } from './database.health.js';
import { HealthReportDto, ReadinessFailureDto } from './dto/health-report.dto.js';
import { InferenceHealthIndicator } from './inference.health.js';
import { Public } from '../security/public-route.js';
import { ServingHealthIndicator } from './serving.health.js';

const NOT_READY = 'Error envelope (error_code 506, Retry-After) plus the Terminus report: `details` names what is down';

/**
 * Three questions, three routes (docs/deployment.md): is the process up (liveness), can this
 * replica take requests (Kubernetes readiness), and is the whole service ready, shared database
 * and inference backend included (API.md's readiness, for monitoring and smoke tests).
 */
@ApiTags('health')
@Public()
@ApiErrorResponse(500)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly serving: ServingHealthIndicator,
    private readonly database: DatabaseHealthIndicator,
    private readonly inference: InferenceHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ operationId: 'healthLive', summary: 'Liveness: the process is up. Never touches dependencies.' })
  @ApiOkResponse({ description: 'Up; the report lists no indicators', type: HealthReportDto })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('serving')
  @HealthCheck()
  @ApiOperation({
    operationId: 'healthServing',
    summary: 'This replica can take requests: started, in-process models loaded, not draining after SIGTERM (Kubernetes readiness)',
    description:
      'Checks only what lives in this process (and the embedded database when DATABASE_URL is unset). A shared PostgreSQL ' +
      'or Triton being down does not fail it: requests then get 503 envelopes with Retry-After, and /health/ready reports the outage.',
  })
  @ApiOkResponse({ description: 'This replica serves', type: HealthReportDto })
  @ApiServiceUnavailableResponse({ description: NOT_READY, type: ReadinessFailureDto })
  servingNow(): Promise<HealthCheckResult> {
    return this.health.check([() => this.serving.isServing()]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    operationId: 'healthReady',
    summary: 'Readiness of the whole service: this replica serves, the database answers and the inference backend has its models ready',
  })
  @ApiOkResponse({ description: 'Serving, database and inference all up', type: HealthReportDto })
  @ApiServiceUnavailableResponse({ description: NOT_READY, type: ReadinessFailureDto })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.serving.isServing(), () => this.database.isHealthy(), () => this.inference.isHealthy()]);
  }
}
