import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config.js';
import { validateEnvironment } from './environment.js';

/** Provides AppConfig everywhere. Validation runs here, so a bad variable stops the start. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(overrides: Record<string, string | undefined> = {}): DynamicModule {
    const config = new AppConfig(validateEnvironment({ ...process.env, ...overrides }));
    return { module: ConfigModule, providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] };
  }
}
