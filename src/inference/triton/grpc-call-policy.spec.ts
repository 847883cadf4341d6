import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { InferenceUnavailableError } from '../inference-backend.js';
import { backoffMs, callWithRetry, type RetryClock, toBackendError } from './grpc-call-policy.js';

function grpcError(code: GrpcStatus, details = 'test'): ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new Metadata() });
}

/** A clock that only moves when the code under test sleeps. */
function fakeClock(): RetryClock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('toBackendError', () => {
  it.each([GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED, GrpcStatus.NOT_FOUND, GrpcStatus.RESOURCE_EXHAUSTED])(
    'maps gRPC code %s to InferenceUnavailableError (503)',
    (code) => {
      const error = toBackendError(grpcError(code, 'connection refused'), 'ModelInfer(embedder)');
      expect(error).toBeInstanceOf(InferenceUnavailableError);
      expect(error.message).toContain('ModelInfer(embedder)');
    },
  );

  it.each([GrpcStatus.INVALID_ARGUMENT, GrpcStatus.INTERNAL, GrpcStatus.UNIMPLEMENTED])(
    'keeps gRPC code %s a plain Error: it is our bug, not an outage',
    (code) => {
      const error = toBackendError(grpcError(code), 'ModelInfer(x)');
      expect(error).not.toBeInstanceOf(InferenceUnavailableError);
      expect(error.message).toContain(GrpcStatus[code]);
    },
  );
});

describe('callWithRetry', () => {
  it('doubles the backoff up to its cap', () => {
    const policy = { maxAttempts: 9, initialBackoffMs: 50, maxBackoffMs: 300 };
    expect([0, 1, 2, 3].map((index) => backoffMs(policy, index))).toEqual([50, 100, 200, 300]);
  });

  it('retries UNAVAILABLE with growing pauses and returns the first success', async () => {
    const clock = fakeClock();
    let calls = 0;
    const result = await callWithRetry(
      async () => {
        calls++;
        if (calls < 3) throw grpcError(GrpcStatus.UNAVAILABLE);
        return 'ok';
      },
      5000,
      { maxAttempts: 4, initialBackoffMs: 50, maxBackoffMs: 400 },
      clock,
    );
    expect(result).toBe('ok');
    expect(clock.sleeps).toEqual([50, 100]);
  });

  it('gives every attempt the same absolute deadline', async () => {
    const clock = fakeClock();
    const deadlines: number[] = [];
    await expect(
      callWithRetry(
        async (deadline) => {
          deadlines.push(deadline.getTime());
          throw grpcError(GrpcStatus.UNAVAILABLE);
        },
        1000,
        { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 10 },
        clock,
      ),
    ).rejects.toMatchObject({ code: GrpcStatus.UNAVAILABLE });
    expect(deadlines).toEqual([1000, 1000, 1000]);
  });

  it('stops retrying when the next pause would pass the deadline', async () => {
    const clock = fakeClock();
    let calls = 0;
    await expect(
      callWithRetry(
        async () => {
          calls++;
          throw grpcError(GrpcStatus.UNAVAILABLE);
        },
        120,
        { maxAttempts: 10, initialBackoffMs: 50, maxBackoffMs: 400 },
        clock,
      ),
    ).rejects.toBeDefined();
    expect(clock.sleeps).toEqual([50]); // 50 fits in 120 ms; the next pause, 100 more, would not
    expect(calls).toBe(2);
  });

  it('does not retry other failures', async () => {
    const clock = fakeClock();
    let calls = 0;
    await expect(
      callWithRetry(
        async () => {
          calls++;
          throw grpcError(GrpcStatus.INVALID_ARGUMENT);
        },
        5000,
        undefined,
        clock,
      ),
    ).rejects.toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT });
    expect(calls).toBe(1);
  });
});
