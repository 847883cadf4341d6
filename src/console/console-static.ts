import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Express, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../common/paths.js';

/** The web console's files: plain HTML, CSS and ES modules, shipped as they are (no build step). */
export const CONSOLE_DIR = path.join(projectRoot(), 'public', 'console');

/** Assets live under their own prefix, so they can never shadow /api, /health, /metrics or /api/docs. */
const ASSETS_PREFIX = '/console/';

/** The page itself (`/`) and its assets: the paths that get the console's CSP. */
export function isConsolePath(requestPath: string): boolean {
  return requestPath === '/' || requestPath.startsWith(ASSETS_PREFIX);
}

/** `/` answers the console page; `/console/*` its assets. Plain Express, ahead of Nest's routes. */
export function serveConsole(app: INestApplication): void {
  const indexHtml = path.join(CONSOLE_DIR, 'index.html');
  // Fail at start, not with a 500 on the first visit, when an image or checkout lacks public/.
  if (!existsSync(indexHtml)) throw new Error(`The web console is missing: ${indexHtml} not found (public/ must sit beside package.json)`);
  const express = app.getHttpAdapter().getInstance() as Express;
  express.get('/', (_req: Request, res: Response) => {
    // Always revalidate: a new release must not run against cached older modules.
    res.sendFile(indexHtml, { headers: { 'cache-control': 'no-cache' } });
  });
  (app as NestExpressApplication).useStaticAssets(CONSOLE_DIR, { prefix: ASSETS_PREFIX, index: false, redirect: false });
}
