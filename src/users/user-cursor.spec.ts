import { ApiError } from '../common/api-error.js';
import { decodeUserCursor, encodeUserCursor } from './user-cursor.js';

describe('user cursor', () => {
  it('round-trips a position', () => {
    const cursor = { createdAt: new Date('2026-01-02T03:04:05.678Z'), id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301' };
    expect(decodeUserCursor(encodeUserCursor(cursor))).toEqual(cursor);
  });

  it.each(['', 'garbage!', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('["not a date","x"]').toString('base64url')])(
    'rejects %j with a 400',
    (text) => {
      expect(() => decodeUserCursor(text)).toThrow(ApiError);
      try {
        decodeUserCursor(text);
      } catch (error) {
        expect((error as ApiError).httpStatus).toBe(400);
      }
    },
  );
});
