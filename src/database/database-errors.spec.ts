import { Prisma } from '../generated/prisma/client.js';
import { describeDatabaseError, isBrokenConnection, isDatabaseUnavailable, sqlStateOf } from './database-errors.js';
import { backoffDelayMs } from './database-startup.js';
import { isReadOnlyStatement } from './resilient-adapter.js';

/** A raw query's failure as Prisma 7 reports it: P2010, the SQLSTATE only in the message and meta. */
function rawQueryFailure(code: string, message: string): Prisma.PrismaClientKnownRequestError {
  // Shaped as @prisma/driver-adapter-utils' DriverAdapterError: the mapped error under `cause`.
  const driverAdapterError = Object.assign(new Error('postgres'), {
    name: 'DriverAdapterError',
    cause: { kind: 'postgres', code, severity: 'FATAL', message, originalCode: code, originalMessage: message },
  });
  return new Prisma.PrismaClientKnownRequestError(`Raw query failed. Code: \`${code}\`. Message: \`${message}\``, {
    code: 'P2010',
    clientVersion: 'test',
    meta: { driverAdapterError },
  });
}

/** A pg server error as node-postgres raises it. */
const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'FATAL' });

describe('database errors', () => {
  it.each([
    ['57P01', 'terminating connection due to administrator command'],
    ['57P02', 'terminating connection due to crash of another server process'],
    ['57P03', 'the database system is starting up'],
    ['53300', 'sorry, too many clients already'],
    ['08006', 'connection failure'],
    ['40001', 'could not serialize access due to concurrent update'],
    ['25006', 'cannot execute INSERT in a read-only transaction'],
  ])('classify SQLSTATE %s as unavailable, from a P2010 and from pg itself', (code, message) => {
    expect(sqlStateOf(rawQueryFailure(code, message))).toBe(code);
    expect(isDatabaseUnavailable(rawQueryFailure(code, message))).toBe(true);
    expect(isDatabaseUnavailable(pgError(code, message))).toBe(true);
  });

  it.each([
    ['23505', 'duplicate key value violates unique constraint'],
    ['42P01', 'relation "faces" does not exist'],
    ['42501', 'permission denied for schema public'],
    ['22P02', 'invalid input syntax for type uuid'],
  ])('leave SQLSTATE %s a bug or a bad request (500 or 4xx), not an outage', (code, message) => {
    expect(isDatabaseUnavailable(rawQueryFailure(code, message))).toBe(false);
    expect(isDatabaseUnavailable(pgError(code, message))).toBe(false);
  });

  it('classify refused and cut connections, and Prisma codes for them', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBe(true);
    expect(
      isDatabaseUnavailable(
        new Prisma.PrismaClientKnownRequestError('Too many database connections opened', { code: 'P2037', clientVersion: 'test' }),
      ),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(
        new Prisma.PrismaClientKnownRequestError('Transaction API error: Unable to start a transaction in the given time.', {
          code: 'P2028',
          clientVersion: 'test',
        }),
      ),
    ).toBe(true);
    expect(isDatabaseUnavailable(new Error('something else'))).toBe(false);
  });

  it('describe an error by code and PostgreSQL words, without addresses', () => {
    expect(describeDatabaseError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }))).toBe(
      'cannot connect (ECONNREFUSED)',
    );
    expect(describeDatabaseError(rawQueryFailure('53300', 'sorry, too many clients already'))).toBe(
      'SQLSTATE 53300: sorry, too many clients already',
    );
    expect(describeDatabaseError(new Error('getaddrinfo failed for 10.1.2.3:5432'))).toBe('getaddrinfo failed for <address>');
  });
});

describe('retries', () => {
  it('try again only where the connection died under the statement, not where trying again adds load', () => {
    expect(isBrokenConnection(rawQueryFailure('57P01', 'terminating connection due to administrator command'))).toBe(true);
    expect(isBrokenConnection(pgError('08006', 'connection failure'))).toBe(true);
    expect(isBrokenConnection(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isBrokenConnection(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isBrokenConnection(rawQueryFailure('53300', 'sorry, too many clients already'))).toBe(false);
    expect(isBrokenConnection(Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isBrokenConnection(new Error('timeout exceeded when trying to connect'))).toBe(false);
    expect(isBrokenConnection(rawQueryFailure('23505', 'duplicate key value'))).toBe(false);
  });

  it('back off from 250 ms, doubling, to at most 5 s, with jitter', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((attempt) => backoffDelayMs(attempt, () => 0.5))).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
    expect(backoffDelayMs(1, () => 0)).toBe(200);
    expect(backoffDelayMs(10, () => 1)).toBe(6000);
  });

  it.each([
    ['SELECT "id" FROM "users" WHERE "id" = $1', true],
    ['WITH nearest AS (SELECT id FROM faces ORDER BY embedding <=> $1 LIMIT 1) SELECT * FROM nearest', true],
    ['  select 1', true],
    ['INSERT INTO faces (id) VALUES ($1) RETURNING id', false],
    ['WITH gone AS (DELETE FROM vectors_cache WHERE key = $1 RETURNING *) SELECT * FROM gone', false],
    ['SELECT * FROM users WHERE id = $1 FOR UPDATE', false],
    ["SELECT set_config('hnsw.ef_search', $1, true)", false],
    ['SELECT pg_advisory_xact_lock($1)', false],
    ['UPDATE users SET name = $1', false],
  ])('retry %s on a dead connection: %s', (sql, readOnly) => {
    expect(isReadOnlyStatement(sql)).toBe(readOnly);
  });
});
