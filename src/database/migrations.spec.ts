import path from 'node:path';
import { EMBEDDING_DIMENSION } from '../common/embedding.js';
import { projectRoot } from '../common/paths.js';
import { applyMigrations, readMigrations, SqlRunner } from './migrations.js';

const migrationsDir = path.join(projectRoot(), 'prisma', 'migrations');

/** Records statements; answers the applied-migrations query from a fixed list. */
function fakeRunner(recorded: { migration_name: string; checksum: string }[]) {
  const scripts: string[] = [];
  const runner: SqlRunner = {
    execScript: async (sql) => {
      scripts.push(sql);
    },
    query: async <Row>(sql: string) => (sql.includes('FROM "_prisma_migrations"') ? (recorded as Row[]) : []),
  };
  return { runner, scripts };
}

describe('migrations', () => {
  it('declare every vector column with the embedder dimension the code uses', async () => {
    const migrations = await readMigrations(migrationsDir);
    const dimensions = migrations.flatMap((m) => [...m.sql.matchAll(/vector\((\d+)\)/g)].map((match) => Number(match[1])));
    expect(dimensions.length).toBeGreaterThan(0);
    expect(new Set(dimensions)).toEqual(new Set([EMBEDDING_DIMENSION]));
  });

  it('apply only what is not recorded, in order, and record each with its checksum', async () => {
    const migrations = [
      { name: '1_a', sql: 'SELECT 1;', checksum: 'aa' },
      { name: '2_b', sql: 'SELECT 2;', checksum: 'bb' },
    ];
    const { runner, scripts } = fakeRunner([{ migration_name: '1_a', checksum: 'aa' }]);
    expect(await applyMigrations(runner, migrations)).toEqual(['2_b']);
    const applied = scripts.filter((script) => script.startsWith('BEGIN'));
    expect(applied).toHaveLength(1);
    expect(applied[0]).toContain('SELECT 2;');
    expect(applied[0]).toContain("'bb', '2_b'");
  });

  it('refuse to start when an applied migration was edited', async () => {
    const { runner } = fakeRunner([{ migration_name: '1_a', checksum: 'old' }]);
    await expect(applyMigrations(runner, [{ name: '1_a', sql: 'SELECT 1;', checksum: 'new' }])).rejects.toThrow(/modified/);
  });
});
