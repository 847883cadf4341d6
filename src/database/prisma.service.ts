import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import path from 'node:path';
import { projectRoot } from '../common/paths.js';
import { AppConfig } from '../config/app-config.js';
import { PrismaClient } from '../generated/prisma/client.js';
import { startEmbeddedPostgres, pgliteRunner } from './embedded-postgres.js';
import { withExternalRunner } from './external-postgres.js';
import { applyMigrations, readMigrations } from './migrations.js';

/** A stopped database must turn into a quick 503, not a request that hangs. */
const CONNECT_TIMEOUT_MS = 3000;

/**
 * The Prisma client, on PGlite (embedded default) or on an external PostgreSQL through
 * adapter-pg. Created by `PrismaService.connect`, which applies pending migrations first.
 */
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private closeEmbedded?: () => Promise<void>;

  static async connect(config: AppConfig): Promise<PrismaService> {
    const logger = new Logger('Database');
    const migrations = await readMigrations(path.join(projectRoot(), 'prisma', 'migrations'));
    if (config.databaseUrl === undefined) {
      const pglite = await startEmbeddedPostgres(config.dataDir, { sharedBuffersMb: config.embeddedSharedBuffersMb });
      const applied = await applyMigrations(pgliteRunner(pglite), migrations);
      // PGlite has a single session, so a session setting holds for every query.
      await pglite.exec(`SET hnsw.ef_search = ${config.hnswEfSearch}`);
      logger.log(`Embedded PostgreSQL ready under ${path.resolve(config.dataDir)}; migrations applied: ${applied.length}`);
      const service = new PrismaService({ adapter: new PrismaPGlite(pglite) });
      service.closeEmbedded = () => pglite.close();
      return service;
    }
    const applied = await withExternalRunner(config.databaseUrl, (runner) => applyMigrations(runner, migrations));
    logger.log(`External PostgreSQL ready; migrations applied: ${applied.length}`);
    const adapter = new PrismaPg({
      connectionString: config.databaseUrl,
      max: config.databasePoolMax,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      // Applied by PostgreSQL to every pooled session at connect time.
      options: `-c hnsw.ef_search=${config.hnswEfSearch}`,
    });
    return new PrismaService({ adapter });
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
    await this.$disconnect();
    if (this.closeEmbedded) {
      await this.closeEmbedded();
      this.logger.log('Embedded PostgreSQL closed');
    }
  }
}
