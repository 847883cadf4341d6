import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { map, Observable } from 'rxjs';

/** Milliseconds per stage of the work behind a response; a stage that did not run is left out. */
export type Timings = Readonly<Record<string, number | undefined>>;

/** What a handler under ServerTimingInterceptor returns: the response body and where its time went. */
export interface Timed<Body> {
  readonly body: Body;
  readonly timings: Timings;
}

/** The standard Server-Timing header value: `decode;dur=2.1, detect;dur=8.0, ...`, in the order the stages ran. */
export function serverTimingHeader(timings: Timings): string {
  return Object.entries(timings)
    .filter((entry): entry is [string, number] => entry[1] !== undefined)
    .map(([stage, ms]) => `${stage};dur=${ms.toFixed(1)}`)
    .join(', ');
}

/**
 * The one place that sets Server-Timing, so clients and benchmarks see where time goes: the
 * handlers of a controller using it return `Timed<Body>`, and the client gets the body.
 */
@Injectable()
export class ServerTimingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler<Timed<unknown>>): Observable<unknown> {
    const response = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map(({ body, timings }) => {
        response.setHeader('Server-Timing', serverTimingHeader(timings));
        return body;
      }),
    );
  }
}
