import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { AppConfig } from '../config/app-config.js';
import { isConsolePath } from '../console/console-static.js';

const DOCS_PATH = /^\/api\/docs(\/|$)/;

/**
 * helmet's security headers everywhere. The API serves only JSON, so its CSP forbids everything;
 * Swagger UI (/api/docs) runs an inline initialiser and draws data: images, so it gets a CSP
 * relaxed for exactly that. The web console (/ and /console/*) loads only its own files: no inline
 * code, blob:/data: images for the photo preview, blob: media for the webcam, fetch to this origin.
 * CORS stays off unless CORS_ORIGINS names the origins.
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
        // As for the console: over plain HTTP on any host but localhost it would send Swagger UI's
        // own script and stylesheet to an https:// URL that does not exist, leaving a blank page.
        upgradeInsecureRequests: null,
      },
    },
  });
  const consolePage = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'blob:', 'data:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        // No upgrade-insecure-requests: on a plain-HTTP LAN address it would send the page's own
        // assets to an https:// URL that does not exist.
      },
    },
  });
  const pick = (path: string) => (DOCS_PATH.test(path) ? docs : isConsolePath(path) ? consolePage : api);
  app.use((req: Request, res: Response, next: NextFunction) => pick(req.path)(req, res, next));
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
