import { Injectable } from '@nestjs/common';
import { toVectorLiteral } from '../common/embedding.js';
import { PrismaService } from '../database/prisma.service.js';
import type { DbClient } from '../database/db-client.js';
import type { NearestUser, NewFace } from './face-record.js';

interface NearestRow {
  face_id: string;
  user_id: string;
  name: string;
  birthdate: Date;
  email: string | null;
  created_at: Date;
  similarity: number;
}

const NEAREST_SQL = `WITH nearest AS (
    SELECT id, user_id, embedding <=> $1::vector AS distance
    FROM faces
    ORDER BY embedding <=> $1::vector
    LIMIT $2
  )
  SELECT n.id::text AS face_id, u.id::text AS user_id, u.name, u.birthdate, u.email, u.created_at,
         (1 - n.distance)::float8 AS similarity
  FROM nearest n JOIN users u ON u.id = n.user_id
  ORDER BY n.distance`;

/** Every statement on face vectors. pgvector operators are raw SQL; `<=>` is cosine distance. */
@Injectable()
export class FacesRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insert(userId: string, face: NewFace, db: DbClient = this.prisma): Promise<string> {
    const rows = await db.$queryRawUnsafe<{ id: string }[]>(
      `INSERT INTO faces (id, user_id, embedding, detection_score, box, quality)
       VALUES (gen_random_uuid(), $1::uuid, $2::vector, $3, $4::jsonb, $5)
       RETURNING id::text AS id`,
      userId,
      toVectorLiteral(face.embedding),
      face.detectionScore,
      JSON.stringify(face.box),
      face.quality,
    );
    return rows[0].id;
  }

  /**
   * The k faces nearest to `embedding`, best first, one row per face. The inner ORDER BY
   * `<=>` with LIMIT is what lets PostgreSQL walk the HNSW index; the join comes after.
   */
  async findNearest(embedding: Float32Array, k: number, db: DbClient = this.prisma): Promise<NearestUser[]> {
    const probe = toVectorLiteral(embedding);
    const rows = await this.prisma.inVectorSearch(db, (tx) => tx.$queryRawUnsafe<NearestRow[]>(NEAREST_SQL, probe, k));
    return rows.map((row) => ({
      faceId: row.face_id,
      similarity: Number(row.similarity),
      user: { id: row.user_id, name: row.name, birthdate: row.birthdate, email: row.email, createdAt: row.created_at },
    }));
  }

  /** Best cosine similarity between `embedding` and any face of one user; null if they have none. */
  async bestSimilarityForUser(userId: string, embedding: Float32Array): Promise<number | null> {
    const rows = await this.prisma.$queryRawUnsafe<{ similarity: number | null }[]>(
      `SELECT max(1 - (embedding <=> $2::vector))::float8 AS similarity FROM faces WHERE user_id = $1::uuid`,
      userId,
      toVectorLiteral(embedding),
    );
    return rows[0]?.similarity ?? null;
  }

  /** The plan of the very statement findNearest runs, with the same settings: proof that the HNSW index serves it. */
  async explainNearest(embedding: Float32Array, k: number, db: DbClient = this.prisma): Promise<string> {
    const probe = toVectorLiteral(embedding);
    const rows = await this.prisma.inVectorSearch(db, (tx) => tx.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${NEAREST_SQL}`, probe, k));
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  }

  count(): Promise<number> {
    return this.prisma.face.count();
  }
}
