import { isConsolePath } from '../console/console-static.js';
import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from './metrics.js';

/** Counts and times every response by route template (`/api/v1/users/:id`), so ids never become labels. */
export function httpMetricsMiddleware(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const stopTimer = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const template = (req.route as { path?: string } | undefined)?.path;
      // Static console files have no route template; one label for them all keeps the series bounded.
      const route = template ? `${req.baseUrl}${template}` : isConsolePath(req.originalUrl.split('?')[0]) ? '/console/*' : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      stopTimer(labels);
    });
    next();
  };
}
