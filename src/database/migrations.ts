import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { AdvisoryLock } from './advisory-locks.js';

/** The minimum a migration runner needs: a multi-statement script runner and a parameterised query. */
export interface SqlRunner {
  execScript(sql: string): Promise<void>;
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export interface Migration {
  name: string;
  sql: string;
  /** sha256 of migration.sql, as Prisma Migrate records it, so `prisma migrate deploy` agrees with us. */
  checksum: string;
}

/** Same shape as the table Prisma Migrate keeps, so the two can take turns on one database. */
const MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export async function readMigrations(migrationsDir: string): Promise<Migration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/**
 * Applies the migrations not yet recorded, in name order, in one transaction, and returns the
 * names applied. A recorded migration whose file changed stops the start: silently diverging
 * schemas are worse than a failed deploy. One transaction (with a transaction-level lock) also
 * works through a transaction-pooling PgBouncer, where a session lock would be left behind.
 */
export async function applyMigrations(runner: SqlRunner, migrations: Migration[]): Promise<string[]> {
  await runner.execScript('BEGIN');
  try {
    // First of all: replicas starting together on an empty database would otherwise race to create
    // the table itself (duplicate key in pg_type_typname_nsp_index).
    await runner.query('SELECT pg_advisory_xact_lock($1)', [AdvisoryLock.MIGRATIONS]);
    await runner.execScript(MIGRATIONS_TABLE);
    const rows = await runner.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Map(rows.map((row) => [row.migration_name, row.checksum]));
    const newlyApplied: string[] = [];
    for (const migration of migrations) {
      const recorded = applied.get(migration.name);
      if (recorded !== undefined) {
        if (recorded !== migration.checksum) {
          throw new Error(`Migration ${migration.name} was modified after it was applied (checksum mismatch)`);
        }
        continue;
      }
      await runMigration(runner, migration);
      newlyApplied.push(migration.name);
    }
    await runner.execScript('COMMIT');
    return newlyApplied;
  } catch (error) {
    // The first error is the cause: a failing ROLLBACK ("current transaction is aborted", a dead
    // connection) must not replace it.
    await runner.execScript('ROLLBACK').catch(() => undefined);
    throw error instanceof MigrationError || !REMEDIES.some(([pattern]) => pattern.test(String(error)))
      ? error
      : new MigrationError(undefined, error);
  }
}

async function runMigration(runner: SqlRunner, migration: Migration): Promise<void> {
  try {
    await runner.execScript(migration.sql);
  } catch (error) {
    throw new MigrationError(migration.name, error);
  }
  await runner.query(
    'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES ($1, $2, $3, now(), now(), 1)',
    [randomUUID(), migration.checksum, migration.name],
  );
}

/** What an operator must do, for the failures a new deployment meets; PostgreSQL's own words follow. */
const REMEDIES: [RegExp, string][] = [
  [
    /permission denied to create extension "vector"/,
    'the database role may not create the pgvector extension (it is not a trusted extension): run `CREATE EXTENSION vector;` once as a superuser in this database, then start again (docs/postgresql.md)',
  ],
  [
    /extension "vector" is not available|could not open extension control file/,
    'pgvector is not installed on the PostgreSQL server (docs/postgresql.md)',
  ],
  [/permission denied for schema/, 'the database role needs CREATE on its schema: `GRANT CREATE ON SCHEMA public TO <role>;` (docs/postgresql.md)'],
];

/** A migration that failed (named; undefined = the bookkeeping before any), with the remedy when the cause is a known setup mistake. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';

  constructor(
    readonly migration: string | undefined,
    cause: unknown,
  ) {
    const said = cause instanceof Error ? cause.message : String(cause);
    const remedy = REMEDIES.find(([pattern]) => pattern.test(said))?.[1];
    super(`${migration ? `Migration ${migration}` : 'Migrating'} failed: ${remedy ? `${remedy}. PostgreSQL said: ${said}` : said}`, { cause });
  }
}
