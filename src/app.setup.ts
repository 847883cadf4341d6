import { ConsoleLogger, INestApplication, LogLevel } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Express } from 'express';
import { ApiExceptionFilter } from './api-exception.filter.js';
import { refuseDeepJson } from './common/json-depth.js';
import { RequestBodyTypeInterceptor } from './common/request-body-type.js';
import { requestIdMiddleware } from './common/request-id.js';
import { RequestIdBodyInterceptor } from './common/request-id.interceptor.js';
import { requestLoggingMiddleware } from './common/request-logging.js';
import { serveConsole } from './console/console-static.js';
import { setUpSwagger } from './docs/openapi.js';
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
  routeExactSpellingsOnly(express);
  express.disable('x-powered-by');
  // Client IPs (per-IP rate limits) come from X-Forwarded-For only when proxies are declared.
  express.set('trust proxy', app.get(AppConfig).trustProxy);
  app.use(requestIdMiddleware);
  app.use(requestLoggingMiddleware);
  app.use(httpMetricsMiddleware(app.get(Metrics)));
  applyHttpHardening(app, app.get(AppConfig));
  serveConsole(app);
  // Nest would add its own JSON parser at init; this one, in place now, is followed by the depth check.
  (app as NestExpressApplication).useBodyParser('json');
  app.use(refuseDeepJson());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  // Global interceptors run after the guards (rate limit, API key) and before a route's upload interceptor.
  app.useGlobalInterceptors(new RequestBodyTypeInterceptor(app.get(Reflector)), new RequestIdBodyInterceptor());
  setUpSwagger(app);
}

/**
 * Only a route's exact spelling reaches its handler: no letter-case or trailing-slash leniency.
 * (The key check does not rely on it: it is decided on the handler. This keeps each route one URL.)
 * Nest's Express adapter creates the router in its constructor, before these settings could take
 * effect, so the router gets them too; it reads them for every route and middleware added later.
 */
function routeExactSpellingsOnly(express: Express): void {
  express.set('case sensitive routing', true);
  express.set('strict routing', true);
  const router = express.router as unknown as { caseSensitive: boolean; strict: boolean };
  router.caseSensitive = true;
  router.strict = true;
}
