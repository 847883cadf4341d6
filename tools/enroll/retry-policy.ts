/** How long to wait before sending a request again, or whether to give up. Pure, so it is unit-tested. */
export interface RetryPolicy {
  /** Attempts in all (first + retries) while the service answers 429 or 503. */
  busyAttempts: number;
  /** Attempts in all while the connection fails (refused, reset, timed out). */
  networkAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is cut to it, so one answer cannot park the batch for hours. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  busyAttempts: 8,
  networkAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

export type AttemptOutcome = { status: number; retryAfter?: string | null } | { networkError: true };

/**
 * The delay before attempt `attemptsMade + 1`, or undefined to give up. 429 and 503 wait what
 * Retry-After says (seconds or an HTTP date), else back off exponentially with jitter; network
 * errors back off the same way, fewer times. Every other status is an answer: no retry.
 */
export function retryDelayMs(
  outcome: AttemptOutcome,
  attemptsMade: number,
  policy: RetryPolicy = defaultRetryPolicy,
  now: number = Date.now(),
  random: () => number = Math.random,
): number | undefined {
  if ('networkError' in outcome) return attemptsMade < policy.networkAttempts ? backoffMs(attemptsMade, policy, random) : undefined;
  if (outcome.status !== 429 && outcome.status !== 503) return undefined;
  if (attemptsMade >= policy.busyAttempts) return undefined;
  const asked = parseRetryAfterMs(outcome.retryAfter, now);
  return asked === undefined ? backoffMs(attemptsMade, policy, random) : Math.min(asked, policy.maxRetryAfterMs);
}

/** base * 2^(n-1), capped, times a factor in [0.5, 1) so concurrent workers do not retry in step. */
function backoffMs(attemptsMade: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attemptsMade - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** Retry-After is delay-seconds or an HTTP date (RFC 9110 10.2.3); anything else is ignored. */
export function parseRetryAfterMs(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // HTTP dates start with the day name; Date.parse alone would also read "1.5" as a date.
  const date = /^[A-Za-z]{3}/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
