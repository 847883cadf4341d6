/** Why one photo (or one person) did not go in. */
export type FailureKind =
  | 'no_face'
  | 'unusable_image'
  | 'unsupported_image'
  | 'too_large'
  | 'duplicate_face'
  | 'invalid_request'
  | 'user_missing'
  | 'service_error'
  | 'unreachable'
  | 'unreadable_file';

export interface Failure {
  kind: FailureKind;
  status?: number;
  errorCode?: number;
  message: string;
  /** For duplicate_face: the user the face already belongs to (the API's details[0].user_id). */
  existingUserId?: string;
  /** The x-request-id sent, to find the request in the service's logs. */
  requestId?: string;
}

/**
 * `final`: sending the same photo again would fail the same way, so a rerun does not retry it.
 * The others (the user vanished, the service failed or could not be reached) are retried on a rerun.
 */
export const failureKinds: Record<FailureKind, { label: string; final: boolean }> = {
  no_face: { label: 'no face found (422, 601)', final: true },
  unusable_image: { label: 'image unusable (422)', final: true },
  unsupported_image: { label: 'not a JPEG/PNG/WebP (415)', final: true },
  too_large: { label: 'upload too large (413)', final: true },
  duplicate_face: { label: 'face already enrolled as another user (409)', final: true },
  invalid_request: { label: 'request refused (4xx)', final: true },
  user_missing: { label: 'user deleted meanwhile (404)', final: false },
  service_error: { label: 'service error (5xx, or 429/503 after retries)', final: false },
  unreachable: { label: 'service unreachable (network, after retries)', final: false },
  unreadable_file: { label: 'photo file could not be read', final: false },
};

interface ErrorEnvelope {
  error_code?: unknown;
  message?: unknown;
  details?: unknown;
}

/** Maps an error answer of the API (status + envelope) to a failure kind. */
export function failureFromResponse(status: number, body: unknown, requestId?: string): Failure {
  const envelope = (typeof body === 'object' && body !== null ? body : {}) as ErrorEnvelope;
  const errorCode = typeof envelope.error_code === 'number' ? envelope.error_code : undefined;
  const message = typeof envelope.message === 'string' ? envelope.message : `HTTP ${status}`;
  const base = { status, errorCode, message, requestId };
  if (status === 422) return { ...base, kind: errorCode === 601 ? 'no_face' : 'unusable_image' };
  if (status === 415) return { ...base, kind: 'unsupported_image' };
  if (status === 413) return { ...base, kind: 'too_large' };
  if (status === 409 && errorCode !== 470) return { ...base, kind: 'duplicate_face', existingUserId: existingUserIdOf(envelope.details) };
  if (status === 404) return { ...base, kind: 'user_missing' };
  if (status >= 400 && status < 500 && status !== 429) return { ...base, kind: 'invalid_request' };
  return { ...base, kind: 'service_error' };
}

function existingUserIdOf(details: unknown): string | undefined {
  if (!Array.isArray(details)) return undefined;
  const first: unknown = details[0];
  const userId = typeof first === 'object' && first !== null ? (first as { user_id?: unknown }).user_id : undefined;
  return typeof userId === 'string' ? userId : undefined;
}

/** After a failed first enrollment, whether to try the next photo: not when the request itself (name, birthdate) was refused. */
export const nextPhotoMayEnroll = (failure: Failure) => failure.kind !== 'invalid_request' && failure.kind !== 'user_missing';
