import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { projectRoot } from '../../src/common/paths.js';
import { withExternalRunner } from '../../src/database/external-postgres.js';
import { applyMigrations, readMigrations } from '../../src/database/migrations.js';

const run = promisify(execFile);
const CLUSTER_SCRIPT = path.join(projectRoot(), 'tools/postgres/test-cluster.sh');

/** Why the real-PostgreSQL tier cannot run here; undefined when it can. */
export const realPostgresSkipReason: string | undefined = process.env.TEST_POSTGRES_URL
  ? undefined
  : 'TEST_POSTGRES_URL is unset: start a throw-away cluster with `eval "$(npm run -s pg:start)"` (.ci/run does)';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Runs one statement as the cluster's superuser on a short-lived connection. */
export async function superuserQuery<Row extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export function databaseUrl(adminUrl: string, database: string, user?: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  if (user) url.username = user;
  return url.toString();
}

let counter = 0;

/**
 * A PostgreSQL server the tests may create databases on, reached as a superuser. Each suite gets
 * its own database: copied from a template that already holds the migrations (fast), or empty.
 */
export class PostgresServer {
  private template?: Promise<string>;

  constructor(readonly adminUrl: string) {}

  /** `migrated: false` = an empty database, as a first deployment finds it. */
  async createDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
    const name = `fm_test_${process.pid}_${++counter}_${randomBytes(3).toString('hex')}`;
    const template = options.migrated === false ? 'template1' : await (this.template ??= this.migratedTemplate());
    await superuserQuery(this.adminUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    return {
      name,
      url: databaseUrl(this.adminUrl, name),
      drop: async () => {
        await superuserQuery(this.adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      },
    };
  }

  /** One template per set of migrations, kept across runs on a developer's long-lived cluster. */
  private async migratedTemplate(): Promise<string> {
    const migrations = await readMigrations(path.join(projectRoot(), 'prisma', 'migrations'));
    const hash = createHash('sha256')
      .update(migrations.map((m) => `${m.name}:${m.checksum}`).join('\n'))
      .digest('hex')
      .slice(0, 12);
    const name = `fm_template_${hash}`;
    const client = new pg.Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      // Two test processes on one developer cluster must not build it twice.
      await client.query('SELECT pg_advisory_lock(7234999)');
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) {
        const building = `${name}_building`;
        await client.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
        await client.query(`CREATE DATABASE "${building}"`);
        await withExternalRunner(databaseUrl(this.adminUrl, building), (runner) => applyMigrations(runner, migrations));
        await client.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
      }
    } finally {
      await client.end();
    }
    return name;
  }
}

let shared: PostgresServer | undefined;

/** The cluster .ci/run (or `npm run pg:start`) started for the whole run. */
export function sharedPostgres(): PostgresServer {
  if (realPostgresSkipReason) throw new Error(realPostgresSkipReason);
  return (shared ??= new PostgresServer(process.env.TEST_POSTGRES_URL!));
}

/**
 * A cluster of a suite's own, for tests that stop the server or need other settings
 * (max_connections): started and stopped with the same script as CI's shared cluster.
 */
export class PostgresCluster extends PostgresServer {
  private constructor(
    adminUrl: string,
    readonly dir: string,
  ) {
    super(adminUrl);
  }

  static async start(settings: Record<string, string | number> = {}): Promise<PostgresCluster> {
    const args = Object.entries(settings).map(([name, value]) => `${name}=${value}`);
    const { stdout } = await run('bash', [CLUSTER_SCRIPT, 'start', ...args]);
    const exported = Object.fromEntries([...stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((match) => [match[1], match[2]]));
    return new PostgresCluster(exported.TEST_POSTGRES_URL, exported.TEST_POSTGRES_DIR);
  }

  /** Fast shutdown: PostgreSQL kills every session (57P01), as in a failover. */
  async stop(): Promise<void> {
    await run('bash', [CLUSTER_SCRIPT, 'ctl', this.dir, 'stop', '-m', 'fast', '-w']);
  }

  async start(): Promise<void> {
    await run('bash', [CLUSTER_SCRIPT, 'ctl', this.dir, 'start', '-w', '-t', '60']);
  }

  async destroy(): Promise<void> {
    await run('bash', [CLUSTER_SCRIPT, 'stop', this.dir]);
  }
}
