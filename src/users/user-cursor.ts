import { ApiError } from '../common/api-error.js';
import type { UserCursor } from './users.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * Rows are created by this service's clock, so a real position lies in this range; PostgreSQL
 * refuses some dates JavaScript accepts (year 0, year -271821), which would otherwise be a 500.
 */
const EARLIEST = Date.parse('1970-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/** Opaque to clients: base64url of the last row's position. */
export function encodeUserCursor(cursor: UserCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url');
}

/** Parses a client's cursor; anything that is not one we issued is a 400. */
export function decodeUserCursor(text: string): UserCursor {
  const invalid = () => ApiError.badRequest('Invalid cursor', [{ field: 'cursor', message: 'cursor is not a value returned by this API' }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string') throw invalid();
  const createdAt = new Date(parsed[0]);
  const time = createdAt.getTime();
  // Exactly what encodeUserCursor writes (toISOString), so no lenient date parsing widens the range.
  if (Number.isNaN(time) || time < EARLIEST || time > LATEST || createdAt.toISOString() !== parsed[0]) throw invalid();
  if (!UUID.test(parsed[1])) throw invalid();
  return { createdAt, id: parsed[1] };
}
