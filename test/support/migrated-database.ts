import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import path from 'node:path';
import { projectRoot } from '../../src/common/paths.js';
import { pgliteRunner } from '../../src/database/embedded-postgres.js';
import { applyMigrations, readMigrations } from '../../src/database/migrations.js';
import { PrismaService } from '../../src/database/prisma.service.js';

export const migrationsDir = path.join(projectRoot(), 'prisma', 'migrations');

/** An in-memory embedded PostgreSQL with pgvector, as the app's PGlite runs, without the schema. */
export function freshDatabase(): Promise<PGlite> {
  return PGlite.create({ extensions: { vector } });
}

export interface MigratedDatabase {
  readonly pglite: PGlite;
  /** The app's Prisma client on that database: what the repositories take. */
  readonly prisma: PrismaService;
  /** Empties every table, so each test starts from nothing. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** The medium tier's database: the embedded PostgreSQL, migrated by the app's own runner, no Nest. */
export async function migratedDatabase(): Promise<MigratedDatabase> {
  const pglite = await freshDatabase();
  await applyMigrations(pgliteRunner(pglite), await readMigrations(migrationsDir));
  const prisma = new PrismaService({ adapter: new PrismaPGlite(pglite) });
  return {
    pglite,
    prisma,
    reset: async () => {
      await pglite.exec('TRUNCATE users, faces, vectors_cache CASCADE');
    },
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}
