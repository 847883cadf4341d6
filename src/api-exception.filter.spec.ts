import { ArgumentsHost, ConsoleLogger, Logger, NotFoundException, PayloadTooLargeException, ServiceUnavailableException } from '@nestjs/common';
import { ApiExceptionFilter } from './api-exception.filter.js';
import { ApiError } from './common/api-error.js';
import { InferenceUnavailableError } from './inference/inference-backend.js';

interface Sent {
  status?: number;
  body?: Record<string, unknown>;
  headers: Record<string, string>;
}

/** Runs the filter on `exception` with a fake Express request and response; returns what was sent. */
function filter(exception: unknown, options: { headersSent?: boolean } = {}): Sent {
  const sent: Sent = { headers: {} };
  const response = {
    headersSent: options.headersSent ?? false,
    setHeader: (name: string, value: string) => void (sent.headers[name] = value),
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: Record<string, unknown>) {
      sent.body = body;
      return this;
    },
  };
  const host = { switchToHttp: () => ({ getRequest: () => ({ requestId: 'req-7' }), getResponse: () => response }) } as unknown as ArgumentsHost;
  new ApiExceptionFilter().catch(exception, host);
  return sent;
}

describe('ApiExceptionFilter', () => {
  let logged: string[];
  beforeEach(() => {
    logged = [];
    const capture = (message: unknown) => void logged.push(JSON.stringify(message));
    Logger.overrideLogger({ log: capture, error: capture, warn: capture });
  });
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  it('sends an ApiError as its own status, code, message, details and headers, with the request id', () => {
    const sent = filter(ApiError.faceAlreadyEnrolled('user-1', 0.93));
    expect(sent.status).toBe(409);
    expect(sent.body).toEqual({
      status: 'error',
      error_code: 471,
      message: 'This face is already enrolled as another user',
      details: [{ field: 'face', message: 'matches an enrolled user', user_id: 'user-1', similarity: 0.93 }],
      requestId: 'req-7',
    });
    expect(filter(ApiError.rateLimited(2.2)).headers).toEqual({ 'Retry-After': '3' });
  });

  it('turns an unavailable inference backend into 503 / 504 with Retry-After', () => {
    const sent = filter(new InferenceUnavailableError('Triton is down'));
    expect([sent.status, sent.body?.error_code, sent.headers['Retry-After']]).toEqual([503, 504, '5']);
    expect(sent.body?.message).toBe('Inference backend unavailable, retry later');
  });

  it('turns a refused database connection, however deep in the causes, into 503 / 503 and logs no stack', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
    const sent = filter(new Error('Invalid prisma.user.count() invocation', { cause: refused }));
    expect([sent.status, sent.body?.error_code, sent.headers['Retry-After']]).toEqual([503, 503, '5']);
    expect(logged).toEqual([JSON.stringify({ requestId: 'req-7', message: 'Database unavailable' })]);
  });

  it("maps Nest's and Express's own errors onto our codes", () => {
    expect(filter(new NotFoundException('Cannot GET /nope'))).toMatchObject({ status: 404, body: { error_code: 443, message: 'Route not found' } });
    expect(filter(new PayloadTooLargeException())).toMatchObject({ status: 413, body: { error_code: 413, message: 'Upload too large' } });
    const badJson = Object.assign(new SyntaxError('Unexpected token } in JSON'), { type: 'entity.parse.failed', status: 400 });
    expect(filter(badJson)).toMatchObject({ status: 400, body: { error_code: 401, message: 'Malformed JSON body' } });
  });

  it("keeps Terminus's per-dependency report beside the envelope when readiness fails (506)", () => {
    const report = { status: 'error', info: {}, error: { database: { status: 'down' } }, details: { database: { status: 'down' } } };
    const sent = filter(new ServiceUnavailableException(report));
    expect(sent.status).toBe(503);
    expect(sent.body).toEqual({
      status: 'error',
      error_code: 506,
      message: 'Service not ready',
      info: {},
      error: report.error,
      details: report.details,
      requestId: 'req-7',
    });
    expect(sent.headers['Retry-After']).toBe('5');
  });

  it('answers anything unexpected with a bare 500 and logs it with biometric data redacted', () => {
    const vector = `[${Array.from({ length: 20 }, (_, i) => (i / 20).toFixed(3)).join(',')}]`;
    const sent = filter(new TypeError(`cannot read embedding ${vector}`));
    expect(sent.status).toBe(500);
    expect(sent.body).toEqual({ status: 'error', error_code: 500, message: 'Internal server error', requestId: 'req-7' });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('TypeError: cannot read embedding [vector redacted]');
    expect(logged[0]).not.toContain('0.050');
  });

  it('leaves a response alone once its headers are sent', () => {
    expect(filter(ApiError.userNotFound(), { headersSent: true })).toEqual({ headers: {} });
  });
});
