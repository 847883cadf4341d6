import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { CacheModule } from './cache/cache.module.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { FacesModule } from './faces/faces.module.js';
import { GalleryEmbedderModule } from './gallery/gallery-embedder.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { SecurityModule } from './security/security.module.js';
import { UsersModule } from './users/users.module.js';

/** Imports the domain modules, nothing else. `overrides` lets tests set env vars without touching process.env. */
@Module({})
export class AppModule {
  static forRoot(overrides: Record<string, string | undefined> = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(overrides),
        ScheduleModule.forRoot(),
        SecurityModule,
        MetricsModule,
        GalleryEmbedderModule,
        DatabaseModule,
        CacheModule,
        UsersModule,
        FacesModule,
        HealthModule,
      ],
    };
  }
}
