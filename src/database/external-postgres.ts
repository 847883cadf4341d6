import pg from 'pg';
import type { SqlRunner } from './migrations.js';

/** Runs migrations over one plain pg connection: the simple protocol accepts multi-statement scripts. */
export async function withExternalRunner<T>(connectionString: string, work: (runner: SqlRunner) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await work({
      execScript: async (sql) => {
        await client.query(sql);
      },
      query: async <Row>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as Row[],
    });
  } finally {
    await client.end();
  }
}
