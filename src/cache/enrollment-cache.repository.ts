import { Injectable } from '@nestjs/common';
import { fromVectorLiteral, toVectorLiteral } from '../common/embedding.js';
import { PrismaService } from '../database/prisma.service.js';
import type { DbClient } from '../database/db-client.js';
import { EmbedderContract } from '../inference/embedder-contract.js';
import { EnrollmentKeyMetadata, parseEnrollmentKeyMetadata } from './enrollment-key.js';

export interface CachedFace {
  embedding: Float32Array;
  metadata: EnrollmentKeyMetadata;
  expiresAt: Date;
}

/** A face to park under its key. */
export interface CacheEntry {
  key: string;
  embedding: Float32Array;
  metadata: EnrollmentKeyMetadata;
  expiresAt: Date;
}

/**
 * Every statement on vectors_cache: the face vectors of recent no-matches, waiting for add_user. Each
 * names the embedder that made it, and only the configured embedder's are ever taken.
 */
@Injectable()
export class EnrollmentCacheRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly embedder: EmbedderContract,
  ) {}

  put(key: string, embedding: Float32Array, metadata: EnrollmentKeyMetadata, expiresAt: Date): Promise<void> {
    return this.putMany([{ key, embedding, metadata, expiresAt }]);
  }

  /** Parks several faces in one statement: a group photo's unknown faces cost one round trip. */
  async putMany(entries: readonly CacheEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.prisma.$executeRawUnsafe(
      `INSERT INTO vectors_cache (key, embedding, metadata, expires_at, embedder_id)
       SELECT key, literal::vector, metadata::jsonb, expires_at::timestamptz, $5::text
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS entry(key, literal, metadata, expires_at)`,
      entries.map((entry) => entry.key),
      entries.map((entry) => toVectorLiteral(entry.embedding, this.embedder.dimension)),
      entries.map((entry) => JSON.stringify(entry.metadata)),
      entries.map((entry) => entry.expiresAt.toISOString()),
      this.embedder.id,
    );
  }

  /**
   * Removes and returns the entry in one statement, so two concurrent takes of one key
   * cannot both succeed. An expired entry is never returned, even before the purge runs, nor one
   * another embedder made (a replica still running the old one): for this embedder that key is unknown.
   */
  async takeOnce(key: string, db: DbClient = this.prisma): Promise<CachedFace | null> {
    const rows = await db.$queryRawUnsafe<{ embedding: string; metadata: unknown; expires_at: Date }[]>(
      `DELETE FROM vectors_cache WHERE key = $1 AND expires_at > now() AND embedder_id = $2
       RETURNING embedding::text AS embedding, metadata, expires_at`,
      key,
      this.embedder.id,
    );
    const row = rows[0];
    return row
      ? {
          embedding: fromVectorLiteral(row.embedding, this.embedder.dimension),
          metadata: parseEnrollmentKeyMetadata(row.metadata),
          expiresAt: row.expires_at,
        }
      : null;
  }

  /** Deletes every expired entry; returns how many went. */
  purgeExpired(): Promise<number> {
    return this.prisma.$executeRawUnsafe(`DELETE FROM vectors_cache WHERE expires_at <= now()`);
  }

  count(): Promise<number> {
    return this.prisma.vectorsCache.count();
  }
}
