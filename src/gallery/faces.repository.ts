import { Injectable } from '@nestjs/common';
import { toVectorLiteral } from '../common/embedding.js';
import { PrismaService } from '../database/prisma.service.js';
import type { DbClient } from '../database/db-client.js';
import { EmbedderContract } from '../inference/embedder-contract.js';
import type { NearestUser, NewFace } from './gallery-records.js';

interface NearestRow {
  probe: number;
  face_id: string;
  user_id: string;
  name: string;
  birthdate: Date;
  email: string | null;
  created_at: Date;
  similarity: number;
}

/** Faces read per probe before keeping one per user: enough for `k` distinct people when some have several faces. */
const facePoolFor = (k: number) => Math.max(10, 5 * k);

/**
 * The k-NN statement: for every probe, its nearest faces through the HNSW index (the inner ORDER BY
 * `<=>` with LIMIT, evaluated per probe by the LATERAL join), then the best face per user, then the
 * k best users. One statement for one probe or a whole group photo. $1 probes (vector literals),
 * $2 faces per probe, $3 users per probe. The probes are MATERIALIZED so that each literal is parsed
 * into a vector once: inlined, it is parsed again wherever a distance to it is computed (embedded
 * PostgreSQL, 1,000 faces: 12.6 ms instead of 4.4 for one probe, 96 ms instead of 18 for ten).
 */
const NEAREST_USERS_SQL = `
  WITH probes AS MATERIALIZED (
    SELECT (ordinality - 1)::int AS probe, literal::vector AS embedding
    FROM unnest($1::text[]) WITH ORDINALITY AS given(literal, ordinality)
  ),
  nearest_faces AS (
    SELECT p.probe, f.id AS face_id, f.user_id, f.distance
    FROM probes p
    CROSS JOIN LATERAL (
      SELECT id, user_id, embedding <=> p.embedding AS distance
      FROM faces
      ORDER BY embedding <=> p.embedding
      LIMIT $2
    ) f
  ),
  best_face_per_user AS (
    SELECT DISTINCT ON (probe, user_id) probe, user_id, face_id, distance
    FROM nearest_faces
    ORDER BY probe, user_id, distance
  ),
  ranked AS (
    SELECT *, row_number() OVER (PARTITION BY probe ORDER BY distance) AS rank
    FROM best_face_per_user
  )
  SELECT r.probe, r.face_id::text AS face_id, u.id::text AS user_id, u.name, u.birthdate, u.email, u.created_at,
         (1 - r.distance)::float8 AS similarity
  FROM ranked r JOIN users u ON u.id = r.user_id
  WHERE r.rank <= $3
  ORDER BY r.probe, r.distance`;

/**
 * Every statement on face vectors. pgvector operators are raw SQL; `<=>` is cosine distance. Each face
 * names the embedder that made it; the search needs no filter on it, since the start refuses a
 * gallery holding another embedder's faces (gallery-embedder.ts).
 */
@Injectable()
export class FacesRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly embedder: EmbedderContract,
  ) {}

  async insert(userId: string, face: NewFace, db: DbClient = this.prisma): Promise<string> {
    const rows = await db.$queryRawUnsafe<{ id: string }[]>(
      `INSERT INTO faces (id, user_id, embedding, detection_score, box, quality, embedder_id)
       VALUES (gen_random_uuid(), $1::uuid, $2::vector, $3, $4::jsonb, $5, $6)
       RETURNING id::text AS id`,
      userId,
      toVectorLiteral(face.embedding, this.embedder.dimension),
      face.detectionScore,
      JSON.stringify(face.box),
      face.quality,
      this.embedder.id,
    );
    return rows[0].id;
  }

  /**
   * For each probe, the `k` nearest enrolled people, best first, each once with their best face.
   * The result has one list per probe, in probe order (empty when the gallery is empty).
   */
  async nearestUsers(probes: readonly Float32Array[], k: number, db: DbClient = this.prisma): Promise<NearestUser[][]> {
    const byProbe: NearestUser[][] = probes.map(() => []);
    if (probes.length === 0) return byProbe;
    const parameters = this.nearestUsersParameters(probes, k);
    const rows = await this.prisma.inVectorSearch(db, (client) => client.$queryRawUnsafe<NearestRow[]>(NEAREST_USERS_SQL, ...parameters));
    for (const row of rows) {
      byProbe[row.probe].push({
        faceId: row.face_id,
        similarity: Number(row.similarity),
        user: { id: row.user_id, name: row.name, birthdate: row.birthdate, email: row.email, createdAt: row.created_at },
      });
    }
    return byProbe;
  }

  /** The plan of exactly the statement nearestUsers runs, with the same settings: proof that the HNSW index serves it. */
  async explainNearestUsers(probes: readonly Float32Array[], k: number, db: DbClient = this.prisma): Promise<string> {
    const parameters = this.nearestUsersParameters(probes, k);
    const rows = await this.prisma.inVectorSearch(db, (client) =>
      client.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${NEAREST_USERS_SQL}`, ...parameters),
    );
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  }

  async userExists(userId: string): Promise<boolean> {
    const rows = await this.prisma.$queryRawUnsafe<{ found: boolean }[]>(`SELECT EXISTS (SELECT 1 FROM users WHERE id = $1::uuid) AS found`, userId);
    return rows[0].found;
  }

  /** Best cosine similarity between `embedding` and any face of one user; null if they have none. */
  async bestSimilarityForUser(userId: string, embedding: Float32Array): Promise<number | null> {
    const rows = await this.prisma.$queryRawUnsafe<{ similarity: number | null }[]>(
      `SELECT max(1 - (embedding <=> $2::vector))::float8 AS similarity FROM faces WHERE user_id = $1::uuid`,
      userId,
      toVectorLiteral(embedding, this.embedder.dimension),
    );
    return rows[0]?.similarity ?? null;
  }

  count(): Promise<number> {
    return this.prisma.face.count();
  }

  private nearestUsersParameters(probes: readonly Float32Array[], k: number): [string[], number, number] {
    return [probes.map((probe) => toVectorLiteral(probe, this.embedder.dimension)), facePoolFor(k), k];
  }
}
