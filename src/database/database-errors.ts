import { Prisma } from '../generated/prisma/client.js';

/** Prisma error codes that mean "cannot reach the database", not "your query is wrong". */
// P2028: a transaction could not start in time, expired, or died with its connection (overload or outage).
const UNREACHABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2037']);
/** Node and pg errors seen when the server is down or the connection is cut. */
// "Can't reach database server" is how a failed raw query (P2010) reports a refused connection.
const CONNECTION_ERROR =
  /Can't reach database server|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|server closed the connection|database system is (starting up|shutting down)/i;
const SOCKET_CODES = /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)$/;
/** Driver-adapter error kinds (Prisma 7) that mean the connection, not the statement, failed. */
const UNREACHABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TransactionWriteConflict']);

/**
 * SQLSTATEs that say "the server cannot serve you right now", whatever the statement:
 * 08 connection exception, 53 insufficient resources (53300 too many connections), 57P01-57P05
 * (admin/crash shutdown, cannot connect now, database dropped, idle session timeout), 40001/40P01
 * (serialization failure, deadlock: retry), 25006 (read-only: a standby after a failover),
 * 58 system error (I/O), 57014 (statement cancelled, e.g. statement_timeout).
 */
export function isTransientSqlState(code: string): boolean {
  return /^(08|53|58)/.test(code) || /^57P0[1-5]$/.test(code) || ['40001', '40P01', '25006', '57014'].includes(code);
}

/** Raised by the database layer while migrations have not been applied yet: the API answers 503. */
export class DatabaseNotReadyError extends Error {
  override readonly name = 'DatabaseNotReadyError';
}

/**
 * The SQLSTATE behind an error, wherever the layers put it: pg's `code`, a driver-adapter error's
 * `cause.originalCode`, Prisma's `meta.driverAdapterError`, or only the message of a P2010/P2039.
 */
export function sqlStateOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    const candidate = current as {
      code?: unknown;
      originalCode?: unknown;
      meta?: { driverAdapterError?: unknown };
      cause?: unknown;
      message?: unknown;
    };
    for (const code of [candidate.originalCode, candidate.code]) {
      if (typeof code === 'string' && isSqlState(code)) return code;
    }
    if (typeof candidate.message === 'string') {
      const quoted = /Code: `([0-9A-Z]{5})`/.exec(candidate.message);
      if (quoted) return quoted[1];
    }
    current = candidate.meta?.driverAdapterError ?? candidate.cause;
  }
  return undefined;
}

/** Five characters with digits (EPIPE is Node's), and not one of Prisma's own P1xxx-P6xxx codes. */
function isSqlState(code: string): boolean {
  return /^[0-9A-Z]{5}$/.test(code) && /\d/.test(code) && !/^P[1-9]\d{3}$/.test(code);
}

/** True when an error means the database cannot serve now: the API answers 503 and retries later. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientInitializationError) return true;
  if (error instanceof Prisma.PrismaClientKnownRequestError && UNREACHABLE_CODES.has(error.code)) return true;
  const state = sqlStateOf(error);
  if (state !== undefined) return isTransientSqlState(state);
  // Duck-typed, not instanceof Error: socket errors come from Node's own realm (a test's VM context has another Error).
  let current: unknown = error;
  for (let depth = 0; isObject(current) && depth < 6; depth++) {
    const { code, kind, name, message } = current as { code?: unknown; kind?: unknown; name?: unknown; message?: unknown };
    if (name === 'DatabaseNotReadyError') return true;
    if (typeof code === 'string' && SOCKET_CODES.test(code)) return true;
    if (typeof kind === 'string' && UNREACHABLE_KINDS.has(kind)) return true;
    if (typeof message === 'string' && CONNECTION_ERROR.test(message)) return true;
    // A driver-adapter error keeps its kind in a plain object under `cause`.
    current = (current as { meta?: { driverAdapterError?: unknown } }).meta?.driverAdapterError ?? (current as { cause?: unknown }).cause;
  }
  return false;
}

const BROKEN_CONNECTION = /Connection terminated|server closed the connection|Client has encountered a connection error|terminating connection/i;

/**
 * True when the connection under a statement died (killed, reset, the server restarting): another
 * pooled connection may well work, so a safe statement is worth one more try. Not for refusals,
 * pool timeouts or "too many connections", where trying again at once only adds load.
 */
export function isBrokenConnection(error: unknown): boolean {
  const state = sqlStateOf(error);
  if (state !== undefined) return state.startsWith('08') || state === '57P01' || state === '57P02';
  let current: unknown = error;
  for (let depth = 0; isObject(current) && depth < 6; depth++) {
    const { code, kind, message } = current as { code?: unknown; kind?: unknown; message?: unknown };
    if (code === 'ECONNRESET' || code === 'EPIPE' || kind === 'ConnectionClosed') return true;
    if (typeof message === 'string' && BROKEN_CONNECTION.test(message)) return true;
    current = (current as { meta?: { driverAdapterError?: unknown } }).meta?.driverAdapterError ?? (current as { cause?: unknown }).cause;
  }
  return false;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** A short reason for logs and the readiness report: codes and PostgreSQL's words, never addresses. */
export function describeDatabaseError(error: unknown): string {
  const state = sqlStateOf(error);
  const message =
    isObject(error) && typeof (error as { message?: unknown }).message === 'string' ? (error as { message: string }).message : String(error);
  if (state !== undefined) {
    const text = /Message: `([^`]*)`/.exec(message)?.[1] ?? message;
    return `SQLSTATE ${state}: ${text.split('\n')[0].slice(0, 200)}`;
  }
  let current: unknown = error;
  for (let depth = 0; isObject(current) && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && SOCKET_CODES.test(code)) return `cannot connect (${code})`;
    current = (current as { cause?: unknown }).cause;
  }
  return message
    .replace(/\d{1,3}(\.\d{1,3}){3}(:\d+)?/g, '<address>')
    .split('\n')[0]
    .slice(0, 200);
}

/** Node's codes for a server certificate it does not trust. */
const UNTRUSTED_CERTIFICATE =
  /^(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_HAS_EXPIRED|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH)$/;

/**
 * A start-up failure with what to do about it, where the cause is a known setup mistake; otherwise
 * the error itself. node-postgres checks the certificate for sslmode=require (libpq does not).
 */
export function explainStartFailure(error: unknown): unknown {
  let current: unknown = error;
  for (let depth = 0; isObject(current) && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && UNTRUSTED_CERTIFICATE.test(code)) {
      const said = (current as { message?: unknown }).message;
      return new Error(
        `The database server's TLS certificate is not trusted (${code}: ${String(said)}). node-postgres verifies it for every sslmode but disable: ` +
          "give the CA with sslrootcert=/path/ca.pem, or add uselibpqcompat=true to DATABASE_URL for libpq's meaning of sslmode=require (encrypted, unverified). See docs/postgresql.md",
        { cause: error },
      );
    }
    current = (current as { cause?: unknown }).cause;
  }
  return error;
}
