import { ApiError } from '../common/api-error.js';
import { decodeUserCursor, encodeUserCursor } from './user-cursor.js';

const ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const cursorOf = (createdAt: string, id = ID) => Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');

function expect400(text: string): void {
  let thrown: unknown;
  try {
    decodeUserCursor(text);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ApiError);
  expect((thrown as ApiError).httpStatus).toBe(400);
  expect((thrown as ApiError).details).toEqual([{ field: 'cursor', message: expect.any(String) }]);
}

describe('user cursor', () => {
  it('round-trips a position', () => {
    const cursor = { createdAt: new Date('2026-01-02T03:04:05.678Z'), id: ID };
    expect(decodeUserCursor(encodeUserCursor(cursor))).toEqual(cursor);
  });

  it.each(['', 'garbage!', Buffer.from('{"a":1}').toString('base64url'), cursorOf('not a date', 'x')])('rejects %j with a 400', expect400);

  it.each([
    '0000-01-01T00:00:00.000Z', // JavaScript's year 0; PostgreSQL has none
    '-271821-04-20T00:00:00.000Z', // JavaScript's earliest date
    '+275760-09-13T00:00:00.000Z', // and its latest
    '1969-12-31T23:59:59.999Z', // before any row could exist
    '+010000-01-01T00:00:00.000Z',
  ])('rejects a position at %s with a 400, not a database error', (createdAt) => expect400(cursorOf(createdAt)));

  it.each(['2026-01-02', '2026-01-02T03:04:05Z', '2026-01-02T03:04:05.678+00:00', 'Fri, 02 Jan 2026 03:04:05 GMT'])(
    'rejects %s: only the form this API writes is a cursor',
    (createdAt) => expect400(cursorOf(createdAt)),
  );
});
