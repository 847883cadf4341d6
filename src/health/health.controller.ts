import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { ApiErrorResponse } from '../common/error-envelope.dto.js';
import { DatabaseHealthIndicator } from './database.health.js';
import { HealthReportDto, ReadinessFailureDto } from './dto/health-report.dto.js';
import { InferenceHealthIndicator } from './inference.health.js';
import { Public } from '../security/public-route.js';

@ApiTags('health')
@Public()
@ApiErrorResponse(500)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
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

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ operationId: 'healthReady', summary: 'Readiness: the database answers and the inference backend has its models ready' })
  @ApiOkResponse({ description: 'Every dependency up', type: HealthReportDto })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down: error_code 506 plus the Terminus report; see Retry-After', type: ReadinessFailureDto })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.database.isHealthy(), () => this.inference.isHealthy()]);
  }
}
