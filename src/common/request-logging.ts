import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

const logger = new Logger('HTTP');

/**
 * One structured line per request. Only method, route, status, duration and request id:
 * never bodies, files, query strings or headers, which may carry biometric data or keys.
 */
export function requestLoggingMiddleware(req: Request, res: Response, next: NextFunction): void {
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    const route = (req.route as { path?: string } | undefined)?.path;
    const entry = {
      requestId: req.requestId,
      method: req.method,
      route: route ? `${req.baseUrl}${route}` : 'unmatched',
      status: res.statusCode,
      durationMs: Math.round(durationMs * 10) / 10,
    };
    if (res.statusCode >= 500) logger.warn(entry);
    else logger.log(entry);
  });
  next();
}
