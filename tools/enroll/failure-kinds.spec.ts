import { failureFromResponse, failureKinds, nextPhotoMayEnroll } from './failure-kinds.js';

const envelope = (error_code: number, message: string, details?: unknown) => ({ status: 'error', error_code, message, requestId: 'r', details });

describe('failureFromResponse', () => {
  it.each([
    [422, envelope(601, 'Face not detected in the image'), 'no_face'],
    [422, envelope(602, 'Image cannot be used'), 'unusable_image'],
    [422, envelope(416, 'Too many pixels'), 'unusable_image'],
    [415, envelope(415, 'Not an image'), 'unsupported_image'],
    [413, envelope(413, 'Too large'), 'too_large'],
    [409, envelope(471, 'Face already enrolled', [{ user_id: 'u-1', similarity: 0.9 }]), 'duplicate_face'],
    [404, envelope(441, 'User not found'), 'user_missing'],
    [400, envelope(400, 'Invalid', [{ field: 'name', message: 'too long' }]), 'invalid_request'],
    [409, envelope(470, 'Email already used'), 'invalid_request'],
    [500, envelope(500, 'Internal'), 'service_error'],
    [503, envelope(505, 'Overloaded'), 'service_error'],
    [429, envelope(429, 'Slow down'), 'service_error'],
    [502, '<html>bad gateway</html>', 'service_error'],
  ])('HTTP %i %j is %s', (status, body, kind) => {
    expect(failureFromResponse(status, body).kind).toBe(kind);
  });

  it("keeps the error code, message and, for a duplicate face, the existing user's id", () => {
    expect(failureFromResponse(409, envelope(471, 'Face already enrolled', [{ user_id: 'u-1' }]), 'enroll-1')).toEqual({
      kind: 'duplicate_face',
      status: 409,
      errorCode: 471,
      message: 'Face already enrolled',
      existingUserId: 'u-1',
      requestId: 'enroll-1',
    });
    expect(failureFromResponse(502, undefined)).toMatchObject({ message: 'HTTP 502', errorCode: undefined });
  });

  it('retries on a rerun only what may go through another time', () => {
    const retried = Object.entries(failureKinds)
      .filter(([, kind]) => !kind.final)
      .map(([name]) => name);
    expect(retried.sort()).toEqual(['service_error', 'unreachable', 'unreadable_file', 'user_missing']);
  });

  it('tries the next photo after a photo problem, not after a refused request', () => {
    expect(nextPhotoMayEnroll(failureFromResponse(422, envelope(601, 'x')))).toBe(true);
    expect(nextPhotoMayEnroll(failureFromResponse(409, envelope(471, 'x')))).toBe(true);
    expect(nextPhotoMayEnroll(failureFromResponse(400, envelope(400, 'x')))).toBe(false);
  });
});
