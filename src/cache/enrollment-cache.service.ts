import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { CachedFace, EnrollmentCacheRepository } from './enrollment-cache.repository.js';
import type { DbClient } from '../database/db-client.js';
import type { EnrollmentKeyMetadata } from './enrollment-key.js';

export interface EnrollmentKey {
  reqId: string;
  expiresAt: Date;
}

/**
 * Issues short-lived, single-use enrollment keys for the vector of a face that matched no one,
 * so the person can enroll without uploading again.
 */
@Injectable()
export class EnrollmentCacheService {
  constructor(
    private readonly repository: EnrollmentCacheRepository,
    private readonly config: AppConfig,
  ) {}

  async issue(embedding: Float32Array, metadata: EnrollmentKeyMetadata): Promise<EnrollmentKey> {
    // 128 random bits: unguessable, and the key is the only thing a client needs to present.
    const reqId = randomBytes(16).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.enrollmentTtlSeconds * 1000);
    await this.repository.put(reqId, embedding, metadata, expiresAt);
    return { reqId, expiresAt };
  }

  /** The cached face for a key, consumed; null when unknown, expired or already used. */
  take(reqId: string, db?: DbClient): Promise<CachedFace | null> {
    return this.repository.takeOnce(reqId, db);
  }
}
