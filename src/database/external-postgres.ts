import pg from 'pg';
import type { SqlRunner } from './migrations.js';

/** Runs migrations over one plain pg connection: the simple protocol accepts multi-statement scripts. */
export async function withExternalRunner<T>(connectionString: string, work: (runner: SqlRunner) => Promise<T>, connectTimeoutMs = 3000): Promise<T> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: connectTimeoutMs });
  // A connection cut while idle (server restart) must fail the next query, not crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(clientRunner(client));
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function clientRunner(client: pg.Client): SqlRunner {
  return {
    execScript: async (sql) => {
      await client.query(sql);
    },
    query: async <Row>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as Row[],
  };
}

/**
 * The pool the Prisma adapter runs on. A connection killed while it is between statements (a
 * failover, pg_terminate_backend) can emit a late 'error' event when neither a query nor the pool
 * listens to it; Node would crash the process on it. The error still fails the statement or
 * removes the idle connection; this listener only keeps the process alive.
 */
export function connectionPool(connectionString: string, max: number, connectTimeoutMs: number): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: connectTimeoutMs });
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
