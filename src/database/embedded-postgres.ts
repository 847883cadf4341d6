import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import type { SqlRunner } from './migrations.js';

/**
 * Starts the embedded PostgreSQL (PGlite, WASM, in-process) with pgvector, persisted under
 * `<dataDir>/pgdata`. PGlite has one session and runs queries on the event loop.
 */
export async function startEmbeddedPostgres(dataDir: string, options: { sharedBuffersMb?: number } = {}): Promise<PGlite> {
  const directory = path.resolve(dataDir, 'pgdata');
  await mkdir(directory, { recursive: true });
  // A k-NN walk touches index pages all over the graph: a cache miss is a file read plus a copy into WASM memory.
  const postgresqlconf = options.sharedBuffersMb === undefined ? undefined : [`shared_buffers = '${options.sharedBuffersMb}MB'`];
  const pglite = await PGlite.create({ dataDir: directory, extensions: { vector }, relaxedDurability: false, postgresqlconf });
  await pglite.waitReady;
  return pglite;
}

export function pgliteRunner(pglite: PGlite): SqlRunner {
  return {
    execScript: async (sql) => {
      await pglite.exec(sql);
    },
    query: async <Row>(sql: string, params?: unknown[]) => (await pglite.query<Row>(sql, params)).rows,
  };
}
