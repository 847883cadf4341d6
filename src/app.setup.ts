import { ConsoleLogger, INestApplication, LogLevel } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Express } from 'express';
import { ApiExceptionFilter } from './api-exception.filter.js';
import { requestIdMiddleware } from './common/request-id.js';
import { RequestIdBodyInterceptor } from './common/request-id.interceptor.js';
import { requestLoggingMiddleware } from './common/request-logging.js';
import { serveConsole } from './console/console-static.js';
import { createValidationPipe } from './common/validation.js';
import { AppConfig } from './config/app-config.js';
import { httpMetricsMiddleware } from './metrics/http-metrics.js';
import { Metrics } from './metrics/metrics.js';
import { applyHttpHardening } from './security/http-hardening.js';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Structured JSON logs from the configured level up. */
export function createLogger(level: AppConfig['logLevel']): ConsoleLogger {
  return new ConsoleLogger({ json: true, logLevels: LEVELS.slice(0, LEVELS.indexOf(level) + 1) });
}

/**
 * Everything the HTTP app needs besides its modules: shared by main.ts and the e2e tests,
 * so the tests drive exactly what production serves.
 */
export function configureApp(app: INestApplication): void {
  const express = app.getHttpAdapter().getInstance() as Express;
  express.disable('x-powered-by');
  // Client IPs (per-IP rate limits) come from X-Forwarded-For only when proxies are declared.
  express.set('trust proxy', app.get(AppConfig).trustProxy);
  app.use(requestIdMiddleware);
  app.use(requestLoggingMiddleware);
  app.use(httpMetricsMiddleware(app.get(Metrics)));
  applyHttpHardening(app, app.get(AppConfig));
  serveConsole(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  app.useGlobalInterceptors(new RequestIdBodyInterceptor());
  setUpSwagger(app);
}

function setUpSwagger(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Face Matrix')
      .setDescription(
        'Self-hosted face recognition. Upload a photo to recognise a person, or enroll them with the ' +
          'short-lived `req_id` a no-match returns. Every error uses one envelope with a stable `error_code`. ' +
          'With API_KEYS set, every /api/v1 route needs `x-api-key`; /health, /metrics and these docs stay open. ' +
          'Requests are rate limited per key (per IP without keys): 429 with Retry-After.',
      )
      .setVersion('1')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, 'api-key')
      .addSecurityRequirements('api-key')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
