import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { AppModule } from '../app.module.js';
import { buildOpenApiDocument } from './openapi.js';

/**
 * The document /api/docs-json serves, built without a server, a database or models: preview mode
 * reads the controllers' metadata without creating any provider.
 */
export async function createOpenApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create(AppModule.forRoot(), { preview: true, logger: false, abortOnError: false });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

// `node dist/src/docs/write-openapi.js FILE` (npm run lint:openapi) writes it to FILE.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: write-openapi.js FILE');
  writeFileSync(file, `${JSON.stringify(await createOpenApiDocument(), null, 2)}\n`);
  console.log(`wrote ${file}`);
}
