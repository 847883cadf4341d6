import { defaultRetryPolicy, parseRetryAfterMs, type RetryPolicy, retryDelayMs } from './retry-policy.js';

const policy: RetryPolicy = { busyAttempts: 4, networkAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };
const now = Date.parse('2026-01-01T00:00:00Z');
const noJitter = () => 0.999999;
const halfJitter = () => 0;

describe('retryDelayMs', () => {
  it.each([200, 201, 400, 404, 409, 413, 415, 422, 500, 502])('does not retry an answer with HTTP %i', (status) => {
    expect(retryDelayMs({ status }, 1, policy, now)).toBeUndefined();
  });

  it('waits what Retry-After says on 429 and 503, in seconds or as a date, capped', () => {
    expect(retryDelayMs({ status: 429, retryAfter: '2' }, 1, policy, now)).toBe(2000);
    expect(retryDelayMs({ status: 503, retryAfter: 'Thu, 01 Jan 2026 00:00:03 GMT' }, 1, policy, now)).toBe(3000);
    expect(retryDelayMs({ status: 503, retryAfter: '3600' }, 1, policy, now)).toBe(5000);
  });

  it('backs off exponentially, with jitter in [0.5, 1), when there is no usable Retry-After', () => {
    expect([1, 2, 3].map((attempt) => retryDelayMs({ status: 503 }, attempt, policy, now, noJitter))).toEqual([100, 200, 400]);
    expect([1, 2, 3].map((attempt) => retryDelayMs({ status: 429, retryAfter: 'soon' }, attempt, policy, now, halfJitter))).toEqual([50, 100, 200]);
  });

  it('gives up on 429/503 after busyAttempts, and on network errors after networkAttempts', () => {
    expect(retryDelayMs({ status: 429, retryAfter: '1' }, 3, policy, now)).toBe(1000);
    expect(retryDelayMs({ status: 429, retryAfter: '1' }, 4, policy, now)).toBeUndefined();
    expect(retryDelayMs({ networkError: true }, 2, policy, now, noJitter)).toBe(200);
    expect(retryDelayMs({ networkError: true }, 3, policy, now)).toBeUndefined();
  });

  it('never waits longer than maxDelayMs between backoff attempts', () => {
    const long = { ...policy, busyAttempts: 50 };
    expect(retryDelayMs({ status: 503 }, 30, long, now, noJitter)).toBe(1000);
  });

  it('has defaults that ride out a short overload', () => {
    const total = Array.from({ length: defaultRetryPolicy.busyAttempts - 1 }, (_, i) =>
      retryDelayMs({ status: 503 }, i + 1, defaultRetryPolicy, now, halfJitter)!,
    ).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(20_000);
  });
});

describe('parseRetryAfterMs', () => {
  it.each([
    ['0', 0],
    [' 7 ', 7000],
    ['Thu, 01 Jan 2026 00:00:10 GMT', 10_000],
    ['Wed, 31 Dec 2025 23:00:00 GMT', 0],
    ['1.5', undefined],
    ['-3', undefined],
    ['later', undefined],
    ['', undefined],
    [null, undefined],
  ])('reads %p as %p ms', (value, expected) => {
    expect(parseRetryAfterMs(value, now)).toBe(expected);
  });
});
