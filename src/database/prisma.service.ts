import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import path from 'node:path';
import { projectRoot } from '../common/paths.js';
import { AppConfig } from '../config/app-config.js';
import { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { DatabaseStartup } from './database-startup.js';
import { startEmbeddedPostgres, pgliteRunner } from './embedded-postgres.js';
import { connectionPool, withExternalRunner } from './external-postgres.js';
import type { DatabaseStartCheck } from './database-start-check.js';
import { applyMigrations, readMigrations, SqlRunner } from './migrations.js';
import { ResilientAdapterFactory, retryOnBrokenConnection } from './resilient-adapter.js';

/** A stopped database must turn into a quick 503, not a request that hangs. */
export const CONNECT_TIMEOUT_MS = 3000;
/** Waiting for a pooled connection, or a transaction running long, means overload: a 503 (P2028), not a hang. */
const TRANSACTION_OPTIONS = { maxWait: CONNECT_TIMEOUT_MS, timeout: 10_000 };

/** The client a repository runs on: the service itself, or the client of an open transaction. */
export type DbClient = Omit<
  PrismaService,
  | '$connect'
  | '$disconnect'
  | '$on'
  | '$transaction'
  | '$extends'
  | 'ping'
  | 'onApplicationShutdown'
  | 'inVectorSearch'
  | 'started'
  | 'startup'
  | 'hnswEfSearch'
>;

/**
 * The Prisma client, on PGlite (embedded default) or on an external PostgreSQL through
 * adapter-pg. Created by `PrismaService.connect`: the embedded database is migrated before it
 * returns; an external one in the background (`started`), retried until DATABASE_START_TIMEOUT_MS,
 * so that the app listens meanwhile and its readiness probe says what it waits for.
 */
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private closeEmbedded?: () => Promise<void>;
  /** Resolves once the database is migrated; rejects when the start gave up (main.ts then exits). */
  started: Promise<void> = Promise.resolve();
  startup = DatabaseStartup.alreadyReady();
  /** pgvector's HNSW candidate list size for k-NN statements (HNSW_EF_SEARCH); bench:scale varies it. */
  hnswEfSearch = 40;

  /** `check` runs after the migrations, before anything is served; its failure stops the start (DatabaseStartCheck). */
  static async connect(config: AppConfig, check?: DatabaseStartCheck): Promise<PrismaService> {
    const logger = new Logger('Database');
    const migrations = await readMigrations(path.join(projectRoot(), 'prisma', 'migrations'));
    const migrate = async (runner: SqlRunner) => {
      const applied = await applyMigrations(runner, migrations);
      await check?.afterMigrations(runner);
      return applied;
    };
    if (config.databaseUrl === undefined) {
      const pglite = await startEmbeddedPostgres(config.dataDir, { sharedBuffersMb: config.embeddedSharedBuffersMb });
      // Closed on a refusal, so that the data directory is left as it was, for the next start.
      const applied = await migrate(pgliteRunner(pglite)).catch(async (error: unknown) => {
        await pglite.close().catch(() => undefined);
        throw error;
      });
      logger.log(`Embedded PostgreSQL ready under ${path.resolve(config.dataDir)}; migrations applied: ${applied.length}`);
      const service = new PrismaService({ adapter: new PrismaPGlite(pglite), transactionOptions: TRANSACTION_OPTIONS });
      service.hnswEfSearch = config.hnswEfSearch;
      service.closeEmbedded = () => pglite.close();
      return service;
    }
    const databaseUrl = config.databaseUrl;
    const startup = new DatabaseStartup(config.databaseStartTimeoutMs);
    const pg = new PrismaPg(connectionPool(databaseUrl, config.databasePoolMax, CONNECT_TIMEOUT_MS), { disposeExternalPool: true });
    const service = new PrismaService({ adapter: new ResilientAdapterFactory(pg, startup), transactionOptions: TRANSACTION_OPTIONS });
    service.hnswEfSearch = config.hnswEfSearch;
    service.startup = startup;
    service.started = startup.run(async () => {
      const applied = await withExternalRunner(databaseUrl, migrate, CONNECT_TIMEOUT_MS);
      logger.log(`External PostgreSQL ready; migrations applied: ${applied.length}`);
    });
    service.started.catch((error: unknown) => logger.error(`Database start failed: ${error instanceof Error ? error.message : String(error)}`));
    return service;
  }

  /**
   * Runs k-NN statements in a transaction whose settings make the HNSW index serve them at any
   * gallery size and ef_search: hnsw.ef_search set per transaction (PgBouncer-style poolers refuse
   * it as a startup option), and no sequential scan, which the planner underprices once the 512-D
   * vectors live out of line (bench:scale: 110-150 ms instead of 3-4 ms from ~50k faces at ef_search 100).
   * Inside the caller's transaction when `db` is one; otherwise in its own, retried once on a dead connection.
   */
  async inVectorSearch<T>(db: DbClient, statement: (client: DbClient) => Prisma.PrismaPromise<T>): Promise<T> {
    const settings = (client: DbClient) =>
      client.$queryRawUnsafe(`SELECT set_config('hnsw.ef_search', $1, true), set_config('enable_seqscan', 'off', true)`, String(this.hnswEfSearch));
    if (db !== this) {
      await settings(db);
      return statement(db);
    }
    // A batch transaction: BEGIN, both statements, COMMIT, without an interactive transaction's bookkeeping.
    return retryOnBrokenConnection(async () => (await this.$transaction([settings(this), statement(this)]))[1]);
  }

  /** Resolves when the database answers a trivial query within the timeout. */
  async ping(timeoutMs = 2000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`database did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.$queryRawUnsafe('SELECT 1'), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.startup.cancel();
    // A start attempt in flight ends within the connect timeout (or waits on another replica's migration lock).
    await Promise.race([this.started.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, CONNECT_TIMEOUT_MS).unref())]);
    await this.$disconnect();
    if (this.closeEmbedded) {
      await this.closeEmbedded();
      this.logger.log('Embedded PostgreSQL closed');
    }
  }
}
