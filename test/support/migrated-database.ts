import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/common/paths.js';
import { pgliteRunner } from '../../src/database/embedded-postgres.js';
import { applyMigrations, readMigrations } from '../../src/database/migrations.js';
import { PrismaService } from '../../src/database/prisma.service.js';
import { claimGallery } from '../../src/gallery/gallery-embedder.js';
import type { EmbedderContract } from '../../src/inference/embedder-contract.js';
import { seedEmbeddedDataDir } from './embedded-template.js';
import { syntheticEmbedder } from './embedders.js';

export const migrationsDir = path.join(projectRoot(), 'prisma', 'migrations');

/**
 * An embedded PostgreSQL with pgvector, as the app's PGlite runs, without the schema: a copy of the
 * initdb'd template (an in-memory instance runs initdb in WASM, 3-5 s each). close() removes the copy.
 */
export async function freshDatabase(): Promise<PGlite> {
  const dir = await mkdtemp(path.join(tmpdir(), 'face-matrix-medium-'));
  await seedEmbeddedDataDir(dir);
  const pglite = await PGlite.create({ dataDir: path.join(dir, 'pgdata'), extensions: { vector } });
  const close = pglite.close.bind(pglite);
  return Object.assign(pglite, {
    close: async () => {
      await close();
      await rm(dir, { recursive: true, force: true });
    },
  });
}

export interface MigratedDatabase {
  readonly pglite: PGlite;
  /** The app's Prisma client on that database: what the repositories take. */
  readonly prisma: PrismaService;
  /** The embedder the gallery was claimed for, as the app's start does: what the repositories take too. */
  readonly embedder: EmbedderContract;
  /** Empties every table, so each test starts from nothing. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** The medium tier's database: the embedded PostgreSQL, migrated and claimed for `embedder` by the app's own code, no Nest. */
export async function migratedDatabase(embedder: EmbedderContract = syntheticEmbedder()): Promise<MigratedDatabase> {
  const pglite = await freshDatabase();
  await applyMigrations(pgliteRunner(pglite), await readMigrations(migrationsDir));
  await claimGallery(pgliteRunner(pglite), embedder);
  const prisma = new PrismaService({ adapter: new PrismaPGlite(pglite) });
  return {
    pglite,
    prisma,
    embedder,
    reset: async () => {
      await pglite.exec('TRUNCATE users, faces, vectors_cache CASCADE');
    },
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}
