import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { InferenceUnavailableError } from '../inference-backend.js';

/*
 * How one logical call to Triton behaves: a single deadline for all its attempts, retries
 * only while the server is UNAVAILABLE, and which failures mean "503, try later".
 */

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

/** Few, short retries: enough to ride out a reconnect, all inside the call's deadline. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, initialBackoffMs: 50, maxBackoffMs: 400 };

/**
 * Codes that mean Triton cannot serve now rather than that our request is wrong. NOT_FOUND is
 * here because Triton answers it for a model that is not (yet) loaded; RESOURCE_EXHAUSTED is
 * Triton's queue being full. A refused connection surfaces as UNAVAILABLE.
 */
const UNAVAILABLE_CODES: ReadonlySet<number> = new Set([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.NOT_FOUND,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.CANCELLED,
]);

export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number';
}

function codeName(code: number): string {
  return GrpcStatus[code] ?? String(code);
}

/** Turns a gRPC failure into the backend's vocabulary; `what` names the call, never its data. */
export function toBackendError(error: unknown, what: string): Error {
  if (error instanceof InferenceUnavailableError) {
    return error;
  }
  if (isServiceError(error)) {
    const message = `Triton ${what} failed: ${codeName(error.code)}: ${error.details}`;
    return UNAVAILABLE_CODES.has(error.code) ? new InferenceUnavailableError(message, { cause: error }) : new Error(message, { cause: error });
  }
  return error instanceof Error ? error : new Error(`Triton ${what} failed: ${String(error)}`);
}

export function backoffMs(policy: RetryPolicy, retryIndex: number): number {
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** retryIndex);
}

export interface RetryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: RetryClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Runs `attempt` until it succeeds, fails with something other than UNAVAILABLE, runs out of
 * attempts, or the next backoff would end past the deadline. Every attempt gets the same
 * absolute deadline, so the whole call never takes longer than `timeoutMs`.
 */
export async function callWithRetry<T>(
  attempt: (deadline: Date) => Promise<T>,
  timeoutMs: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  clock: RetryClock = realClock,
): Promise<T> {
  const deadline = clock.now() + timeoutMs;
  for (let attemptIndex = 0; ; attemptIndex++) {
    try {
      return await attempt(new Date(deadline));
    } catch (error) {
      const retryable = isServiceError(error) && error.code === GrpcStatus.UNAVAILABLE;
      const pause = backoffMs(policy, attemptIndex);
      if (!retryable || attemptIndex + 1 >= policy.maxAttempts || clock.now() + pause >= deadline) {
        throw error;
      }
      await clock.sleep(pause);
    }
  }
}
