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
      inject: [AppConfig, { token: DatabaseStartCheck, optional: true }],
      useFactory: (config: AppConfig, check?: DatabaseStartCheck) => PrismaService.connect(config, check),
    },
  ],
  exports: [PrismaService],
})
export class DatabaseModule {}
