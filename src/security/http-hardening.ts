import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { AppConfig } from '../config/app-config.js';

const DOCS_PATH = /^\/api\/docs(\/|$)/;

/**
 * helmet's security headers everywhere. The API serves only JSON, so its CSP forbids everything;
 * Swagger UI (/api/docs) runs an inline initialiser and draws data: images, so it gets a CSP
 * relaxed for exactly that. CORS stays off unless CORS_ORIGINS names the origins.
 */
export function applyHttpHardening(app: INestApplication, config: AppConfig): void {
  const api = helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } });
  const docs = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        frameAncestors: ["'none'"],
      },
    },
  });
  app.use((req: Request, res: Response, next: NextFunction) => (DOCS_PATH.test(req.path) ? docs : api)(req, res, next));
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins.includes('*') ? '*' : [...config.corsOrigins],
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['content-type', 'x-api-key', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'retry-after', 'server-timing'],
      maxAge: 600,
    });
  }
}
