import { createHash } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pgliteRunner } from '../../src/database/embedded-postgres.js';
import { applyMigrations, Migration, readMigrations } from '../../src/database/migrations.js';
import { freshDatabase, migrationsDir } from '../support/migrated-database.js';

interface Recorded {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  applied_steps_count: number;
}

describe('the migration runner on the embedded database', () => {
  let db: PGlite;
  let migrations: Migration[];
  // One database for the file (starting PGlite takes seconds); each test gets an empty one.
  beforeAll(async () => {
    migrations = await readMigrations(migrationsDir);
    db = await freshDatabase();
  });
  beforeEach(() => db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;'));
  afterAll(() => db.close());

  const recorded = async () =>
    (await db.query<Recorded>('SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name'))
      .rows;
  const tables = async () =>
    (
      await db.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")
    ).rows.map((row) => row.table_name);

  it('creates the schema and records each migration as Prisma Migrate would (sha256 of migration.sql)', async () => {
    expect(await applyMigrations(pgliteRunner(db), migrations)).toEqual(migrations.map((m) => m.name));
    expect(await tables()).toEqual(['_prisma_migrations', 'embedders', 'faces', 'users', 'vectors_cache']);
    const rows = await recorded();
    expect(rows.map((row) => row.migration_name)).toEqual(migrations.map((m) => m.name));
    for (const row of rows) {
      const file = readFileSync(path.join(migrationsDir, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(file).digest('hex'));
      expect(row.finished_at).not.toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    // The k-NN index the face search relies on exists.
    const indexes = await db.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE tablename = 'faces'");
    expect(indexes.rows.map((row) => row.indexdef).join('\n')).toMatch(/USING hnsw \(embedding vector_cosine_ops\)/);
  });

  it('applies nothing the second time, and keeps the data', async () => {
    await applyMigrations(pgliteRunner(db), migrations);
    await db.exec(`INSERT INTO users (id, name, birthdate) VALUES (gen_random_uuid(), 'Kept', '1990-01-01')`);
    expect(await applyMigrations(pgliteRunner(db), migrations)).toEqual([]);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(1);
    expect(await recorded()).toHaveLength(migrations.length);
  });

  it('applies a new migration on top, and refuses to start when an applied one was edited', async () => {
    await applyMigrations(pgliteRunner(db), migrations);
    const added: Migration = { name: '99990101000000_add_note', sql: 'ALTER TABLE users ADD COLUMN note TEXT;', checksum: 'c'.repeat(64) };
    expect(await applyMigrations(pgliteRunner(db), [...migrations, added])).toEqual([added.name]);
    await db.exec(`INSERT INTO users (id, name, birthdate, note) VALUES (gen_random_uuid(), 'N', '1990-01-01', 'x')`);

    const edited = { ...added, checksum: 'd'.repeat(64) };
    await expect(applyMigrations(pgliteRunner(db), [...migrations, edited])).rejects.toThrow(/99990101000000_add_note was modified/);
  });

  it('rolls a failing migration back whole and does not record it, so a fixed one can run', async () => {
    await applyMigrations(pgliteRunner(db), migrations);
    const broken: Migration = {
      name: '99990101000000_broken',
      sql: 'CREATE TABLE half_done (id INT);\nALTER TABLE no_such_table ADD COLUMN x INT;',
      checksum: 'e'.repeat(64),
    };
    // The cause, not "current transaction is aborted" from the unlock that follows.
    await expect(applyMigrations(pgliteRunner(db), [...migrations, broken])).rejects.toThrow(
      /^Migration 99990101000000_broken failed: relation "no_such_table" does not exist$/,
    );
    expect(await tables()).not.toContain('half_done');
    expect((await recorded()).map((row) => row.migration_name)).not.toContain(broken.name);

    const fixed = { ...broken, sql: 'CREATE TABLE half_done (id INT);' };
    expect(await applyMigrations(pgliteRunner(db), [...migrations, fixed])).toEqual([fixed.name]);
    expect(await tables()).toContain('half_done');
  });
});
