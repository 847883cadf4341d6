import type { Response } from 'express';

/** Per-stage durations in the standard Server-Timing header, so clients and benchmarks see where time goes. */
export function setServerTiming(response: Response, timings: Record<string, number>): void {
  const entries = Object.entries(timings).map(([stage, ms]) => `${stage};dur=${ms.toFixed(1)}`);
  response.setHeader('Server-Timing', entries.join(', '));
}
