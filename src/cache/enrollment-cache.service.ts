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
    const [key] = await this.issueMany([{ embedding, metadata }]);
    return key;
  }

  /** One key per face, in order, all stored in one insert (the unknown faces of a group photo). */
  async issueMany(faces: readonly { embedding: Float32Array; metadata: EnrollmentKeyMetadata }[]): Promise<EnrollmentKey[]> {
    const expiresAt = new Date(Date.now() + this.config.enrollmentTtlSeconds * 1000);
    // 128 random bits each: unguessable, and the key is the only thing a client needs to present.
    const entries = faces.map(({ embedding, metadata }) => ({ key: randomBytes(16).toString('base64url'), embedding, metadata, expiresAt }));
    await this.repository.putMany(entries);
    return entries.map(({ key }) => ({ reqId: key, expiresAt }));
  }

  /** The cached face for a key, consumed; null when unknown, expired or already used. */
  take(reqId: string, db?: DbClient): Promise<CachedFace | null> {
    return this.repository.takeOnce(reqId, db);
  }
}
