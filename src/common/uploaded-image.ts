import { MulterModule } from '@nestjs/platform-express';
import { memoryStorage } from 'multer';
import { AppConfig } from '../config/app-config.js';
import { ApiError } from './api-error.js';

/**
 * Uploads stay in memory (they are small, and biometric: never written to disk) and are capped
 * at MAX_UPLOAD_BYTES; one file per request, a few short text fields.
 */
export const ImageUploadModule = MulterModule.registerAsync({
  inject: [AppConfig],
  useFactory: (config: AppConfig) => ({
    storage: memoryStorage(),
    limits: { fileSize: config.maxUploadBytes, files: 1, fields: 10, fieldSize: 4096, parts: 12 },
  }),
});

/** The `image` part's bytes; a missing or empty file is a 400 naming the field. */
export function requireImage(file: Express.Multer.File | undefined): Buffer {
  if (!file || file.size === 0) {
    throw ApiError.badRequest('An image file is required', [{ field: 'image', message: 'send a JPEG, PNG or WebP file in the `image` field' }]);
  }
  return file.buffer;
}
