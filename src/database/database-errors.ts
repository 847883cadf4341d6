import { Prisma } from '../generated/prisma/client.js';

/** Prisma error codes that mean "cannot reach the database", not "your query is wrong". */
const UNREACHABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** Node and pg errors seen when the server is down or the connection is cut. */
// "Can't reach database server" is how a failed raw query (P2010) reports a refused connection.
const CONNECTION_ERROR = /Can't reach database server|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|server closed the connection|database system is (starting up|shutting down)/i;

/** True when an error means the database is unreachable: the API answers 503 and retries later. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientInitializationError) return true;
  if (error instanceof Prisma.PrismaClientKnownRequestError && UNREACHABLE_CODES.has(error.code)) return true;
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|57P01|57P03)$/.test(code)) return true;
    if (CONNECTION_ERROR.test(current.message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
