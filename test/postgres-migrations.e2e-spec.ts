import { Logger } from '@nestjs/common';
import path from 'node:path';
import pg from 'pg';
import { projectRoot } from '../src/common/paths.js';
import { AppConfig } from '../src/config/app-config.js';
import { validateEnvironment } from '../src/config/environment.js';
import { clientRunner } from '../src/database/external-postgres.js';
import { applyMigrations, Migration, readMigrations } from '../src/database/migrations.js';
import { PrismaService } from '../src/database/prisma.service.js';
import { onRealPostgres } from './support/database-engines.js';
import { databaseUrl, sharedPostgres, superuserQuery, TestDatabase } from './support/real-postgres.js';

/** The service's start against `url`, without the rest of the app: resolves or rejects with the start's outcome. */
async function startDatabase(url: string): Promise<{ prisma: PrismaService; outcome: Promise<unknown> }> {
  const prisma = await PrismaService.connect(
    new AppConfig(validateEnvironment({ DATABASE_URL: url, DATABASE_START_TIMEOUT_MS: '5000', LOG_LEVEL: 'fatal' })),
  );
  return {
    prisma,
    outcome: prisma.started.then(
      () => 'started',
      (error: unknown) => error,
    ),
  };
}

// The refused starts below log their cause; the assertions read it from the error instead.
Logger.overrideLogger(['fatal']);

onRealPostgres('migrations on a real PostgreSQL', () => {
  let migrations: Migration[];
  const databases: TestDatabase[] = [];
  const roles: string[] = [];
  const created = async (options: { migrated?: boolean } = {}) => {
    const database = await sharedPostgres().createDatabase(options);
    databases.push(database);
    return database;
  };
  /** A login role that is not a superuser, as a managed PostgreSQL hands out. */
  const ordinaryRole = async () => {
    const role = `fm_role_${process.pid}_${roles.length}`;
    await superuserQuery(sharedPostgres().adminUrl, `DROP ROLE IF EXISTS ${role}`);
    await superuserQuery(sharedPostgres().adminUrl, `CREATE ROLE ${role} LOGIN`);
    roles.push(role);
    return role;
  };

  beforeAll(async () => {
    migrations = await readMigrations(path.join(projectRoot(), 'prisma', 'migrations'));
  });
  afterAll(async () => {
    for (const database of databases) await database.drop();
    for (const role of roles) await superuserQuery(sharedPostgres().adminUrl, `DROP ROLE IF EXISTS ${role}`);
  });

  it('lets three replicas whose first statements line up migrate one empty database, each migration once', async () => {
    for (let round = 0; round < 5; round++) {
      const database = await created({ migrated: false });
      // Connected first, then released together: the moment that raced on CREATE TABLE "_prisma_migrations".
      const clients = Array.from({ length: 3 }, () => new pg.Client({ connectionString: database.url }));
      await Promise.all(clients.map((client) => client.connect()));
      try {
        const results = await Promise.allSettled(clients.map((client) => applyMigrations(clientRunner(client), migrations)));
        expect(results.map((result) => (result.status === 'rejected' ? String(result.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok']);
        const applied = results.flatMap((result) => (result.status === 'fulfilled' ? result.value : []));
        expect(applied.sort()).toEqual(migrations.map((m) => m.name).sort());
      } finally {
        await Promise.all(clients.map((client) => client.end()));
      }
      const recorded = await superuserQuery(database.url, 'SELECT migration_name FROM "_prisma_migrations"');
      expect(recorded).toHaveLength(migrations.length);
    }
  }, 120_000);

  it('names the cause when the role may not create the vector extension, and gives the remedy', async () => {
    const database = await created({ migrated: false });
    const role = await ordinaryRole();
    await superuserQuery(database.url, `ALTER DATABASE "${database.name}" OWNER TO ${role}`);
    const url = databaseUrl(sharedPostgres().adminUrl, database.name, role);

    const refused = await startDatabase(url);
    const error = (await refused.outcome) as Error;
    await refused.prisma.onApplicationShutdown();
    expect(error).toBeInstanceOf(Error);
    // The first error, not "current transaction is aborted" from the statements after it.
    expect(error.message).toMatch(/permission denied to create extension "vector"/);
    expect(error.message).toMatch(/CREATE EXTENSION vector;.* as a superuser/);
    expect(error.message).not.toMatch(/current transaction is aborted/);
    expect(refused.prisma.startup.describe()).toMatch(/^gave up; attempt 1 failed: SQLSTATE 42501/);

    // Done as the message says, the same role migrates the database.
    await superuserQuery(database.url, 'CREATE EXTENSION vector');
    const accepted = await startDatabase(url);
    expect(await accepted.outcome).toBe('started');
    await accepted.prisma.onApplicationShutdown();
  }, 60_000);

  it('says the role needs CREATE on its schema', async () => {
    const database = await created({ migrated: false });
    const role = await ordinaryRole();
    await superuserQuery(database.url, 'CREATE EXTENSION vector');
    const url = databaseUrl(sharedPostgres().adminUrl, database.name, role);

    const refused = await startDatabase(url);
    const error = (await refused.outcome) as Error;
    await refused.prisma.onApplicationShutdown();
    expect(error.message).toMatch(/needs CREATE on its schema.*permission denied for schema public/);

    await superuserQuery(database.url, `GRANT CREATE ON SCHEMA public TO ${role}`);
    const accepted = await startDatabase(url);
    expect(await accepted.outcome).toBe('started');
    await accepted.prisma.onApplicationShutdown();
  }, 60_000);
});
