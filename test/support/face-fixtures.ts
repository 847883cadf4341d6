import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OnnxRuntimeBackend } from '../../src/inference/onnx-runtime.backend.js';

/** Fixtures for face tests: the npm-shipped demo photos (always there) and ../shared/data (maybe not). */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const modelRepository = join(repoRoot, 'model_repository');
export const sharedDataDir = resolve(repoRoot, '../shared/data');

/** sample1..6.jpg of @vladmandic/face-api: 1920 px wide group photos, 3 to 5 faces each. */
export function npmSamplePhoto(index: number): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo', `sample${index}.jpg`);
}

/** True when ../shared/data is beside the checkout; otherwise prints why the caller skips. */
export function sharedDataAvailable(what: string): boolean {
  if (existsSync(join(sharedDataDir, 'lfw-dev'))) return true;
  console.log(`Skipping ${what}: ${sharedDataDir} not found (shared test photos are not in the repository)`);
  return false;
}

/** The real ONNX Runtime backend over the built model repository (`npm install` builds it). */
export function createOnnxBackend(): Promise<OnnxRuntimeBackend> {
  return OnnxRuntimeBackend.create({ modelRepository, ortIntraOpThreads: 1 });
}
