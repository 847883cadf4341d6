import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from './metrics.js';

/** Counts and times every response by route template (`/api/v1/users/:id`), so ids never become labels. */
export function httpMetricsMiddleware(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const stopTimer = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const template = (req.route as { path?: string } | undefined)?.path;
      // Files served by a mounted middleware (the console's assets) have no route template but keep
      // their mount path: one label per mount keeps the series bounded.
      const route = template ? `${req.baseUrl}${template}` : req.baseUrl ? `${req.baseUrl}/*` : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      stopTimer(labels);
    });
    next();
  };
}
