import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Failure, failureFromResponse } from './failure-kinds.js';
import { defaultRetryPolicy, type RetryPolicy, retryDelayMs } from './retry-policy.js';

/** The service answered 401: every later request would too, so the batch stops at once. */
export class KeyRefusedError extends Error {
  constructor(url: string) {
    super(`The service at ${url} refused the API key (401). Pass the right one with --api-key or FACE_MATRIX_API_KEY.`);
  }
}

/** The service could not be reached, even after retries, several requests in a row. */
export class ServiceUnreachableError extends Error {}

/** Ctrl-C arrived while waiting to retry. */
export class InterruptedError extends Error {}

export interface PhotoUpload {
  fileName: string;
  bytes: Buffer;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; failure: Failure };

interface Answer {
  status: number;
  body: unknown;
  requestId: string;
}

export interface EnrollmentClientOptions {
  baseUrl: string;
  apiKey?: string;
  retryPolicy?: RetryPolicy;
  /** Aborts waits between retries; a request already sent is let finish, so its outcome is recorded. */
  signal?: AbortSignal;
  requestTimeoutMs?: number;
  /** Told about each retry (status or network error, and the wait), for the progress display. */
  onRetry?: (reason: string, delayMs: number) => void;
}

// After this many requests in a row that failed on the network even after their retries, the service is taken as down.
const unreachableStreakLimit = 3;

const contentTypes: Record<string, string> = { '.png': 'image/png', '.webp': 'image/webp' };

/** The few Face Matrix API calls the batch needs, each retried on 429/503 and network errors. */
export class EnrollmentClient {
  private readonly baseUrl: string;
  private readonly policy: RetryPolicy;
  private unreachableStreak = 0;

  constructor(private readonly options: EnrollmentClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.policy = options.retryPolicy ?? defaultRetryPolicy;
  }

  /** One cheap authenticated call before the batch: fails fast on a wrong URL or key. */
  async checkAccess(): Promise<void> {
    const answer = await this.send('GET', '/api/v1/users?limit=1');
    if ('networkError' in answer) throw new ServiceUnreachableError(`Cannot reach the service at ${this.baseUrl}: ${answer.networkError}`);
    if (answer.status !== 200)
      throw new Error(`The service at ${this.baseUrl} answered GET /api/v1/users with HTTP ${answer.status}; is this a Face Matrix URL?`);
  }

  async addUser(person: { name: string; birthdate: string }, photo: PhotoUpload): Promise<ApiResult<string>> {
    const form = photoForm(photo);
    form.append('name', person.name);
    form.append('birthdate', person.birthdate);
    const answer = await this.send('POST', '/api/v1/add_user', form);
    return this.resultOf(answer, 201, (body) => (body as { user_id: string }).user_id);
  }

  async addFace(userId: string, photo: PhotoUpload): Promise<ApiResult<string>> {
    const answer = await this.send('POST', `/api/v1/users/${encodeURIComponent(userId)}/faces`, photoForm(photo));
    return this.resultOf(answer, 201, (body) => (body as { face_id: string }).face_id);
  }

  /** The user's name, or undefined when they no longer exist (404). */
  async findUserName(userId: string): Promise<ApiResult<string | undefined>> {
    const answer = await this.send('GET', `/api/v1/users/${encodeURIComponent(userId)}`);
    if (!('networkError' in answer) && answer.status === 404) return { ok: true, value: undefined };
    return this.resultOf(answer, 200, (body) => (body as { name: string }).name);
  }

  private resultOf<T>(answer: Answer | { networkError: string; requestId: string }, expected: number, read: (body: unknown) => T): ApiResult<T> {
    if ('networkError' in answer) return { ok: false, failure: { kind: 'unreachable', message: answer.networkError, requestId: answer.requestId } };
    if (answer.status === expected) return { ok: true, value: read(answer.body) };
    return { ok: false, failure: failureFromResponse(answer.status, answer.body, answer.requestId) };
  }

  /** Sends with retries. 401 throws; network errors come back as a value once retries are spent. */
  private async send(method: string, path: string, form?: FormData): Promise<Answer | { networkError: string; requestId: string }> {
    const requestId = `enroll-${randomUUID()}`;
    for (let attempt = 1; ; attempt++) {
      let delay: number | undefined;
      let reason: string;
      try {
        const response = await fetch(this.baseUrl + path, {
          method,
          body: form,
          headers: { 'x-request-id': requestId, ...(this.options.apiKey ? { 'x-api-key': this.options.apiKey } : {}) },
          signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 60_000),
        });
        this.unreachableStreak = 0;
        if (response.status === 401) throw new KeyRefusedError(this.baseUrl);
        const text = await response.text();
        const answer = { status: response.status, body: parseJson(text), requestId };
        delay = retryDelayMs({ status: response.status, retryAfter: response.headers.get('retry-after') }, attempt, this.policy);
        if (delay === undefined) return answer;
        reason = `HTTP ${response.status}`;
      } catch (error) {
        if (error instanceof KeyRefusedError) throw error;
        reason = networkErrorMessage(error);
        delay = retryDelayMs({ networkError: true }, attempt, this.policy);
        if (delay === undefined) {
          if (++this.unreachableStreak >= unreachableStreakLimit) {
            throw new ServiceUnreachableError(
              `The service at ${this.baseUrl} stopped answering (${reason}), ${unreachableStreakLimit} requests in a row.`,
            );
          }
          return { networkError: reason, requestId };
        }
      }
      this.options.onRetry?.(reason, delay);
      try {
        await sleep(delay, undefined, { signal: this.options.signal });
      } catch {
        throw new InterruptedError('interrupted while waiting to retry');
      }
    }
  }
}

function photoForm(photo: PhotoUpload): FormData {
  const extension = photo.fileName.slice(photo.fileName.lastIndexOf('.')).toLowerCase();
  const form = new FormData();
  form.append('image', new Blob([photo.bytes], { type: contentTypes[extension] ?? 'image/jpeg' }), photo.fileName);
  return form;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** fetch hides the cause ("fetch failed"); the code (ECONNREFUSED, ...) is what a reader needs. */
function networkErrorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'request timed out';
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}
