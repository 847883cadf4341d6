import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { configureApp, createLogger } from './app.setup.js';
import { installGracefulShutdown } from './common/graceful-shutdown.js';
import { AppConfig } from './config/app-config.js';
import { InvalidEnvironmentError } from './config/environment.js';
import { PrismaService } from './database/prisma.service.js';
import { ServingState } from './health/serving-state.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(), { bufferLogs: true });
  const config = app.get(AppConfig);
  app.useLogger(createLogger(config.logLevel));
  configureApp(app);
  if (config.apiKeys.length === 0) {
    new Logger('Security').warn('API_KEYS is unset: the API is open to anyone who can reach it (local development only)');
  }
  await app.listen(config.port);
  const serving = app.get(ServingState, { strict: false });
  installGracefulShutdown(app, config.shutdownDrainMs, { onDrainStart: () => serving.startDraining() });
  new Logger('Bootstrap').log(`Face Matrix listening on port ${config.port}; Swagger at /api/docs`);
  // An external database that stays unreachable past DATABASE_START_TIMEOUT_MS, or refuses the
  // migrations, ends the process (the cause is already logged); the orchestrator restarts it.
  app.get(PrismaService).started.catch(() => app.close().finally(() => process.exit(1)));
}

bootstrap().catch((error: unknown) => {
  // Configuration errors are the user's to fix: show the message without a stack.
  const message = error instanceof InvalidEnvironmentError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(message);
  process.exit(1);
});
