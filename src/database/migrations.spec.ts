import path from 'node:path';
import { projectRoot } from '../common/paths.js';
import { applyMigrations, readMigrations, SqlRunner } from './migrations.js';

const migrationsDir = path.join(projectRoot(), 'prisma', 'migrations');

/** Records every statement in order; answers the applied-migrations query from a fixed list. */
function fakeRunner(recorded: { migration_name: string; checksum: string }[], failOn?: RegExp) {
  const statements: string[] = [];
  const fail = (sql: string) => {
    if (failOn?.test(sql)) throw new Error('permission denied to create extension "vector"');
    // What PostgreSQL answers to anything but ROLLBACK once a statement failed in the transaction.
    if (failOn && statements.some((previous) => failOn.test(previous)) && sql !== 'ROLLBACK') throw new Error('current transaction is aborted');
  };
  const runner: SqlRunner = {
    execScript: async (sql) => {
      fail(sql);
      statements.push(sql);
    },
    query: async <Row>(sql: string, params: unknown[] = []) => {
      fail(sql);
      statements.push(`${sql} ${JSON.stringify(params)}`);
      return (sql.includes('FROM "_prisma_migrations"') ? recorded : []) as Row[];
    },
  };
  return { runner, statements };
}

describe('migrations', () => {
  it('declare the vector columns for the shipped embedder (512-D); the start resizes them for another while the gallery is empty', async () => {
    const migrations = await readMigrations(migrationsDir);
    const dimensions = migrations.flatMap((m) => [...m.sql.matchAll(/vector\((\d+)\)/g)].map((match) => Number(match[1])));
    expect(dimensions.length).toBeGreaterThan(0);
    expect(new Set(dimensions)).toEqual(new Set([512]));
  });

  it('take the lock before anything else, apply only what is not recorded, and record each with its checksum, in one transaction', async () => {
    const migrations = [
      { name: '1_a', sql: 'SELECT 1;', checksum: 'aa' },
      { name: '2_b', sql: 'SELECT 2;', checksum: 'bb' },
    ];
    const { runner, statements } = fakeRunner([{ migration_name: '1_a', checksum: 'aa' }]);
    expect(await applyMigrations(runner, migrations)).toEqual(['2_b']);
    expect(statements[0]).toBe('BEGIN');
    expect(statements[1]).toMatch(/^SELECT pg_advisory_xact_lock/);
    expect(statements[2]).toMatch(/CREATE TABLE IF NOT EXISTS "_prisma_migrations"/);
    expect(statements).not.toContain('SELECT 1;');
    const applied = statements.indexOf('SELECT 2;');
    expect(applied).toBeGreaterThan(2);
    expect(statements[applied + 1]).toMatch(/^INSERT INTO "_prisma_migrations".*"bb","2_b"/);
    expect(statements.at(-1)).toBe('COMMIT');
  });

  it('refuse to start when an applied migration was edited', async () => {
    const { runner, statements } = fakeRunner([{ migration_name: '1_a', checksum: 'old' }]);
    await expect(applyMigrations(runner, [{ name: '1_a', sql: 'SELECT 1;', checksum: 'new' }])).rejects.toThrow(/modified/);
    expect(statements.at(-1)).toBe('ROLLBACK');
  });

  it('report the first error, named and with its remedy, not what the aborted transaction says next', async () => {
    const { runner, statements } = fakeRunner([], /CREATE EXTENSION/);
    const failure = applyMigrations(runner, [{ name: '1_init', sql: 'CREATE EXTENSION IF NOT EXISTS vector;', checksum: 'aa' }]);
    await expect(failure).rejects.toThrow(
      /^Migration 1_init failed: .*CREATE EXTENSION vector;.* as a superuser.*PostgreSQL said: permission denied to create extension "vector"/,
    );
    expect(statements.at(-1)).toBe('ROLLBACK');
  });
});
