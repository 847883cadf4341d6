import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { PrismaService } from './prisma.service.js';

/** One PrismaService for the whole app; the database is ready (and migrated) before any module uses it. */
@Global()
@Module({
  providers: [{ provide: PrismaService, inject: [AppConfig], useFactory: (config: AppConfig) => PrismaService.connect(config) }],
  exports: [PrismaService],
})
export class DatabaseModule {}
