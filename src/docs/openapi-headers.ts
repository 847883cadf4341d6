import type { HeaderObject, HeadersObject, OpenAPIObject, ReferenceObject } from '@nestjs/swagger';
import { operationsOf } from './operations.js';

/** Response headers, defined once under components.headers and referenced from each response. */
const HEADERS: Record<string, { name: string; header: HeaderObject }> = {
  RequestId: {
    name: 'x-request-id',
    header: {
      description:
        "On every response: the client's own x-request-id when it is 1-128 characters of [A-Za-z0-9._:-], else a new UUID. JSON bodies repeat it as `requestId`.",
      required: true,
      schema: { type: 'string', example: '2b1c9c1e-4a0e-4a47-9d61-0f5d3c1f3b9e' },
    },
  },
  RetryAfter: {
    name: 'Retry-After',
    header: { description: 'Seconds to wait before trying again', required: true, schema: { type: 'integer', minimum: 1, example: 5 } },
  },
  ServerTiming: {
    name: 'Server-Timing',
    header: {
      description: 'Milliseconds spent per stage that ran (decode, detect, landmarks, align, embed, search)',
      schema: { type: 'string', example: 'decode;dur=12.4, detect;dur=30.1, align;dur=2.0, embed;dur=41.7, search;dur=3.2' },
    },
  },
  RateLimitLimit: {
    name: 'X-RateLimit-Limit',
    header: {
      description: 'Requests allowed per minute (RATE_LIMIT_PER_MINUTE); absent when rate limiting is off',
      schema: { type: 'integer', example: 600 },
    },
  },
  RateLimitRemaining: {
    name: 'X-RateLimit-Remaining',
    header: { description: 'Requests left in the current minute; absent when rate limiting is off', schema: { type: 'integer', example: 599 } },
  },
  RateLimitReset: {
    name: 'X-RateLimit-Reset',
    header: { description: 'Seconds until the current minute is over; absent when rate limiting is off', schema: { type: 'integer', example: 60 } },
  },
};

const ref = (key: keyof typeof HEADERS): HeadersObject => ({
  [HEADERS[key].name]: { $ref: `#/components/headers/${key}` } satisfies ReferenceObject,
});

/** For recognise_user's 200. */
export const SERVER_TIMING_HEADER: HeadersObject = ref('ServerTiming');

const isRateLimited = (path: string) => path.startsWith('/api/v1/');

/**
 * Headers that depend on where a response comes from rather than on one route: the request id on
 * every response, Retry-After on 429 and 503, the rate-limit counters on the keyed /api/v1 routes
 * (the 429 itself carries only Retry-After).
 */
export function documentResponseHeaders(document: OpenAPIObject): void {
  document.components ??= {};
  document.components.headers = Object.fromEntries(Object.entries(HEADERS).map(([key, { header }]) => [key, header]));
  for (const { path, operation } of operationsOf(document)) {
    for (const [status, response] of Object.entries(operation.responses)) {
      if (!response || '$ref' in response) continue;
      response.headers = {
        ...ref('RequestId'),
        ...(status === '429' || status === '503' ? ref('RetryAfter') : {}),
        ...(isRateLimited(path) && status !== '429' ? { ...ref('RateLimitLimit'), ...ref('RateLimitRemaining'), ...ref('RateLimitReset') } : {}),
        ...response.headers,
      };
    }
  }
}
