import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { DatabaseStartCheck } from './database-start-check.js';
import { PrismaService } from './prisma.service.js';

/**
 * One PrismaService for the whole app; the database is ready (migrated, then checked by the
 * DatabaseStartCheck some global module provides: the gallery's embedder) before any module uses it.
 */
@Global()
@Module({
  providers: [
    {
      provide: PrismaService,
      // Required, not optional: Nest would take a check that failed to build for a missing one and serve the database unchecked.
      inject: [AppConfig, DatabaseStartCheck],
      useFactory: (config: AppConfig, check: DatabaseStartCheck) => PrismaService.connect(config, check),
    },
  ],
  exports: [PrismaService],
})
export class DatabaseModule {}
